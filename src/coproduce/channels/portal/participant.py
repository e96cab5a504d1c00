"""A participant's pages, all under their personal link ``/r/<token>``.

The draft page (sections, suggestions with a redline preview, questions, a general comment,
consent), save-and-come-back, check your answers, send, the confirmation with references, and
opting out. An unknown, expired or erased link gets one page that never says which it was.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from coproduce.channels.portal.draft import (
    CONSENT_LABELS,
    Draft,
    FieldError,
    check_ready,
    iter_submissions,
    read_form,
)
from coproduce.channels.portal.preview import redline_html
from coproduce.channels.portal.receipt import Confirmation, queue_receipt
from coproduce.channels.portal.security import FORM, Form, csrf_ok, csrf_token
from coproduce.channels.portal.sending import Sent, send_items_async
from coproduce.channels.portal.view import PageView, SectionView, build_view
from coproduce.errors import CoproduceError
from coproduce.store.tokens import hash_token, verify_token

if TYPE_CHECKING:
    from coproduce.channels.portal.app import Portal


class Visit:
    """One request on a personal link: who it is, their page, their draft."""

    def __init__(self, portal: Portal, token: str, view: PageView) -> None:
        self.portal = portal
        self.token = token
        self.view = view
        self.subject = hash_token(token)
        register = portal.workspace.register
        data = register.read_draft(participant_id=view.person.id, cycle=view.cycle.id)
        self.draft = Draft.model_validate(data) if data else Draft()

    @property
    def csrf(self) -> str:
        return csrf_token(self.portal.key, self.subject)

    @property
    def late_allowed(self) -> bool:
        return self.portal.workspace.register.late_allowed(self.view.cycle.id)

    def save(self) -> None:
        """Keep the draft (inside a register transaction already: as part of it)."""
        self.portal.workspace.register.together(self._saving())

    async def save_async(self) -> None:
        """Keep the draft, from the event loop: committed with other requests' writes (group
        commit), a busy portal saving many drafts in one turn of the writers' queue."""
        await self.portal.workspace.register.together_async(self._saving())

    def _saving(self) -> Callable[[], None]:
        register = self.portal.workspace.register
        data = self.draft.model_dump(mode="json")
        person, cycle = self.view.person.id, self.view.cycle.id
        return lambda: register.save_draft(participant_id=person, cycle=cycle, data=data)

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "token": self.token,
            "view": self.view,
            "draft": self.draft,
            "csrf": self.csrf,
            "consent_labels": CONSENT_LABELS,
            "closes": _day(self.view.cycle.closes),
            "late": self.view.closed,
            **extra,
        }


def _day(when: Any) -> str:
    return f"{when.day} {when:%B %Y}"


def client_of(request: Request) -> str:
    """Return the address a request came from (rate limits are kept per address)."""
    return request.client.host if request.client else "unknown"


def open_visit(
    portal: Portal, request: Request, token: str, *, found: tuple[str, str] | None = None
) -> Visit | Response:
    """Return the visit of a personal link, or the page to show instead (busy, unknown,
    closed); an unknown, expired or erased link gets one page that never says which.

    ``found`` is the token's ``verify_token`` answer when the caller has it already.
    """
    pages = portal.pages
    if not portal.per_client.allow(client_of(request)):
        return pages.render("busy", status=429, page_title="Too many requests")
    found = found or verify_token(portal.workspace.register, token)
    if found is None:
        if not portal.unknown.allow(client_of(request)):
            return pages.render("busy", status=429, page_title="Too many requests")
        return pages.render("unknown", status=404, page_title="This link does not work")
    participant_id, cycle_id = found
    try:
        view = build_view(portal.workspace, cycle_id=cycle_id, participant_id=participant_id)
    except CoproduceError:
        return pages.render("unknown", status=404, page_title="This link does not work")
    visit = Visit(portal, token, view)
    if view.closed and not visit.late_allowed:
        return pages.render(
            "closed", status=410, page_title="This review has closed", **visit.context()
        )
    return visit


def open_post(
    portal: Portal, request: Request, token: str, form: dict[str, Any]
) -> tuple[Visit, dict[str, Any]] | Response:
    """Return the visit a form was posted on, once its rate limit and CSRF token pass."""
    visit = open_visit(portal, request, token)
    if isinstance(visit, Response):
        return visit
    if not portal.per_token.allow(visit.subject):
        return portal.pages.render("busy", status=429, page_title="Too many requests")
    if not csrf_ok(portal.key, visit.subject, form.get("csrf")):
        return portal.pages.render("expired-form", status=403, page_title="Please try again",
                                   **visit.context())  # fmt: skip
    return visit, form


