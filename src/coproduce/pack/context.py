"""What the cover paper template is given: counts, quotes, changes, outcomes, open questions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from coproduce.models import AnchorStatus, FeedbackItem, Outcome, ParticipantRecord, ReviewCycle
from coproduce.pack.chart import Participation
from coproduce.pack.consent import Voice
from coproduce.pack.cover import participation_rows
from coproduce.pack.log import LogRow, accepted_rows, change_rows
from coproduce.pack.trace import Trace
from coproduce.triage import Triage

if TYPE_CHECKING:
    from coproduce.store.register import Register

YOUTH_QUOTES = 12
ANONYMOUS = "anonymous"


def people_counts(
    cycle: ReviewCycle, items: Sequence[FeedbackItem], register: Register | None
) -> tuple[dict[str, int], dict[str, int]]:
    """Return (invited, responded) people by audience.

    Anonymous items count one each, except those sent together (one survey row), which count
    once.
    """
    from coproduce.review.delivery import INVITATION

    invited: Counter[str] = Counter()
    if register is not None:
        ids = register.messaged(cycle.id, kind=INVITATION)
        for record_ in register.get_participants(ids).values():
            invited[record_.audience] += 1
    responded: Counter[str] = Counter()
    seen: set[str] = set()
    for item in items:
        if item.participant == ANONYMOUS:
            together = f"response:{item.response}" if item.response else None
            if together is None or together not in seen:
                responded[item.audience] += 1
            if together is not None:
                seen.add(together)
        elif item.participant not in seen:
            seen.add(item.participant)
            responded[item.audience] += 1
    return dict(invited), dict(responded)


def cover_context(
    *,
    cycle: ReviewCycle,
    triage: Triage,
    voices: Mapping[str, Voice],
    traced: Trace,
    log_rows: Sequence[LogRow],
    rows: list[Participation],
    people: Mapping[str, ParticipantRecord],
    title: str,
    organisation: str,
    draft: bool,
    proposed_sha: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Return the template context of the cover paper."""
    undecided = len(triage.undecided)
    shown = [v for v in voices.values() if not v.safeguarding]
    kinds: Counter[str] = Counter()
    for pid in {v.item.participant for v in shown if v.item.participant != ANONYMOUS}:
        voice = next(v for v in shown if v.item.participant == pid)
        kinds[
            "young person" if voice.item.audience == "young-people" else voice.organisation_type
        ] += 1
    named = sorted({v.name for v in shown if v.name})
    youth_words = [
        v.words
        for v in shown
        if v.item.audience == "young-people" and v.words_shown and len(v.words.split()) >= 4
    ][:YOUTH_QUOTES]  # "no" or "dont know" says nothing without its question
    trace_rows = change_rows(traced, voices)
    changes = [
        {"number": c.number, "section": c.section, "kind": c.kind, "summary": c.summary,
         "behind": row[4]}
        for c, row in zip(traced.changes, trace_rows, strict=True)
    ]  # fmt: skip
    not_accepted = [r for r in log_rows if r.outcome == Outcome.NOT_ACCEPTED.label]
    waiting = [i.id for i in triage.not_acted_on if not voices[i.id].safeguarding]
    orphaned = [
        v.item.id for v in shown if v.item.anchor and v.item.anchor.status is AnchorStatus.ORPHANED
    ]
    open_questions = []
    if undecided:
        open_questions.append(f"{undecided} item(s) still have no outcome.")
    if waiting:
        open_questions.append(
            f"Accepted, not yet acted on: {', '.join(waiting)} — the text does not yet carry them."
        )
    if orphaned:
        open_questions.append(f"Feedback on passages no longer in the text: {', '.join(orphaned)}.")
    risks = []
    silent = [r.audience for r in rows if r.invited and not r.responded]
    if silent:
        risks.append(f"No response from: {', '.join(silent)}.")
    late = sum(1 for v in shown if v.item.late)
    if late:
        risks.append(f"{late} item(s) arrived after the review closed; they are included.")
    if waiting:
        risks.append("Agreed changes are missing from the proposed text (see open questions).")
    return {
        "title": ("DRAFT — NOT FOR DECISION: " if draft else "") + f"Cover paper: {title}",
        "document_title": title,
        "organisation": organisation or "",
        "version": "1.0",
        "cycle": cycle.id,
        "base": cycle.base,
        "proposed_short": proposed_sha[:10],
        "generated": now.strftime("%d %B %Y, %H:%M UTC"),
        "draft": draft,
        "state": cycle.state.value,
        "undecided": undecided,
        "total": len(triage.items),
        "responded_total": sum(r.responded for r in rows),
        "participation": participation_rows(rows),
        "organisation_types": sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
        "named": named,
        "youth_words": youth_words,
        "changes": changes,
        "not_accepted": not_accepted,
        "open_questions": open_questions,
        "risks": risks,
        "safeguarding": sum(1 for v in voices.values() if v.safeguarding),
        "withheld": sum(1 for v in shown if not v.words_shown),
        "log": log_rows,
        "trace_rows": trace_rows,
        "accepted_rows": accepted_rows(traced, voices),
    }
