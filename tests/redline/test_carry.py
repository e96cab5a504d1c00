"""Carrying marks through a history: one cheap pass per commit, one change set per redline."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coproduce.redline.carry as carrying
from coproduce.models import Document, DocumentMeta, Paragraph, Span, Table, TableCell, TableRow
from coproduce.redline.attribute import blame
from coproduce.redline.carry import BlockMarks, base_marks, carry, cells_of
from coproduce.redline.change import Attribution, compute_changes

ASHA = Attribution("Asha Patel", dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC))
BEN = Attribution("Ben Okafor", dt.datetime(2025, 1, 11, 9, 0, tzinfo=dt.UTC))
LONG = "A paragraph long enough to be recognised as moved, not rewritten."


def doc(*blocks: str | Paragraph | Table) -> Document:
    return Document(
        slug="protocol",
        meta=DocumentMeta(title="Protocol"),
        blocks=[Paragraph(spans=[Span(text=b)]) if isinstance(b, str) else b for b in blocks],
    )


def test_a_paragraph_moved_by_one_commit_and_deleted_by_the_next_names_the_second() -> None:
    base = doc(LONG, "Second.", "Third.")
    v1 = doc("Second.", "Third.", LONG)
    v2 = doc("Second.", "Third.")
    changes = blame(compute_changes(base, v2), history=[base, v1, v2], commits=[ASHA, BEN])
    deleted = [op for op in changes.ops if op.kind == "delete"]
    assert [op.base[0].text for op in deleted] == [LONG]
    assert deleted[0].attribution == BEN


def test_words_made_bold_by_a_commit_are_a_format_change_by_that_commit() -> None:
    base = doc("Call the police now if a child is at risk.")
    v1 = doc("Call the police now if a child is at risk, or ring the lead.")
    bold = Paragraph(
        spans=[
            Span(text="Call the police now", bold=True),
            Span(text=" if a child is at risk, or ring the lead."),
        ]
    )
    v2 = doc(bold)
    changes = blame(compute_changes(base, v2), history=[base, v1, v2], commits=[ASHA, BEN])
    ops = [s for op in changes.ops for p in op.paragraphs for s in p.ops if s.kind != "equal"]
    found = [(s.kind, s.proposed_text.strip(" ,."), s.attribution) for s in ops]
    assert ("format", "Call the police now", BEN) in found
    assert ("insert", "or ring the lead", ASHA) in found


def test_a_history_is_carried_without_building_a_change_set_per_commit(monkeypatch) -> None:
    import coproduce.redline.align as align

    base = doc("Share concerns with the lead.", "Record what was said.")
    v1 = doc("Share concerns with the safeguarding lead.", "Record what was said.")
    v2 = doc("Share concerns with the safeguarding lead today.", "Record it.")
    changes = compute_changes(base, v2)
    calls: list[object] = []
    original = align.align_blocks  # what every change set is built with

    def counted(*args: object) -> object:
        calls.append(args)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(align, "align_blocks", counted)
    blame(changes, history=[base, v1, v2], commits=[ASHA, BEN])
    assert calls == []
    ops = [s for op in changes.ops for p in op.paragraphs for s in p.ops if s.kind != "equal"]
    authors = {s.attribution.author for s in ops if s.attribution}
    assert len(ops) >= 3
    assert authors == {ASHA.author, BEN.author}


def test_a_commit_that_rewrote_a_long_stretch_is_carried_block_by_block(monkeypatch) -> None:
    base = doc("Share concerns with the lead.", "Record what was said.", "Close the case.")
    v1 = doc(
        "Share concerns with the safeguarding lead.",
        "Record what was said, in their words.",
        "Close the case after review.",
    )
    v2 = doc(
        "Share concerns with the safeguarding lead.",
        "Record what was said, in their words.",
        "Close the case after review today.",
    )
    monkeypatch.setattr(carrying, "WHOLE_GAP_CHARS", 1500)  # this gap is large, no pair is
    changes = blame(compute_changes(base, v2), history=[base, v1, v2], commits=[ASHA, BEN])
    ops = [s for op in changes.ops for p in op.paragraphs for s in p.ops if s.kind != "equal"]
    found = [(s.kind, s.proposed_text.strip(" ,."), s.attribution) for s in ops]
    assert ("insert", "safeguarding", ASHA) in found
    assert ("insert", "today", BEN) in found
    assert ("insert", "in their words", ASHA) in found
    assert ("insert", "after review", ASHA) in found


# -- random histories ---------------------------------------------------------------------------

WORDS = ["child", "young", "person", "police", "lead", "record", "the", "a", "of", "to"]


@st.composite
def blocks(draw: st.DrawFn) -> Paragraph | Table:
    if draw(st.integers(0, 5)) == 0:
        rows = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=2, max_size=2), max_size=3))
        rows = rows or [["role", "contact"]]
        return Table(
            rows=[TableRow(cells=[TableCell(spans=[Span(text=c)]) for c in r]) for r in rows]
        )
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8)))
    return Paragraph(spans=[Span(text=text, bold=draw(st.booleans()))])


@st.composite
def histories(draw: st.DrawFn) -> list[Document]:
    current = draw(st.lists(blocks(), max_size=6))
    versions = [doc(*current)]
    for _ in range(draw(st.integers(1, 4))):
        current = list(current)
        for _ in range(draw(st.integers(1, 3))):
            action = draw(st.sampled_from(["insert", "delete", "move", "edit", "format"]))
            if action == "insert" or not current:
                current.insert(draw(st.integers(0, len(current))), draw(blocks()))
                continue
            k = draw(st.integers(0, len(current) - 1))
            block = current[k]
            if action == "delete":
                del current[k]
            elif action == "move":
                current.insert(draw(st.integers(0, len(current) - 1)), current.pop(k))
            elif isinstance(block, Table):
                continue
            elif action == "format":
                spans = [s.model_copy(update={"bold": not s.bold}) for s in block.spans]
                current[k] = block.model_copy(update={"spans": spans})
            else:
                word = draw(st.sampled_from(WORDS))
                cut = draw(st.integers(0, len(block.text)))
                text = f"{block.text[:cut]} {word} {block.text[cut:]}".strip()
                current[k] = Paragraph(spans=[Span(text=text)])
        versions.append(doc(*current))
    return versions


def _cells(document: Document) -> list[list[str]]:
    return [
        [c.text for row in b.rows for c in row.cells] if isinstance(b, Table) else [b.text]
        for b in document.blocks
    ]


def _checked(document: Document, marks: list[BlockMarks], base_text: str, commit: int) -> set[int]:
    """Assert the marks fit ``document`` and point at the base characters they came from."""
    assert len(marks) == len(document.blocks)
    seen: set[int] = set()
    for texts, block_marks in zip(_cells(document), marks, strict=True):
        cells = list(cells_of(block_marks))
        assert [len(c.origin) for c in cells] == [len(t) for t in texts]
        for text, cell in zip(texts, cells, strict=True):
            assert len(cell.lineage) == len(cell.fmt) == len(text)
            for char, origin, lineage in zip(text, cell.origin, cell.lineage, strict=True):
                assert 0 <= origin <= commit
                if lineage >= 0:
                    assert origin == 0 and base_text[lineage] == char
                    assert lineage not in seen
                    seen.add(lineage)
    return seen


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.booleans())
def test_marks_carried_through_random_histories_fit_every_version_and_its_base(
    history: list[Document], block_by_block: bool
) -> None:
    limit = carrying.WHOLE_GAP_CHARS
    carrying.WHOLE_GAP_CHARS = 400 if block_by_block else limit
    try:
        _check_history(history)
    finally:
        carrying.WHOLE_GAP_CHARS = limit


def _check_history(history: list[Document]) -> None:
    base_text = "".join(t for cells in _cells(history[0]) for t in cells)
    marks = base_marks(history[0])
    deleted_by: dict[int, int] = {}
    for k in range(1, len(history)):
        marks = carry(history[k - 1], history[k], marks, commit=k, deleted_by=deleted_by)
        kept = _checked(history[k], marks, base_text, k)
        assert not kept & set(deleted_by)
    commits = [Attribution(f"Editor {k}", ASHA.date) for k in range(1, len(history))]
    changes = blame(compute_changes(history[0], history[-1]), history=history, commits=commits)
    for op in changes.ops:
        if op.changed:
            assert op.attribution in commits
        for paragraph in op.paragraphs if not op.move_id else []:  # a move's edits: its own
            assert all(s.attribution in commits for s in paragraph.ops if s.kind != "equal")
