"""Services on guidance documents: create a repository, import, render, list, versions, history.

Plain functions with keyword-only arguments; the CLI and the flows call these, never the
adapters directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coproduce.document.carry import carry_over
from coproduce.errors import ConflictError, InvalidInputError, NotFoundError
from coproduce.files import write_atomically
from coproduce.models import Document, Person, approved_tag, is_slug
from coproduce.models.version import parse_version_number
from coproduce.resources import reference_docx, sample_guidance_dir
from coproduce.store import GuidanceRepo

SAMPLE_SLUGS = ("exploitation-protocol",)
RENDER_FORMATS = ("docx", "html", "md")


@dataclass
class CreatedRepository:
    """What ``create_repository`` made."""

    root: Path
    documents: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportResult:
    """What ``import_document`` did."""

    slug: str
    commit: str
    words: int
    tag: str | None
    warnings: list[str]


def create_repository(
    *, path: Path, sample: bool = False, author: str | None = None
) -> CreatedRepository:
    """Create a guidance repository; with ``sample``, add the sample guidance approved as v1.0."""
    from coproduce.config import load_settings
    from coproduce.store import resolve_author

    person = resolve_author(author, load_settings(None, os.environ))
    repo = GuidanceRepo.init(path, author=person)
    created = CreatedRepository(root=repo.root)
    if sample:
        for slug in SAMPLE_SLUGS:
            created.documents.append((slug, _add_sample(repo, slug=slug, author=person)))
    return created


def _add_sample(repo: GuidanceRepo, *, slug: str, author: Person) -> str:
    folder = sample_guidance_dir()
    files: dict[str, str | bytes | None] = {}
    for name in (f"{slug}.md", f"{slug}.young-people.md"):
        source = folder / name
        if source.exists():
            files[f"guidance/{name}"] = source.read_text(encoding="utf-8")
    if f"guidance/{slug}.md" not in files:
        raise NotFoundError(f"sample guidance missing: {folder / (slug + '.md')}")
    from coproduce.document import parse_markdown

    document = parse_markdown(str(files[f"guidance/{slug}.md"]), slug=slug)
    repo.commit_files(files, author=author, message=f"Add sample guidance: {document.meta.title}")
    return repo.approve(
        slug, document.meta.version, author=author, message="Sample guidance, approved"
    )


def load_source(source: Path, *, slug: str) -> tuple[Document, list[str]]:
    """Read a .docx or .md file into a Document, with the warnings the import raised."""
    if not source.is_file():
        raise NotFoundError(f"no such file: {source}")
    try:
        return _read_source(source, slug=slug)
    except InvalidInputError as e:  # say which file: the readers only see its content
        raise InvalidInputError(f"{source.name}: {e}", problems=e.problems) from e


def _read_source(source: Path, *, slug: str) -> tuple[Document, list[str]]:
    suffix = source.suffix.lower()
    if suffix == ".md":
        from coproduce.document import parse_markdown_with_warnings

        return parse_markdown_with_warnings(source.read_text(encoding="utf-8"), slug=slug)
    if suffix in (".docx", ".docm", ".doc", ".dotx", ".pdf", ".odt", ".rtf", ""):
        from coproduce.docx import read_docx

        result = read_docx(source, slug=slug)
        return result.document, list(result.warnings)
    raise InvalidInputError(
        "cannot import this kind of file: expected a Word .docx or Markdown .md"
    )


def import_document(
    *,
    repo: GuidanceRepo,
    source: Path,
    slug: str,
    author: Person,
    approved: str | None = None,
    replace: bool = False,
    message: str | None = None,
) -> ImportResult:
    """Import a Word or Markdown file as ``guidance/<slug>.md`` and commit it as ``author``.

    Everything is checked before anything is written: a bad file, a taken slug, an approval
    number that is not new all leave the repository as it was.
    """
    if not is_slug(slug):
        raise InvalidInputError(
            f"invalid slug {slug!r}: use lowercase letters, digits and hyphens (e.g. escalation)"
        )
    exists = repo.exists(slug)
    if exists and not replace:
        raise ConflictError(f"duplicate slug: guidance/{slug}.md already exists (use --replace)")
    if approved is not None:
        _check_new_version(repo, slug=slug, number=approved, exists=exists)
    document, warnings = load_source(source, slug=slug)
    if exists:
        document = _as_next_draft(repo, slug, carry_over(document, repo.read_document(slug)))
    if approved is not None:
        meta = document.meta.model_copy(update={"status": "approved", "version": approved})
        document = document.model_copy(update={"meta": meta})
    commit = repo.write_document(
        document,
        slug=slug,
        author=author,
        message=message or f"Import {source.name} as {slug}",
        create=not replace,
    )
    tag = None
    if approved is not None:
        tag = repo.approve(
            slug, approved, author=author, message=f"Approved on import of {source.name}"
        )
    return ImportResult(
        slug=slug, commit=commit, words=document.word_count(), tag=tag, warnings=warnings
    )


def _as_next_draft(repo: GuidanceRepo, slug: str, document: Document) -> Document:
    """Return a replacement text numbered as the draft after the latest approved version."""
    from coproduce.versioning import next_draft_number

    latest = repo.latest_approved(slug)
    update: dict[str, str] = {"status": "draft"}
    if latest is not None and latest.number:
        update["version"] = next_draft_number(latest.number)
    elif "version" in repo.read_document(slug).meta.model_fields_set:
        update["version"] = repo.read_document(slug).meta.version
    return document.model_copy(update={"meta": document.meta.model_copy(update=update)})


def _check_new_version(repo: GuidanceRepo, *, slug: str, number: str, exists: bool) -> None:
    wanted = parse_version_number(number)
    latest = repo.latest_approved(slug) if exists else None
    if latest is not None and latest.number and parse_version_number(latest.number) >= wanted:
        raise ConflictError(f"{approved_tag(slug, number)} is not newer than {latest.tag}")
    try:
        repo.resolve(approved_tag(slug, number))
    except NotFoundError:
        return
    raise ConflictError(f"tag {approved_tag(slug, number)} already exists")


def render_document(
    *,
    repo: GuidanceRepo,
    slug: str,
    rev: str | None = None,
    fmt: str = "docx",
    output: Path,
    organisation: str = "",
) -> Path:
    """Render one version of a document as docx, html or md to ``output`` (written atomically).

    Status and version are those git records (see ``coproduce.versioning``); an empty owner is
    filled with ``organisation`` in the Word and HTML renderings.
    """
    from coproduce.versioning import standing_document

    if fmt not in RENDER_FORMATS:
        raise InvalidInputError(
            f"unknown format {fmt!r}: choose one of {', '.join(RENDER_FORMATS)}"
        )
    if not repo.exists(slug, "HEAD") and not repo.exists(slug):
        raise repo.unknown_document(slug, None)
    if rev is not None:
        repo.resolve_for(slug, rev, option="--rev")
    document = standing_document(repo, slug, rev=rev)
    if fmt != "md" and not document.meta.owner and organisation:
        meta = document.meta.model_copy(update={"owner": organisation})
        document = document.model_copy(update={"meta": meta})
    if not output.parent.exists():
        raise NotFoundError(f"output folder does not exist: {output.parent}")
    data = render_bytes(document, fmt=fmt, reference=reference_for(repo))
    write_atomically(output, data)
    return output


def reference_for(repo: GuidanceRepo) -> Path:
    """Return the repository's own ``templates/reference.docx`` if it has one, else ours."""
    own = repo.root / "templates" / "reference.docx"
    return own if own.is_file() else reference_docx()


