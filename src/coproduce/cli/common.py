"""What every command shares: the global options, finding the repository, printing results."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from coproduce.config import Settings
    from coproduce.models import Person
    from coproduce.store import GuidanceRepo
    from coproduce.workspace import Workspace


@dataclass
class Options:
    """Global options given before the command name."""

    repo: Path | None = None
    verbose: bool = False


OPTIONS = Options()


def set_options(*, repo: Path | None, verbose: bool) -> None:
    """Record the global options for the commands that follow."""
    OPTIONS.repo = repo
    OPTIONS.verbose = verbose


def open_workspace() -> Workspace:
    """Return the workspace of --repo, COPRODUCE_REPO or the current directory.

    Settings are validated here, for every command: an invalid coproduce.toml stops them all.
    """
    from coproduce.workspace import open_workspace as open_

    return open_(repo=OPTIONS.repo, cwd=Path.cwd())


def open_repo() -> GuidanceRepo:
    """Return the guidance repository of the workspace (settings checked, remote fetched)."""
    return open_workspace().repo


def load_repo_settings(repo: GuidanceRepo) -> Settings:
    """Return the validated settings of ``repo`` (read once, with its workspace)."""
    from coproduce.workspace import open_workspace as open_

    return open_(repo=repo.root, sync=False).settings


def acting_person(repo: GuidanceRepo, author: str | None) -> Person:
    """Return who is acting: --author, COPRODUCE_AUTHOR, coproduce.toml, then git config."""
    from coproduce.store import resolve_author

    return resolve_author(author, load_repo_settings(repo), repo=repo)


def print_json(data: Any) -> None:
    """Print ``data`` as stable, indented JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def clip(text: str, width: int) -> str:
    """Return ``text`` cut to ``width`` characters, ending in "…" when it was cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def info(message: str) -> None:
    """Print a human-facing progress or result line on stderr-free stdout."""
    typer.echo(message)


@contextmanager
def counting(description: str) -> Iterator[Callable[[int, int], None]]:
    """Show a progress bar on stderr (a terminal only); yield ``update(done, total)``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    columns = (TextColumn(description), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def warn(message: str) -> None:
    """Print a warning line on stderr."""
    typer.echo(f"warning: {message}", err=True)


REPO_HELP = "Guidance repository (default: COPRODUCE_REPO, else found from the current directory)."
AUTHOR_HELP = 'Acting person as "Name <email>" (default: COPRODUCE_AUTHOR, coproduce.toml, git).'
JSON_HELP = "Print machine-readable JSON (keys documented in docs/cli.md)."
