"""The lead's view: log in, see responses by audience and section as they arrive, who has not
responded (organisations, never names), late items, each item with its anchor; allow or stop
late feedback. Every page needs a lead's session; every form a CSRF token."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask

from coproduce.channels.portal.draft import FieldError
from coproduce.channels.portal.passwords import check_password
from coproduce.channels.portal.remind import plan_reminder, send_reminder
from coproduce.channels.portal.security import FORM, Form, csrf_ok, csrf_token
from coproduce.channels.portal.session import (
    end_session,
    login_nonce,
    read_session,
    set_login_nonce,
    start_session,
)
from coproduce.errors import CoproduceError, NotFoundError
from coproduce.review import record
from coproduce.review.context import outreach_of
from coproduce.review.delivery import INVITATION
from coproduce.review.feedback import iter_feedback
from coproduce.review.progress import audience_progress
from coproduce.review.recording import iter_file_records

if TYPE_CHECKING:
    from coproduce.channels.portal.app import Portal

PROBLEMS = {"not-open": "No reminder was sent: the review is not open."}
LOCK_AFTER = 5
LOCK_FOR = dt.timedelta(minutes=15)
WRONG = "The email or password is not right. After 5 wrong tries, logging in pauses for 15 minutes."


def add_routes(app: FastAPI, portal: Portal) -> None:
    """Mount the lead's routes on ``app``."""
    pages = portal.pages
    register = portal.workspace.register

    def secure(request: Request) -> bool:
        return request.url.scheme == "https"

    def login_page(
        request: Request, *, errors: list[FieldError], status: int = 200, email: str = ""
    ) -> Response:
        nonce = login_nonce(request)
        csrf = csrf_token(portal.key, "login:" + nonce)
        response = pages.render(
            "lead-login", status=status, page_title="Log in", errors=errors, csrf=csrf,
            email=email,
        )  # fmt: skip
        set_login_nonce(response, nonce, secure=secure(request))
        return response

    @app.get("/lead/login")
    def login_form(request: Request) -> Response:
        return login_page(request, errors=[])

    @app.post("/lead/login")
    def login(request: Request, form: Form = FORM) -> Response:
        client = request.client.host if request.client else "unknown"
        if not portal.logins.allow(client):
            return pages.render("busy", status=429, page_title="Too many requests")
        nonce = request.cookies.get("coproduce_login", "")
        if not nonce or not csrf_ok(portal.key, "login:" + nonce, form.get("csrf")):
            return login_page(request, errors=[_error("email", "Please try again")], status=403)
        email = str(form.get("email", "")).strip().lower()[:320]
        password = str(form.get("password", ""))[:1024]
        lead = register.get_lead(email) if email else None
        locked = (
            lead is not None
            and lead.locked_until is not None
            and (lead.locked_until > dt.datetime.now(dt.UTC))
        )
        ok = check_password(lead.password_hash if lead else None, password) and not locked
        if lead is not None and not locked:
            register.note_login(email, ok=ok, lock_after=LOCK_AFTER, lock_for=LOCK_FOR)
        if not ok:
            return login_page(request, errors=[_error("email", WRONG)], status=400, email=email)
        response = RedirectResponse("/lead", status_code=303)
        start_session(response, portal.key, email, secure=secure(request))
        return response

    def session_or_login(request: Request) -> Any:
        session = read_session(request, portal.key)
        if session is None:
            return RedirectResponse("/lead/login", status_code=303)
        return session

    @app.post("/lead/logout")
    def logout(request: Request, form: Form = FORM) -> Response:
        session = session_or_login(request)
        if isinstance(session, Response):
            return session
        if not csrf_ok(portal.key, session.value, form.get("csrf")):
            return pages.render("busy", status=403, page_title="Please try again")
        response = RedirectResponse("/lead/login", status_code=303)
        end_session(response, secure=secure(request))
        return response

    @app.get("/lead")
    def home(request: Request) -> Response:
        session = session_or_login(request)
        if isinstance(session, Response):
            return session
        cycles = record.iter_cycles(portal.workspace.repo)
        counts = {c.id: register.count_submissions(cycle=c.id) for c in cycles}
        csrf = csrf_token(portal.key, session.value)
        return pages.render("lead-home", page_title="Reviews", cycles=cycles, counts=counts,
                            lead=session.email, csrf=csrf)  # fmt: skip

    @app.get("/lead/c/{cycle_id}")
    def cycle_page(
        request: Request, cycle_id: str, reminding: int | None = None, problem: str = ""
    ) -> Response:
        session = session_or_login(request)
        if isinstance(session, Response):
            return session
        try:
            cycle = record.load_cycle(portal.workspace.repo, cycle_id)
        except CoproduceError:
            return pages.render("unknown", status=404, page_title="Page not found")
        items = list(iter_feedback(portal.workspace.repo, cycle_id))
        by_section: dict[str, Counter[str]] = {}
        for item in items:
            where = item.anchor.section if item.anchor else "(whole document)"
            by_section.setdefault(where, Counter())[item.audience] += 1
        return pages.render(
            "lead-cycle", page_title=f"Responses to {cycle.id}", cycle=cycle,
            progress=audience_progress(register=register, cycle=cycle),
            by_section=by_section, items=sorted(items, key=lambda i: i.received, reverse=True),
            late=[i for i in items if i.late], late_allowed=register.late_allowed(cycle_id),
            pending=register.count_submissions(cycle=cycle_id, pending=True),
            lead=session.email, csrf=csrf_token(portal.key, session.value),
            reminding=reminding, problem=PROBLEMS.get(problem), waiting=_waiting(portal, cycle),
            files=iter_file_records(portal.workspace.repo, cycle_id),
        )  # fmt: skip

    @app.post("/lead/c/{cycle_id}/remind")
    def remind(request: Request, cycle_id: str, form: Form = FORM) -> Response:
        session = session_or_login(request)
        if isinstance(session, Response):
            return session
        if not csrf_ok(portal.key, session.value, form.get("csrf")):
            return pages.render("busy", status=403, page_title="Please try again")
        try:
            plan = plan_reminder(portal.workspace, cycle_id=cycle_id)
        except NotFoundError:
            return pages.render("unknown", status=404, page_title="Page not found")
        except CoproduceError:  # not open (closed since the page was shown)
            return RedirectResponse(f"/lead/c/{cycle_id}?problem=not-open", status_code=303)
        people = sum(len(b.participants) for b in plan.batches)
        return RedirectResponse(
            f"/lead/c/{cycle_id}?reminding={people}",
            status_code=303,
            background=BackgroundTask(send_reminder, portal.workspace, plan=plan),
        )

    @app.post("/lead/c/{cycle_id}/late")
    def late(request: Request, cycle_id: str, form: Form = FORM) -> Response:
        session = session_or_login(request)
        if isinstance(session, Response):
            return session
        if not csrf_ok(portal.key, session.value, form.get("csrf")):
            return pages.render("busy", status=403, page_title="Please try again")
        try:
            record.load_cycle(portal.workspace.repo, cycle_id)
        except CoproduceError:
            return pages.render("unknown", status=404, page_title="Page not found")
        register.set_late_allowed(cycle_id, form.get("allow") == "yes")
        return RedirectResponse(f"/lead/c/{cycle_id}", status_code=303)


def _waiting(portal: Portal, cycle: Any) -> int:
    """Return how many people were invited and have not responded (a reminder's reach)."""
    outreach = outreach_of(portal.workspace)
    return len(outreach.sent_to(cycle.id, INVITATION) - outreach.responded(cycle.id))


def _error(field: str, message: str) -> FieldError:
    return FieldError(field, message)
