"""The moves of a review cycle as commands: launch, extend, close, reopen, finish-triage,
send-to-board and cancel (``decide`` records the board's outcome). Each command is one move of
the transition table; a move that is not allowed names the commands that are.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import typer

from coproduce.cli.common import (
    AUTHOR_HELP,
    acting_person,
    info,
    load_repo_settings,
    open_repo,
    warn,
)
from coproduce.errors import InvalidInputError

if TYPE_CHECKING:
    from coproduce.models import CycleEvent, ReviewCycle
    from coproduce.store import GuidanceRepo

ID = typer.Argument(..., metavar="ID", help="The review cycle.")
CLOSES_HELP = "New last day for comments, YYYY-MM-DD."


def parse_date(value: str, option: str) -> dt.date:
    """Return ``value`` as a date; a clear error naming ``option`` when it is not one."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise InvalidInputError(f"{option} must be a date like 2026-12-15, not {value!r}") from e


def check_move(repo: GuidanceRepo, cycle_id: str, event: CycleEvent) -> ReviewCycle:
    """Return the cycle when ``event`` may be applied; a clear StateError naming commands if not."""
    from coproduce.models import next_state
    from coproduce.review import load_cycle

    cycle = load_cycle(repo, cycle_id)
    next_state(cycle.state, event, cycle_id=cycle.id)
    return cycle


def run_launch(repo: GuidanceRepo, cycle_id: str, author: str | None) -> None:
    """Warn about anything that would spoil the invitations, then run the launch flow."""
    from coproduce.cli.review import run_flow
    from coproduce.review import load_cycle
    from coproduce.review.checks import launch_warnings

    settings = load_repo_settings(repo)
    youth = frozenset(a.id for a in settings.all_audiences() if a.youth)
    cycle = load_cycle(repo, cycle_id)
    for line in launch_warnings(repo=repo, cycle=cycle, settings=settings, youth=youth):
        warn(line)
    outcome = run_flow(repo, "launch_review", cycle_id=cycle_id, author=author)
    info(f"Launched: {outcome['sent']} invitations sent in {outcome['batches']} batches")
    stale = outcome.get("stale_twin_sections") or []
    if stale:
        from coproduce.tasks import stale_twin_warning

        warn(stale_twin_warning(cycle.slug, stale))


def launch(
    cycle_id: str = ID, author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP)
) -> None:
    """Launch a cycle started with --no-launch: open it and send the invitations.

    Run again on an open cycle, it sends only the invitations not yet sent (after a failure).
    """
    from coproduce.models import CycleEvent, CycleState
    from coproduce.review import load_cycle

    repo = open_repo()
    cycle = load_cycle(repo, cycle_id)
    if cycle.state is not CycleState.OPEN:
        cycle = check_move(repo, cycle_id, CycleEvent.LAUNCH)
    if cycle.closes <= dt.datetime.now(dt.UTC):
        raise InvalidInputError(
            f"review {cycle_id} closes {cycle.closes.date().isoformat()}, which has passed; "
            f"cancel it (coproduce review cancel {cycle_id} --reason TEXT) and start a new one"
        )
    run_launch(repo, cycle_id, author)


def extend(
    cycle_id: str = ID,
    closes: str = typer.Option(..., "--closes", help=CLOSES_HELP),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Give an open cycle a later close date."""
    from coproduce.review import extend as extend_cycle

    repo = open_repo()
    when = parse_date(closes, "--closes")
    cycle = extend_cycle(
        repo=repo, cycle_id=cycle_id, closes=when, author=acting_person(repo, author)
    )
    info(f"{cycle_id} is open until {cycle.closes.date().isoformat()}")


def reopen(
    cycle_id: str = ID,
    closes: str = typer.Option(..., "--closes", help=CLOSES_HELP),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Open a closed cycle for comments again, until a new close date."""
    from coproduce.review import reopen as reopen_cycle

    repo = open_repo()
    when = parse_date(closes, "--closes")
    cycle = reopen_cycle(
        repo=repo, cycle_id=cycle_id, closes=when, author=acting_person(repo, author)
    )
    info(f"{cycle_id} is open again until {cycle.closes.date().isoformat()}")


def close(
    cycle_id: str = ID,
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Close before the deadline without asking."
    ),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Close a review cycle now and tell everyone invited that it has closed."""
    from coproduce.cli.review import run_flow
    from coproduce.models import CycleEvent

    repo = open_repo()
    cycle = check_move(repo, cycle_id, CycleEvent.CLOSE)
    now = dt.datetime.now(dt.UTC)
    if now < cycle.closes and not yes:
        early = (cycle.closes - now).days
        when = f"{early} days early" if early > 1 else "before its deadline"
        question = f"{cycle_id} closes {cycle.closes.date().isoformat()}; close it now, {when}?"
        if not typer.confirm(question, default=False):
            info(f"{cycle_id} was left open; nothing changed")
            return
    outcome: dict[str, Any] = run_flow(repo, "close_review", cycle_id=cycle_id, author=author)
    info(f"{cycle_id} is {outcome['state']}; {outcome.get('notified', 0)} participants told")


def finish_triage(
    cycle_id: str = ID, author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP)
) -> None:
    """Record that every feedback item of a closed cycle has an outcome."""
    from coproduce.review import finish_triage as finish

    repo = open_repo()
    cycle = finish(repo=repo, cycle_id=cycle_id, author=acting_person(repo, author))
    info(f"{cycle_id} is {cycle.state.value}; next: coproduce review send-to-board {cycle_id}")


def send_to_board(
    cycle_id: str = ID, author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP)
) -> None:
    """Record that the sign-off pack of a triaged cycle went to the board."""
    from coproduce.review import send_to_board as send

    repo = open_repo()
    cycle = send(repo=repo, cycle_id=cycle_id, author=acting_person(repo, author))
    info(
        f"{cycle_id} is {cycle.state.value}; record the outcome with: "
        f"coproduce signoff {cycle_id} --decision DECISION ..."
    )


def cancel(
    cycle_id: str = ID,
    reason: str = typer.Option(..., "--reason", help="Why the review is cancelled (recorded)."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Cancel a review cycle; its document can then have a new one."""
    from coproduce.review import cancel as cancel_cycle

    repo = open_repo()
    cancel_cycle(repo=repo, cycle_id=cycle_id, reason=reason, author=acting_person(repo, author))
    info(f"{cycle_id} is cancelled")


def register(app: typer.Typer) -> None:
    """Add the lifecycle commands to the ``review`` command group."""
    app.command("launch")(launch)
    app.command("extend")(extend)
    app.command("close")(close)
    app.command("reopen")(reopen)
    app.command("finish-triage")(finish_triage)
    app.command("send-to-board")(send_to_board)
    app.command("cancel")(cancel)
