"""Carry per-character marks from one version of a document to the next, cheaply.

Attribution needs to know, for every character of the proposed version, which commit wrote it,
and for every base character, which commit removed it. It does not need a readable change set
for each commit: blocks are matched by content (a longest common subsequence of block keys),
a block that left one place and reappears elsewhere unchanged keeps its marks as a move, and
the text of each remaining gap is compared as one stream of words, spaces and punctuation.
The one readable change set, base to proposed, is computed once (:func:`compute_changes`) and
attributed from these marks (:mod:`coproduce.redline.attribute`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from coproduce.models import Block, Document, Span, Table
from coproduce.redline.align import block_key, block_similarity, opcodes, pair_gap
from coproduce.redline.words import TOKEN

_SEP = "\x00"  # between cells and blocks of a gap's stream: no real text holds a NUL
WHOLE_GAP_CHARS = 200_000_000
"""Largest product of a gap's old and new lengths (characters) compared as one stream; a
larger gap (a commit that rewrote much of a long document) is compared block by block, so
time and memory stay linear in the gap's size."""


@dataclass(slots=True)
class Marks:
    """Per-character marks of one text run (a paragraph, or one table cell).

    ``origin`` is the commit that wrote each character (0: the base), ``fmt`` the commit that
    last changed its formatting, ``lineage`` its position in the base (-1: not from the base).
    """

    origin: list[int]
    lineage: list[int]
    fmt: list[int]

    def cut(self, start: int, end: int) -> Marks:
        """Return the marks of characters ``start`` to ``end``."""
        return Marks(self.origin[start:end], self.lineage[start:end], self.fmt[start:end])

    def extend(self, other: Marks) -> None:
        """Append ``other``'s marks to these."""
        self.origin.extend(other.origin)
        self.lineage.extend(other.lineage)
        self.fmt.extend(other.fmt)


@dataclass(slots=True)
class BlockMarks:
    """Marks of one block: rows of cells (a text block is one row of one cell).

    ``touched`` is the last commit that changed the block, ``moved`` the last that moved it.
    """

    rows: list[list[Marks]]
    touched: int = 0
    moved: int = 0


def fresh(n: int, commit: int) -> Marks:
    """Return the marks of ``n`` characters written by ``commit``."""
    return Marks([commit] * n, [-1] * n, [0] * n)


def cells_of(marks: BlockMarks) -> Iterator[Marks]:
    """Yield the marks of every cell of a block, row by row."""
    for row in marks.rows:
        yield from row


def concat(parts: Iterator[Marks]) -> Marks:
    """Return the marks of several runs joined."""
    out = Marks([], [], [])
    for part in parts:
        out.extend(part)
    return out


def _cell_spans(block: Block) -> list[list[Sequence[Span]]]:
    if isinstance(block, Table):
        return [[c.spans for c in row.cells] for row in block.rows]
    return [[block.spans]]


def base_marks(document: Document) -> list[BlockMarks]:
    """Return the marks of the base: every character from the base, numbered in order."""
    counter = 0
    blocks = []
    for block in document.blocks:
        rows = []
        for row in _cell_spans(block):
            cells = []
            for spans in row:
                n = sum(len(s.text) for s in spans)
                cells.append(Marks([0] * n, list(range(counter, counter + n)), [0] * n))
                counter += n
            rows.append(cells)
        blocks.append(BlockMarks(rows))
    return blocks


def key_ids(versions: Sequence[Document], table: dict[object, int]) -> list[list[int]]:
    """Return each version's block keys as small ids, equal ids for equal content."""
    return [[table.setdefault(block_key(b), len(table)) for b in v.blocks] for v in versions]


def carry(
    before: Document,
    after: Document,
    marks: list[BlockMarks],
    *,
    commit: int,
    deleted_by: dict[int, int],
    keys: tuple[list[int], list[int]] | None = None,
) -> list[BlockMarks]:
    """Return the marks of ``after``'s blocks, given ``marks`` of ``before``'s blocks.

    Characters ``commit`` wrote get it as origin; base characters it removed are recorded in
    ``deleted_by`` (base position -> commit). ``keys`` are both versions' block keys as ids
    (:func:`key_ids`), when the caller has them already.
    """
    old_keys, new_keys = keys or key_ids([before, after], {})
    out: list[BlockMarks | None] = [None] * len(after.blocks)
    gaps: list[tuple[list[int], list[int]]] = []
    for tag, i1, i2, j1, j2 in opcodes(old_keys, new_keys):
        if tag == "equal":
            out[j1:j2] = marks[i1:i2]
        else:
            gaps.append((list(range(i1, i2)), list(range(j1, j2))))
    # A block that left one gap and reappears, unchanged, in another (or the same) moved.
    left: dict[int, list[int]] = {}
    for olds, _ in gaps:
        for i in olds:
            left.setdefault(old_keys[i], []).append(i)
    moved: set[int] = set()
    for _, news in gaps:
        for j in news:
            found = left.get(new_keys[j])
            if found and after.blocks[j].text.strip():
                i = found.pop(0)
                moved.add(i)
                source = marks[i]
                out[j] = BlockMarks(source.rows, touched=source.touched, moved=commit)
    for olds, news in gaps:
        olds = [i for i in olds if i not in moved]
        news = [j for j in news if out[j] is None]
        carried = _carry_large_gap(
            [before.blocks[i] for i in olds],
            [marks[i] for i in olds],
            [after.blocks[j] for j in news],
            commit=commit,
            deleted_by=deleted_by,
        )
        for j, block_marks in zip(news, carried, strict=True):
            out[j] = block_marks
    return [m for m in out if m is not None]