def add_routes(app: FastAPI, portal: Portal) -> None:
    """Mount the participant's routes on ``app``."""
    pages = portal.pages

    def draft_page(visit: Visit, *, errors: list[FieldError], status: int = 200,
                   preview: bool = False, saved: bool = False) -> Response:  # fmt: skip
        previews = {}
        if preview:
            for section in visit.view.sections:
                if suggested := visit.draft.suggestions.get(section.id):
                    previews[section.id] = redline_html(section.text, suggested)
        title = ("Error: " if errors else "") + visit.view.title
        errs = {e.field: e.message for e in errors}
        sections = {
            s.id: _section_html(visit, s, errs, previews.get(s.id)) for s in visit.view.sections
        }
        return pages.render("draft", status=status, page_title=title, errors=errors,
                            saved=saved, sections=sections, **visit.context())  # fmt: skip

    @app.get("/r/{token}")
    async def show(request: Request, token: str, saved: bool = False) -> Response:
        found = verify_token(portal.workspace.register, token)
        if found is not None and _has_outcomes(portal, token, found):
            # after the decision the link says what happened
            return RedirectResponse(f"/r/{token}/outcomes", status_code=303)
        visit = open_visit(portal, request, token, found=found)
        if isinstance(visit, Response):
            return visit
        return draft_page(visit, errors=[], saved=saved)

    @app.post("/r/{token}")
    async def save(request: Request, token: str, form: Form = FORM) -> Response:
        opened = open_post(portal, request, token, form)
        if isinstance(opened, Response):
            return opened
        visit, form = opened
        errors = read_form(form, visit.view, visit.draft)
        action = form.get("action")
        problems = check_ready(visit.draft, visit.view) if action == "check" else []
        if action == "check" and not errors and not problems and not visit.draft.nonce:
            visit.draft.nonce = secrets.token_urlsafe(18)  # saved with the draft: one write
        await visit.save_async()  # what can be kept is kept, even when something is wrong
        if errors:
            return draft_page(visit, errors=errors, status=400)
        if action == "preview":
            return draft_page(visit, errors=[], preview=True)
        if action == "check":
            if problems:
                return draft_page(visit, errors=problems, status=400)
            return RedirectResponse(f"/r/{token}/check", status_code=303)
        return RedirectResponse(f"/r/{token}?saved=true", status_code=303)

    @app.get("/r/{token}/check")
    async def check(request: Request, token: str) -> Response:
        visit = open_visit(portal, request, token)
        if isinstance(visit, Response):
            return visit
        if check_ready(visit.draft, visit.view):
            return RedirectResponse(f"/r/{token}", status_code=303)
        if not visit.draft.nonce:
            visit.draft.nonce = secrets.token_urlsafe(18)
            await visit.save_async()
        items = iter_submissions(visit.draft, visit.view)
        return pages.render("check", page_title="Check your answers before sending",
                            items=[_label(visit.view, s) for s in items],
                            submissions=items, **visit.context())  # fmt: skip

    @app.post("/r/{token}/send")
    async def send(request: Request, token: str, form: Form = FORM) -> Response:
        opened = open_post(portal, request, token, form)
        if isinstance(opened, Response):
            return opened
        visit, form = opened
        nonce = form.get("nonce")
        if isinstance(nonce, str) and nonce in visit.draft.sent:
            return RedirectResponse(f"/r/{token}/sent/{nonce}", status_code=303)
        if not isinstance(nonce, str) or not nonce or nonce != visit.draft.nonce:
            return RedirectResponse(f"/r/{token}/check", status_code=303)
        submissions = iter_submissions(visit.draft, visit.view)
        if not submissions:
            return RedirectResponse(f"/r/{token}", status_code=303)
        consent = visit.draft.consent

        def keep(sent: list[Sent]) -> None:  # committed with the items, in one write
            named = consent == "named"
            chose = consent in ("named", "anonymous") and not visit.view.minor
            if chose and visit.view.person.consent_named is not named:
                register.set_consent_named(visit.view.person.id, named)
            visit.draft = Draft(
                consent=consent, sent={**visit.draft.sent, nonce: [s.__dict__ for s in sent]}
            )
            visit.save()
            # The confirmation is logged as queued with the send: should this process stop
            # before its recorder's round, the next one sends it (``pending_confirmations``).
            queue_receipt(portal.workspace, cycle=visit.view.cycle.id,
                          participant_id=visit.view.person.id, nonce=nonce)  # fmt: skip

        register = portal.workspace.register
        sent = await send_items_async(
            portal.workspace, cycle_id=visit.view.cycle.id, submissions=submissions,
            nonce=nonce, labels=[_label(visit.view, s)["what"] for s in submissions],
            with_them=keep,
        )  # fmt: skip
        items = [s.__dict__ for s in sent]
        # Acknowledged once journalled; git and the confirmation email (once per nonce,
        # whoever sends it) follow on the recorder's thread, a round of sends at a time.
        portal.recorder.after_send(visit.view.cycle.id, Confirmation(
            visit.view.cycle, visit.view.title, visit.view.person.id, items, nonce, token,
        ))  # fmt: skip
        return RedirectResponse(f"/r/{token}/sent/{nonce}", status_code=303)

    @app.get("/r/{token}/sent/{nonce}")
    async def sent(request: Request, token: str, nonce: str) -> Response:
        visit = open_visit(portal, request, token)
        if isinstance(visit, Response):
            return visit
        items = visit.draft.sent.get(nonce)
        if items is None:
            return RedirectResponse(f"/r/{token}", status_code=303)
        return pages.render("sent", page_title="Feedback received", sent=items,
                            **visit.context())  # fmt: skip

    @app.post("/r/{token}/opt-out")
    def opt_out(request: Request, token: str, form: Form = FORM) -> Response:
        opened = open_post(portal, request, token, form)
        if isinstance(opened, Response):
            return opened
        visit, _form = opened
        portal.workspace.register.add_opt_out(visit.view.person.id, cycle=visit.view.cycle.id)
        return pages.render("opted-out", page_title="You will get no more emails about this",
                            **visit.context())  # fmt: skip


