"""Block alignment: equal blocks first, then similar pairs, splits, merges and moves."""

from __future__ import annotations

import random

from coproduce.models import Paragraph, Span
from coproduce.redline import align
from coproduce.redline.align import align_blocks, align_rows
from coproduce.redline.change import compute_changes


def kinds(ops) -> list[str]:
    return [op.kind for op in ops]


def test_unchanged_documents_align_as_all_equal(make) -> None:
    blocks = [make.h("Purpose"), make.p("Keep children safe."), make.li("Call 999")]
    assert kinds(align_blocks(blocks, list(blocks))) == ["equal"] * 3


def test_a_reworded_paragraph_pairs_with_its_old_self(make) -> None:
    ops = align_blocks(
        [make.p("Intro."), make.p("Tell the designated lead the same day.")],
        [make.p("Intro."), make.p("Tell the safeguarding lead the same day.")],
    )
    assert kinds(ops) == ["equal", "replace"]
    assert ops[1].similarity > 0.8


def test_unrelated_blocks_are_deleted_and_inserted_rather_than_paired(make) -> None:
    ops = align_blocks(
        [make.p("Start."), make.p("Old advice about fax machines."), make.p("End.")],
        [make.p("Start."), make.p("Use the secure portal; nothing else."), make.p("End.")],
    )
    assert kinds(ops) == ["equal", "delete", "insert", "equal"]


def test_a_heading_level_change_is_a_replace_of_the_same_text(make) -> None:
    ops = align_blocks([make.h("Scope", level=2)], [make.h("Scope", level=3)])
    assert kinds(ops) == ["replace"]


def test_a_paragraph_turned_list_item_is_paired(make) -> None:
    ops = align_blocks([make.p("Check the child is safe")], [make.li("Check the child is safe")])
    assert kinds(ops) == ["replace"]


def test_a_paragraph_cut_in_two_is_a_split(make) -> None:
    ops = align_blocks(
        [make.p("Ring the police straight away. Then write down what you saw and heard.")],
        [
            make.p("Ring the police straight away."),
            make.p("Then write down what you saw and heard."),
        ],
    )
    assert kinds(ops) == ["split"]
    assert len(ops[0].proposed) == 2


def test_two_paragraphs_joined_are_a_merge(make) -> None:
    ops = align_blocks(
        [make.p("Ring the police straight away."), make.p("Then write down what you saw.")],
        [make.p("Ring the police straight away, then write down what you saw.")],
    )
    assert kinds(ops) == ["merge"]
    assert len(ops[0].base) == 2


def test_a_paragraph_moved_elsewhere_is_a_move_pair(make) -> None:
    moved = make.p("Young people should be told what happens next.")
    ops = align_blocks(
        [moved, make.p("First."), make.p("Second."), make.p("Third.")],
        [make.p("First."), make.p("Second."), make.p("Third."), moved],
    )
    assert kinds(ops) == ["move_from", "equal", "equal", "equal", "move_to"]
    assert ops[0].move_id == ops[-1].move_id == "move1"


def test_a_moved_and_slightly_edited_paragraph_is_still_a_move(make) -> None:
    ops = align_blocks(
        [make.p("Young people should be told what happens next."), make.p("A."), make.p("B.")],
        [make.p("A."), make.p("B."), make.p("Young people should be told what happens next!")],
    )
    assert kinds(ops) == ["move_from", "equal", "equal", "move_to"]
    assert 0.9 <= ops[0].similarity < 1


def test_the_output_keeps_base_and_proposed_order(make) -> None:
    base = [make.p(f"Paragraph number {n} of the base.") for n in range(8)]
    proposed = [base[0], make.p("Inserted."), *base[2:5], base[1], base[6], make.p("New end.")]
    ops = align_blocks(base, proposed)
    assert [b for op in ops for b in op.base] == base
    assert [b for op in ops for b in op.proposed] == proposed


