"""The summary per audience: anonymous and publishable, for partners who want to pass it on.

Counts by outcome, the sections people spoke about, what changed because of them, and a few
of their words. Nobody is named; words appear only where the person allowed their words to be
published (``publish_words``, and a survey's consent to quote) and never for an item held as
a safeguarding concern, which is not counted by audience either (a small group's count could
point at a person).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coproduce.models import Audience, Outcome
from coproduce.review.outcomes.gather import ANONYMOUS, CycleOutcomes
from coproduce.review.outcomes.messages import long_date
from coproduce.templating import template_env

EXAMPLES = 3
"""Most quotations shown per audience."""
TEMPLATE = "pack/you-said-we-did.{}.j2"


@dataclass
class AudienceSummary:
    """What one audience said and what happened, without a name in it."""

    audience: Audience
    people: int = 0
    items: int = 0
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    sections: list[tuple[str, int]] = field(default_factory=list)
    changes: list[dict[str, str]] = field(default_factory=list)
    examples: list[dict[str, str]] = field(default_factory=list)


def summarise(outcomes: CycleOutcomes, audiences: list[Audience]) -> list[AudienceSummary]:
    """Return one summary per audience of the cycle, in the cycle's order."""
    by_id = {a.id: a for a in audiences}
    found = []
    for audience_id in outcomes.cycle.audiences:
        audience = by_id.get(audience_id) or Audience(id=audience_id, name=audience_id)
        found.append(_summary(outcomes, audience))
    return found


def _summary(outcomes: CycleOutcomes, audience: Audience) -> AudienceSummary:
    shown = [
        v for v in outcomes.voices.values() if v.item.audience == audience.id and not v.safeguarding
    ]
    summary = AudienceSummary(audience=audience, items=len(shown))
    named = {v.item.participant for v in shown if v.item.participant != ANONYMOUS}
    summary.people = len(named) + sum(1 for v in shown if v.item.participant == ANONYMOUS)
    counts = Counter(v.disposition.outcome if v.disposition else None for v in shown)
    summary.outcomes = [(o.label, counts[o]) for o in Outcome if counts[o]]
    if counts[None]:
        summary.outcomes.append(("not decided yet", counts[None]))
    sections = Counter(
        outcomes.headings.get(v.item.anchor.section, v.item.anchor.section)
        if v.item.anchor
        else "General comments"
        for v in shown
    )
    summary.sections = sorted(sections.items(), key=lambda kv: (-kv[1], kv[0]))
    if outcomes.approved and outcomes.trace is not None:
        ids = {v.item.id for v in shown if v.disposition and v.disposition.outcome.acted_on}
        for change in outcomes.trace.changes:
            if ids.intersection(change.items):
                section = outcomes.headings.get(change.section, change.section)
                summary.changes.append({"section": section, "summary": change.summary})
    for voice in shown:
        if len(summary.examples) >= EXAMPLES:
            break
        if not voice.words_shown or voice.item.consent_to_quote is False:
            continue
        if voice.item.participant != ANONYMOUS and voice.item.participant not in outcomes.records:
            continue  # erased: nobody is left to have agreed
        summary.examples.append(
            {"words": " ".join(voice.item.text.split()), "outcome": voice.outcome_label}
        )
    return summary


def render_summaries(
    outcomes: CycleOutcomes,
    summaries: list[AudienceSummary],
    *,
    organisation: str,
    overrides: Path | None = None,
) -> dict[str, str]:
    """Return the summaries as ``{"html": …, "md": …}``, every audience in one page each."""
    env = template_env(overrides=overrides)
    context: dict[str, Any] = {
        "title": outcomes.title,
        "organisation": organisation or "",
        "cycle": outcomes.cycle.id,
        "decision": outcomes.decision.outcome.value,
        "approved": outcomes.approved,
        "decided_by": outcomes.decision.decided_by,
        "decided": long_date(outcomes.decision.decided),
        "version": outcomes.decision.version or "",
        "next_update": long_date(outcomes.next_update) if outcomes.next_update else "",
        "summaries": summaries,
    }
    md_env = env.overlay(autoescape=False)
    md_env.filters["md"] = markdown_text
    return {
        "html": env.get_template(TEMPLATE.format("html")).render(**context),
        "md": md_env.get_template(TEMPLATE.format("md")).render(**context),
    }


def markdown_text(value: object) -> str:
    """Return ``value`` on one line, safe inside Markdown (no HTML, no markup of its own)."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for mark in ("\\", "`", "*", "_", "[", "]", "#", "|"):
        text = text.replace(mark, "\\" + mark)
    return text
