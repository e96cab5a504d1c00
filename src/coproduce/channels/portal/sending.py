"""Send a participant's draft: each item through the durable intake, then recorded in git.

Each item's idempotency key is the form's nonce and the item's place in the draft, so a double
click, a resubmitted form or a retry after a dropped connection stores nothing twice. Words
that look like a disclosure of harm are held outside git and routed to the safeguarding lead,
as every other channel does (``channels.submit``). Git is written afterwards, by the
``Recorder`` (``channels.portal.recorder``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from coproduce.channels.safeguarding import hold_concern, route_concern, safeguarding_from
from coproduce.channels.submit import contact_of
from coproduce.errors import ConflictError, CoproduceError
from coproduce.review.intake import Receipt, check_all, journal
from coproduce.review.submission import Submission
from coproduce.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """One item received: what it was, its reference and when."""

    what: str
    reference: str
    received: str
    late: bool


def send_items(
    workspace: Workspace,
    *,
    cycle_id: str,
    submissions: list[Submission],
    nonce: str,
    labels: list[str],
    keys: list[str] | None = None,
    with_them: Callable[[list[Sent]], None] | None = None,
) -> list[Sent]:
    """Journal every submission (keyed by ``nonce`` and index, or by ``keys``), route concerns.

    Everything is checked first; then the items are journalled in one register transaction,
    with whatever ``with_them`` writes (the participant's draft, their consent) committed in
    it too, and with other requests' writes (``Register.together``). Two workers racing on
    the same send: the loser tries once more and finds the items journalled. Git is written
    afterwards, by the ``Recorder``.
    """
    write, held = _prepare(workspace, cycle_id, submissions, nonce, labels, keys, with_them)
    register = workspace.register
    try:
        sent = register.together(write)  # committed with other requests' writes
    except ConflictError:  # another worker journalled one of these keys meanwhile
        sent = register.together(write)
    _route(workspace, held)
    return sent


async def send_items_async(
    workspace: Workspace,
    *,
    cycle_id: str,
    submissions: list[Submission],
    nonce: str,
    labels: list[str],
    with_them: Callable[[list[Sent]], None] | None = None,
) -> list[Sent]:
    """``send_items`` on an event loop: checked there, committed by the register's writer
    (``Register.together_async``) while the loop serves other requests."""
    write, held = _prepare(workspace, cycle_id, submissions, nonce, labels, None, with_them)
    register = workspace.register
    try:
        sent = await register.together_async(write)
    except ConflictError:
        sent = await register.together_async(write)
    if held:  # rare: the safeguarding lead's email is not sent from the event loop
        await run_in_threadpool(_route, workspace, held)
    return sent


def _prepare(
    workspace: Workspace,
    cycle_id: str,
    submissions: list[Submission],
    nonce: str,
    labels: list[str],
    keys: list[str] | None,
    with_them: Callable[[list[Sent]], None] | None,
) -> tuple[Callable[[], list[Sent]], list[Path]]:
    """Check every item and hold concerns; return the write to commit and the held paths."""
    guard = safeguarding_from(workspace.settings)
    register = workspace.register
    held = []
    items: list[tuple[Submission, str]] = []
    for index, submission in enumerate(submissions):
        key = keys[index] if keys is not None else f"portal:{nonce}:{index}"
        said = " ".join(filter(None, [submission.text, submission.suggestion or ""]))
        concern = guard.looks_like_disclosure(said)
        submission = dataclasses.replace(submission, key=key, concern=concern)
        if concern and register.find_submission(key) is None:
            held.append(
                hold_concern(
                    guard, cycle_id=cycle_id, feedback_id=f"pending-{_short(key)}",
                    text=said, audience=submission.audience or "",
                    contact=contact_of(register, submission.participant),
                )
            )  # fmt: skip
        items.append((submission, key))
    checked = check_all(repo=workspace.repo, register=register, cycle_id=cycle_id, items=items)

    def write() -> list[Sent]:  # the items and what the caller keeps with them: one commit
        sent = [_sent(label, r) for label, r in zip(labels, journal(register, checked),
                                                    strict=True)]  # fmt: skip
        if with_them is not None:
            with_them(sent)
        return sent

    return write, held


def _route(workspace: Workspace, held: list[Path]) -> None:
    guard = safeguarding_from(workspace.settings)
    for path in held:
        try:
            route_concern(guard, path)
        except CoproduceError as e:
            log.warning("a held concern could not be sent to the safeguarding lead: %s", e)


def _sent(label: str, receipt: Receipt) -> Sent:
    return Sent(
        what=label,
        reference=receipt.reference,
        received=receipt.received.strftime("%d %B %Y at %H:%M UTC").lstrip("0"),
        late=receipt.late,
    )


def _short(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]
