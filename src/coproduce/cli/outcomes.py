"""``coproduce feedback-report``: "you said, we did" after the board's decision.

Without ``--send`` it writes every participant's message and the per-audience summaries to a
folder to read first (nothing sent, nothing committed); with ``--send`` it sends them, once
each, through the register's message log.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coproduce.cli.common import JSON_HELP, info, open_workspace, print_json

if TYPE_CHECKING:
    from coproduce.review.outcomes import Told
    from coproduce.workspace import Workspace


def feedback_report(
    cycle: str = typer.Argument(..., help="The review cycle the board decided on."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Folder to write the messages and summaries in."
    ),
    send: bool = typer.Option(
        False, "--send", help="Send the messages (once each; a rerun sends nothing twice)."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Write (-o DIR) or send (--send) what happened to each participant's feedback."""
    from coproduce.errors import InvalidInputError

    if output is None and not send:
        raise InvalidInputError("say what to do: -o DIR to write the report, or --send")
    from coproduce.review.outcomes import write_feedback_report

    workspace = open_workspace()
    result: dict[str, object] = {"cycle": cycle}
    if output is not None:
        report = write_feedback_report(workspace=workspace, cycle_id=cycle, out_dir=output)
        told = report.told
        result["report"] = {
            "folder": str(report.folder),
            "messages": report.messages,
            "summaries": [str(p) for p in report.summaries],
            "opted_out": len(told.opted_out),
            "not_in_register": len(told.not_in_register),
            "already_sent": len(told.already),
        }
        if not as_json:
            info(
                f"Wrote {report.messages} message(s) and the summaries to"
                f" {report.folder} (nothing sent)"
            )
            _skipped(len(told.opted_out), len(told.not_in_register))
    if send:
        told = _send(workspace, cycle, quiet=as_json)
        result["sent"] = told.as_dict()
        if not as_json:
            info(
                f"Sent {len(told.sent)} message(s) about the {told.decision} decision;"
                f" {len(told.already)} already sent before"
            )
            _skipped(len(told.opted_out), len(told.not_in_register))
    if as_json:
        print_json(result)


def _send(workspace: Workspace, cycle: str, *, quiet: bool) -> Told:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    from coproduce.review.outcomes import tell_participants

    console = Console(stderr=True, quiet=quiet)
    columns = (TextColumn("sending"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, console=console, transient=True) as progress:
        bar = progress.add_task("sending", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total)

        return tell_participants(workspace=workspace, cycle_id=cycle, progress=advance)


def _skipped(opted_out: int, gone: int) -> None:
    if opted_out:
        info(f"{opted_out} participant(s) opted out of mail: not written to")
    if gone:
        info(f"{gone} participant(s) erased from the register: not written to")


def register(app: typer.Typer) -> None:
    """Add the feedback-report command to ``app``."""
    app.command("feedback-report")(feedback_report)
