"""Word-level diff of spans."""

from __future__ import annotations

from coproduce.models import Span
from coproduce.redline.words import diff_paragraphs, diff_spans, tokenize


def view(ops, side: str) -> str:
    keep = {"base": ("equal", "format", "delete"), "proposed": ("equal", "format", "insert")}
    return "".join(
        (op.base_text if side == "base" else op.proposed_text)
        for op in ops
        if op.kind in keep[side]
    )


def changes(ops) -> list[tuple[str, str, str]]:
    return [(op.kind, op.base_text, op.proposed_text) for op in ops if op.kind != "equal"]


def test_tokenize_cuts_words_spaces_and_punctuation_apart() -> None:
    tokens = [t for t, _ in tokenize([Span(text="Call 999, now!")])]
    assert tokens == ["Call", " ", "999", ",", " ", "now", "!"]


def test_a_one_word_edit_shows_as_a_one_word_change() -> None:
    ops = diff_spans(
        [Span(text="Tell the designated lead today.")],
        [Span(text="Tell the safeguarding lead today.")],
    )
    assert changes(ops) == [("delete", "designated", ""), ("insert", "", "safeguarding")]


def test_both_sides_of_the_diff_rebuild_the_original_texts() -> None:
    base = [Span(text="Record the concern, "), Span(text="then", bold=True), Span(text=" act.")]
    proposed = [Span(text="Record every concern and act "), Span(text="quickly", italic=True)]
    ops = diff_spans(base, proposed)
    assert view(ops, "base") == "Record the concern, then act."
    assert view(ops, "proposed") == "Record every concern and act quickly"


def test_whitespace_between_changed_words_joins_one_change() -> None:
    ops = diff_spans([Span(text="a quick brown fox")], [Span(text="a slow red fox")])
    assert changes(ops) == [("delete", "quick brown", ""), ("insert", "", "slow red")]


def test_same_text_in_bold_is_a_format_change_not_a_rewrite() -> None:
    ops = diff_spans(
        [Span(text="Never promise secrecy.")],
        [Span(text="Never "), Span(text="promise", bold=True), Span(text=" secrecy.")],
    )
    assert changes(ops) == [("format", "promise", "promise")]
    fmt = next(op for op in ops if op.kind == "format")
    assert fmt.proposed[0].bold and not fmt.base[0].bold


def test_italic_removed_is_a_format_change() -> None:
    ops = diff_spans([Span(text="see annex", italic=True)], [Span(text="see annex")])
    assert [op.kind for op in ops] == ["format"]


def test_a_hard_line_break_stays_its_own_span() -> None:
    ops = diff_spans([Span(text="one")], [Span(text="one"), Span(text="\n"), Span(text="two")])
    inserted = next(op for op in ops if op.kind == "insert")
    assert [s.text for s in inserted.proposed] == ["\n", "two"]


def test_identical_spans_give_only_equal_operations() -> None:
    spans = [Span(text="Nothing changed here.", bold=True)]
    assert [op.kind for op in diff_spans(spans, spans)] == ["equal"]


def test_empty_sides_give_whole_insertions_and_deletions() -> None:
    assert changes(diff_spans([], [Span(text="new")])) == [("insert", "", "new")]
    assert changes(diff_spans([Span(text="old")], [])) == [("delete", "old", "")]


def test_a_split_paragraph_shows_one_inserted_paragraph_mark(make) -> None:
    paragraphs = diff_paragraphs(
        [make.p("Ring the police. Then tell the lead.")],
        [make.p("Ring the police."), make.p("Then tell the lead.")],
    )
    assert [pc.mark for pc in paragraphs] == ["insert", "equal"]
    assert [view(pc.ops, "proposed") for pc in paragraphs] == [
        "Ring the police.",
        "Then tell the lead.",
    ]
    assert "".join(view(pc.ops, "base") for pc in paragraphs) == (
        "Ring the police. Then tell the lead."
    )


def test_a_merged_paragraph_shows_one_deleted_paragraph_mark(make) -> None:
    base = [make.p("Ring the police."), make.p("Then tell the lead.")]
    paragraphs = diff_paragraphs(base, [make.p("Ring the police, then tell the lead.")])
    assert [pc.mark for pc in paragraphs] == ["delete", "equal"]
    assert [pc.base for pc in paragraphs] == base
    assert "".join(view(pc.ops, "proposed") for pc in paragraphs) == (
        "Ring the police, then tell the lead."
    )
