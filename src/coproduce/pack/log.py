"""The feedback log and traceability table, as rows for the .xlsx and the cover paper."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coproduce.models import Outcome
from coproduce.pack.consent import Voice
from coproduce.pack.trace import Trace
from coproduce.xlsx import Column, Sheet, write_workbook

EDITORIAL = "editorial, no feedback"
NOT_ACTED = "accepted, not yet acted on"


@dataclass
class LogRow:
    """One item of the feedback log as published."""

    id: str
    audience: str
    channel: str
    section: str
    quote: str
    words: str
    outcome: str
    reason: str
    duplicate_of: str
    commits: str
    changes: str


def log_rows(voices: Mapping[str, Voice], trace: Trace) -> list[LogRow]:
    """Return a row per item that may be listed (safeguarding items are only counted)."""
    rows = []
    for voice in voices.values():
        if voice.safeguarding:
            continue
        item, d = voice.item, voice.disposition
        rows.append(
            LogRow(
                id=item.id,
                audience=voice.who,
                channel=item.channel,
                section=item.anchor.section if item.anchor else "(general)",
                quote=item.anchor.exact if item.anchor else "",
                words=voice.words,
                outcome=voice.outcome_label,
                reason=voice.reason,
                duplicate_of=_shown_id(d.duplicate_of if d else None, voices),
                commits=", ".join(c[:10] for c in trace.commits_of.get(item.id, [])),
                changes=", ".join(str(n) for n in trace.changes_of.get(item.id, [])),
            )
        )
    return rows


def _shown_id(item_id: str | None, voices: Mapping[str, Voice]) -> str:
    """Return an item id that may be shown ("" for none, or for a safeguarding item)."""
    if item_id is None or (item_id in voices and voices[item_id].safeguarding):
        return ""
    return item_id


def change_rows(trace: Trace, voices: Mapping[str, Voice]) -> list[list[str]]:
    """Return the traceability rows: every change and the items behind it."""
    rows = []
    for change in trace.changes:
        listed = [i for i in change.items if i in voices and not voices[i].safeguarding]
        held = sum(1 for i in change.items if i in voices and voices[i].safeguarding)
        behind = ", ".join(listed)
        if held:
            behind = f"{behind}{'; ' if behind else ''}{held} safeguarding item(s), count only"
        rows.append(
            [
                str(change.number),
                change.section,
                change.kind,
                change.summary,
                behind or EDITORIAL,
                ", ".join(c[:10] for c in change.commits),
            ]
        )
    return rows


def accepted_rows(trace: Trace, voices: Mapping[str, Voice]) -> list[list[str]]:
    """Return every accepted (or partly accepted) item and the changes that carry it."""
    rows = []
    for voice in voices.values():
        d = voice.disposition
        if voice.safeguarding or d is None or not d.outcome.acted_on:
            continue
        numbers = trace.changes_of.get(voice.item.id, [])
        commits = trace.commits_of.get(voice.item.id, [])
        if numbers:
            carried = "change " + ", ".join(str(n) for n in numbers)
        elif commits:
            carried = "named in commit " + ", ".join(c[:10] for c in commits) + ", no change left"
        else:
            carried = NOT_ACTED
        rows.append([voice.item.id, voice.outcome_label, voice.item.audience, carried])
    return rows


def summary_rows(voices: Mapping[str, Voice]) -> list[list[str | int]]:
    """Return counts by outcome, with the items counted but not listed."""
    counts = {o.label: 0 for o in Outcome}
    counts["no outcome yet"] = 0
    for voice in voices.values():
        counts[voice.outcome_label] += 1
    rows: list[list[str | int]] = [[label, n] for label, n in counts.items()]
    rows.append(["all items", len(voices)])
    rows.append(
        ["of which words withheld at the participant's request",
         sum(1 for v in voices.values() if not v.words_shown and not v.safeguarding)]
    )  # fmt: skip
    rows.append(
        ["of which held as safeguarding concerns (count only)",
         sum(1 for v in voices.values() if v.safeguarding)]
    )  # fmt: skip
    return rows


LOG_COLUMNS = (
    Column("Item", 10),
    Column("Audience", 18),
    Column("Channel", 10),
    Column("Section", 18),
    Column("Passage", 30, wrap=True),
    Column("Feedback", 60, wrap=True),
    Column("Outcome", 16),
    Column("Reason", 50, wrap=True),
    Column("Duplicate of", 12),
    Column("Commits", 14),
    Column("Changes", 10),
)
CHANGE_COLUMNS = (
    Column("Change", 8),
    Column("Section", 18),
    Column("What", 14),
    Column("Summary", 60, wrap=True),
    Column("Feedback behind it", 40, wrap=True),
    Column("Commits", 14),
)
ACCEPTED_COLUMNS = (
    Column("Item", 10),
    Column("Outcome", 16),
    Column("Audience", 16),
    Column("Carried by", 40, wrap=True),
)


def write_log(rows: Sequence[LogRow], trace: Trace, voices: Mapping[str, Voice]) -> bytes:
    """Return the feedback log workbook: log, changes, accepted items, summary."""
    return write_workbook(
        [
            Sheet("Feedback log", LOG_COLUMNS, [list(vars(r).values()) for r in rows]),
            Sheet("Changes", CHANGE_COLUMNS, change_rows(trace, voices)),
            Sheet("Accepted items", ACCEPTED_COLUMNS, accepted_rows(trace, voices)),
            Sheet("Summary", (Column("Count of", 50), Column("Items", 10)), summary_rows(voices)),
        ]
    )
