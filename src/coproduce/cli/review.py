"""Commands on review cycles (``coproduce review ...``) and ``coproduce serve``.

Only the commands that run a flow (start, remind, close, serve) start or reuse the Prefect
server and import prefect; list, status and start --no-launch never do.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from coproduce.cli.common import (
    AUTHOR_HELP,
    JSON_HELP,
    acting_person,
    info,
    open_repo,
    print_json,
    warn,
)

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo

app = typer.Typer(
    name="review",
    help="Review cycles: start, launch, status, remind, extend, close, reopen, decide, cancel.",
    no_args_is_help=True,
)


def run_flow(repo: GuidanceRepo, name: str, **parameters: Any) -> Any:
    """Run one flow as a Prefect flow run (in this process with --verbose)."""
    from coproduce import flowrun
    from coproduce.cli.common import OPTIONS

    verbose = OPTIONS.verbose
    return flowrun.run_flow(repo, name, here=verbose, quiet=not verbose, **parameters)


@app.command("start")
def start(
    slug: str = typer.Argument(..., help="The document to review."),
    closes: str = typer.Option(..., "--closes", help="Last day for comments, YYYY-MM-DD."),
    audience: list[str] = typer.Option(..., "--audience", help="An audience to invite (repeat)."),
    questions: Path | None = typer.Option(None, "--questions", help="Questions YAML file."),
    reminder_days: list[int] | None = typer.Option(
        None, "--reminder-days", help="Remind this many days before close (repeat)."
    ),
    launch: bool = typer.Option(True, "--launch/--no-launch", help="Send invitations now."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Start a review cycle on the latest approved version and (by default) launch it."""
    from coproduce.cli.lifecycle import parse_date, run_launch
    from coproduce.review import load_questions, start_review
    from coproduce.review.context import open_context

    closes_on = parse_date(closes, "--closes")
    ctx = open_context(repo=open_repo().root, author=author)
    if launch:
        from coproduce.channels.safeguarding import require_lead_for_youth

        require_lead_for_youth(
            ctx.settings.safeguarding_lead_email, audience, ctx.settings.all_audiences()
        )
    try:
        parsed = load_questions(questions) if questions is not None else []
        result = start_review(
            repo=ctx.repo,
            slug=slug,
            closes=closes_on,
            audiences=audience,
            author=ctx.author,
            questions=[q.model_dump() for q in parsed],
            reminder_days=reminder_days or ctx.settings.reminder_days,
            outreach=ctx.outreach,
            known_audiences=ctx.audiences,
        )
    finally:
        ctx.close()
    for line in result.warnings:
        warn(line)
    info(result.cycle.id)
    if launch:
        run_launch(ctx.repo, result.cycle.id, author)
    else:
        # On stderr: stdout holds only the id, for scripts.
        typer.echo(
            f"Not launched: send the invitations with coproduce review launch {result.cycle.id}",
            err=True,
        )


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List review cycles."""
    from coproduce.review import list_cycles

    cycles = list_cycles(repo=open_repo())
    if as_json:
        print_json([c.model_dump(mode="json", exclude={"history", "questions"}) for c in cycles])
        return
    for c in cycles:
        info(f"{c.id}  {c.state.value:<10}  closes {c.closes.date().isoformat()}  {c.slug}")


@app.command("status")
def status(
    cycle_id: str = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show where a review cycle stands."""
    from coproduce.review import load_cycle
    from coproduce.review import status as cycle_status
    from coproduce.review.context import open_context
    from coproduce.review.progress import audience_progress, late_responses, render_report

    ctx = open_context(repo=open_repo().root)
    try:
        data = cycle_status(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach)
        if as_json:
            print_json(data)
            return
        cycle = load_cycle(ctx.repo, cycle_id)
        register = ctx.outreach.register
        progress = audience_progress(register=register, cycle=cycle)
        late = late_responses(register=register, cycle=cycle)
    finally:
        ctx.close()
    for line in render_report(data, progress=progress, late=late):
        info(line)


@app.command("remind")
def remind(cycle_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Send the due reminder now (or one today when none is due) to those not yet responded."""
    from coproduce.review import load_cycle
    from coproduce.review.service import require_open

    repo = open_repo()
    require_open(load_cycle(repo, cycle_id), doing="remind")
    outcome = run_flow(repo, "send_reminders", cycle_id=cycle_id, manual=True)
    info(f"{outcome['sent']} reminders sent for {cycle_id}")


@app.command("decide")
def decide(
    cycle_id: str = typer.Argument(..., metavar="ID"),
    outcome: str = typer.Option(..., "--outcome", help="approved, approved-with-changes, ..."),
    decided_by: str = typer.Option(..., "--decided-by", help="The board or person deciding."),
    decided: str = typer.Option(..., "--decided", help="Date of the decision, YYYY-MM-DD."),
    version: str | None = typer.Option(None, "--version", help="Version approved, e.g. 1.1."),
    condition: list[str] | None = typer.Option(None, "--condition", help="A condition (repeat)."),
    notes: str = typer.Option("", "--notes", help="Notes on the decision."),
    minute: str = typer.Option("", "--minute", help="The minute reference."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """The older form of ``coproduce signoff``: the same decision, under the older option names."""
    from coproduce.cli.lifecycle import parse_date
    from coproduce.cli.signoff import person_text, run_signoff
    from coproduce.review.decision import parse_outcome
    from coproduce.review.signoff import decision_answer

    repo = open_repo()
    person = acting_person(repo, author)
    answer = decision_answer(
        outcome=parse_outcome(outcome),
        decided_by=decided_by,
        recorded_by=person.name,
        minute=minute,
        decided=parse_date(decided, "--decided"),
        version=version,
        notes=notes,
        conditions=condition or [],
    )
    run_signoff(repo, cycle_id, answer, author=person_text(person), pack=None)


def serve(
    cron: str = typer.Option("0 * * * *", "--cron", help="When the review clock runs."),
    timezone: str | None = typer.Option(None, "--timezone", help="Time zone of --cron."),
    stop: bool = typer.Option(False, "--stop", help="Stop the embedded Prefect server and exit."),
) -> None:
    """Serve the review flows (the review clock on its schedule) until interrupted."""
    from coproduce import runtime

    repo = open_repo()
    if stop:
        stopped = runtime.stop_server(state_dir=Path(repo.state_dir))
        info("Stopped the embedded Prefect server" if stopped else "No embedded server was running")
        return
    idle = repo.settings.prefect_idle_minutes
    handle = runtime.ensure_server(state_dir=Path(repo.state_dir), idle_minutes=idle)
    runtime.activate(handle)
    info(f"Prefect API: {handle.api_url}" + (" (embedded)" if handle.embedded else ""))
    from coproduce import tasks

    tasks.serve_flows(repo=str(repo.root), cron=cron, timezone=timezone or repo.settings.timezone)


def register(root: typer.Typer) -> None:
    """Add ``review`` (with its lifecycle commands) and ``serve`` to the ``coproduce`` command."""
    from coproduce.cli import lifecycle

    lifecycle.register(app)
    root.add_typer(app, name="review")
    root.command("serve")(serve)
