"""Take in feedback on a cycle: anchored, pseudonymous, committed before it is acknowledged.

Every channel (the comment portal, returned Word files, survey exports) hands what a
participant said to ``record_feedback``. Acknowledged means durable: the item is committed to
``reviews/<cycle>/feedback/`` before the call returns. Feedback that arrives after the cycle
closed is kept and marked late, never refused or lost.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

from coproduce.anchor import make_anchor, place_anchor
from coproduce.errors import InvalidInputError, StateError
from coproduce.models import (
    HELD_TEXT,
    Anchor,
    AnchorStatus,
    Channel,
    CycleState,
    Document,
    FeedbackItem,
    FeedbackKind,
    Person,
    Provenance,
    ReviewCycle,
    load_model,
)
from coproduce.review import record

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import Register

FEEDBACK_DIR = "feedback"
INTAKE = Person(name="coproduce intake", email="coproduce@localhost")
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Submission:
    """What a participant said, as a channel received it (pseudonymous id, never a name).

    ``audience`` names the voice of an anonymous or facilitated submission (a named
    participant's audience comes from the register). ``prefix``/``suffix`` are the text around
    the quote and ``version`` the commit it was made on, when that is not the cycle's proposed
    text: the anchor is then found again (``reanchored``) or ``orphaned``. ``concern`` marks a
    possible disclosure of harm: git gets only HELD_TEXT.
    """

    participant: str
    channel: Channel
    text: str
    section: str | None = None
    quote: str = ""
    suggestion: str | None = None
    question: str | None = None
    received: dt.datetime | None = None
    kind: FeedbackKind = "comment"
    audience: str | None = None
    prefix: str = ""
    suffix: str = ""
    version: str | None = None
    provenance: Provenance | None = None
    consent_to_quote: bool | None = None
    concern: bool = False
    key: str | None = None


def feedback_path(cycle_id: str, feedback_id: str) -> str:
    """Return the repository path of one feedback item."""
    return f"{record.REVIEWS}/{cycle_id}/{FEEDBACK_DIR}/{feedback_id}.yaml"


def iter_feedback(repo: GuidanceRepo, cycle_id: str) -> list[FeedbackItem]:
    """Return every feedback item recorded on a cycle, in id order."""
    folder = repo.root / record.REVIEWS / cycle_id / FEEDBACK_DIR
    items = []
    for path in sorted(folder.glob("FB-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items.append(load_model(FeedbackItem, data, what=str(path.relative_to(repo.root))))
    return items


def record_feedback(
    *,
    repo: GuidanceRepo,
    register: Register | None,
    cycle_id: str,
    submission: Submission,
    now: dt.datetime | None = None,
) -> FeedbackItem:
    """Anchor, validate and commit one submission; return the item it became.

    Raises StateError for a cycle that was never launched; an unknown participant or section,
    or empty text, is an InvalidInputError. Nothing is written unless everything is valid.
    """
    now = record.as_utc(now or record.utcnow())
    received = record.as_utc(submission.received or now)
    with record.cycle_lock(repo, cycle_id):
        cycle = record.load_cycle(repo, cycle_id)
        if cycle.state in (CycleState.DRAFT, CycleState.CANCELLED):
            raise StateError(f"cycle {cycle_id} is {cycle.state.value}: it takes no feedback")
        audience = _audience_of(register, submission, cycle.audiences)
        anchor = None
        if submission.section or submission.quote.strip() or submission.prefix.strip():
            proposed = repo.read_document(cycle.slug, cycle.proposed)
            anchor = anchor_submission(proposed, submission, cycle=cycle)
        late = cycle.state is not CycleState.OPEN or received > cycle.closes
        held = submission.concern
        item = load_model(
            FeedbackItem,
            {
                "id": _next_id(repo, cycle_id),
                "cycle": cycle_id,
                "participant": submission.participant,
                "audience": audience,
                "channel": submission.channel,
                "received": received,
                "text": HELD_TEXT if held else submission.text.strip(),
                "anchor": anchor,
                "suggestion": None if held else submission.suggestion,
                "question": submission.question,
                "late": late,
                "safeguarding_concern": held,
                "kind": submission.kind,
                "key": submission.key,
                "provenance": submission.provenance,
                "consent_to_quote": submission.consent_to_quote,
            },
            what="feedback",
        )
        data = item.model_dump(mode="json", exclude_none=True)
        repo.commit_files(
            {feedback_path(cycle_id, item.id): record.dump_yaml(data)},
            author=INTAKE,
            message=f"Feedback {item.id} on {cycle_id} ({item.channel}{', late' if late else ''})",
            trailers={"Review-Cycle": [cycle_id], "Feedback": [item.id]},
        )
    if register is not None and submission.participant != ANONYMOUS:
        register.add_response(cycle=cycle_id, participant_id=submission.participant, at=received)
    return item


def anchor_submission(document: Document, submission: Submission, *, cycle: ReviewCycle) -> Anchor:
    """Return the anchor of a submission on the cycle's proposed text ``document``.

    Made on that text and naming a section, the quote is anchored there (an unknown section
    is NotFoundError); made on another version, or without a section, it is placed by quote,
    context or fuzzily, and marked ``reanchored`` when the text it was made on has moved on.
    """
    moved = submission.version is not None and submission.version != cycle.proposed
    if submission.section and not moved:
        anchor = make_anchor(document, section=submission.section, quote=submission.quote)
        if anchor.status is not AnchorStatus.ORPHANED:
            return anchor
    anchor = place_anchor(
        document,
        quote=submission.quote,
        section=submission.section,
        prefix=submission.prefix,
        suffix=submission.suffix,
    )
    if moved and anchor.status is AnchorStatus.EXACT:
        return anchor.model_copy(update={"status": AnchorStatus.REANCHORED})
    return anchor


def _audience_of(register: Register | None, submission: Submission, audiences: list[str]) -> str:
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
    if register is None:
        raise InvalidInputError("feedback from a named participant needs the register")
    record_ = register.get_participant(participant)
    if record_.audience not in audiences:
        raise InvalidInputError(
            f"participant {participant} ({record_.audience}) was not invited to this cycle"
        )
    return record_.audience


def _next_id(repo: GuidanceRepo, cycle_id: str) -> str:
    folder = repo.root / record.REVIEWS / cycle_id / FEEDBACK_DIR
    numbers = [
        int(m.group(1)) for p in folder.glob("FB-*.yaml") if (m := re.match(r"FB-(\d+)", p.stem))
    ]
    return f"FB-{max(numbers, default=0) + 1:04d}"
