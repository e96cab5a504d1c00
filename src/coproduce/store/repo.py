"""The guidance repository: documents in ``guidance/`` read and written through git."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.errors import ConflictError, CoproduceError, InvalidInputError, NotFoundError
from coproduce.models import Document, Person, SectionChange, Version
from coproduce.store import paths, sync, versions
from coproduce.store.locks import FileLocks, Locks
from coproduce.store.plumbing import GitBackend, LogEntry
from coproduce.store.writer import commit_files

if TYPE_CHECKING:
    from coproduce.config import Settings

TEMPLATES_README = (
    "Put a template here with the same name as a built-in one (e.g. an invitation email) to use"
    " your own wording instead; the built-ins are used for everything else.\n"
)
STARTER_FILES = {
    f"{paths.GUIDANCE_DIR}/.gitkeep": "",
    f"{paths.REVIEWS_DIR}/.gitkeep": "",
    f"{paths.TEMPLATES_DIR}/README.md": TEMPLATES_README,
}
FALLBACK_AUTHOR = Person(name="coproduce", email="coproduce@localhost")


_SHA = re.compile(r"[0-9a-f]{40}")


class GuidanceRepo:
    """A git repository holding ``guidance/``, ``reviews/``, ``templates/`` and settings."""

    RECORD_LOCK = "record"

    def __init__(self, backend: GitBackend) -> None:
        self.backend = backend
        self.root = backend.root
        # Versions parsed from git blobs, by (slug, blob sha): blobs never change.
        self.parsed_blobs: dict[tuple[str, str], object] = {}
        self.remote: str | None = None
        self._locks: Locks | None = None
        self._writing = threading.local()

    def configure(self, *, settings: Settings, locks: Locks | None = None) -> None:
        """Use ``settings`` (read once, by the workspace) and the shared ``locks``."""
        self.__dict__["settings"] = settings
        self.remote = settings.remote
        if self.remote:
            sync.check_remote(self.backend, self.remote)
        self._locks = locks

    @property
    def locks(self) -> Locks:
        """Return the locks writers share (file locks in the state folder unless configured)."""
        if self._locks is None:  # not configured by a workspace: this clone's own lock files
            self._locks = FileLocks(Path(self.backend.repo.git_dir) / "coproduce-locks")
        return self._locks

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the record's shared lock: fetch first, push what was committed after.

        Re-entrant: a step that loads a cycle, moves it on and commits holds it once.
        """
        depth = getattr(self._writing, "depth", 0)
        if depth:
            self._writing.depth = depth + 1
            try:
                yield
            finally:
                self._writing.depth -= 1
            return
        with self.locks.hold(self.RECORD_LOCK), self.backend.locked():
            self._writing.depth = 1
            try:
                if self.remote:
                    sync.pull(self.backend, self.remote)
                yield
                if self.remote:
                    sync.push(self.backend, self.remote)
            finally:
                self._writing.depth = 0

    def sync(self) -> None:
        """Bring the clone up to the shared remote, when one is configured."""
        if self.remote:
            with self.writing():
                pass

    def __repr__(self) -> str:
        return f"GuidanceRepo({str(self.root)!r})"

    @classmethod
    def init(cls, path: Path, *, author: Person | None = None) -> GuidanceRepo:
        """Create a guidance repository at ``path`` (or add one to an existing git repository)."""
        from coproduce.config import default_config_text

        root = Path(path).expanduser().resolve()
        if (root / paths.CONFIG_FILE).exists():
            raise ConflictError(f"already a coproduce repository: {root}")
        if root.exists() and not root.is_dir():
            raise ConflictError(f"not a folder: {root}")
        is_git = (root / ".git").exists()
        if root.exists() and not is_git and any(root.iterdir()):
            raise ConflictError(
                f"folder is not empty and not a git repository: {root}"
                " (choose an empty folder, or run git init there first)"
            )
        repo = cls(GitBackend.open(root) if is_git else GitBackend.init(root))
        files: dict[str, str | bytes | None] = {paths.CONFIG_FILE: default_config_text()}
        for relpath, text in STARTER_FILES.items():
            if not (root / relpath).exists():
                files[relpath] = text
        ignore = root / ".gitignore"
        existing = ignore.read_text(encoding="utf-8") if ignore.is_file() else ""
        if f"{paths.STATE_DIR_NAME}/" not in existing.splitlines():
            prefix = existing if not existing or existing.endswith("\n") else existing + "\n"
            files[".gitignore"] = f"{prefix}{paths.STATE_DIR_NAME}/\n"
        person = author or _default_author(root)
        repo.commit_files(files, author=person, message="Create guidance repository")
        return repo

    @classmethod
    def open(cls, path: Path) -> GuidanceRepo:
        """Open the guidance repository at ``path``."""
        root = Path(path).expanduser().resolve()
        message = f"not a coproduce repository: {root} (run coproduce init)"
        if not (root / paths.CONFIG_FILE).is_file():
            raise NotFoundError(message)
        try:
            backend = GitBackend.open(root)
        except NotFoundError as e:
            raise NotFoundError(message) from e
        if backend.root != root:
            raise NotFoundError(message)
        return cls(backend)

    @classmethod
    def find(
        cls,
        *,
        explicit: Path | None = None,
        cwd: Path | None = None,
    ) -> GuidanceRepo:
        """Open the repository given, else the nearest one above ``cwd``.

        (The workspace passes COPRODUCE_REPO, read with the settings, as ``explicit``.)
        """
        if explicit is not None:
            return cls.open(explicit)
        start = (cwd or Path.cwd()).resolve()
        found = paths.find_root(start)
        if found is None:
            raise NotFoundError(f"not a coproduce repository: {start} (run coproduce init)")
        return cls.open(found)

    @cached_property
    def settings(self) -> Settings:
        """Return this repository's settings (``coproduce.toml`` + environment)."""
        from coproduce.config import load_settings

        return load_settings(self.root)

    @property
    def state_dir(self) -> Path:
        """Return the local, git-ignored state folder, creating it (private: 0700) when missing.

        It holds the personal-data register and the outbox, so only its owner may enter it.
        """
        folder = self.settings.state_dir
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder

    def resolve(self, rev: str) -> str:
        """Return the full commit sha ``rev`` (tag, branch, sha, HEAD~2...) names."""
        sha = self.backend.commit_sha(rev)
        if sha is None:
            raise NotFoundError(f"unknown revision '{rev}'")
        return sha

    def resolve_for(self, slug: str, rev: str, *, option: str) -> str:
        """Return ``resolve(rev)``; for an unknown ``rev`` that is short for a version tag of
        ``slug`` (``1.0`` or ``v1.0`` for ``<slug>/v1.0``), say so, naming ``option``."""
        sha = self.backend.commit_sha(rev)
        if sha is not None:
            return sha
        bare = rev.removeprefix("v")
        for guess in (f"{slug}/{rev}", f"{slug}/v{bare}"):
            if self.backend.commit_sha(guess) is not None:
                raise NotFoundError(f"unknown revision '{rev}'; did you mean {option} {guess}?")
        raise NotFoundError(f"unknown revision '{rev}'")

    def list_documents(self, rev: str | None = None) -> list[str]:
        """Return the slugs of ``guidance/*.md`` (twins excluded), sorted."""
        if rev is None:
            folder = self.root / paths.GUIDANCE_DIR
            names = [f"{paths.GUIDANCE_DIR}/{p.name}" for p in folder.glob("*.md") if p.is_file()]
        else:
            names = self.backend.list_dir(self.resolve(rev), paths.GUIDANCE_DIR)
        return sorted(s for s in map(paths.slug_of, names) if s is not None)

    def document_path(self, slug: str) -> Path:
        """Return the working-tree path of ``guidance/<slug>.md``."""
        return self.root / paths.document_relpath(slug)

    def exists(self, slug: str, rev: str | None = None) -> bool:
        """Return whether the document exists in the working tree, or at ``rev``."""
        relpath = paths.document_relpath(slug)
        if rev is None:
            return (self.root / relpath).is_file()
        return self.backend.blob_sha(self.resolve(rev), relpath) is not None

    def read_file(self, path: str, rev: str | None = None) -> str:
        """Return a repository file's text from the working tree, or at ``rev``."""
        data = self._read_bytes(paths.check_relpath(path), rev)
        if data is None:
            where = "in the working tree" if rev is None else f"at '{rev}'"
            raise NotFoundError(f"no file {path} {where}")
        return _decode(data, path)

    def read_text(self, slug: str, rev: str | None = None) -> str:
        """Return the Markdown of a document from the working tree, or at ``rev``."""
        relpath = paths.document_relpath(slug)
        data = self._read_bytes(relpath, rev)
        if data is None:
            raise self.unknown_document(slug, rev)
        return _decode(data, relpath)

    def read_document(self, slug: str, rev: str | None = None) -> Document:
        """Return a document parsed into the block model."""
        from coproduce.document import parse_markdown

        return parse_markdown(self.read_text(slug, rev), slug=slug)

    def parsed_document(self, slug: str, rev: str) -> Document:
        """Return ``read_document(slug, rev)``, parsed once per process and commit.

        For the busy paths (the portal's pages, intake's checks, recording): a commit never
        changes, so neither does what it parses to. Callers must not change what they get.
        """
        sha = rev if _SHA.fullmatch(rev) else self.resolve(rev)
        key = (f"document:{slug}", sha)
        found = self.parsed_blobs.get(key)
        if not isinstance(found, Document):
            found = self.read_document(slug, sha)
            self.parsed_blobs[key] = found
        return found

    def read_twin(self, slug: str, rev: str | None = None) -> Document | None:
        """Return the youth-friendly twin of a document, or None when it has none."""
        from coproduce.document import parse_markdown

        if not self.exists(slug, rev):
            raise self.unknown_document(slug, rev)
        relpath = paths.twin_relpath(slug)
        data = self._read_bytes(relpath, rev)
        return None if data is None else parse_markdown(_decode(data, relpath), slug=slug)

    def write_document(
        self,
        document_or_text: Document | str,
        *,
        slug: str,
        author: Person,
        message: str,
        create: bool = False,
        trailers: dict[str, list[str]] | None = None,
    ) -> str:
        """Write and commit ``guidance/<slug>.md`` as ``author``; return the commit sha.

        The text must parse; ``create`` refuses an existing slug; a file with uncommitted
        changes is never overwritten. Unchanged text makes no commit and returns HEAD.
        """
        from coproduce.document import parse_markdown, render_markdown

        relpath = paths.document_relpath(slug)
        if isinstance(document_or_text, Document):
            if document_or_text.slug != slug:
                raise InvalidInputError(
                    f"document slug '{document_or_text.slug}' does not match '{slug}'"
                )
            text = render_markdown(document_or_text)
        else:
            text = document_or_text
        parse_markdown(text, slug=slug)
        with self.writing():
            present = self.exists(slug) or (self.backend.has_head() and self.exists(slug, "HEAD"))
            if create and present:
                raise ConflictError(f"duplicate slug: {relpath} already exists")
            if not create and not present:
                raise self.unknown_document(slug, None)
            return commit_files(
                self.backend, {relpath: text}, author=author, message=message, trailers=trailers
            )

    def commit_files(
        self,
        files: Mapping[str, str | bytes | None],
        *,
        author: Person,
        message: str,
        trailers: dict[str, list[str]] | None = None,
    ) -> str:
        """Write (or, for None, delete) repository files and commit them; return the sha."""
        with self.writing():
            return commit_files(
                self.backend, files, author=author, message=message, trailers=trailers
            )

    def versions(self, slug: str) -> list[Version]:
        """Return every commit that changed the document, newest first, approved ones tagged."""
        return versions.list_versions(self, slug)

    def approve(
        self,
        slug: str,
        number: str,
        *,
        author: Person,
        message: str | None = None,
        rev: str = "HEAD",
    ) -> str:
        """Tag the document as it stands at ``rev`` as approved ``number``; return the tag."""
        return versions.approve(self, slug, number, author=author, message=message, rev=rev)

    def latest_approved(self, slug: str, *, before: str | None = None) -> Version | None:
        """Return the highest approved version (strictly before ``before``, when given)."""
        return versions.latest_approved(self, slug, before=before)

    def commits_between(self, base: str | None, proposed: str, slug: str) -> list[Version]:
        """Return commits after ``base`` up to ``proposed`` changing the document, oldest first."""
        return versions.commits_between(self, base, proposed, slug)

    def commits_touching(self, relpaths: Sequence[str], *, rev: str = "HEAD") -> list[LogEntry]:
        """Return the commits up to ``rev`` that changed any of ``relpaths``, newest first."""
        if not self.backend.has_head():
            return []
        checked = [paths.check_relpath(p) for p in relpaths]
        return self.backend.log(self.resolve(rev), paths=checked)

    def section_history(self, slug: str, section: str) -> list[SectionChange]:
        """Return the commits that added, modified or removed one section, newest first."""
        from coproduce.store.history import section_history

        return section_history(self, slug, section)

    def unknown_document(self, slug: str, rev: str | None) -> NotFoundError:
        """Return the error for a missing document, listing the known ones."""
        known = ", ".join(self.list_documents(rev)) or "none"
        return NotFoundError(f"no guidance document '{slug}' (known: {known})")

    def _read_bytes(self, relpath: str, rev: str | None) -> bytes | None:
        if rev is None:
            path = self.root / relpath
            return path.read_bytes() if path.is_file() else None
        found = self.backend.blob(self.resolve(rev), relpath)
        return None if found is None else found[1]


def _default_author(root: Path) -> Person:
    from coproduce.config import load_settings
    from coproduce.store.author import resolve_author

    try:
        return resolve_author(None, load_settings(None), repo_root=root)
    except CoproduceError:
        return FALLBACK_AUTHOR


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidInputError(f"{what} is not UTF-8 text (byte {e.start})") from e
