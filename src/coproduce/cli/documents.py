"""Commands on guidance documents: init, import, render, list, versions, history, approve."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from coproduce.cli.common import (
    AUTHOR_HELP,
    JSON_HELP,
    acting_person,
    clip,
    info,
    load_repo_settings,
    open_repo,
    print_json,
    warn,
)

RenderFormat = Literal["docx", "html", "md"]


def init(
    path: Path = typer.Argument(..., help="Folder for the new guidance repository."),
    sample: bool = typer.Option(False, "--sample", help="Add the sample guidance, approved v1.0."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Create a guidance repository (git) with its configuration."""
    from coproduce.guidance import create_repository

    result = create_repository(path=path, sample=sample, author=author)
    info(f"Created guidance repository at {result.root}")
    for slug, tag in result.documents:
        info(f"  {slug}: approved as {tag}")


def import_(
    source: Path = typer.Argument(..., help="A .docx (or .md) file to import."),
    slug: str = typer.Option(..., "--slug", help="Document id: lowercase letters, digits, -."),
    approved: str | None = typer.Option(
        None, "--approved", help="Tag the import as approved version MAJOR.MINOR."
    ),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing document."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
    message: str | None = typer.Option(None, "--message", "-m", help="Commit message."),
) -> None:
    """Import a Word file as canonical Markdown in guidance/<slug>.md, committed."""
    from coproduce.guidance import import_document

    repo = open_repo()
    person = acting_person(repo, author)
    result = import_document(
        repo=repo,
        source=source,
        slug=slug,
        author=person,
        approved=approved,
        replace=replace,
        message=message,
    )
    for line in result.warnings:
        warn(line)
    commit = result.commit[:10]
    info(f"Imported {source.name} as guidance/{slug}.md ({result.words} words, commit {commit})")
    if result.tag:
        info(f"Approved as {result.tag}")


def render(
    slug: str = typer.Argument(..., help="Document id."),
    rev: str | None = typer.Option(
        None, "--rev", help="Tag, commit or branch (default: working tree)."
    ),
    fmt: str = typer.Option("docx", "--format", "-f", help="docx, html or md."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write."),
) -> None:
    """Render a version of a document to Word, HTML or Markdown."""
    from coproduce.guidance import render_document

    repo = open_repo()
    organisation = load_repo_settings(repo).organisation_name
    written = render_document(
        repo=repo, slug=slug, rev=rev, fmt=fmt, output=output, organisation=organisation
    )
    info(f"Wrote {written}")


def list_(json_out: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List the guidance documents with their latest approved version."""
    from coproduce.guidance import list_documents

    rows = list_documents(repo=open_repo())
    if json_out:
        print_json(rows)
        return
    if not rows:
        info("No guidance documents yet: coproduce import FILE --slug SLUG")
    for row in rows:
        approved = row["approved"] or "not approved"
        info(f"{row['slug']:32} {clip(row['title'], 48):48} {approved}")


def versions(
    slug: str = typer.Argument(..., help="Document id."),
    json_out: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """List the commits that changed a document, approved versions marked."""
    from coproduce.guidance import version_rows

    rows = version_rows(repo=open_repo(), slug=slug)
    if json_out:
        print_json(rows)
        return
    for row in rows:
        mark = f"[{row['tag']}]" if row["tag"] else ""
        when, who, what = row["date"][:10], row["author"], clip(row["message"], 50)
        info(f"{row['commit'][:10]} {when} {who:24} {what} {mark}")


def history(
    slug: str = typer.Argument(..., help="Document id."),
    section: str = typer.Option(..., "--section", "-s", help="Section id."),
    json_out: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show which commits touched one section, by whom, and for which feedback."""
    from coproduce.guidance import section_rows

    rows = section_rows(repo=open_repo(), slug=slug, section=section)
    if json_out:
        print_json(rows)
        return
    for row in rows:
        fb = f" ({', '.join(row['feedback'])})" if row["feedback"] else ""
        when, who, what = row["date"][:10], row["author"], clip(row["message"], 50)
        info(f"{row['commit'][:10]} {when} {row['change']:8} {who:24} {what}{fb}")


def approve(
    slug: str = typer.Argument(..., help="Document id."),
    version: str = typer.Argument(..., help="Version number MAJOR.MINOR, e.g. 1.1."),
    rev: str = typer.Option("HEAD", "--rev", help="Commit to approve."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
    message: str | None = typer.Option(None, "--message", "-m", help="Tag message."),
) -> None:
    """Approve a version: set status and version in its front matter, commit, and tag it
    <slug>/v<version>."""
    from coproduce.approval import approve_document

    repo = open_repo()
    person = acting_person(repo, author)
    tag = approve_document(
        repo=repo, slug=slug, number=version, author=person, message=message, rev=rev
    )
    info(f"Approved {slug} as {tag}")


def register(app: typer.Typer) -> None:
    """Add the document commands to ``app``."""
    app.command("init")(init)
    app.command("import")(import_)
    app.command("render")(render)
    app.command("list")(list_)
    app.command("versions")(versions)
    app.command("history")(history)
    app.command("approve")(approve)
