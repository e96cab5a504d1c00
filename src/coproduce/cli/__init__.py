"""The ``coproduce`` command: a thin face over the library.

Commands import their library modules inside the function so that ``coproduce --help`` and
commands that run no flow never import prefect.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click
import typer

from coproduce.cli import demo, documents, feedback, participants, redline, review
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


@app.callback()
def _global(
    repo: Path | None = typer.Option(None, "--repo", help=REPO_HELP, envvar="COPRODUCE_REPO"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show error details."),
) -> None:
    """Co-produced guidance review: versioned documents, review cycles, sign-off packs."""
    set_options(repo=repo, verbose=verbose)


for module in (documents, redline, participants, review, feedback, demo):
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
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except OSError as e:
        if OPTIONS.verbose:
            traceback.print_exc()
        where = f": {e.filename}" if e.filename else ""
        typer.echo(f"error: {e.strerror or e}{where}", err=True)
        sys.exit(1)
