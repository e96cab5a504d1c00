"""``coproduce db``: create and upgrade the register's schema (the operational store)."""

from __future__ import annotations

import typer

from coproduce.cli.common import JSON_HELP, info, open_workspace, print_json

app = typer.Typer(
    name="db",
    help="The register's database: its schema, created and upgraded by migrations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def register(parent: typer.Typer) -> None:
    """Mount the ``db`` commands on the main app."""
    parent.add_typer(app, name="db")


@app.command("upgrade")
def upgrade() -> None:
    """Bring the register's schema up to date (safe to run from many machines at once)."""
    from coproduce.store.register import Register
    from coproduce.store.register.migrate import upgrade as run_upgrade

    settings = open_workspace().settings
    with Register(str(settings.database_url), migrate=False, check=False) as reg:
        before, after = run_upgrade(reg.engine)
    where = reg.display_url
    if before == after:
        info(f"the register at {where} is up to date (revision {after})")
    else:
        info(f"upgraded the register at {where} from {before or 'empty'} to revision {after}")


@app.command("status")
def status(as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Show the register's schema revision and what this coproduce needs."""
    from coproduce.store.register import Register
    from coproduce.store.register.migrate import current_revision, head_revision

    settings = open_workspace().settings
    with Register(str(settings.database_url), migrate=False, check=False) as reg:
        current, head = current_revision(reg.engine), head_revision()
        pending = reg.count_submissions(pending=True) if current == head else None
    data = {"database": reg.display_url, "revision": current, "needed": head,
            "up_to_date": current == head, "unrecorded_feedback": pending}  # fmt: skip
    if as_json:
        print_json(data)
        return
    state = "up to date" if current == head else "run `coproduce db upgrade`"
    info(f"register: {reg.display_url}")
    info(f"revision: {current or 'empty'} (this coproduce needs {head}: {state})")
    if pending is not None:
        info(f"feedback journalled but not yet in git: {pending}")
