"""The one door every channel hands feedback through: idempotent, screened for disclosures.

``submit`` is where a reply, a survey row, a facilitator's note or a portal comment becomes a
recorded item. Today it records through ``review.feedback.record_feedback`` and skips keys
already recorded (each item keeps its key); the durable intake journal takes its place here,
and only here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.channels.safeguarding import Contact, Safeguarding, hold_concern, route_concern
from coproduce.errors import CoproduceError
from coproduce.models import FeedbackItem
from coproduce.review.feedback import ANONYMOUS, Submission, iter_feedback, record_feedback

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import Register


@dataclass(frozen=True)
class Receipt:
    """What became of one submission: its item, or that its key was already recorded."""

    key: str
    item: FeedbackItem | None = None
    duplicate: bool = False
    held: Path | None = None
    warnings: list[str] = field(default_factory=list)


def submission_key(*parts: str | bytes) -> str:
    """Return the sha256 idempotency key of the given parts (bytes or text, in order)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def fields_key(fields: dict[str, object]) -> str:
    """Return the idempotency key of a submission given by its fields (facilitated, manual)."""
    return submission_key(json.dumps(fields, sort_keys=True, default=str))


def recorded_keys(repo: GuidanceRepo, cycle_id: str) -> set[str]:
    """Return the keys of every item already recorded on a cycle."""
    return {item.key for item in iter_feedback(repo, cycle_id) if item.key}


def submit(
    *,
    repo: GuidanceRepo,
    register: Register | None,
    cycle_id: str,
    submission: Submission,
    key: str,
    safeguarding: Safeguarding | None = None,
    contact: Contact | None = None,
    seen: set[str] | None = None,
    now: dt.datetime | None = None,
) -> Receipt:
    """Record ``submission`` once under ``key``; route it to the safeguarding lead if needed.

    ``seen`` (the keys already recorded, from ``recorded_keys``) saves re-reading the record
    when a file of many submissions is imported; it is updated in place.
    """
    known = seen if seen is not None else recorded_keys(repo, cycle_id)
    if key in known:
        return Receipt(key=key, duplicate=True)
    said = " ".join(filter(None, [submission.text, submission.suggestion or ""]))
    concern = submission.concern or (
        safeguarding is not None and safeguarding.looks_like_disclosure(said)
    )
    submission = dataclasses.replace(submission, key=key, concern=concern)
    held = None
    if concern and safeguarding is not None:
        # Held outside git before anything is recorded: a crash in between loses nothing.
        held = hold_concern(
            safeguarding,
            cycle_id=cycle_id,
            feedback_id=f"pending-{key[:16]}",
            text=said,
            audience=submission.audience or "",
            contact=contact or contact_of(register, submission.participant),
        )
    item = record_feedback(
        repo=repo, register=register, cycle_id=cycle_id, submission=submission, now=now
    )
    known.add(key)
    warnings: list[str] = []
    if held is not None and safeguarding is not None:
        held = _name_held(held, item)
        try:
            route_concern(safeguarding, held)
        except CoproduceError as e:
            warnings.append(str(e))
    return Receipt(key=key, item=item, held=held, warnings=warnings)


def contact_of(register: Register | None, participant: str) -> Contact:
    """Return the route back to a participant from the register (never written to git)."""
    if participant == ANONYMOUS or register is None:
        return Contact(how="anonymous")
    person = register.get_participant(participant)
    if person.via_worker_email:
        return Contact(how="through their worker", name="", email=person.via_worker_email)
    return Contact(how="participant", name=person.name, email=person.email)


def _name_held(held: Path, item: FeedbackItem) -> Path:
    data = json.loads(held.read_text(encoding="utf-8"))
    data["feedback"] = item.id
    data["audience"] = item.audience
    held.write_text(json.dumps(data, indent=2), encoding="utf-8")
    target = held.with_name(f"{item.id}.json")
    held.replace(target)
    return target


def iter_new(receipts: Iterable[Receipt]) -> list[FeedbackItem]:
    """Return the items the receipts recorded (duplicates left out)."""
    return [r.item for r in receipts if r.item is not None]
