"""The one door every channel hands feedback through: idempotent, screened for disclosures.

``submit_all`` is where replies, survey rows, a facilitator's note become recorded items: each
is journalled by the durable intake under its idempotency key (a repeat stores nothing), then
one recording run writes them all to git. Keys already in git are skipped too, so a register
started afresh next to an existing record does not take an item twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.channels.safeguarding import Contact, Safeguarding, hold_concern, route_concern
from coproduce.errors import CoproduceError
from coproduce.models import FeedbackItem
from coproduce.review.feedback import ANONYMOUS, Submission, iter_feedback, load_item
from coproduce.review.intake import accept_all
from coproduce.review.recording import record_pending

JOURNAL_BATCH = 100  # submissions journalled per transaction on a bulk import

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

    ``seen`` (the keys already recorded, from ``recorded_keys``) saves re-reading the record;
    it is updated in place.
    """
    (receipt,) = submit_all(
        repo=repo,
        register=register,
        cycle_id=cycle_id,
        queue=[(submission, key, contact)],
        safeguarding=safeguarding,
        seen=seen,
        now=now,
    )
    return receipt


def submit_all(
    *,
    repo: GuidanceRepo,
    register: Register | None,
    cycle_id: str,
    queue: Sequence[tuple[Submission, str, Contact | None]],
    safeguarding: Safeguarding | None = None,
    seen: set[str] | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Receipt]:
    """Journal every submission of ``queue`` once, then record them in git together.

    Each is acknowledged by the durable intake (a repeat key stores nothing); concerns are held
    outside git before they are journalled, so a crash in between loses nothing. One recording
    run then writes every new item (one commit per batch, not one per item), and the held
    concerns are named after their items and sent to the safeguarding lead.
    """
    if register is None:  # anonymous routes (facilitated notes) still journal in the register
        from coproduce.workspace import open_workspace

        register = open_workspace(repo=repo.root, sync=False).register
    known = seen if seen is not None else recorded_keys(repo, cycle_id)
    accepted: list[tuple[str, str | None, Path | None]] = []  # key, reference, held
    batch: list[tuple[Submission, str, Path | None]] = []

    def journal() -> None:
        receipts = accept_all(
            repo=repo,
            register=register,
            cycle_id=cycle_id,
            items=[(s, k) for s, k, _ in batch],
            now=now,
        )
        for (_, key, held), receipt in zip(batch, receipts, strict=True):
            accepted.append((key, None if receipt.duplicate else receipt.reference, held))
        batch.clear()
        if progress is not None:
            progress(len(accepted))

    known |= register.known_keys(key for _, key, _ in queue)
    try:
        for submission, key, contact in queue:
            if key in known:
                accepted.append((key, None, None))
                continue
            known.add(key)
            batch.append(_screened(register, cycle_id, submission, key, contact, safeguarding))
            if len(batch) == JOURNAL_BATCH:
                journal()
        if batch:
            journal()
        if progress is not None:
            progress(len(accepted))
    finally:  # what the journal acknowledged reaches git, even when a later one is refused
        if any(reference for _, reference, _ in accepted):
            record_pending(repo=repo, register=register, cycle_id=cycle_id)
    receipts = []
    for key, reference, held in accepted:
        if reference is None:
            receipts.append(Receipt(key=key, duplicate=True))
            continue
        item = load_item(repo, cycle_id, reference)
        warnings: list[str] = []
        if held is not None and safeguarding is not None:
            held = _name_held(held, item)
            try:
                route_concern(safeguarding, held)
            except CoproduceError as e:
                warnings.append(str(e))
        receipts.append(Receipt(key=key, item=item, held=held, warnings=warnings))
    return receipts


def _screened(
    register: Register,
    cycle_id: str,
    submission: Submission,
    key: str,
    contact: Contact | None,
    safeguarding: Safeguarding | None,
) -> tuple[Submission, str, Path | None]:
    """Return the submission keyed and flagged, its concern held outside git if it is one."""
    said = " ".join(filter(None, [submission.text, submission.suggestion or ""]))
    concern = submission.concern or (
        safeguarding is not None and safeguarding.looks_like_disclosure(said)
    )
    submission = dataclasses.replace(submission, key=key, concern=concern)
    held = None
    if concern and safeguarding is not None:
        held = hold_concern(
            safeguarding,
            cycle_id=cycle_id,
            feedback_id=f"pending-{key[:16]}",
            text=said,
            audience=submission.audience or "",
            contact=contact or contact_of(register, submission.participant),
        )
    return submission, key, held


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
