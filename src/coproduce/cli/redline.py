"""The redline command: tracked changes between two versions of a document."""

from __future__ import annotations

import gc
from pathlib import Path

import typer

from coproduce.cli.common import info, open_repo, warn


def redline(
    slug: str = typer.Argument(..., help="Document id."),
    base: str | None = typer.Option(
        None, "--base", help="Base revision (default: the latest approved tag)."
    ),
    proposed: str = typer.Option("HEAD", "--proposed", help="Proposed revision."),
    author: str | None = typer.Option(
        None, "--author", help="Put this one name on every change instead of commit authors."
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="docx or html (default: from the file name's ending)."
    ),
    allow_empty: bool = typer.Option(
        False, "--allow-empty", help="Write an empty redline when nothing changed."
    ),
    output: Path = typer.Option(..., "--output", "-o", help="File to write."),
) -> None:
    """Write native Word tracked changes (or HTML) from BASE to PROPOSED, attributed by commit."""
    # A redline is a short process that makes many objects and almost no cycles: the cyclic
    # collector would only walk them again, from the imports below to the file written.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _redline(slug, base, proposed, author, fmt, allow_empty, output)
    finally:
        if was_enabled:
            gc.enable()


def _redline(
    slug: str,
    base: str | None,
    proposed: str,
    author: str | None,
    fmt: str | None,
    allow_empty: bool,
    output: Path,
) -> None:
    from coproduce.errors import InvalidInputError, NotFoundError
    from coproduce.files import write_atomically
    from coproduce.redline import redline as make_redline

    if output.is_dir():
        example = output / f"changes.{fmt if fmt in ('docx', 'html') else 'docx'}"
        raise InvalidInputError(f"{output} is a folder: give a file name, as {example}")
    fmt = output_format(output, fmt)
    if not output.parent.exists():
        raise NotFoundError(f"output folder does not exist: {output.parent}")
    repo = open_repo()
    if base is None and not repo.exists(slug, proposed):
        raise repo.unknown_document(slug, proposed)  # before "no approved version" is said
    result = make_redline(
        repo, slug, base=base, proposed=proposed, author=author, allow_empty=allow_empty
    )
    for notice in result.notices:
        warn(notice)
    if fmt == "html":
        write_atomically(output, result.html().encode("utf-8"))
    else:
        write_atomically(output, result.to_bytes())
    info(f"Wrote {output}: {result.summary()}")


_ENDINGS = {".docx": "docx", ".html": "html", ".htm": "html"}


def output_format(output: Path, fmt: str | None) -> str:
    """Return the format to write: ``fmt`` when given (it must agree with a .docx or .html
    file name), else the one the file name ends in."""
    from coproduce.errors import InvalidInputError

    ending = _ENDINGS.get(output.suffix.lower())
    if fmt is None:
        if ending is None:
            raise InvalidInputError(
                f"cannot tell the format from '{output.name}': end it in .docx or .html,"
                " or give --format"
            )
        return ending
    if fmt not in ("docx", "html"):
        raise InvalidInputError(f"unknown format {fmt!r}: choose docx or html")
    if ending is not None and ending != fmt:
        raise InvalidInputError(f"--format {fmt} does not match the file name '{output.name}'")
    return fmt


def register(app: typer.Typer) -> None:
    """Add the redline command to ``app``."""
    app.command("redline")(redline)
