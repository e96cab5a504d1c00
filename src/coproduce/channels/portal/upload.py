"""The pages for handing in a Word file from a personal link: choose, send, "received".

``/r/<token>/upload`` shows the form (a file, and how the words may be used); a file that is
not a safe Word document gets the error summary and changes nothing; one that is gets a
reference at ``/r/<token>/file/<reference>`` and a confirmation email, like typed feedback.
The file's name and declared type are never trusted or kept: its bytes are checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from coproduce.channels.portal.draft import CONSENT_LABELS, FieldError
from coproduce.channels.portal.files import MAX_UPLOAD, take_file
from coproduce.channels.portal.participant import Visit, open_post, open_visit
from coproduce.channels.portal.receipt import Confirmation
from coproduce.channels.portal.security import FORM, Form
from coproduce.errors import InvalidInputError

if TYPE_CHECKING:
    from coproduce.channels.portal.app import Portal

WHAT = "Your Word file"


def add_routes(app: FastAPI, portal: Portal) -> None:
    """Mount the Word-file routes on ``app``."""
    pages = portal.pages

    def upload_page(visit: Visit, *, errors: list[FieldError], status: int = 200) -> Response:
        title = ("Error: " if errors else "") + "Send us a Word file"
        return pages.render("upload", status=status, page_title=title, errors=errors,
                            max_mb=MAX_UPLOAD // (1024 * 1024), **visit.context())  # fmt: skip

    @app.get("/r/{token}/upload")
    def choose(request: Request, token: str) -> Response:
        visit = open_visit(portal, request, token)
        if isinstance(visit, Response):
            return visit
        return upload_page(visit, errors=[])

    @app.post("/r/{token}/upload")
    def take(request: Request, token: str, form: Form = FORM) -> Response:
        opened = open_post(portal, request, token, form)
        if isinstance(opened, Response):
            return opened
        visit, form = opened
        errors: list[FieldError] = []
        consent = _consent(visit, form.get("consent"), errors)
        if consent:  # shown chosen again if the file is refused
            visit.draft.consent = consent  # type: ignore[assignment]
        chosen = form.get("file")
        data = b""
        if isinstance(chosen, UploadFile):
            data = chosen.file.read(MAX_UPLOAD + 1)
        if not data:
            errors.insert(0, FieldError("file", "Choose a Word file (.docx) to send"))
        if errors:
            return upload_page(visit, errors=errors, status=400)
        try:
            got = take_file(
                portal.workspace, cycle_id=visit.view.cycle.id,
                participant_id=visit.view.person.id, data=data, quote=consent != "withhold",
            )  # fmt: skip
        except InvalidInputError as e:
            return upload_page(visit, errors=[FieldError("file", str(e))], status=400)
        item = {"what": WHAT, "reference": got.reference, "received": got.received,
                "late": got.late, "items": got.items, "letter": got.letter}  # fmt: skip
        if consent in ("named", "anonymous") and not visit.view.minor:
            portal.workspace.register.set_consent_named(visit.view.person.id, consent == "named")
        visit.draft.files[got.reference] = item
        visit.save()
        portal.recorder.after_send(visit.view.cycle.id, Confirmation(
            visit.view.cycle, visit.view.title, visit.view.person.id, [item],
            f"file-{got.reference}", token,
        ))  # fmt: skip
        return RedirectResponse(f"/r/{token}/file/{got.reference}", status_code=303)

    @app.get("/r/{token}/file/{reference}")
    def received(request: Request, token: str, reference: str) -> Response:
        visit = open_visit(portal, request, token)
        if isinstance(visit, Response):
            return visit
        item = visit.draft.files.get(reference)
        if item is None:
            return RedirectResponse(f"/r/{token}", status_code=303)
        return pages.render("file-received", page_title="File received", item=item,
                            **visit.context())  # fmt: skip


def _consent(visit: Visit, chosen: Any, errors: list[FieldError]) -> str:
    if visit.view.minor:
        return "anonymous"
    if chosen in CONSENT_LABELS:
        return str(chosen)
    errors.append(FieldError("consent-named", "Choose how we may use your words"))
    return ""
