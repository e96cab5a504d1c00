"""``coproduce triage`` (what needs an outcome, sheets, set) and ``coproduce commit``."""

from __future__ import annotations

from pathlib import Path

import typer

from coproduce.cli.common import AUTHOR_HELP, JSON_HELP, acting_person, info, open_repo, print_json
from coproduce.errors import InvalidInputError

TRIAGE_HELP = """Give every feedback item an outcome and a reason.

    coproduce triage CYCLE                       what still needs an outcome
    coproduce triage CYCLE --export triage.xlsx  a sheet to work in
    coproduce triage CYCLE --import triage.xlsx  record the outcomes typed in it
    coproduce triage set FB-0012 accepted --reason "..."
    coproduce triage set FB-0019 duplicate --of FB-0012 --reason "..."
"""


def triage(
    target: list[str] = typer.Argument(..., help="CYCLE, or: set ITEM OUTCOME."),
    export: Path | None = typer.Option(None, "--export", help="Write the triage sheet here."),
    import_: Path | None = typer.Option(None, "--import", help="Record outcomes from a sheet."),
    reason: str | None = typer.Option(None, "--reason", help="Why, for the person who said it."),
    of: str | None = typer.Option(None, "--of", help="The item a duplicate repeats."),
    cycle: str | None = typer.Option(None, "--cycle", help="The cycle holding ITEM (for set)."),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Give every feedback item an outcome and a reason (see: coproduce triage --help)."""
    if target[0] == "set":
        if len(target) != 3:
            raise InvalidInputError("usage: coproduce triage set ITEM OUTCOME --reason TEXT")
        _set(target[1], target[2], reason=reason, of=of, cycle=cycle, author=author)
        return
    if len(target) != 1:
        raise InvalidInputError("give one cycle id (or: coproduce triage set ITEM OUTCOME)")
    if export is not None and import_ is not None:
        raise InvalidInputError("choose --export or --import, not both")
    if export is not None:
        _export(target[0], export)
    elif import_ is not None:
        _import(target[0], import_, author=author)
    else:
        _show(target[0], as_json=as_json)


def _set(
    item: str, outcome: str, *, reason: str | None, of: str | None, cycle: str | None,
    author: str | None,
) -> None:  # fmt: skip
    from coproduce.triage import set_outcome

    if not reason or not reason.strip():
        raise InvalidInputError("give a --reason, written for the person who gave the feedback")
    repo = open_repo()
    done = set_outcome(
        repo=repo,
        feedback_id=item,
        outcome=outcome,
        reason=reason,
        duplicate_of=of,
        cycle_id=cycle,
        author=acting_person(repo, author),
    )
    info(f"{done.feedback}: {done.outcome.label}")


def _export(cycle_id: str, target: Path) -> None:
    from coproduce.errors import NotFoundError
    from coproduce.files import write_atomically
    from coproduce.triage.sheet import export_sheet

    if not target.parent.exists():
        raise NotFoundError(f"output folder does not exist: {target.parent}")
    write_atomically(target, export_sheet(open_repo(), cycle_id))
    info(f"Wrote {target}")


def _import(cycle_id: str, source: Path, *, author: str | None) -> None:
    from coproduce.errors import NotFoundError
    from coproduce.triage.sheet import import_sheet

    if not source.is_file():
        raise NotFoundError(f"no such file: {source}")
    repo = open_repo()
    result = import_sheet(
        repo, cycle_id, source.read_bytes(), author=acting_person(repo, author), what=source.name
    )
    info(f"Recorded {len(result.changed)} outcome(s); {result.unchanged} unchanged")
    if result.kept_newer:
        info(
            f"Kept newer outcomes set since the sheet was exported: {', '.join(result.kept_newer)}"
        )


def _show(cycle_id: str, *, as_json: bool) -> None:
    from coproduce.triage import load_triage

    t = load_triage(open_repo(), cycle_id)
    undecided, waiting = t.undecided, t.not_acted_on
    if as_json:
        print_json(
            {
                "cycle": cycle_id,
                "items": len(t.items),
                "by_outcome": t.by_outcome(),
                "undecided": [i.id for i in undecided],
                "accepted_not_acted_on": [i.id for i in waiting],
            }
        )
        return
    info(f"{cycle_id}: {len(t.items)} items, {len(undecided)} need an outcome")
    for item in undecided:
        section = item.anchor.section if item.anchor else "(general)"
        info(f"  {item.id}  {item.audience:<14} {section:<20} {_short(item.text)}")
    if waiting:
        info(f"Accepted, not yet acted on ({len(waiting)}):")
        for item in waiting:
            info(f"  {item.id}  {t.state_of(item.id)}")


def commit(
    slug: str = typer.Argument(..., help="The document you edited."),
    more: list[str] | None = typer.Argument(None, help="More feedback ids (after --feedback)."),
    message: str = typer.Option(..., "--message", "-m", help="What the change does."),
    feedback: list[str] | None = typer.Option(
        None, "--feedback", help="Feedback ids this change acts on (FB-0012 FB-0031 ...)."
    ),
    author: str | None = typer.Option(None, "--author", help=AUTHOR_HELP),
) -> None:
    """Commit your edits to guidance/SLUG.md with a Feedback: trailer per item acted on."""
    from coproduce.triage.commit import commit_for_feedback

    ids = [*(feedback or []), *(more or [])]
    repo = open_repo()
    sha = commit_for_feedback(
        repo, slug, message=message, feedback=ids, author=acting_person(repo, author)
    )
    named = f" (Feedback: {', '.join(ids)})" if ids else ""
    info(f"Committed {sha[:10]}{named}")


def _short(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def register(app: typer.Typer) -> None:
    """Add the triage and commit commands to ``app``."""
    app.command("triage", help=TRIAGE_HELP)(triage)
    app.command("commit")(commit)