def _section_html(
    visit: Visit, section: SectionView, errs: dict[str, str], preview: Markup | None
) -> Markup:
    """Return one section of the draft page (remembered while its words and errors are the
    same: most sections of most pages are as everyone first sees them)."""
    view, draft = visit.view, visit.draft
    questions = view.questions_in(section.id)
    answers = {q.id: draft.answers.get(q.id, "") for q in questions}
    comment = draft.comments.get(section.id, "")
    suggestion = draft.suggestions.get(section.id)
    mine = {f"comment-{section.id}", f"suggest-{section.id}", *(f"answer-{q}" for q in answers)}
    shown_errs = {k: v for k, v in errs.items() if k in mine}
    context = {"section": section, "youth": view.youth, "questions": questions,
               "answers": answers, "comment": comment, "suggestion": suggestion,
               "preview": preview or "", "errs": shown_errs}  # fmt: skip
    key = (section, view.youth, tuple(questions), tuple(answers.values()), comment, suggestion,
           tuple(sorted(shown_errs.items())), preview)  # fmt: skip
    return visit.portal.pages.fragment("_section", key, **context)


def _label(view: PageView, submission: Any) -> dict[str, Any]:
    """Return how an item is described back to the person: what, where, and the words."""
    where = ""
    shown = None
    if submission.section:
        shown = next((s for s in view.sections if s.parent == submission.section), None)
        where = shown.heading if shown else submission.section
    if submission.kind == "answer":
        question = next((q for q in view.questions if q.id == submission.question), None)
        what = "Your answer to: " + (question.text if question else str(submission.question))
    elif submission.kind == "suggestion":
        what = f"Your suggested wording for “{where}”"
    elif submission.section:
        what = f"Your comment on “{where}”"
    else:
        what = "Your general comment"
    redline = ""
    if submission.suggestion and shown is not None:
        redline = redline_html(shown.text, submission.suggestion)
    return {"what": what, "text": submission.text, "suggestion": redline}


def _has_outcomes(portal: Portal, token: str, found: tuple[str, str]) -> bool:
    """Return whether the board decided on this link's cycle and the person has outcomes."""
    from coproduce.review import record
    from coproduce.review.outcomes import outcomes_for_token

    decided = portal.workspace.repo.root / record.REVIEWS / found[1] / record.DECISION_FILE
    if not decided.is_file():
        return False
    try:
        return outcomes_for_token(workspace=portal.workspace, token=token) is not None
    except CoproduceError:
        return False
