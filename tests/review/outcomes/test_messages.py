"""The young people's version reads easily (Flesch reading ease of at least 70, measured with
textstat) and explains every word of the guidance's jargon it uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat

from coproduce.resources import builtin_templates_dir
from coproduce.review.outcomes import write_feedback_report
from coproduce.review.outcomes.glossary import TERMS, term_pattern
from coproduce.review.outcomes.messages import YOUTH_LABELS
from tests.review.outcomes.conftest import YOUNG, Decided

YOUTH_TEMPLATES = [
    "outcome-young-people.txt.j2",
    "outcome-young-people.html.j2",
    "not-approved-young-people.txt.j2",
    "not-approved-young-people.html.j2",
]
EASY = 70


def prose(name: str) -> str:
    """Return a template's own words: jinja tags, expressions and HTML tags taken out."""
    source = (builtin_templates_dir() / "email" / name).read_text(encoding="utf-8")
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", source).split())


@pytest.mark.parametrize("name", YOUTH_TEMPLATES)
def test_the_youth_template_text_scores_at_least_70_for_reading_ease(name: str) -> None:
    text = prose(name)
    assert len(text.split()) > 60  # the measure is taken on the whole template, not a scrap
    score = textstat.flesch_reading_ease(text)
    print(f"Flesch reading ease of {name}: {score:.1f}")
    assert score >= EASY


def test_the_outcome_words_and_the_glossary_are_plain_too() -> None:
    labels = textstat.flesch_reading_ease(" ".join(YOUTH_LABELS.values()))
    glossary = textstat.flesch_reading_ease(" ".join(TERMS.values()))
    print(f"Flesch reading ease of the outcome words: {labels:.1f}, glossary: {glossary:.1f}")
    assert labels >= EASY and glossary >= EASY


def test_the_youth_templates_use_no_guidance_jargon_of_their_own() -> None:
    for name in YOUTH_TEMPLATES:
        used = [t for t in TERMS if term_pattern(t).search(prose(name))]
        assert used == [], f"{name} uses {used} without explaining them"


def test_a_young_persons_message_explains_every_guidance_word_it_quotes(
    decided: Decided, tmp_path: Path
) -> None:
    decided.decide("approved")
    write_feedback_report(
        workspace=decided.workspace(), cycle_id=decided.cycle_id, out_dir=tmp_path / "out"
    )
    path = tmp_path / "out" / "participants" / f"{decided.people[YOUNG]}.txt"
    message = path.read_text(encoding="utf-8")
    body, _, glossary = message.partition("Some words in the guide, and what they mean:")
    assert glossary, "the message quotes the guidance, so it explains its words"
    used = [t for t in TERMS if term_pattern(t).search(body)]
    assert {"practitioner", "escalate", "policy"} <= set(used)
    for term in used:
        assert f"- {term}: {TERMS[term]}" in glossary
    score = textstat.flesch_reading_ease(body)
    print(f"Flesch reading ease of a rendered young person's message: {score:.1f}")
    assert score >= EASY
