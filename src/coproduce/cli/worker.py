"""``coproduce worker``: check this machine is set up for shared work, then serve a work pool."""

from __future__ import annotations

import os

import typer

from coproduce.cli.common import info, open_workspace


def register(parent: typer.Typer) -> None:
    """Mount ``worker`` on the main app."""
    parent.command("worker")(worker)


def worker(
    pool: str = typer.Option("reviews", "--pool", help="Prefect work pool to take runs from."),
    check_only: bool = typer.Option(
        False, "--check", help="Only check the set-up (register, key, repository) and exit."
    ),
) -> None:
    """Start a Prefect worker for coproduce's flows, after checking it can work safely.

    Refuses, with one line, a register only this machine sees, a missing COPRODUCE_SECRET_KEY
    or a missing guidance repository (docs/deploy.md names every variable).
    """
    from coproduce.runtime import prefect_command

    workspace = open_workspace()
    workspace.check_worker(shared_server=True)
    _ = workspace.register  # a register that is behind is refused here, naming db upgrade
    info(f"repository {workspace.repo.root}, register {workspace.register.display_url}")
    if check_only:
        info("this machine is ready to take shared work")
        return
    command = [*prefect_command(), "worker", "start", "--pool", pool]
    env = {**os.environ, "COPRODUCE_REPO": str(workspace.repo.root)}
    os.execvpe(command[0], command, env)
