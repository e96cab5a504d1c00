"""``coproduce feedback``: import replies and surveys, add group feedback, list, inspect, flag."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coproduce.cli.common import (
    JSON_HELP,
    counting,
    info,
    load_repo_settings,
    open_repo,
    print_json,
    warn,
)
from coproduce.errors import InvalidInputError

if TYPE_CHECKING:
    from coproduce.config import Settings
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import Register

app = typer.Typer(
    name="feedback",
    help="Feedback from Word replies, survey exports and facilitated groups.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def register(parent: typer.Typer) -> None:
    """Mount the ``feedback`` commands on the main app."""
    parent.add_typer(app, name="feedback")


@contextmanager
def _opened() -> Iterator[tuple[GuidanceRepo, Settings, Register]]:
    from coproduce.store.register import Register

    repo = open_repo()
    settings = load_repo_settings(repo)
    with Register(settings.database_url or "") as reg:
        yield repo, settings, reg


@app.command("import")
def import_(
    cycle: str = typer.Argument(..., help="The review cycle the feedback is on."),
    files: list[Path] = typer.Argument(..., help="Returned .docx files, or .csv/.xlsx exports."),
    map_: list[str] = typer.Option(
        [], "--map", help='A survey column: field="Column heading" (repeat).'
    ),
    mapping: Path | None = typer.Option(None, "--mapping", help="A TOML column mapping file."),
    audience: str | None = typer.Option(
        None, "--audience", help="Audience of survey rows with no audience column."
    ),
    participant: str | None = typer.Option(
        None, "--participant", help="Who a Word reply is from when the file does not say."
    ),
    skip_bad_rows: bool = typer.Option(
        False, "--skip-bad-rows", help="Leave out bad survey rows instead of importing nothing."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Import feedback files into a cycle: all of them or, on any problem, none."""
    from coproduce.channels.gather import import_files
    from coproduce.channels.safeguarding import safeguarding_from
    from coproduce.channels.survey_map import ColumnMap

    surveys = any(f.suffix.lower() in (".csv", ".xlsx") for f in files)
    column_map = ColumnMap.build(map_, mapping) if surveys else None
    with _opened() as (repo, settings, reg), counting("Recording feedback") as progress:
        report = import_files(
            repo=repo,
            register=reg,
            cycle_id=cycle,
            paths=files,
            audiences=settings.all_audiences(),
            mapping=column_map,
            default_audience=audience,
            participant=participant,
            skip_bad_rows=skip_bad_rows,
            safeguarding=safeguarding_from(settings),
            progress=progress,
        )
    for line in report.warnings:
        warn(line)
    held = [i.id for i in report.recorded if i.safeguarding_concern]
    if as_json:
        print_json(
            {
                "recorded": [i.id for i in report.recorded],
                "duplicates": report.duplicates,
                "held": held,
            }
        )
        return
    info(f"Recorded {len(report.recorded)} items; {report.duplicates} already recorded")
    if held:
        info(f"Held as safeguarding concerns: {', '.join(held)}")


_GROUP = re.compile(r"^(?P<group>.+?),\s*(?P<people>\d+)\s+(?:people|person|participants)$")


