"""``coproduce portal``: serve the comment portal; add the leads who may log in to it."""

from __future__ import annotations

import os

import typer

from coproduce.cli.common import info, open_workspace
from coproduce.errors import InvalidInputError

app = typer.Typer(
    name="portal",
    help="The comment portal participants answer from, and leads watch responses in.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

FACTORY = "coproduce.channels.portal.app:create_default_app"


def register(parent: typer.Typer) -> None:
    """Mount the ``portal`` command and its subcommands on the main app."""
    parent.add_typer(app, name="portal")


@app.callback(invoke_without_command=True)
def portal(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8080, "--port", help="Port to listen on.", min=1, max=65535),
    workers: int = typer.Option(
        1, "--workers", help="Worker processes (they share the register).", min=1, max=64
    ),
) -> None:
    """Serve the comment portal (personal links /r/<token>, the lead's view, GET /healthz)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from coproduce.channels.portal.http import PROTOCOL

    workspace = open_workspace()
    _ = workspace.register  # a register that is behind is refused here, naming db upgrade
    if workers > 1 and workspace.settings.secret_key is None:
        # Every worker derives the same key from the embedded key file: create it now, once.
        from coproduce.store.tokens import token_key

        token_key(workspace.register)
    # Worker processes open the same workspace through the factory.
    os.environ["COPRODUCE_REPO"] = str(workspace.repo.root)
    info(f"portal on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''})")
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        server_header=False,
        timeout_graceful_shutdown=5,
        http=PROTOCOL,  # TCP_NODELAY with any number of workers (see channels/portal/http.py)
    )


@app.command("add-lead")
def add_lead(
    email: str = typer.Argument(..., help="The lead's email address (their login)."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="Asked for when not given (never put it on a shared command line).",
    ),
) -> None:
    """Add a lead who may log in to the portal's lead view (or reset their password)."""
    from coproduce.channels.portal.passwords import hash_password

    if "@" not in email or len(email) > 320:
        raise InvalidInputError(f"{email!r} is not an email address")
    workspace = open_workspace()
    workspace.register.add_lead(email, hash_password(password))
    info(f"{email.strip().lower()} can now log in to the portal's lead view")
