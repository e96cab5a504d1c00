"""The "what happened to my feedback" page on a personal link: ``/r/<token>/outcomes``.

It shows, once the board has decided, what the person's email said: their words, the outcome,
the reason and the changed passage (or, after a return or a rejection, when they will hear
next). The link keeps working for this page after it stopped taking comments; an unknown link,
an erased person, or a cycle with no decision yet gets the page that says the link does not
work (or that there is nothing to show yet) without saying which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

if TYPE_CHECKING:
    from coproduce.channels.portal.app import Portal


def add_routes(app: FastAPI, portal: Portal) -> None:
    """Mount the outcomes page on ``app``."""
    pages = portal.pages

    @app.get("/r/{token}/outcomes")
    async def outcomes(request: Request, token: str) -> Response:
        client = request.client.host if request.client else "unknown"
        if not portal.per_client.allow(client):
            return pages.render("busy", status=429, page_title="Too many requests")
        context = await run_in_threadpool(_context, portal, token)
        if context is None:
            if not portal.unknown.allow(client):
                return pages.render("busy", status=429, page_title="Too many requests")
            return pages.render("unknown", status=404, page_title="This link does not work")
        title = "What happened to your feedback"
        return pages.render("outcomes", page_title=title, token=token, **context)


def _context(portal: Portal, token: str) -> dict[str, Any] | None:
    from coproduce.review.outcomes import outcomes_for_token
    from coproduce.review.outcomes.glossary import load_glossary
    from coproduce.review.outcomes.messages import render_context

    workspace = portal.workspace
    found = outcomes_for_token(workspace=workspace, token=token)
    if found is None:
        return None
    outcomes, person = found
    context = render_context(
        outcomes,
        person,
        record=outcomes.records.get(person.participant),
        organisation=workspace.settings.organisation_name,
        link="",
        glossary=load_glossary(workspace.templates),
    )
    context.pop("name")  # the page greets nobody (and render() takes its own "name")
    return context
