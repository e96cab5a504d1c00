"""A cycle's feedback as a lead reads it: one flat row per item, in the words the issue uses.

``coproduce feedback list --json`` prints these rows. The record in git keeps more (the
anchor's context, provenance, consent); a row keeps what a person working through the
feedback needs: who (by audience), where (section and quoted text), what, how it came in,
when, whether it was late, how well its anchor holds, and the receipt the person was given.
"""

from __future__ import annotations

from typing import Any

from coproduce.models import AnchorStatus, FeedbackItem

ROW_KEYS = (
    "id",
    "audience",
    "section",
    "quote",
    "text",
    "kind",
    "suggested_text",
    "question",
    "channel",
    "received_at",
    "late",
    "anchor_state",
    "receipt",
)

# The record's channel names, as the list says them.
CHANNELS = {"facilitated": "facilitator"}

# Found where it was made (exactly): anchored. Found again on other text (moved, by context,
# fuzzily, or on a later version): reanchored. Not found: orphaned (kept, never dropped).
ANCHOR_STATES = {
    AnchorStatus.EXACT: "anchored",
    AnchorStatus.MOVED: "reanchored",
    AnchorStatus.FUZZY: "reanchored",
    AnchorStatus.REANCHORED: "reanchored",
    AnchorStatus.ORPHANED: "orphaned",
}


def kind_of(item: FeedbackItem) -> str:
    """Return the item's kind: comment, suggestion, answer, or general (on the whole draft)."""
    if item.kind == "comment" and item.anchor is None:
        return "general"
    return item.kind


def receipt_of(item: FeedbackItem) -> str:
    """Return the receipt the person was given: reference, cycle, time, and whether late."""
    when = item.received.strftime("%Y-%m-%d %H:%M UTC")
    late = " (after the closing date: marked late)" if item.late else ""
    return f"received {item.id} on {item.cycle} at {when}{late}"


def feedback_row(item: FeedbackItem) -> dict[str, Any]:
    """Return one item as a row with exactly ``ROW_KEYS`` (absent values are null)."""
    anchor = item.anchor
    return {
        "id": item.id,
        "audience": item.audience,
        "section": anchor.section or None if anchor else None,
        "quote": anchor.exact or None if anchor else None,
        "text": item.text,
        "kind": kind_of(item),
        "suggested_text": item.suggestion,
        "question": item.question,
        "channel": CHANNELS.get(item.channel, item.channel),
        "received_at": item.received.isoformat(),
        "late": item.late,
        "anchor_state": ANCHOR_STATES[anchor.status] if anchor else None,
        "receipt": receipt_of(item),
    }
