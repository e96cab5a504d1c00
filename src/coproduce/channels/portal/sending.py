"""Send a participant's draft: each item through the durable intake, then recorded in git.

Each item's idempotency key is the form's nonce and the item's place in the draft, so a double
click, a resubmitted form or a retry after a dropped connection stores nothing twice. Words
that look like a disclosure of harm are held outside git and routed to the safeguarding lead,
as every other channel does (``channels.submit``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field

from coproduce.channels.safeguarding import hold_concern, route_concern, safeguarding_from
from coproduce.channels.submit import contact_of
from coproduce.errors import CoproduceError
from coproduce.review.intake import Receipt, accept
from coproduce.review.recording import record_pending
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
) -> list[Sent]:
    """Journal every submission (keyed by ``nonce`` and index), record them, route concerns."""
    guard = safeguarding_from(workspace.settings)
    held = []
    receipts: list[Receipt] = []
    for index, submission in enumerate(submissions):
        key = f"portal:{nonce}:{index}"
        said = " ".join(filter(None, [submission.text, submission.suggestion or ""]))
        concern = guard.looks_like_disclosure(said)
        submission = dataclasses.replace(submission, key=key, concern=concern)
        if concern and workspace.register.find_submission(key) is None:
            held.append(
                hold_concern(
                    guard, cycle_id=cycle_id, feedback_id=f"pending-{nonce[:12]}-{index}",
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


@dataclass
class Recorder:
    """Write journalled feedback to git after the responses, one run at a time per process.

    A send asks for a run; if one is already going, it is asked to go round once more, so
    every entry is recorded and a burst of sends becomes one commit, not one each.
    """

    workspace: Workspace
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _running: bool = False
    _again: set[str] = field(default_factory=set)

    def run(self, *, cycle_id: str) -> None:
        """Record ``cycle_id``'s pending entries (now, or by the run already under way)."""
        with self._guard:
            self._again.add(cycle_id)
            if self._running:
                return
            self._running = True
        try:
            while True:
                with self._guard:
                    if not self._again:
                        self._running = False
                        return
                    cycle = self._again.pop()
                try:
                    record_pending(
                        repo=self.workspace.repo, register=self.workspace.register, cycle_id=cycle
                    )
                except CoproduceError as e:  # journalled is safe: the next run writes git
                    log.warning("feedback journalled but not yet recorded in git: %s", e)
        except BaseException:
            with self._guard:
                self._running = False
            raise

    def flush(self) -> None:
        """Record every cycle's pending entries (when the process stops)."""
        try:
            record_pending(repo=self.workspace.repo, register=self.workspace.register)
        except CoproduceError as e:
            log.warning("feedback journalled but not yet recorded in git: %s", e)
