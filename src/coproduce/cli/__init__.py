"""The ``coproduce`` command: a thin face over the library.

Commands import their library modules inside the function so that ``coproduce --help`` and
commands that run no flow never import prefect.
"""

from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path

import typer

from coproduce.cli import (
    db,
    demo,
    documents,
    feedback,
    outcomes,
    pack,
    participants,
    portal,
    redline,
    review,
    signoff,
    triage,
    worker,
)
from coproduce.cli.common import OPTIONS, REPO_HELP, set_options
from coproduce.errors import CoproduceError

app = typer.Typer(
    name="coproduce",
    help="Co-produced guidance review: versioned documents, review cycles, sign-off packs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("coproduce")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "unknown"
        typer.echo(f"coproduce {number}")
        raise typer.Exit(0)


@app.callback()
def _global(
    repo: Path | None = typer.Option(None, "--repo", help=REPO_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show error details."),
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version of coproduce and exit.",
        callback=_show_version,
        is_eager=True,
    ),
) -> None:
    """Co-produced guidance review: versioned documents, review cycles, sign-off packs."""
    set_options(repo=repo, verbose=verbose)


for module in (
    documents,
    redline,
    participants,
    review,
    feedback,
    triage,
    pack,
    signoff,
    outcomes,
    demo,
    db,
    worker,
    portal,
):
    module.register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a user error becomes one line on stderr and a non-zero exit."""
    try:
        app(args=argv, standalone_mode=False)
    except CoproduceError as e:
        if OPTIONS.verbose:
            traceback.print_exc()
        typer.echo(f"error: {e.render()}", err=True)
        sys.exit(e.exit_code)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except typer.TyperException as e:
        sys.exit(_usage_mistake(e))
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except OSError as e:
        if OPTIONS.verbose:
            traceback.print_exc()
        where = f": {e.filename}" if e.filename else ""
        typer.echo(f"error: {e.strerror or e}{where}", err=True)
        sys.exit(1)


def _usage_mistake(error: typer.TyperException) -> int:
    """Print a usage mistake as one line and the usage hint; return its exit code (2)."""
    ctx = getattr(error, "ctx", None)
    format_message = getattr(error, "format_message", None)
    message = format_message() if callable(format_message) else str(error)
    if type(error).__name__ == "NoArgsIsHelpError":  # a group named alone: show its help
        typer.echo(message, err=True)
        return 2
    typer.echo(f"error: {message}", err=True)
    if ctx is not None:
        usage = re.sub(r"\{([\w-]+)\}", lambda m: m.group(1).upper(), ctx.get_usage())
        usage = usage.removeprefix("Usage: ")
        typer.echo(f"usage: {usage} (see {ctx.command_path} --help)", err=True)
    return int(getattr(error, "exit_code", 2) or 2)
