"""Who a cycle writes to, in which batches, skipping anyone already written to.

What was sent is known from the register's message log in the state directory (not from
Prefect): a message is logged as queued before it is handed over and as sent after, so a
crash in between can repeat that one message, never a batch, under the same Message-ID.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from coproduce.models import ReviewCycle

BATCH_SIZE = 100
INVITATION = "invite"
CLOSED = "closed"


def reminder_kind(days: int) -> str:
    """Return the message kind of the reminder sent ``days`` before close."""
    return f"reminder-{days}"


def reminder_days_of(kind: str) -> int | None:
    """Return the days before close a ``reminder-<n>`` kind names; None for other kinds."""
    prefix, _, days = kind.partition("-")
    return int(days) if prefix == "reminder" and days.isdigit() else None


@dataclass(frozen=True)
class Batch:
    """Up to BATCH_SIZE participants of one audience who get the same kind of message."""

    cycle_id: str
    kind: str
    audience: str
    number: int
    participants: tuple[str, ...]

    @property
    def key(self) -> str:
        """Return the business key that names this batch across retries and re-runs."""
        digest = hashlib.sha256("\n".join(self.participants).encode()).hexdigest()[:12]
        return f"{self.kind}-{self.cycle_id}-{self.audience}-{self.number}-{digest}"


@dataclass
class Delivered:
    """What one batch did: participants written to now, and those already written to."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class Outreach(Protocol):
    """The channel side of a cycle: who is in an audience, and how a batch is written to."""

    def recipients(self, audience: str) -> list[str]:
        """Return the ids of the audience's participants who may be written to."""
        ...

    def deliver(
        self, batch: Batch, *, cycle: ReviewCycle, materials: Mapping[str, Path]
    ) -> list[str] | None:
        """Write to the participants in ``batch``; return those written to now (None: all).

        Raise DeliveryError when that fails.
        """
        ...

    def sent_to(self, cycle_id: str, kind: str) -> set[str]:
        """Return the participants already written to with ``kind`` in this cycle."""
        ...

    def sent_kinds(self, cycle_id: str) -> dict[str, int]:
        """Return how many participants were sent each kind of message in this cycle."""
        ...

    def responded(self, cycle_id: str) -> set[str]:
        """Return the participants who have already responded (reminders skip them)."""
        ...


def plan_batches(
    *,
    cycle: ReviewCycle,
    kind: str,
    recipients: Mapping[str, Sequence[str]],
    already: set[str],
    size: int = BATCH_SIZE,
) -> list[Batch]:
    """Split the recipients not yet written to into batches, audience by audience."""
    batches: list[Batch] = []
    for audience in cycle.audiences:
        todo = sorted(p for p in dict.fromkeys(recipients.get(audience, ())) if p not in already)
        for number, start in enumerate(range(0, len(todo), size), start=1):
            chunk = tuple(todo[start : start + size])
            batches.append(Batch(cycle.id, kind, audience, number, chunk))
    return batches


def send_batch(
    *,
    outreach: Outreach,
    batch: Batch,
    cycle: ReviewCycle,
    materials: Mapping[str, Path],
) -> Delivered:
    """Deliver the part of ``batch`` not yet written to."""
    already = outreach.sent_to(batch.cycle_id, batch.kind)
    todo = tuple(p for p in batch.participants if p not in already)
    result = Delivered(skipped=[p for p in batch.participants if p in already])
    if todo:
        sent = outreach.deliver(
            Batch(batch.cycle_id, batch.kind, batch.audience, batch.number, todo),
            cycle=cycle,
            materials=materials,
        )
        done = list(todo) if sent is None else [p for p in todo if p in set(sent)]
        result.sent.extend(done)
        result.skipped.extend(p for p in todo if p not in set(done))
    return result