def test_tables_align_row_by_row(make) -> None:
    old = make.table(["Who", "When"], ["Police", "Now"], ["School", "Today"], ["GP", "Soon"])
    new = make.table(
        ["Who", "When"], ["Police", "At once"], ["GP", "Soon"], ["Youth club", "Today"]
    )
    rows = align_rows(old.rows, new.rows)
    assert [r.kind for r in rows] == ["equal", "replace", "delete", "equal", "insert"]


def test_compute_changes_diffs_table_cells_word_by_word(make) -> None:
    changes = compute_changes(
        make.doc(make.table(["Who", "When"], ["Police", "straight away"])),
        make.doc(make.table(["Who", "When"], ["Police", "right away"])),
    )
    (op,) = changes.ops
    assert op.kind == "table"
    cell_ops = op.rows[1].cells[1]
    assert [(o.kind, o.base_text, o.proposed_text) for o in cell_ops if o.kind != "equal"] == [
        ("delete", "straight", ""),
        ("insert", "", "right"),
    ]


def test_compute_changes_lists_front_matter_changes(make) -> None:
    changes = compute_changes(
        make.doc(version="1.0", owner="Board"), make.doc(version="1.1", status="consultation")
    )
    assert [(m.field, m.base, m.proposed) for m in changes.meta] == [
        ("owner", "Board", None),
        ("status", "draft", "consultation"),
        ("version", "1.0", "1.1"),
    ]


def test_an_empty_base_is_all_insertions_and_an_empty_proposal_all_deletions(make) -> None:
    blocks = [make.p("One."), make.p("Two.")]
    assert kinds(align_blocks([], blocks)) == ["insert", "insert"]
    assert kinds(align_blocks(blocks, [])) == ["delete", "delete"]


def _corpus(n: int, seed: int) -> list[Paragraph]:
    rng = random.Random(seed)
    words = [f"w{k}" for k in range(3000)]
    return [Paragraph(spans=[Span(text=" ".join(rng.choices(words, k=20)))]) for _ in range(n)]


def test_two_hundred_thousand_words_with_a_few_edits_compare_only_blocks_near_the_edits(
    monkeypatch,
) -> None:
    # Speed itself is measured against Docxodus in bench/redline_bench.py; here, the work:
    # unchanged blocks match by hash, and only blocks in the gaps between them are compared.
    base = _corpus(10_000, seed=1)
    rng = random.Random(2)
    proposed = list(base)
    for _ in range(100):  # 1 % of paragraphs edited, a few inserted and deleted
        k = rng.randrange(len(proposed))
        proposed[k] = Paragraph(spans=[Span(text=proposed[k].text + " extra words")])
    for k in sorted(rng.sample(range(len(proposed)), 20), reverse=True):
        del proposed[k]
    for k in rng.sample(range(len(proposed)), 20):
        proposed.insert(k, Paragraph(spans=[Span(text=f"brand new paragraph {k}")]))
    compared = []
    real_score = align.pair_score

    def counted(a: list[int], b: list[int], **options: float) -> float:
        compared.append((a, b))
        return real_score(a, b, **options)

    monkeypatch.setattr(align, "pair_score", counted)
    ops = align_blocks(base, proposed)
    assert sum(len(b.text.split()) for b in base) == 200_000
    assert kinds(ops).count("replace") >= 90
    assert [b for op in ops for b in op.base] == base
    assert [b for op in ops for b in op.proposed] == proposed
    assert 0 < len(compared) < 1_000  # against 100,000,000 pairs compared naively


def test_two_swapped_neighbours_show_the_shorter_one_moving(make) -> None:
    long = make.p("Young people should be told what happens next, by whom, and by when.")
    short = make.p("Ring the duty desk.")
    ops = align_blocks([make.p("Start."), long, short], [make.p("Start."), short, long])
    moved = [
        b.text for op in ops if op.kind in ("move_from", "move_to") for b in op.base + op.proposed
    ]
    assert moved == [short.text, short.text]
    assert [b for op in ops for b in op.base] == [make.p("Start."), long, short]