@app.command("add")
def add(
    cycle: str = typer.Argument(..., help="The review cycle the feedback is on."),
    facilitated: str = typer.Option(
        ..., "--facilitated", help='The group and its size: "Youth forum, 8 people".'
    ),
    audience: str = typer.Option(..., "--audience", help="Whose voice it is (an audience id)."),
    text: str = typer.Option(..., "--text", help="What the group said."),
    section: str | None = typer.Option(None, "--section", help="The section it is about."),
    quote: str = typer.Option("", "--quote", help="The passage it is about, quoted."),
    facilitator: str = typer.Option(
        "facilitator", "--facilitator", help="The facilitator's role or organisation (no name)."
    ),
    held_on: str | None = typer.Option(None, "--date", help="When the group met (YYYY-MM-DD)."),
) -> None:
    """Record feedback a facilitator gathered from a group, with its provenance."""
    from coproduce.channels.gather import add_facilitated
    from coproduce.channels.safeguarding import safeguarding_from
    from coproduce.models import Provenance

    found = _GROUP.match(" ".join(facilitated.split()))
    if found is None:
        raise InvalidInputError(
            f'--facilitated must name the group and its size, like "Youth forum, 8 people", '
            f"not {facilitated!r}"
        )
    try:
        when = dt.date.fromisoformat(held_on) if held_on else dt.date.today()
    except ValueError as e:
        raise InvalidInputError(f"--date must be a date like 2026-11-20, not {held_on!r}") from e
    provenance = Provenance(
        facilitator=facilitator,
        group=found.group("group"),
        people=int(found.group("people")),
        date=when,
    )
    with _opened() as (repo, settings, _reg):
        receipt = add_facilitated(
            repo=repo,
            cycle_id=cycle,
            text=text,
            audience=audience,
            provenance=provenance,
            section=section,
            quote=quote,
            safeguarding=safeguarding_from(settings),
        )
    for line in receipt.warnings:
        warn(line)
    if receipt.item is None:
        info("Already recorded")
    elif receipt.item.safeguarding_concern:
        info(f"{receipt.item.id} (held as a safeguarding concern)")
    else:
        info(receipt.item.id)


@app.command("list")
def list_(
    cycle: str = typer.Argument(..., help="The review cycle."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """List a cycle's feedback items (held concerns show only that they are held)."""
    from coproduce.review import record
    from coproduce.review.feedback import iter_feedback
    from coproduce.review.listing import feedback_row

    repo = open_repo()
    record.load_cycle(repo, cycle)
    items = iter_feedback(repo, cycle)
    if as_json:
        print_json([feedback_row(i) for i in items])
        return
    for item in items:
        where = item.anchor.section if item.anchor else "-"
        status = item.anchor.status.value if item.anchor else "general"
        first = item.text.splitlines()[0] if item.text else ""
        info(f"{item.id}  {item.channel:<11} {item.audience:<14} {where} ({status})  {first}")


@app.command("inspect")
def inspect(
    file: Path = typer.Argument(..., help="Any .docx file."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Show what coproduce reads from a Word file: comments and tracked changes (never writes)."""
    from coproduce.docx.replies import read_reply

    if file.suffix.lower() != ".docx":
        raise InvalidInputError(f"{file.name}: not a Word .docx file")
    try:
        data = file.read_bytes()
    except OSError as e:
        raise InvalidInputError(f"cannot read {file}: {e.strerror or e}") from e
    found = read_reply(data).to_json()
    if as_json:
        print_json(found)
        return
    info(f"{len(found['comments'])} comments, {len(found['revisions'])} tracked changes")
    for comment in found["comments"]:
        reply = f" (reply to {comment['parent']})" if comment["parent"] is not None else ""
        done = " [resolved]" if comment["resolved"] else ""
        info(f"  comment {comment['id']}{reply}{done}: {comment['text']}")
    for revision in found["revisions"]:
        info(f"  {revision['kind']}: {revision['text']}")


@app.command("flag")
def flag(
    feedback_id: str = typer.Argument(..., help="The item, e.g. FB-0031."),
    disclosure: bool = typer.Option(
        False, "--disclosure", help="Hold it as a possible disclosure of harm."
    ),
) -> None:
    """Hold an item as a safeguarding concern and send it to the safeguarding lead."""
    from coproduce.channels.gather import flag_concern
    from coproduce.channels.safeguarding import safeguarding_from

    if not disclosure:
        raise InvalidInputError("say what to flag: --disclosure")
    with _opened() as (repo, settings, reg):
        item, sent_to = flag_concern(
            repo=repo,
            register=reg,
            feedback_id=feedback_id,
            safeguarding=safeguarding_from(settings),
        )
    if sent_to is None:
        info(f"{item.id} is already held as a safeguarding concern")
    else:
        info(f"{item.id} held as a safeguarding concern and sent to the safeguarding lead")
