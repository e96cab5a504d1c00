"""A passage's small redline: the changed paragraph with its word edits, as HTML and text."""

from __future__ import annotations

from coproduce.document import parse_markdown
from coproduce.redline.change import compute_changes
from coproduce.redline.passage import render_passage

BASE = """---
title: Protocol
---

## When to escalate {#when}

Escalate when a plan is not keeping a young person safe.

| who | when |
|---|---|
| Duty manager | same day |
"""


def changed(new: str):  # type: ignore[no-untyped-def]
    changes = compute_changes(
        parse_markdown(BASE, slug="protocol"), parse_markdown(new, slug="protocol")
    )
    return changes, [op for op in changes.ops if op.changed]


def test_a_reworded_paragraph_shows_words_added_and_taken_out() -> None:
    new = BASE.replace("Escalate when", "Escalate within one day when").replace(
        "young person", "child"
    )
    changes, ops = changed(new)
    passage = render_passage(changes, ops[0])
    assert passage.section == "when"
    assert passage.now == "Escalate within one day when a plan is not keeping a child safe."
    assert "{+within one day +}" in passage.text and "[-young person-]{+child+}" in passage.text
    assert '<ins style="' in passage.html and ">within one day </ins>" in passage.html
    assert '<del style="' in passage.html and ">young person</del>" in passage.html
    assert "<ins>within one day </ins>" in passage.bare_html and "style" not in passage.bare_html


def test_words_that_look_like_markup_are_escaped_in_the_html() -> None:
    changes, ops = changed(BASE.replace("safe.", "safe <b>now</b> & always."))
    passage = render_passage(changes, ops[0])
    assert "<b>" not in passage.html and "&lt;b&gt;now&lt;/b&gt; &amp; always" in passage.html


def test_a_table_row_changed_is_shown_as_a_small_table() -> None:
    changes, ops = changed(BASE.replace("same day", "within one hour"))
    passage = render_passage(changes, ops[0])
    assert passage.html.startswith('<table style="border-collapse:collapse">')
    assert "Duty manager" in passage.text and "within one hour" in passage.text


def test_only_the_changes_of_the_named_commits_are_marked() -> None:
    import datetime as dt

    from coproduce.redline.change import Attribution
    from coproduce.redline.html import describe

    new = BASE.replace("Escalate when", "Escalate within one day when").replace(
        "young person", "child"
    )
    changes, ops = changed(new)
    mine = Attribution("Alex", dt.datetime(2026, 11, 20, 8, 1, tzinfo=dt.UTC))
    theirs = Attribution("Sam", dt.datetime(2026, 11, 20, 8, 2, tzinfo=dt.UTC))
    for span in ops[0].paragraphs[0].ops:
        span.attribution = mine if "within" in span.proposed_text else theirs
    passage = render_passage(changes, ops[0], by={describe(mine)})
    assert passage.text == "Escalate {+within one day +}when a plan is not keeping a child safe."
    nobody = render_passage(changes, ops[0], by={"Nobody, 2000-01-01 00:00 UTC"})
    assert "[-young person-]" in nobody.text  # marking nothing would hide the change: all shown
