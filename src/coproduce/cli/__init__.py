"""The ``coproduce`` command: a thin face over the library.

Commands import their library modules inside the function so that ``coproduce --help`` and
commands that run no flow never import prefect. A command named on the command line is run
from an app holding only the module that defines it (:data:`COMMAND_MODULES`): the other
modules, and the typer commands they would build, are start-up time the command does not need.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import typer

from coproduce.cli.common import OPTIONS, REPO_HELP, set_options
from coproduce.errors import CoproduceError

MODULES = (
    "documents",
    "redline",
    "participants",
    "review",
    "feedback",
    "triage",
    "pack",
    "signoff",
    "outcomes",
    "demo",
    "db",
    "worker",
    "portal",
)
"""The command modules, in the order ``coproduce --help`` lists their commands."""

COMMAND_MODULES = {
    "init": "documents",
    "import": "documents",
    "render": "documents",
    "list": "documents",
    "versions": "documents",
    "history": "documents",
    "approve": "documents",
    "redline": "redline",
    "participants": "participants",
    "review": "review",
    "serve": "review",
    "feedback": "feedback",
    "triage": "triage",
    "commit": "triage",
    "pack": "pack",
    "signoff": "signoff",
    "feedback-report": "outcomes",
    "demo": "demo",
    "db": "db",
    "worker": "worker",
    "portal": "portal",
}
"""Each top-level command (or command group) and the module that registers it."""

_GLOBAL_VALUE_OPTIONS = ("--repo",)
_GLOBAL_FLAGS = ("--verbose", "-v")


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("coproduce")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "unknown"
        typer.echo(f"coproduce {number}")
        raise typer.Exit(0)


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


def build_app(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """Return the ``coproduce`` app with the commands of ``modules`` (default: all of them)."""
    app = typer.Typer(
        name="coproduce",
        help="Co-produced guidance review: versioned documents, review cycles, sign-off packs.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(_global)
    for name in modules:
        importlib.import_module(f"coproduce.cli.{name}").register(app)
    return app


def command_module(args: list[str]) -> str | None:
    """Return the module defining the command ``args`` name, or None when every command is
    needed (help, --version, a mistake, no command at all)."""
    rest = iter(args)
    for arg in rest:
        if arg in _GLOBAL_VALUE_OPTIONS:
            next(rest, None)
        elif arg.startswith(tuple(f"{o}=" for o in _GLOBAL_VALUE_OPTIONS)) or arg in _GLOBAL_FLAGS:
            continue
        elif arg.startswith("-"):
            return None
        else:
            return COMMAND_MODULES.get(arg)
    return None


def __getattr__(name: str) -> Any:
    """Build the whole app on first use of ``coproduce.cli.app`` (PEP 562)."""
    if name == "app":
        app = globals()["app"] = build_app()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a user error becomes one line on stderr and a non-zero exit."""
    args = sys.argv[1:] if argv is None else list(argv)
    # coproduce uses no pydantic plugins; looking for them reads every installed package's
    # entry points, about 15 ms of each start. PYDANTIC_DISABLE_PLUGINS="" turns them back on.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    module = command_module(args)
    app = build_app((module,)) if module is not None else build_app()
    try:
        app(args=args, standalone_mode=False)
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
