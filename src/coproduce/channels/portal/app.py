"""The comment portal's application: built from a Workspace, nothing read from the environment.

``create_app(workspace)`` is what tests and embedders call; ``create_default_app`` is the
factory uvicorn's worker processes call (``coproduce portal``), each opening the workspace
the command named.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from coproduce.channels.portal import (
    changes,
    decision,
    lead,
    outcomes,
    participant,
    triage,
    upload,
)
from coproduce.channels.portal.files import MAX_UPLOAD
from coproduce.channels.portal.pages import Pages
from coproduce.channels.portal.recorder import Recorder
from coproduce.channels.portal.security import BodyLimit, RateLimit, SecurityHeaders
from coproduce.resources import builtin_templates_dir
from coproduce.store.tokens import token_key
from coproduce.workspace import Workspace, open_workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """How much one client or link may do: body size, posts per link, guesses, requests."""

    body_bytes: int = 256 * 1024
    posts_per_token: int = 60  # a minute
    unknown_links_per_client: int = 30  # a minute: guessing links gets nowhere fast
    requests_per_client: int = 20_000  # a minute: loopback and shared NATs carry many people
    lead_logins_per_client: int = 20  # a minute
    upload_bytes: int = MAX_UPLOAD + 64 * 1024  # a Word file and the form around it


@dataclass
class Portal:
    """What every route needs: the workspace, templates, the CSRF key and the rate limits."""

    workspace: Workspace
    pages: Pages
    key: bytes
    limits: Limits
    per_token: RateLimit
    unknown: RateLimit
    per_client: RateLimit
    logins: RateLimit
    recorder: Recorder


def create_app(workspace: Workspace, *, limits: Limits | None = None) -> FastAPI:
    """Return the portal application for ``workspace``."""
    limits = limits or Limits()
    portal = Portal(
        workspace=workspace,
        pages=Pages(workspace.templates),
        key=token_key(workspace.register),
        limits=limits,
        per_token=RateLimit(limits.posts_per_token),
        unknown=RateLimit(limits.unknown_links_per_client),
        per_client=RateLimit(limits.requests_per_client),
        logins=RateLimit(limits.lead_logins_per_client),
        recorder=Recorder(workspace),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        portal.recorder.start()  # first: what a stopped process left (files, confirmations)
        yield
        await run_in_threadpool(portal.recorder.flush)  # nothing journalled is left unrecorded

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.portal = portal
    css = (builtin_templates_dir() / "portal" / "portal.css").read_bytes()

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> str:
        return "ok"

    @app.get("/static/portal.css")
    def stylesheet() -> Response:
        return Response(
            css,
            media_type="text/css",
            headers={"cache-control": "public, max-age=3600"},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return portal.pages.render("unknown", status=404, page_title="Page not found")
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("portal error on %s %s", request.method, request.url.path)
        return portal.pages.render("error", status=500, page_title="Sorry, there is a problem")

    participant.add_routes(app, portal)
    changes.add_routes(app, portal)
    upload.add_routes(app, portal)
    triage.add_routes(app, portal)
    outcomes.add_routes(app, portal)
    decision.add_routes(app, portal)
    lead.add_routes(app, portal)
    app.add_middleware(BodyLimit, limit=limits.body_bytes, upload_limit=limits.upload_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def create_default_app() -> FastAPI:
    """Return the portal of the workspace ``coproduce portal`` named (uvicorn's factory)."""
    return create_app(open_workspace())
