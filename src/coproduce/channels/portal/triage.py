"""The lead's triage pages: a page per section giving each item an outcome and a reason.

``/lead/c/<cycle>/triage`` lists the sections with how many items each still needs an
outcome for; ``/lead/c/<cycle>/triage/<section>`` is one form for that section's items (a
plain form: every control reached with Tab, chosen with the keyboard). Saving checks every
chosen outcome first and shows every problem at once, changing nothing; when all are sound
they are recorded in one commit through the same triage service the CLI uses, with the lead
as who set them. Items left on "Not decided yet" are left as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from coproduce.channels.portal.draft import FieldError
from coproduce.channels.portal.security import FORM, Form, csrf_ok, csrf_token
from coproduce.channels.portal.session import LeadSession, read_session
from coproduce.errors import CoproduceError, InvalidInputError
from coproduce.models import Disposition, FeedbackItem, Person
from coproduce.models.feedback import OUTCOME_LABELS
from coproduce.review import record
from coproduce.triage.service import Triage, load_triage, make_disposition, record_dispositions

if TYPE_CHECKING:
    from coproduce.channels.portal.app import Portal

WHOLE = "_"  # the "section" of items about the whole document


@dataclass(frozen=True)
class SectionRow:
    """One section on the triage overview: id, heading, items, and how many need an outcome."""

    id: str
    heading: str
    items: int
    undecided: int


def section_of(item: FeedbackItem) -> str:
    """Return the section an item is triaged under (WHOLE for the whole document)."""
    return item.anchor.section if item.anchor and item.anchor.section else WHOLE


def read_outcomes(
    form: Mapping[str, Any], items: list[FeedbackItem], triage: Triage, *, lead: str
) -> tuple[list[Disposition], list[FieldError]]:
    """Return the dispositions the form sets (changed ones only) and every problem in it."""
    wanted: list[Disposition] = []
    errors: list[FieldError] = []
    now = record.utcnow()
    for item in items:
        outcome = str(form.get(f"outcome-{item.id}", "") or "")
        if not outcome:
            continue
        reason = str(form.get(f"reason-{item.id}", "") or "")[:5000]
        duplicate = str(form.get(f"duplicate-{item.id}", "") or "").strip().upper() or None
        try:
            made = make_disposition(
                feedback_id=item.id, outcome=outcome, reason=reason, duplicate_of=duplicate,
                author=Person(name=lead, email=lead), now=now,
            )  # fmt: skip
        except InvalidInputError as e:
            for problem in e.problems or [str(e)]:
                field = f"reason-{item.id}" if "reason" in problem else f"outcome-{item.id}"
                if "duplicate" in problem:
                    field = f"duplicate-{item.id}"
                errors.append(FieldError(field, f"{item.id}: {_plain(problem)}"))
            continue
        current = triage.dispositions.get(item.id)
        same = current is not None and (current.outcome, current.reason, current.duplicate_of) == (
            made.outcome, made.reason, made.duplicate_of,
        )  # fmt: skip
        if not same:
            wanted.append(made)
    return wanted, errors


def _plain(problem: str) -> str:
    if "reason" in problem and ("at least 1" in problem or "required" in problem):
        return "write a reason for the person who gave it"
    return problem.split(": ", 1)[-1] if problem.startswith("reason") else problem


def add_routes(app: FastAPI, portal: Portal) -> None:
    """Mount the triage pages on ``app``."""
    pages = portal.pages
    repo = portal.workspace.repo

    def lead_of(request: Request) -> LeadSession | Response:
        session = read_session(request, portal.key)
        return session or RedirectResponse("/lead/login", status_code=303)

    def loaded(cycle_id: str) -> Triage | Response:
        try:
            return load_triage(repo, cycle_id)
        except CoproduceError:
            return pages.render("unknown", status=404, page_title="Page not found")

    def headings(triage: Triage) -> dict[str, str]:
        document = repo.read_document(triage.cycle.slug, triage.cycle.proposed)
        return {WHOLE: "The whole document", **{h.id: h.text for h in document.iter_headings()}}

    @app.get("/lead/c/{cycle_id}/triage")
    def overview(request: Request, cycle_id: str) -> Response:
        session = lead_of(request)
        if isinstance(session, Response):
            return session
        triage = loaded(cycle_id)
        if isinstance(triage, Response):
            return triage
        names = headings(triage)
        rows = []
        for section in [*names, *sorted({section_of(i) for i in triage.items} - set(names))]:
            mine = [i for i in triage.items if section_of(i) == section]
            if mine:
                undecided = sum(1 for i in mine if i.id not in triage.dispositions)
                rows.append(SectionRow(section, names.get(section, section), len(mine), undecided))
        return pages.render(
            "lead-triage", page_title=f"Triage {cycle_id}", cycle=triage.cycle, rows=rows,
            undecided=len(triage.undecided), lead=session.email,
            csrf=csrf_token(portal.key, session.value),
        )  # fmt: skip

    def section_page(
        session: LeadSession, triage: Triage, section: str, *, errors: list[FieldError],
        form: Mapping[str, Any] | None = None, status: int = 200, saved: int | None = None,
    ) -> Response:  # fmt: skip
        items = [i for i in triage.items if section_of(i) == section]
        if not items:
            return pages.render("unknown", status=404, page_title="Page not found")
        heading = headings(triage).get(section, section)
        title = ("Error: " if errors else "") + f"Triage: {heading}"
        return pages.render(
            "lead-triage-section", status=status, page_title=title, errors=errors,
            cycle=triage.cycle, section=section, heading=heading, items=items, triage=triage,
            outcomes=OUTCOME_LABELS, form=form or {}, saved=saved, lead=session.email,
            csrf=csrf_token(portal.key, session.value),
        )  # fmt: skip

    @app.get("/lead/c/{cycle_id}/triage/{section}")
    def show(request: Request, cycle_id: str, section: str, saved: int | None = None) -> Response:
        session = lead_of(request)
        if isinstance(session, Response):
            return session
        triage = loaded(cycle_id)
        if isinstance(triage, Response):
            return triage
        return section_page(session, triage, section, errors=[], saved=saved)

    @app.post("/lead/c/{cycle_id}/triage/{section}")
    def save(request: Request, cycle_id: str, section: str, form: Form = FORM) -> Response:
        session = lead_of(request)
        if isinstance(session, Response):
            return session
        if not csrf_ok(portal.key, session.value, form.get("csrf")):
            return pages.render("busy", status=403, page_title="Please try again")
        triage = loaded(cycle_id)
        if isinstance(triage, Response):
            return triage
        items = [i for i in triage.items if section_of(i) == section]
        wanted, errors = read_outcomes(form, items, triage, lead=session.email)
        if not errors and wanted:
            try:
                record_dispositions(
                    repo=repo, cycle_id=cycle_id, dispositions=wanted,
                    author=Person(name=session.email, email=session.email),
                    message=f"Triage {len(wanted)} items on {section} (portal)",
                )  # fmt: skip
            except InvalidInputError as e:  # a duplicate naming no item of this cycle
                errors = [FieldError(f"outcome-{items[0].id}", p) for p in e.problems or [str(e)]]
            except CoproduceError as e:  # the cycle is no longer open to triage
                errors = [FieldError(f"outcome-{items[0].id}", str(e))]
        if errors:
            return section_page(session, triage, section, errors=errors, form=form, status=400)
        return RedirectResponse(
            f"/lead/c/{cycle_id}/triage/{section}?saved={len(wanted)}", status_code=303
        )


__all__ = ["WHOLE", "add_routes", "read_outcomes", "section_of"]
