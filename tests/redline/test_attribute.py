"""Blame: each change carries the author and date of the commit that made it."""

from __future__ import annotations

import datetime as dt

from coproduce.models import Document, DocumentMeta, Paragraph, Span, Table, TableCell, TableRow
from coproduce.redline.attribute import attribute_all, blame
from coproduce.redline.change import Attribution, ChangeSet, SpanOp, compute_changes

ASHA = Attribution("Asha Patel", dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC))
BEN = Attribution("Ben Okafor", dt.datetime(2025, 1, 11, 9, 0, tzinfo=dt.UTC))
CLEO = Attribution("Cleo Wright", dt.datetime(2025, 1, 12, 9, 0, tzinfo=dt.UTC))


def doc(*blocks: str | Table) -> Document:
    return Document(
        slug="protocol",
        meta=DocumentMeta(title="Protocol"),
        blocks=[Paragraph(spans=[Span(text=b)]) if isinstance(b, str) else b for b in blocks],
    )


def table(*rows: tuple[str, ...]) -> Table:
    return Table(rows=[TableRow(cells=[TableCell(spans=[Span(text=c)]) for c in r]) for r in rows])


def span_ops(changes: ChangeSet) -> list[SpanOp]:
    return [
        s
        for op in changes.ops
        for s in [
            *(x for p in op.paragraphs for x in p.ops),
            *(x for r in op.rows for c in r.cells for x in c),
        ]
    ]


def changed(changes: ChangeSet) -> list[tuple[str, str, str | None]]:
    """Return (kind, text, author) for every changed span and whole-block operation."""
    out: list[tuple[str, str, str | None]] = []
    for op in changes.ops:
        if op.kind in ("insert", "delete", "move_from", "move_to"):
            text = (op.proposed or op.base)[0].text
            out.append((op.kind, text, op.attribution.author if op.attribution else None))
    for s in span_ops(changes):
        if s.kind != "equal":
            text = s.base_text if s.kind == "delete" else s.proposed_text
            out.append((s.kind, text, s.attribution.author if s.attribution else None))
    return out


BASE = doc(
    "Staff should share concerns with the lead.",
    "Record what was said.",
    "Close the case after review.",
)
V1 = doc(
    "Staff should share concerns with the safeguarding lead today.",
    "Record what was said.",
    "Close the case after review.",
)
V2 = doc(
    "Staff should share concerns with the safeguarding lead today.",
    "Record what was said.",
    "Tell the young person what happens next.",
    "Close the case after review.",
)
V3 = doc(
    "Staff must share concerns with the safeguarding lead today.",
    "Record what was said, in their words.",
    "Tell the young person what happens next.",
)


def test_three_commits_by_three_authors_give_three_authors() -> None:
    history = [BASE, V1, V2, V3]
    changes = blame(compute_changes(BASE, V3), history=history, commits=[ASHA, BEN, CLEO])
    found = changed(changes)
    assert ("insert", "Tell the young person what happens next.", "Ben Okafor") in found
    assert ("delete", "Close the case after review.", "Cleo Wright") in found
    assert ("insert", "safeguarding ", "Asha Patel") in found
    assert ("insert", " today", "Asha Patel") in found
    assert ("insert", "must", "Cleo Wright") in found
    assert ("delete", "should", "Cleo Wright") in found
    assert ("insert", ", in their words", "Cleo Wright") in found
    assert {a for _, _, a in found} == {"Asha Patel", "Ben Okafor", "Cleo Wright"}


def test_one_insertion_made_by_two_commits_is_split_between_their_authors() -> None:
    v1 = doc("Share concerns quickly with the lead.")
    v2 = doc("Share concerns quickly and calmly with the lead.")
    base = doc("Share concerns with the lead.")
    changes = blame(compute_changes(base, v2), history=[base, v1, v2], commits=[ASHA, BEN])
    inserts = [
        (s.proposed_text, s.attribution.author)
        for s in span_ops(changes)
        if s.kind == "insert" and s.attribution
    ]
    assert "".join(t for t, _ in inserts).strip() == "quickly and calmly"
    assert [a for _, a in inserts] == ["Asha Patel", "Ben Okafor"]
    assert inserts[0][0].strip() == "quickly"
    assert inserts[1][0].strip() == "and calmly"


