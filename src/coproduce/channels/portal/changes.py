"""The "what changed since the last approved version" page every invitation links to.

``/c/<cycle>/changes`` shows the cycle's redline (the redline engine's HTML: insertions
underlined, deletions struck through, each change naming who made it) inside the portal's
pages, readable on a phone. It needs no personal link: it shows the draft everyone invited
was sent, and nothing anyone said. A cycle not yet launched, or cancelled, has no page.
The redline is computed once per process and commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import Response
from markupsafe import Markup

from coproduce.errors import CoproduceError, InvalidInputError
from coproduce.models import CycleState, Document, ReviewCycle
from coproduce.review import record
from coproduce.workspace import Workspace

if TYPE_CHECKING:
    from coproduce.channels.portal.app import Portal

HIDDEN = (CycleState.DRAFT, CycleState.CANCELLED)


@dataclass(frozen=True)
class ChangesView:
    """The page's content: the draft's title, the version it is compared with, the redline."""

    title: str
    base_version: str | None
    redline: Markup | None  # None: nothing changed


def build_changes(workspace: Workspace, cycle: ReviewCycle) -> ChangesView:
    """Return the redline of ``cycle``'s draft against its approved base (cached per commit)."""
    repo = workspace.repo
    key = (f"portal-changes:{cycle.slug}:{cycle.base}", repo.resolve(cycle.proposed))
    cached = repo.parsed_blobs.get(key)
    if isinstance(cached, ChangesView):
        return cached
    from coproduce.redline import redline
    from coproduce.redline.change import compute_changes
    from coproduce.redline.html import render_redline_fragment

    draft = repo.read_document(cycle.slug, cycle.proposed)
    fragment: str | None
    if cycle.base is None:  # a first version: all of it is new
        empty = Document(slug=cycle.slug, meta=draft.meta, blocks=[])
        fragment = render_redline_fragment(
            compute_changes(empty, draft), overrides=workspace.templates
        )
    else:
        try:
            found = redline(repo, cycle.slug, base=cycle.base, proposed=cycle.proposed)
            fragment = render_redline_fragment(found.changes, overrides=workspace.templates)
        except InvalidInputError:  # the same text: nothing changed
            fragment = None
    view = ChangesView(
        title=draft.meta.title,
        base_version=_version(cycle.base),
        # The fragment comes from the redline template, which escapes every text it shows.
        redline=Markup(fragment) if fragment is not None else None,
    )
    repo.parsed_blobs[key] = view
    return view


def _version(base: str | None) -> str | None:
    # "exploitation-protocol/v1.0" reads "1.0"; any other base is shown as it is.
    return base.rsplit("/", 1)[-1].removeprefix("v") if base else None


def add_routes(app: FastAPI, portal: Portal) -> None:
    """Mount the "what changed" page on ``app``."""
    pages = portal.pages

    @app.get("/c/{cycle_id}/changes")
    def changes(request: Request, cycle_id: str) -> Response:
        client = request.client.host if request.client else "unknown"
        if not portal.per_client.allow(client):
            return pages.render("busy", status=429, page_title="Too many requests")
        try:
            cycle = record.load_cycle(portal.workspace.repo, cycle_id)
            if cycle.state in HIDDEN:
                raise InvalidInputError("not launched")
            view = build_changes(portal.workspace, cycle)
        except CoproduceError:
            if not portal.unknown.allow(client):
                return pages.render("busy", status=429, page_title="Too many requests")
            return pages.render("unknown", status=404, page_title="Page not found")
        title = (
            f"What changed since version {view.base_version}"
            if view.base_version
            else ("What is new in this draft")
        )
        return pages.render("changes", page_title=title, heading=title, view=view, cycle=cycle)
