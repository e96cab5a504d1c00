"""The readability rule: word edits only where a reader can follow them, else whole paragraphs.

The examples are the ones from real histories where a redline read badly: a short paragraph
with a long insertion (Open-XML-PowerTools WC002), a date rewritten around a year kept (DfE
safeguarding guidance v11 to v12), and a new opening sentence woven into an old, different
paragraph (DfE v15 to v16).
"""

from __future__ import annotations

import re

from coproduce.redline.align import align_blocks
from coproduce.redline.change import compute_changes
from coproduce.redline.html import render_redline_fragment
from coproduce.redline.readable import is_readable, pair_score
from coproduce.redline.words import diff_paragraphs, diff_spans


def marked(ops) -> str:
    out = []
    for op in ops:
        if op.kind == "insert":
            out.append("{+" + op.proposed_text + "+}")
        elif op.kind == "delete":
            out.append("[-" + op.base_text + "-]")
        else:
            out.append(op.proposed_text)
    return "".join(out)


def kinds(ops) -> list[str]:
    return [op.kind for op in ops]


def test_a_short_paragraph_with_a_long_insertion_stays_word_level(make) -> None:
    changes = compute_changes(
        make.doc(make.p("This is a test.")),
        make.doc(make.p("This is a very long, important, and interesting test.")),
    )
    (op,) = changes.ops
    assert op.kind == "replace"
    assert marked(op.paragraphs[0].ops) == (
        "This is a {+very long, important, and interesting +}test."
    )


def test_a_word_common_to_both_sides_of_a_rewritten_phrase_is_kept(make) -> None:
    ops = diff_spans(
        [make.p("Devices ordered between May and July 2020, and those from September").spans[0]],
        [make.p("Devices ordered during the 2020 summer term, and those from September").spans[0]],
    )
    assert marked(ops) == (
        "Devices ordered [-between May and July-]{+during the+} 2020{+ summer term+}, "
        "and those from September"
    )


def test_an_unrelated_paragraph_is_replaced_whole_instead_of_woven_in(make) -> None:
    old = make.p(
        "Local authorities (LAs), academy trusts and schools own the devices, and should "
        "consider including an acceptable use policy in loan agreements. See our guidance on "
        "lending devices for more information."
    )
    new = make.p(
        "Local authorities, academy trusts, schools, colleges and further education "
        "institutions all have a responsibility to keep children and young people safe online."
    )
    assert kinds(align_blocks([make.h("Intro"), old], [make.h("Intro"), new])) == [
        "equal",
        "delete",
        "insert",
    ]


def test_a_sentence_whose_kept_words_only_sit_between_edits_is_replaced_whole(make) -> None:
    ops = align_blocks([make.p("Call the police now.")], [make.p("Ring the police today.")])
    assert kinds(ops) == ["delete", "insert"]


def test_scattered_small_edits_in_a_long_sentence_stay_word_level(make) -> None:
    ops = align_blocks(
        [make.p("The childs carer must call the duty team at once and write down what was said.")],
        [make.p("The child's carer should call the duty team today and write down what was said.")],
    )
    assert kinds(ops) == ["replace"]


def test_a_pair_keeping_under_half_of_the_shorter_paragraph_is_not_readable(make) -> None:
    paragraphs = diff_paragraphs(
        [make.p("Record the concern and tell the designated lead")],
        [make.p("Ring the police first, then the duty desk")],
    )
    assert not is_readable(paragraphs)


def test_pair_scores_are_zero_below_half_of_the_shorter_paragraph() -> None:
    assert pair_score([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert pair_score([1, 2, 3, 4], [1, 9, 8, 7]) == 0.0
    assert pair_score([1, 2], [1, 5, 6, 7, 8, 9]) > 0
    assert pair_score([], []) == 1.0


def test_the_html_redline_follows_the_same_rule(make) -> None:
    changes = compute_changes(
        make.doc(make.p("This is a test."), make.p("Call the police now.")),
        make.doc(
            make.p("This is a very long, important, and interesting test."),
            make.p("Ring the police today."),
        ),
    )
    html = render_redline_fragment(changes)
    html = html[html.index("</section>") :]  # the marks in the text, not the legend's samples
    inserted = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<ins\b.*?</ins>", html, re.S)]
    deleted = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<del\b.*?</del>", html, re.S)]
    assert [" ".join(t.split()) for t in inserted] == [
        "inserted: very long, important, and interesting",
        "inserted: Ring the police today.",
    ]
    assert [" ".join(t.split()) for t in deleted] == ["deleted: Call the police now."]


def test_edits_alternating_with_kept_words_more_than_three_times_a_sentence_read_badly(
    make,
) -> None:
    lead = "Every practitioner must tell the designated safeguarding lead what happened, "
    woven = diff_paragraphs(
        [make.p(lead + "alpha one beta two gamma three delta four epsilon")],
        [make.p(lead + "ALPHA one BETA two GAMMA three DELTA four EPSILON")],
    )
    fewer = diff_paragraphs(
        [make.p(lead + "alpha one beta two gamma three delta four epsilon")],
        [make.p(lead + "ALPHA one BETA two GAMMA three delta four epsilon")],
    )
    assert not is_readable(woven)
    assert is_readable(fewer)


def test_without_the_rule_a_pair_it_replaces_whole_is_shown_as_word_edits(make) -> None:
    base = make.doc(make.p("Call the police now."))
    proposed = make.doc(make.p("Ring the police today."))
    assert kinds(compute_changes(base, proposed).ops) == ["delete", "insert"]
    (op,) = compute_changes(base, proposed, readability=False).ops
    assert op.kind == "replace"
    assert marked(op.paragraphs[0].ops) == "[-Call-]{+Ring+} the police [-now-]{+today+}."


def test_without_the_rule_paragraphs_keeping_under_half_their_words_still_pair(make) -> None:
    old = [make.h("Intro"), make.p("Record the concern and tell the designated lead")]
    new = [make.h("Intro"), make.p("Ring the police first, then the duty desk")]
    assert kinds(align_blocks(old, new)) == ["equal", "delete", "insert"]
    assert kinds(align_blocks(old, new, readability=False)) == ["equal", "replace"]


def test_pair_scores_below_the_rule_count_when_asked_with_a_lower_share() -> None:
    assert pair_score([1, 2, 3, 4], [1, 9, 8, 7], keep=0.0) == 0.25
    assert pair_score([1, 2], [3, 4], keep=0.0) == 0.0


def test_weighing_counts_kept_words_islands_and_sentences(make) -> None:
    from coproduce.redline.readable import weigh

    # "the police" is kept, but only between two edits: an island of two words.
    weight = weigh(
        diff_paragraphs([make.p("Call the police now.")], [make.p("Ring the police today.")])
    )
    assert (weight.kept, weight.old, weight.new) == (2, 4, 4)
    assert (weight.islands, weight.island_words, weight.sentences) == (1, 2, 1)
    assert not weight.keeps_enough()  # islands left out: nothing kept to hold on to
    assert weight.keeps_enough(islands_count=True)  # as the words alone count: half kept
    assert not weight.weaves()
    assert not is_readable(
        diff_paragraphs([make.p("Call the police now.")], [make.p("Ring the police today.")])
    )
