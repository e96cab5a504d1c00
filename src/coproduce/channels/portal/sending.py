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
from dataclasses import dataclass

from coproduce.channels.safeguarding import hold_concern, route_concern, safeguarding_from
from coproduce.channels.submit import contact_of
from coproduce.errors import CoproduceError
from coproduce.review.intake import Receipt, accept
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
) -> list[Sent]:
    """Journal every submission (keyed by ``nonce`` and index, or by ``keys``), route concerns.

    Git is written afterwards, by the ``Recorder``.
    """
    guard = safeguarding_from(workspace.settings)
    held = []
    receipts: list[Receipt] = []
    for index, submission in enumerate(submissions):
        key = keys[index] if keys is not None else f"portal:{nonce}:{index}"
        said = " ".join(filter(None, [submission.text, submission.suggestion or ""]))
        concern = guard.looks_like_disclosure(said)
        submission = dataclasses.replace(submission, key=key, concern=concern)
        if concern and workspace.register.find_submission(key) is None:
            held.append(
                hold_concern(
                    guard, cycle_id=cycle_id, feedback_id=f"pending-{_short(key)}",
                    text=said, audience=submission.audience or "",
                    contact=contact_of(workspace.register, submission.participant),
                )
            )  # fmt: skip
        receipts.append(
            accept(
                repo=workspace.repo,
                register=workspace.register,
                cycle_id=cycle_id,
                submission=submission,
                key=key,
            )
        )
    for path in held:
        try:
            route_concern(guard, path)
        except CoproduceError as e:
            log.warning("a held concern could not be sent to the safeguarding lead: %s", e)
    return [
        Sent(
            what=label,
            reference=r.reference,
            received=r.received.strftime("%d %B %Y at %H:%M UTC").lstrip("0"),
            late=r.late,
        )
        for label, r in zip(labels, receipts, strict=True)
    ]


def _short(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]
