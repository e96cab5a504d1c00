"""The recording step: journalled submissions become feedback items in git, in batches.

Under the record's shared lock (fetch first, push after) the pending entries of a cycle are
anchored against the cycle's proposed text, written to ``reviews/<cycle>/feedback/`` in one
commit, and marked recorded. A crash between the commit and the mark is harmless: the next
run writes the same files, git sees no change, and the entries are marked then.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coproduce.anchor import make_anchor, place_anchor
from coproduce.errors import NotFoundError
from coproduce.models import (
    HELD_TEXT,
    Anchor,
    AnchorStatus,
    Document,
    FeedbackItem,
    Person,
    ReviewCycle,
    load_model,
)
from coproduce.review import record
from coproduce.review.submission import FILE, Submission

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import JournalEntry, Register

FEEDBACK_DIR = "feedback"
FILES_DIR = "files"
INTAKE = Person(name="coproduce intake", email="coproduce@localhost")
BATCH = 500


@dataclass
class Recorded:
    """What one recording run wrote: item ids by cycle, and the commits that carry them."""

    items: dict[str, list[str]]
    commits: list[str]

    @property
    def count(self) -> int:
        """Return how many items were recorded."""
        return sum(len(ids) for ids in self.items.values())


def feedback_path(cycle_id: str, feedback_id: str) -> str:
    """Return the repository path of one feedback item."""
    return f"{record.REVIEWS}/{cycle_id}/{FEEDBACK_DIR}/{feedback_id}.yaml"


def file_path(cycle_id: str, reference: str) -> str:
    """Return the repository path of the record that a file submission came (not its contents)."""
    return f"{record.REVIEWS}/{cycle_id}/{FILES_DIR}/{reference}.yaml"


def is_file_entry(entry: JournalEntry) -> bool:
    """Return whether a journal entry holds a whole file (read into items by its channel)."""
    return entry.payload.get("kind") == FILE


def file_record(entry: JournalEntry) -> dict[str, object]:
    """Return what git keeps of a file submission: who (pseudonymous), when, which file."""
    return {
        "id": entry.feedback_id,
        "cycle": entry.cycle,
        "participant": entry.participant_id,
        "audience": entry.payload.get("audience") or "anonymous",
        "channel": entry.channel,
        "received": entry.received.isoformat(),
        "late": entry.late,
        "sha256": entry.payload.get("file_sha256"),
        "bytes": entry.payload.get("file_bytes"),
    }


def iter_file_records(repo: GuidanceRepo, cycle_id: str) -> list[dict[str, object]]:
    """Return the records of the files a cycle received (who, when, size), in id order."""
    folder = repo.root / record.REVIEWS / cycle_id / FILES_DIR
    return [
        record.load_yaml(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("FB-*.yaml"))
    ]


def record_pending(
    *,
    repo: GuidanceRepo,
    register: Register,
    cycle_id: str | None = None,
    batch: int = BATCH,
) -> Recorded:
    """Write every journalled submission not yet in git (of one cycle, or all); one commit per
    cycle per batch of ``batch`` items."""
    done = Recorded(items={}, commits=[])
    while True:
        pending = register.iter_submissions(cycle=cycle_id, pending=True, limit=batch)
        if not pending:
            return done
        with repo.writing():
            for cycle, entries in itertools.groupby(pending, key=lambda e: e.cycle):
                group = list(entries)
                sha = _commit(repo, cycle, group)
                register.mark_recorded((e.seq for e in group), commit=sha)
                done.items.setdefault(cycle, []).extend(e.feedback_id for e in group)
                done.commits.append(sha)
        if len(pending) < batch:
            return done


def item_of(entry: JournalEntry, *, anchor: Anchor | None) -> FeedbackItem:
    """Return the feedback item a journal entry becomes (a held concern: only HELD_TEXT)."""
    payload = entry.payload
    held = bool(payload.get("concern"))
    return load_model(
        FeedbackItem,
        {
            "id": entry.feedback_id,
            "cycle": entry.cycle,
            "participant": entry.participant_id,
            "audience": payload.get("audience") or "anonymous",
            "channel": entry.channel,
            "received": entry.received,
            "text": HELD_TEXT if held else payload["text"],
            "anchor": anchor,
            "suggestion": None if held else payload.get("suggestion"),
            "question": payload.get("question"),
            "late": entry.late,
            "safeguarding_concern": held,
            "kind": payload.get("kind", "comment"),
            "key": entry.key,
            "provenance": payload.get("provenance"),
            "consent_to_quote": payload.get("consent_to_quote"),
            "response": payload.get("response"),
        },
        what=f"feedback {entry.feedback_id}",
    )


def anchor_submission(document: Document, submission: Submission, *, cycle: ReviewCycle) -> Anchor:
    """Return the anchor of a submission on the cycle's proposed text ``document``.

    Made on that text and naming a section, the quote is anchored there; made on another
    version, or without a section, it is placed by quote, context or fuzzily, and marked
    ``reanchored`` when the text it was made on has moved on. Never dropped: ``orphaned``.
    """
    moved = submission.version is not None and submission.version != cycle.proposed
    if submission.section and not moved:
        try:
            anchor = make_anchor(document, section=submission.section, quote=submission.quote)
        except NotFoundError:  # checked at intake; a section removed since
            anchor = None
        if anchor is not None and anchor.status is not AnchorStatus.ORPHANED:
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


def _commit(repo: GuidanceRepo, cycle_id: str, entries: list[JournalEntry]) -> str:
    cycle = record.load_cycle(repo, cycle_id)
    proposed = repo.parsed_document(cycle.slug, cycle.proposed)
    files: dict[str, str | bytes | None] = {}
    for entry in entries:
        time.sleep(0)  # a long batch lets other threads in (a portal's requests) as it goes
        if is_file_entry(entry):  # its items are entries of their own; git gets no contents
            files[file_path(cycle_id, entry.feedback_id)] = record.dump_yaml(file_record(entry))
            continue
        submission = Submission.from_payload(
            entry.payload, participant=entry.participant_id, channel=entry.channel, key=entry.key
        )
        anchor = None
        if submission.section or submission.quote.strip() or submission.prefix.strip():
            anchor = anchor_submission(proposed, submission, cycle=cycle)
        item = item_of(entry, anchor=anchor)
        data = item.model_dump(mode="json", exclude_none=True)
        files[feedback_path(cycle_id, item.id)] = record.dump_yaml(data)
    ids = [e.feedback_id for e in entries]
    late = sum(1 for e in entries if e.late)
    noun = "item" if len(ids) == 1 else "items"
    message = f"Record {len(ids)} feedback {noun} on {cycle_id}"
    if late:
        message += f" ({late} late)"
    trailers = {"Review-Cycle": [cycle_id], "Feedback": ids}
    return repo.commit_files(files, author=INTAKE, message=message, trailers=trailers)
