"""``coproduce signoff``: record the board's decision; an approval tags and publishes.

Everything is checked here first (the pack, the document, the version), so a refusal is one
line and changes nothing. A waiting await-signoff run is then resumed with the decision and
its worker records it; with no run waiting, the decision is recorded in this process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from coproduce.cli.common import AUTHOR_HELP, JSON_HELP, acting_person, info, open_repo, print_json
from coproduce.cli.common import warn as warning

if TYPE_CHECKING:
    from coproduce.models import SignoffResult
    from coproduce.store import GuidanceRepo

WAIT_S = 120.0


def signoff(
    cycle_id: str = typer.Argument(..., metavar="CYCLE", help="The review cycle in sign-off."),
    decision: str = typer.Option(..., "--decision", help="approved, returned or rejected."),
    body: str = typer.Option(..., "--by", help="The body that decided (e.g. the board)."),
    minute: str = typer.Option(..., "--minute", help="The minute reference, e.g. SPE 2026/14."),
    date: str | None = typer.Option(
        None, "--date", help="Date decided, YYYY-MM-DD (default: today)."
    ),
    version: str | None = typer.Option(None, "--version", help="Version approved, e.g. 1.1."),
    note: str = typer.Option("", "--note", help="The board's note (why it returned, ...)."),
    amendment: list[str] | None = typer.Option(
        None, "--amendment", help="A commit after the pack the board approved too (repeat)."
    ),
    pack: Path | None = typer.Option(None, "--pack", help="The pack folder the board read."),
    next_update: str | None = typer.Option(
        None, "--next-update", help="When participants hear next (returned/rejected), YYYY-MM-DD."
    ),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Record the board's decision: approved (tag, publish), returned (to triage) or rejected."""
    from coproduce.cli.lifecycle import parse_date
    from coproduce.review.decision import parse_outcome
    from coproduce.review.signoff import decision_answer

    repo = open_repo()
    person = acting_person(repo, author)
    answer = decision_answer(
        outcome=parse_outcome(decision),
        decided_by=body,
        recorded_by=person.name,
        minute=minute,
        decided=parse_date(date, "--date") if date else None,
        version=version,
        notes=note,
        amendments=amendment or [],
        next_update=parse_date(next_update, "--next-update") if next_update else None,
    )
    run_signoff(repo, cycle_id, answer, author=person_text(person), pack=pack, as_json=as_json)


def person_text(person: Any) -> str:
    """Return ``Name <email>`` (or the name) of the acting person."""
    return f"{person.name} <{person.email}>" if person.email else str(person.name)


def run_signoff(
    repo: GuidanceRepo,
    cycle_id: str,
    answer: dict[str, Any],
    *,
    author: str,
    pack: Path | None,
    as_json: bool = False,
) -> None:
    """Check the decision, hand it to a waiting run or record it here, and report what it did."""
    from coproduce.errors import CoproduceError
    from coproduce.models import SignoffResult
    from coproduce.review.signoff import check_sign_off, recorded_result, sign_off_answer
    from coproduce.store import parse_person

    checked = check_sign_off(repo=repo, cycle_id=cycle_id, answer=answer, pack=pack)
    if isinstance(checked, SignoffResult):
        report(checked, as_json=as_json)
        return
    answer = {
        **answer,
        "amendments": checked.decision.amendments,
        "decided": checked.decision.decided,
    }
    states = _resume_waiting_run(repo, cycle_id, answer, pack)
    if states is not None:
        ended = [s for s in states if s not in (None, "COMPLETED")]
        if ended:
            raise CoproduceError(
                f"the waiting sign-off run of {cycle_id} ended {ended[0]}: its worker's log in "
                "Prefect says why"
            )
        done = recorded_result(repo, cycle_id) if None not in states else None
        if done is None:
            info(
                f"Handed the decision to the waiting sign-off run of {cycle_id}; its worker "
                f"records it (coproduce review status {cycle_id} shows when)"
            )
            return
        report(done, as_json=as_json)
        return
    result = sign_off_answer(
        repo=repo, cycle_id=cycle_id, answer=answer, author=parse_person(author), pack=pack
    )
    report(result, as_json=as_json)


def _resume_waiting_run(
    repo: GuidanceRepo, cycle_id: str, answer: dict[str, Any], pack: Path | None
) -> list[str | None] | None:
    """Resume the waiting await-signoff runs: None when none waits, else their final states
    (None for a run still going after ``WAIT_S``, e.g. while no worker is running)."""
    from coproduce import runtime

    state_dir = Path(repo.state_dir)
    if not (os.environ.get("PREFECT_API_URL") or runtime.read_server(state_dir) is not None):
        return None  # no Prefect server: no run can be waiting, and prefect is not imported
    runtime.activate(runtime.ensure_server(state_dir=state_dir))
    from coproduce import tasks

    run_input = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in answer.items()}
    if pack is not None:
        run_input["pack"] = str(pack.resolve())
    runs = tasks.resume_signoff(cycle_id, run_input)
    if not runs:
        return None
    return [tasks.wait_for_run(run, timeout_s=WAIT_S) for run in runs]


def report(result: SignoffResult, *, as_json: bool) -> None:
    """Print what a decision did (JSON keys: docs/cli.md)."""
    for line in result.notes_for_reader:
        warning(line)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    again = " (already recorded)" if result.repeated else ""
    if result.outcome.approves:
        info(f"{result.cycle} is approved{again}: {result.tag} on {str(result.commit)[:12]}")
        for path in result.published:
            info(f"Published {path}")
        if result.publication_copy:
            info(f"Copied to {result.publication_copy}")
    else:
        when = result.next_update.isoformat() if result.next_update else "a date to be set"
        where = "back to triage" if result.state == "triaged" else "the review has ended"
        said = f"{result.cycle} is {result.outcome.value}{again}: {where}"
        info(f"{said}; participants hear next by {when}")
    info(
        f"Next: coproduce feedback-report {result.cycle} -o you-said-we-did/ to read what each "
        f"person will be told, then coproduce feedback-report {result.cycle} --send"
    )


def register(app: typer.Typer) -> None:
    """Add the signoff command to ``app``."""
    app.command("signoff")(signoff)
