import pytest

from coproduce.anchor import make_anchor, place_anchor, reanchor, section_text
from coproduce.document import parse_markdown
from coproduce.errors import NotFoundError
from coproduce.models import AnchorStatus

TEXT = """---
title: Protocol
---

## Escalation {#escalation}

Raise it with the **designated lead** on the same day.

- Record what was said
- Agree the next step
"""


def test_a_quote_is_found_with_its_context_and_position() -> None:
    doc = parse_markdown(TEXT, slug="protocol")
    anchor = make_anchor(doc, section="escalation", quote="designated lead")
    text = section_text(doc, "escalation")
    assert text[anchor.start : anchor.end] == "designated lead"
    assert anchor.prefix.endswith("Raise it with the ")
    assert anchor.suffix.startswith(" on the same day.")
    assert anchor.status is AnchorStatus.EXACT


def test_a_quote_pasted_with_other_whitespace_is_still_found() -> None:
    doc = parse_markdown(TEXT, slug="protocol")
    anchor = make_anchor(doc, section="escalation", quote="said\n   Agree  the")
    assert anchor.status is AnchorStatus.EXACT
    assert anchor.exact == "said\nAgree the"


def test_an_empty_quote_anchors_the_whole_section_and_an_unknown_section_is_named() -> None:
    doc = parse_markdown(TEXT, slug="protocol")
    assert make_anchor(doc, section="escalation").exact == ""
    with pytest.raises(NotFoundError, match="no section 'nowhere'"):
        make_anchor(doc, section="nowhere")


DRAFT_1 = """---
title: Protocol
---

## Escalation {#escalation}

Raise it with the designated lead on the same day. Write down what the young person said in
their own words, without leading questions.

## Sharing {#sharing}

Share information with partners when a young person is at risk.
"""

DRAFT_3 = """---
title: Protocol
---

## Introduction {#introduction}

This protocol applies to every partner.

## Escalation {#escalation}

Raise it with the named safeguarding lead on the same working day. Write down what the young
person told you in their own words, without any leading questions.

## Information sharing {#sharing}

Record the decision.

Share information with partners when a young person is at risk.
"""


def _placed_on_draft_3(quote: str) -> tuple[str, str]:
    first = parse_markdown(DRAFT_1, slug="protocol")
    third = parse_markdown(DRAFT_3, slug="protocol")
    section = next(s for s in first.section_ids() if quote in section_text(first, s))
    made = make_anchor(first, section=section, quote=quote)
    placed = reanchor(third, made)
    return placed.status.value, placed.exact


def test_a_passage_that_moved_within_its_section_is_reanchored_by_its_quote() -> None:
    status, exact = _placed_on_draft_3("Share information with partners")
    assert (status, exact) == ("reanchored", "Share information with partners")


def test_an_edited_passage_is_reanchored_between_its_prefix_and_suffix() -> None:
    first = parse_markdown(DRAFT_1, slug="protocol")
    third = parse_markdown(DRAFT_3, slug="protocol")
    placed = place_anchor(
        third, quote="the designated lead", prefix="Raise it with ", suffix=" on the same day."
    )
    assert placed.status is AnchorStatus.REANCHORED
    assert placed.exact == "the named safeguarding lead"
    assert first.section_ids() == ["escalation", "sharing"]


def test_a_reworded_passage_is_reanchored_fuzzily() -> None:
    status, exact = _placed_on_draft_3("what the young person said in their own words")
    assert status == "reanchored"
    assert "own words" in exact


def test_a_passage_that_is_gone_is_orphaned_and_keeps_what_was_quoted() -> None:
    third = parse_markdown(DRAFT_3, slug="protocol")
    placed = place_anchor(third, quote="Ring the police helpline first", section="escalation")
    assert placed.status is AnchorStatus.ORPHANED
    assert placed.exact == "Ring the police helpline first"
    assert placed.section == "escalation"


def test_a_quote_found_unchanged_in_its_section_stays_exact() -> None:
    third = parse_markdown(DRAFT_3, slug="protocol")
    placed = place_anchor(third, quote="Record the decision.", section="sharing")
    assert (placed.status, placed.section) == (AnchorStatus.EXACT, "sharing")