def _stream(blocks: Sequence[Block], ids: dict[tuple[object, ...], int]) -> tuple[str, list[int]]:
    """Return the cells of ``blocks`` joined by separators, and each character's format id."""
    texts: list[str] = []
    formats: list[int] = []
    for block in blocks:
        for row in _cell_spans(block):
            for spans in row:
                if texts:
                    texts.append(_SEP)
                    formats.append(-1)
                for s in spans:
                    texts.append(s.text)
                    key = (s.bold, s.italic, s.code, s.link)
                    formats.extend([ids.setdefault(key, len(ids))] * len(s.text))
    return "".join(texts), formats


def _size(blocks: Sequence[Block]) -> int:
    return sum(len(b.text) for b in blocks)


def _carry_large_gap(
    olds: list[Block],
    old_marks: list[BlockMarks],
    news: list[Block],
    *,
    commit: int,
    deleted_by: dict[int, int],
) -> list[BlockMarks]:
    """Return the marks of one gap's new blocks: one stream, or block by block when large.

    Block by block, old and new blocks are paired in order by similarity (as the alignment
    pairs them); an unpaired old block was deleted, an unpaired new block written afresh.
    """
    if _size(olds) * _size(news) <= WHOLE_GAP_CHARS:
        return _carry_gap(olds, old_marks, news, commit=commit, deleted_by=deleted_by)
    pairs = pair_gap(len(olds), len(news), lambda i, j: block_similarity(olds[i], news[j]))
    out: list[BlockMarks] = []
    i = j = 0
    for pi, pj, _ in [*pairs, (len(olds), len(news), 0.0)]:
        _drop_blocks(old_marks[i:pi], commit, deleted_by)  # unpaired: deleted
        out.extend(_fresh_block(b, commit) for b in news[j:pj])  # unpaired: written
        if pi < len(olds) and pj < len(news):
            if len(olds[pi].text) * len(news[pj].text) <= WHOLE_GAP_CHARS:
                pair = ([olds[pi]], [old_marks[pi]], [news[pj]])
                out.extend(_carry_gap(*pair, commit=commit, deleted_by=deleted_by))
            else:  # one huge paragraph rewritten: deleted, then written
                _drop_blocks([old_marks[pi]], commit, deleted_by)
                out.append(_fresh_block(news[pj], commit))
        i, j = pi + 1, pj + 1
    return out


def _drop_blocks(old_marks: list[BlockMarks], commit: int, deleted_by: dict[int, int]) -> None:
    for block_marks in old_marks:
        for cell in cells_of(block_marks):
            _drop(cell, commit, deleted_by)


def _fresh_block(block: Block, commit: int) -> BlockMarks:
    rows = [
        [fresh(sum(len(s.text) for s in spans), commit) for spans in row]
        for row in _cell_spans(block)
    ]
    return BlockMarks(rows, touched=commit)


def _carry_gap(
    olds: list[Block],
    old_marks: list[BlockMarks],
    news: list[Block],
    *,
    commit: int,
    deleted_by: dict[int, int],
) -> list[BlockMarks]:
    """Return the marks of one gap's new blocks, its old blocks' text compared as one stream."""
    if not news:
        _drop_blocks(old_marks, commit, deleted_by)
        return []
    formats: dict[tuple[object, ...], int] = {}
    old_text, old_fmt = _stream(olds, formats)
    new_text, new_fmt = _stream(news, formats)
    stream = Marks([], [], [])
    for n, cell in enumerate(c for m in old_marks for c in cells_of(m)):
        if n:
            stream.extend(Marks([0], [-1], [0]))  # the separator
        stream.extend(cell)
    old_tokens = TOKEN.findall(old_text)
    new_tokens = TOKEN.findall(new_text)
    ids: dict[str, int] = {}
    a = [ids.setdefault(t, len(ids)) for t in old_tokens]
    b = [ids.setdefault(t, len(ids)) for t in new_tokens]
    old_at, new_at = _offsets(old_tokens), _offsets(new_tokens)
    carried = Marks([], [], [])
    for op in Indel.opcodes(a, b):
        o1, o2 = old_at[op.src_start], old_at[op.src_end]
        n1, n2 = new_at[op.dest_start], new_at[op.dest_end]
        if op.tag == "equal":
            piece = stream.cut(o1, o2)
            carried.origin.extend(piece.origin)
            carried.lineage.extend(piece.lineage)
            carried.fmt.extend(
                commit if old_fmt[o1 + k] != new_fmt[n1 + k] else f for k, f in enumerate(piece.fmt)
            )
            continue
        _drop(stream.cut(o1, o2), commit, deleted_by)
        carried.extend(fresh(n2 - n1, commit))
    return _cut_blocks(news, carried, commit)


def _offsets(tokens: list[str]) -> list[int]:
    """Return the character offset of each token, and the total length last."""
    at = [0]
    for token in tokens:
        at.append(at[-1] + len(token))
    return at


def _drop(marks: Marks, commit: int, deleted_by: dict[int, int]) -> None:
    for lineage in marks.lineage:
        if lineage >= 0:
            deleted_by[lineage] = commit


def _cut_blocks(blocks: list[Block], stream: Marks, commit: int) -> list[BlockMarks]:
    """Return the marks of each block, cut from the marks of their joined stream."""
    out: list[BlockMarks] = []
    at = 0
    first = True
    for block in blocks:
        rows: list[list[Marks]] = []
        for row in _cell_spans(block):
            cells: list[Marks] = []
            for spans in row:
                if not first:
                    at += 1  # the separator
                first = False
                n = sum(len(s.text) for s in spans)
                cells.append(stream.cut(at, at + n))
                at += n
            rows.append(cells)
        out.append(BlockMarks(rows, touched=commit))
    return out