def render_bytes(document: Document, *, fmt: str, reference: Path | None = None) -> bytes:
    """Return ``document`` rendered as docx, html or md."""
    if fmt == "docx":
        from coproduce.docx import render_docx_bytes

        return render_docx_bytes(document, reference=reference)
    if fmt == "html":
        from coproduce.document import render_html

        return render_html(document).encode("utf-8")
    from coproduce.document import render_markdown

    return render_markdown(document).encode("utf-8")


def list_documents(*, repo: GuidanceRepo) -> list[dict[str, Any]]:
    """Return one row per document: slug, title, status, version, latest approved tag."""
    from coproduce.versioning import standing_document

    rows = []
    for slug in repo.list_documents():
        document = standing_document(repo, slug)
        latest = repo.latest_approved(slug)
        rows.append(
            {
                "slug": slug,
                "title": document.meta.title,
                "status": document.meta.status,
                "version": document.meta.version,
                "approved": latest.tag if latest else None,
                "words": document.word_count(),
            }
        )
    return rows


def version_rows(*, repo: GuidanceRepo, slug: str) -> list[dict[str, Any]]:
    """Return the versions of a document as JSON-ready rows, newest first."""
    return [
        {
            "commit": v.commit,
            "date": v.date.isoformat(),
            "author": v.author.name,
            "email": v.author.email,
            "message": v.message.splitlines()[0] if v.message else "",
            "tag": v.tag,
            "version": v.number,
            "approved": v.approved,
        }
        for v in repo.versions(slug)
    ]


def section_rows(*, repo: GuidanceRepo, slug: str, section: str) -> list[dict[str, Any]]:
    """Return the history of one section as JSON-ready rows, newest first."""
    from coproduce.store import section_history

    return [
        {
            "commit": c.commit,
            "date": c.date.isoformat(),
            "author": c.author.name,
            "email": c.author.email,
            "change": c.change,
            "message": c.message.splitlines()[0] if c.message else "",
            "feedback": c.feedback,
        }
        for c in section_history(repo, slug, section)
    ]