def test_text_added_then_removed_again_leaves_no_change_to_attribute() -> None:
    v1 = doc("Share concerns with the lead at once.")
    changes = blame(compute_changes(BASE, BASE), history=[BASE, v1, BASE], commits=[ASHA, BEN])
    assert not changes.changed
    assert changed(changes) == []


def test_table_row_changes_carry_their_commit() -> None:
    base = doc(table(("Role", "Contact"), ("Lead", "0100")))
    v1 = doc(table(("Role", "Contact"), ("Lead", "0100"), ("Deputy", "0200")))
    v2 = doc(table(("Role", "Contact"), ("Lead", "0199"), ("Deputy", "0200")))
    changes = blame(compute_changes(base, v2), history=[base, v1, v2], commits=[ASHA, BEN])
    rows = [(r.kind, r.attribution.author if r.attribution else None) for r in changes.ops[0].rows]
    assert rows == [("equal", None), ("replace", "Ben Okafor"), ("insert", "Asha Patel")]


def test_a_moved_paragraph_is_attributed_to_the_commit_that_moved_it() -> None:
    long = "A paragraph long enough to be recognised as moved, not rewritten."
    base = doc(long, "Second.", "Third.", "Fourth.")
    v1 = doc("Second.", "Third.", "Fourth.", long)
    v2 = doc("Second, edited.", "Third.", "Fourth.", long)
    changes = blame(compute_changes(base, v2), history=[base, v1, v2], commits=[ASHA, BEN])
    moves = [
        (op.kind, op.attribution.author) for op in changes.ops if op.move_id and op.attribution
    ]
    assert moves == [("move_from", "Asha Patel"), ("move_to", "Asha Patel")]
    assert ("insert", ", edited", "Ben Okafor") in changed(changes)


def test_front_matter_changes_name_the_commit_that_changed_the_field() -> None:
    v1 = BASE.model_copy(update={"meta": DocumentMeta(title="Protocol", owner="Board")})
    v2 = v1.model_copy(update={"meta": DocumentMeta(title="Protocol v2", owner="Board")})
    changes = blame(compute_changes(BASE, v2), history=[BASE, v1, v2], commits=[ASHA, BEN])
    assert {m.field: m.attribution.author for m in changes.meta if m.attribution} == {
        "title": "Ben Okafor",
        "owner": "Asha Patel",
    }


def test_author_override_puts_one_name_on_everything() -> None:
    changes = attribute_all(compute_changes(BASE, V3), Attribution("Board secretary", CLEO.date))
    authors = {a for _, _, a in changed(changes)}
    assert authors == {"Board secretary"}
    assert all(op.attribution is not None for op in changes.ops)


def test_a_later_one_sentence_commit_is_blamed_for_its_sentence_only() -> None:
    from coproduce.document import parse_markdown
    from coproduce.resources import sample_guidance_dir

    sample = sample_guidance_dir()
    base = parse_markdown((sample / "exploitation-protocol.md").read_text(), slug="protocol")
    draft_text = (sample / "demo" / "exploitation-protocol.draft.md").read_text()
    draft = parse_markdown(draft_text, slug="protocol")
    old, new = "suffer any detriment", "be treated unfairly"
    final = parse_markdown(draft_text.replace(old, new), slug="protocol")
    changes = blame(
        compute_changes(base, final), history=[base, draft, final], commits=[ASHA, CLEO]
    )
    by_cleo = [(kind, text) for kind, text, who in changed(changes) if who == "Cleo Wright"]
    # the rewrite's words the history cannot place go to the rewrite, not to the last commit
    assert by_cleo and all(text.strip() in f"{old} {new}" for _, text in by_cleo), by_cleo
    blocks = [op for op in changes.ops if op.changed and op.attribution == CLEO]
    assert len(blocks) == 1 and "treated unfairly" in blocks[0].proposed[0].text


def test_two_commits_by_one_person_in_the_same_second_stay_apart() -> None:
    first = Attribution(ASHA.author, ASHA.date, "a" * 40)
    second = Attribution(ASHA.author, ASHA.date, "b" * 40)
    v2 = doc(*(b.text for b in V1.blocks[:2]), "Close the case after a review.")
    changes = blame(compute_changes(BASE, v2), history=[BASE, V1, v2], commits=[first, second])
    commits = {
        s.attribution.commit for s in span_ops(changes) if s.kind != "equal" and s.attribution
    }
    assert commits == {"a" * 40, "b" * 40}
