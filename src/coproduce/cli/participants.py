"""``coproduce participants``: import from CSV, list (pseudonymous by default), erase, opt out."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coproduce.cli.common import JSON_HELP, info, open_repo, open_workspace, print_json, warn

if TYPE_CHECKING:
    from collections.abc import Iterator

    from coproduce.config import Settings
    from coproduce.store.register import Register

app = typer.Typer(
    name="participants",
    help="The personal-data register: who is invited, kept outside git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def register(parent: typer.Typer) -> None:
    """Mount the ``participants`` commands on the main app."""
    parent.add_typer(app, name="participants")


@contextmanager
def _opened() -> Iterator[tuple[Settings, Register]]:
    workspace = open_workspace()
    workspace.state_dir  # noqa: B018 - creates the private state folder before the register
    yield workspace.settings, workspace.register


@app.command("import")
def import_(
    csv_file: Path = typer.Argument(..., help="CSV: name, email, audience, organisation, ..."),
    skip_existing: bool = typer.Option(
        False, "--skip-existing", help="Skip rows whose email is already registered."
    ),
) -> None:
    """Add the people in a CSV file to the register: all of them or, on any problem, none."""
    from coproduce.participants import import_participants

    with _opened() as (settings, reg):
        audiences = settings.all_audiences()
        report = import_participants(
            reg,
            csv_file,
            audiences={a.id for a in audiences},
            youth_audiences=frozenset(a.id for a in audiences if a.youth),
            skip_existing=skip_existing,
        )
    info(f"Added {len(report.added)} participants from {report.source} ({report.encoding})")
    if report.skipped_existing:
        info(f"Skipped {len(report.skipped_existing)} already registered")
    if report.consent_withheld:
        rows = ", ".join(str(n) for n in report.consent_withheld_rows)
        noun = "row" if len(report.consent_withheld_rows) == 1 else "rows"
        warn(
            f"consent to be named was not recorded for {noun} {rows} of {report.source}: "
            "under 18, or a young person whose age is not given (they are never named)"
        )


@app.command("list")
def list_(
    json_out: bool = typer.Option(False, "--json", help=JSON_HELP),
    show_names: bool = typer.Option(
        False, "--show-names", help="Also show names and emails (personal data)."
    ),
) -> None:
    """List participants by id, audience, organisation and age band; names and emails only if
    asked."""
    from coproduce.participants import list_participants

    with _opened() as (_, reg):
        entries = list_participants(reg)
    fields = ["id", "audience", "organisation", "age_band", "consent_named", "erased"]
    if show_names:
        fields.extend(["name", "email"])
    rows = [e.model_dump(include=set(fields)) for e in entries]
    if json_out:
        print_json([{k: row[k] for k in fields} for row in rows])
        return
    if not rows:
        info("No participants yet: coproduce participants import FILE.csv")
    for row in rows:
        if row["erased"]:
            info(f"{row['id']}  {row['audience']:16} (erased)")
            continue
        name = f"  {row['name']} <{row['email']}>" if show_names else ""
        org = (row["organisation"] or "-")[:32]
        info(f"{row['id']}  {row['audience']:16} {org:32} {row['age_band']:8}{name}")


@app.command("erase")
def erase(
    participant_id: str = typer.Argument(..., help="Pseudonymous id, e.g. P-0123456789."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Erase a person's data on request; the pseudonymous id stays so git records stay valid."""
    from coproduce.participants import erase_everywhere

    repo = open_repo()
    with _opened() as (_, reg):
        reg.get_participant(participant_id)  # unknown or already erased: say so before asking
        if not yes and not typer.confirm(f"Erase the personal data of {participant_id}?"):
            info(f"Nothing was erased; {participant_id} is as it was")
            return
        done = erase_everywhere(reg, participant_id, state_dir=Path(repo.state_dir))
    removed = ", ".join(done.fields)
    info(f"Erased the personal data of {participant_id} from the register: {removed}")
    info(f"Deleted {done.messages_deleted} sent messages to them from the outbox")
    info("The pseudonymous id remains as a tombstone, so the record in git still makes sense")
    for where in done.still_found_in:
        warn(f"{where} in the state folder still holds their name or email: remove it by hand")


@app.command("opt-out")
def opt_out(
    participant_id: str = typer.Argument(..., help="Pseudonymous id, e.g. P-0123456789."),
    cycle: str | None = typer.Option(None, "--cycle", help="Only this review (default: all)."),
) -> None:
    """Record that someone wants no more invitations or reminders."""
    with _opened() as (_, reg):
        reg.get_participant(participant_id)
        reg.add_opt_out(participant_id, cycle=cycle)
    info(f"{participant_id} will get no more mail" + (f" about {cycle}" if cycle else ""))
