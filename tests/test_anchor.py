import pytest

from coproduce.anchor import make_anchor, section_text
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
