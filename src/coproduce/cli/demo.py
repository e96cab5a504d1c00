"""``coproduce demo``: the whole review cycle on the sample guidance, end to end."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer


def demo(
    workspace: Path = typer.Option(
        Path("demo-workspace"), "--workspace", "-w", help="Folder to build the demo in."
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Replace an earlier demo in that folder."),
    flow_logs: bool = typer.Option(False, "--flow-logs", help="Show the flows' Prefect logs."),
) -> None:
    """Run a whole review cycle on the sample guidance and print what it made."""
    import os

    if not flow_logs:  # the logs still reach the Prefect server; only the console is quieter
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from coproduce import demo as service

    console = Console(soft_wrap=True)
    started = time.perf_counter()
    run = service.prepare_workspace(workspace, fresh=fresh)
    steps = list(service.iter_steps())
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            bar = progress.add_task("demo", total=len(steps))
            for description, step in steps:
                progress.update(bar, description=description)
                line = step(run)
                console.print(f"[green]✓[/green] {description}: {line}")
                progress.advance(bar)
    finally:
        service.finish(run)
    console.print(f"\nDemo finished in {time.perf_counter() - started:.1f} s. What it made:")
    for name, path in run.outputs.items():
        console.print(f"  {name:34} {path}")
    console.print(f"  {'guidance repository (git)':34} {run.repo}")
    if run.cycle:
        command = Path(sys.argv[0]).resolve() if "/" in sys.argv[0] else "coproduce"
        console.print(f"\nTry: cd {run.repo} && {command} review status {run.cycle}")


def register(app: typer.Typer) -> None:
    """Add the demo command to ``app``."""
    app.command("demo")(demo)
