"""The board's decision recorded from the lead's page: what ``coproduce signoff`` does.

``/lead/c/<cycle>/decision`` is a form for the board secretary or lead: the decision
(approved, returned, rejected), the body that decided, the minute reference, the date, the
version approved, the board's note and, after a return or rejection, when participants hear
next. Saving calls the same library function as the command (``review.signoff.sign_off``):
every check runs first (the pack as built, the proposed text unchanged), so a refusal is shown
on the page and nothing is written. Once recorded, the page shows the decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from coproduce.channels.portal.draft import FieldError
from coproduce.channels.portal.security import FORM, Form, csrf_ok, csrf_token
from coproduce.channels.portal.session import LeadSession, read_session
from coproduce.errors import CoproduceError
from coproduce.models import Person
from coproduce.review import record

if TYPE_CHECKING:
    from coproduce.channels.portal.app import Portal

DECISIONS = {
    "approved": "Approved",
    "returned": "Returned for more work (back to triage)",
    "rejected": "Rejected",
}


def read_decision(form: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Return sign_off's arguments from the form, and every problem in it at once."""
    errors: list[FieldError] = []
    outcome = str(form.get("outcome", "") or "")
    if outcome not in DECISIONS:
        errors.append(FieldError("outcome-approved", "Choose what the board decided"))
    body = str(form.get("decided_by", "") or "").strip()[:200]
    if not body:
        errors.append(FieldError("decided_by", "Name the board or body that decided"))
    minute = str(form.get("minute", "") or "").strip()[:100]
    if not minute:
        errors.append(FieldError("minute", "Give the minute reference of the decision"))
    decided = _date(form.get("decided"), "decided", "the date of the decision", errors)
    next_update = _date(form.get("next_update"), "next_update", "the next update", errors)
    version = str(form.get("version", "") or "").strip() or None
    notes = str(form.get("notes", "") or "").strip()[:5000]
    fields = {
        "outcome": outcome, "decided_by": body, "minute": minute, "decided": decided,
        "version": version, "notes": notes, "next_update": next_update,
    }  # fmt: skip
    return fields, errors


def _date(value: Any, field: str, what: str, errors: list[FieldError]) -> dt.date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(FieldError(field, f"Enter {what} as a date, for example 2027-01-14"))
        return None


def add_routes(app: FastAPI, portal: Portal) -> None:
    """Mount the decision page on ``app``."""
    pages = portal.pages
    repo = portal.workspace.repo

    def lead_of(request: Request) -> LeadSession | Response:
        session = read_session(request, portal.key)
        return session or RedirectResponse("/lead/login", status_code=303)

    def page(
        session: LeadSession, cycle_id: str, *, errors: list[FieldError],
        form: Mapping[str, Any] | None = None, status: int = 200,
    ) -> Response:  # fmt: skip
        from coproduce.review.signoff import recorded_result

        try:
            cycle = record.load_cycle(repo, cycle_id)
        except CoproduceError:
            return pages.render("unknown", status=404, page_title="Page not found")
        recorded = recorded_result(repo, cycle_id)
        title = ("Error: " if errors else "") + f"The board's decision on {cycle_id}"
        return pages.render(
            "lead-decision", status=status, page_title=title, errors=errors, cycle=cycle,
            recorded=recorded, decisions=DECISIONS, form=form or {},
            today=dt.date.today().isoformat(), lead=session.email,
            csrf=csrf_token(portal.key, session.value),
        )  # fmt: skip

    @app.get("/lead/c/{cycle_id}/decision")
    def show(request: Request, cycle_id: str) -> Response:
        session = lead_of(request)
        if isinstance(session, Response):
            return session
        return page(session, cycle_id, errors=[])

    @app.post("/lead/c/{cycle_id}/decision")
    async def save(request: Request, cycle_id: str, form: Form = FORM) -> Response:
        session = lead_of(request)
        if isinstance(session, Response):
            return session
        if not csrf_ok(portal.key, session.value, form.get("csrf")):
            return pages.render("busy", status=403, page_title="Please try again")
        fields, errors = read_decision(form)
        if not errors:
            try:
                await run_in_threadpool(_sign_off, portal, cycle_id, fields, session.email)
            except CoproduceError as e:  # refused: the pack changed, the cycle is not waiting
                errors = [FieldError("outcome-approved", str(e))]
        if errors:
            return page(session, cycle_id, errors=errors, form=form, status=400)
        return RedirectResponse(f"/lead/c/{cycle_id}/decision", status_code=303)


def _sign_off(portal: Portal, cycle_id: str, fields: dict[str, Any], lead: str) -> None:
    from coproduce.review.signoff import sign_off

    sign_off(
        repo=portal.workspace.repo,
        cycle_id=cycle_id,
        author=Person(name=lead, email=lead),
        **fields,
    )


__all__ = ["DECISIONS", "add_routes", "read_decision"]
