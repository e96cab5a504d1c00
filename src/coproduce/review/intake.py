"""Durable intake: every channel hands a submission here and gets a receipt once it is safe.

``accept`` checks the submission against the cycle (launched, participant invited, section
known, text present), then journals it in the register's database with its idempotency key
and returns a receipt only after that transaction commits. The same key returns the same
receipt and stores nothing twice. Git is written later, in batches, by ``recording``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coproduce.anchor import section_text
from coproduce.errors import InvalidInputError, StateError
from coproduce.models import CycleState, ReviewCycle
from coproduce.review import record
from coproduce.review.submission import ANONYMOUS, FILE, Submission

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import JournalEntry, Register

MAX_TEXT = 20_000


@dataclass(frozen=True)
class Receipt:
    """What a participant is told: the reference of what was received, and when."""

    reference: str
    cycle: str
    received: dt.datetime
    late: bool
    duplicate: bool = False

    def line(self) -> str:
        """Return the receipt as one line for a terminal or an email."""
        when = self.received.strftime("%Y-%m-%d %H:%M UTC")
        late = " (after the closing date: marked late)" if self.late else ""
        return f"received {self.reference} on {self.cycle} at {when}{late}"


def content_key(cycle_id: str, submission: Submission) -> str:
    """Return a content key: the same person saying the same thing twice is one submission."""
    data = submission.payload()
    data["participant"] = submission.participant
    data["channel"] = str(submission.channel)
    data["cycle"] = cycle_id
    encoded = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    return "content:" + hashlib.sha256(encoded).hexdigest()


def accept(
    *,
    repo: GuidanceRepo,
    register: Register,
    cycle_id: str,
    submission: Submission,
    key: str,
    now: dt.datetime | None = None,
) -> Receipt:
    """Check and journal one submission; return its receipt once the journal has committed.

    A cycle never launched (or cancelled) takes nothing (StateError); an unknown participant
    or section, or empty text, is an InvalidInputError. Feedback after the close is kept and
    marked late.
    """
    (receipt,) = accept_all(
        repo=repo, register=register, cycle_id=cycle_id, items=[(submission, key)], now=now
    )
    return receipt


def accept_all(
    *,
    repo: GuidanceRepo,
    register: Register,
    cycle_id: str,
    items: Sequence[tuple[Submission, str]],
    now: dt.datetime | None = None,
) -> list[Receipt]:
    """Check every submission, then journal them together in one transaction.

    The receipts come back in order, once that transaction has committed. Every submission is
    checked before anything is journalled, so a refused one (see ``accept``) journals none.
    A key already journalled returns its first receipt, marked duplicate.
    """
    return journal(
        register, check_all(repo=repo, register=register, cycle_id=cycle_id, items=items, now=now)
    )


@dataclass(frozen=True)
class Checked:
    """Submissions that passed ``check_all``, ready to journal."""

    rows: list[dict[str, Any]]
    floor: int


def check_all(
    *,
    repo: GuidanceRepo,
    register: Register,
    cycle_id: str,
    items: Sequence[tuple[Submission, str]],
    now: dt.datetime | None = None,
) -> Checked:
    """Check every submission as ``accept_all`` does, journalling nothing."""
    now = record.as_utc(now or record.utcnow())
    cycle = record.load_cycle(repo, cycle_id, copy=False)  # read only
    if cycle.state in (CycleState.DRAFT, CycleState.CANCELLED):
        raise StateError(f"cycle {cycle_id} is {cycle.state.value}: it takes no feedback")
    audiences: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    for submission, key in items:
        rows.append(_row(repo, register, cycle, submission, key, now, audiences))
    floor = 0 if register.has_feedback_counter() else highest_recorded_number(repo)
    return Checked(rows, floor)


def journal(register: Register, checked: Checked) -> list[Receipt]:
    """Journal checked submissions in one transaction; return their receipts, in order.

    Inside the caller's ``register.transaction()`` this joins it: the receipts hold once that
    commits (what the caller keeps with the feedback is then committed with it).
    """
    entries = register.add_submissions(checked.rows, floor=checked.floor)
    return [_receipt(e, duplicate=d) for e, d in entries]


def _row(
    repo: GuidanceRepo,
    register: Register,
    cycle: ReviewCycle,
    submission: Submission,
    key: str,
    now: dt.datetime,
    audiences: dict[str, str],
) -> dict[str, Any]:
    if not key or len(key) > 200:
        raise InvalidInputError("a submission needs an idempotency key of 1 to 200 characters")
    received = record.as_utc(submission.received or now)
    text = submission.text.strip()
    if not text:
        raise InvalidInputError("the feedback is empty: write something to send")
    if len(text) > MAX_TEXT:
        raise InvalidInputError(f"the feedback is longer than {MAX_TEXT:,} characters")
    if (submission.kind == FILE) != (submission.file is not None):
        raise InvalidInputError("a file submission carries a file, and only a file submission")
    who = f"{submission.participant}/{submission.audience}"
    if who not in audiences:
        audiences[who] = _audience_of(register, submission, cycle.audiences)
    moved = submission.version is not None and submission.version != cycle.proposed
    if submission.section and not moved:  # made on the proposed text: the section must exist
        section_text(repo.parsed_document(cycle.slug, cycle.proposed), submission.section)
    return {
        "key": key,
        "cycle": cycle.id,
        "participant_id": submission.participant,
        "channel": str(submission.channel),
        "payload": {**submission.payload(), "audience": audiences[who]},
        "received": received,
        "late": cycle.state is not CycleState.OPEN or received > cycle.closes,
        "respond": submission.participant != ANONYMOUS,
    }


def highest_recorded_number(repo: GuidanceRepo) -> int:
    """Return the highest FB number in git (items recorded before the journal existed)."""
    numbers = [
        int(m.group(1))
        for p in (repo.root / record.REVIEWS).glob("*/feedback/FB-*.yaml")
        if (m := re.match(r"FB-(\d+)$", p.stem))
    ]
    return max(numbers, default=0)


def _receipt(entry: JournalEntry, *, duplicate: bool) -> Receipt:
    return Receipt(
        reference=entry.feedback_id,
        cycle=entry.cycle,
        received=entry.received,
        late=entry.late,
        duplicate=duplicate,
    )


def _audience_of(register: Register, submission: Submission, audiences: list[str]) -> str:
    participant = submission.participant
    if participant == ANONYMOUS:
        if submission.audience is None:
            return "anonymous"
        if submission.audience not in audiences:
            known = ", ".join(audiences)
            raise InvalidInputError(
                f"audience {submission.audience!r} was not invited to this cycle (invited: {known})"
            )
        return submission.audience
    found = register.get_participant(participant)
    if found.audience not in audiences:
        raise InvalidInputError(
            f"participant {participant} ({found.audience}) was not invited to this cycle"
        )
    return found.audience
