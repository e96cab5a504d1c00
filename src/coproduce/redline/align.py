"""Align two versions of a document block by block.

Unchanged blocks are matched first by hash, as a longest common subsequence (rapidfuzz, with
the common prefix and suffix trimmed first, so a long document with a few edits costs little).
Inside each gap left between matches, similar blocks are paired in order by rapidfuzz ratio;
a pair grows into a split or merge when joining a neighbouring unpaired block makes it more
similar. Finally a deleted block equal or very similar to an inserted block elsewhere becomes
a move (:mod:`coproduce.redline.moves`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import cast

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from coproduce.models import Block, Heading, ListItem, Table, TableRow, TextBlock
from coproduce.redline.change import BlockKind, BlockOp, RowOp
from coproduce.redline.moves import find_moves
from coproduce.redline.readable import KEEP, is_readable, pair_score, words
from coproduce.redline.words import diff_paragraphs

PAIR_THRESHOLD = 0.5
_FULL_GAP = 40_000  # gaps up to this many block pairs are compared in full
_BAND = 40  # larger gaps compare each block with this many neighbours of its diagonal


def block_key(block: Block) -> Hashable:
    """Return a key equal for blocks with the same content (section and heading id ignored)."""
    # Called for every block of every version a redline reads: one class test at a time
    # (a union in isinstance is slower), the spans in a list comprehension.
    if isinstance(block, Table):
        return ("table", block.header, tuple(block.align), tuple(row_key(r) for r in block.rows))
    spans = tuple([(s.text, s.bold, s.italic, s.code, s.link) for s in block.spans])
    if isinstance(block, ListItem):
        return (block.kind, block.level, block.ordered, spans)
    if isinstance(block, Heading):
        return (block.kind, block.level, None, spans)
    return (block.kind, None, None, spans)


def row_key(row: TableRow) -> Hashable:
    """Return a key equal for rows with the same cells and formatting."""
    return tuple(
        tuple((s.text, s.bold, s.italic, s.code, s.link) for s in c.spans) for c in row.cells
    )


def _ratio(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return fuzz.ratio(a, b, score_cutoff=PAIR_THRESHOLD * 100) / 100


def block_similarity(a: Block, b: Block) -> float:
    """Return how alike two blocks' texts are (0 to 1; 0 below the pairing threshold)."""
    if isinstance(a, Table) != isinstance(b, Table):
        return 0.0
    if isinstance(a, Table) and isinstance(b, Table) and _columns(a) != _columns(b):
        return 0.0
    return _ratio(a.text, b.text)


def _columns(table: Table) -> int:
    return len(table.rows[0].cells)


def pair_gap(m: int, n: int, score: Callable[[int, int], float]) -> list[tuple[int, int, float]]:
    """Return in-order pairs (i, j, similarity) maximising total similarity (0: never paired).

    A weighted longest-common-subsequence over the m x n grid; a large grid is searched only
    in a band around its diagonal so the cost stays linear in the gap size.
    """
    if not m or not n:
        return []
    full = m * n <= _FULL_GAP
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    sims: dict[tuple[int, int], float] = {}
    for i in range(1, m + 1):
        row, above = best[i], best[i - 1]
        centre = (i - 1) * n // m
        lo, hi = (0, n) if full else (max(0, centre - _BAND), min(n, centre + _BAND + 1))
        for j in range(1, n + 1):
            value = max(above[j], row[j - 1])
            if lo <= j - 1 < hi:
                s = score(i - 1, j - 1)
                if s > 0:
                    sims[(i - 1, j - 1)] = s
                    value = max(value, above[j - 1] + s)
            row[j] = value
    pairs: list[tuple[int, int, float]] = []
    i, j = m, n
    while i and j:
        s = sims.get((i - 1, j - 1), 0.0)
        if s and best[i][j] == best[i - 1][j - 1] + s:
            pairs.append((i - 1, j - 1, s))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs


def opcodes(base_keys: list[int], proposed_keys: list[int]) -> list[tuple[str, int, int, int, int]]:
    """Return opcodes of a longest common subsequence (rapidfuzz), prefix and suffix trimmed.

    Neighbouring insertions and deletions are joined into one ``replace`` gap, so that the
    blocks on both sides of a gap can be paired with each other.
    """
    m, n = len(base_keys), len(proposed_keys)
    head = 0
    while head < min(m, n) and base_keys[head] == proposed_keys[head]:
        head += 1
    tail = 0
    while tail < min(m, n) - head and base_keys[m - 1 - tail] == proposed_keys[n - 1 - tail]:
        tail += 1
    middle = Indel.opcodes(base_keys[head : m - tail], proposed_keys[head : n - tail])
    ops = [("equal", 0, head, 0, head)] if head else []
    for opcode in middle:
        tag, i1, i2 = opcode.tag, opcode.src_start, opcode.src_end
        j1, j2 = opcode.dest_start, opcode.dest_end
        if tag != "equal" and ops and ops[-1][0] != "equal":
            _, k1, _, l1, _ = ops.pop()
            ops.append(("replace", k1, i2 + head, l1, j2 + head))
        else:
            ops.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        ops.append(("equal", m - tail, m, n - tail, n))
    return ops


def _intern(keys: Sequence[Hashable], table: dict[Hashable, int]) -> list[int]:
    return [table.setdefault(k, len(table)) for k in keys]


def _extend(
    fixed: list[int],
    blocks: Sequence[Block],
    ids: list[list[int]],
    span: range,
    free: set[int],
    s: float,
    keep: float,
) -> tuple[range, float]:
    """Return ``span`` widened over free neighbours while that raises similarity to ``fixed``."""
    while True:
        for cand, extra in (
            (range(span.start, span.stop + 1), span.stop),
            (range(span.start - 1, span.stop), span.start - 1),
        ):
            if extra in free and not isinstance(blocks[extra], Table):
                t = pair_score(fixed, [w for k in cand for w in ids[k]], keep=keep)
                if t > s + 0.05:
                    free.discard(extra)
                    span, s = cand, t
                    break
        else:
            return span, s


def _grow(
    sides: tuple[Sequence[Block], Sequence[Block]],
    ids: tuple[list[list[int]], list[list[int]]],
    pair: tuple[int, int, float],
    free: tuple[set[int], set[int]],
    keep: float,
) -> tuple[range, range, float]:
    """Return a pair grown into a split (or else a merge) when that raises similarity."""
    (base, proposed), (base_ids, new_ids) = sides, ids
    i, j, s = pair
    bi, pj = range(i, i + 1), range(j, j + 1)
    if isinstance(base[i], Table):
        return bi, pj, s
    pj, s = _extend(base_ids[i], proposed, new_ids, pj, free[1], s, keep)
    if len(pj) == 1:
        bi, s = _extend(new_ids[j], base, base_ids, bi, free[0], s, keep)
    return bi, pj, s


def _pair_kind(base: Sequence[Block], proposed: Sequence[Block]) -> BlockKind:
    if len(base) > 1:
        return "merge"
    if len(proposed) > 1:
        return "split"
    if isinstance(base[0], Table):
        return "equal" if block_key(base[0]) == block_key(proposed[0]) else "table"
    return "equal" if block_key(base[0]) == block_key(proposed[0]) else "replace"


def _align_gap(
    base: Sequence[Block], proposed: Sequence[Block], *, readability: bool = True
) -> list[BlockOp]:
    """Return the operations for one gap: pairs in order, unpaired blocks deleted or inserted.

    Paragraphs pair by their words (:func:`pair_score`); a pair, split or merge whose word
    edits fail the readability rule is shown as whole deletions and insertions instead.
    With ``readability`` off, the rule's share of kept words does not bound pairing either:
    any two paragraphs sharing a word can pair, and every pair is shown as word edits.
    """
    keep = KEEP if readability else 0.0
    table: dict[str, int] = {}
    old_ids = [_word_ids(b, table) for b in base]
    new_ids = [_word_ids(b, table) for b in proposed]

    def score(i: int, j: int) -> float:
        a, b = base[i], proposed[j]
        if isinstance(a, Table) or isinstance(b, Table):
            return block_similarity(a, b)
        return pair_score(old_ids[i], new_ids[j], keep=keep)

    pairs = pair_gap(len(base), len(proposed), score)
    free_base = set(range(len(base))) - {p[0] for p in pairs}
    free_proposed = set(range(len(proposed))) - {p[1] for p in pairs}
    ops: list[BlockOp] = []
    i = j = 0
    for pair in pairs:
        free = (free_base, free_proposed)
        bi, pj, s = _grow((base, proposed), (old_ids, new_ids), pair, free, keep)
        ops.extend(BlockOp(kind="delete", base=[b]) for b in base[i : bi.start])
        ops.extend(BlockOp(kind="insert", proposed=[p]) for p in proposed[j : pj.start])
        old, new = [base[k] for k in bi], [proposed[k] for k in pj]
        ops.extend(_paired(old, new, s, readability=readability))
        i, j = bi.stop, pj.stop
    ops.extend(BlockOp(kind="delete", base=[b]) for b in base[i:])
    ops.extend(BlockOp(kind="insert", proposed=[p]) for p in proposed[j:])
    return ops


def _word_ids(block: Block, table: dict[str, int]) -> list[int]:
    if isinstance(block, Table):
        return []
    return [table.setdefault(w, len(table)) for w in words(block.text)]


def _paired(
    old: list[Block], new: list[Block], s: float, *, readability: bool = True
) -> list[BlockOp]:
    """Return one paired operation, or whole deletions and insertions when it reads badly."""
    kind = _pair_kind(old, new)
    if kind not in ("replace", "split", "merge"):
        return [BlockOp(kind=kind, base=old, proposed=new, similarity=s)]
    paragraphs = diff_paragraphs(cast(list[TextBlock], old), cast(list[TextBlock], new))
    if readability and not is_readable(paragraphs):
        return [
            *(BlockOp(kind="delete", base=[b]) for b in old),
            *(BlockOp(kind="insert", proposed=[b]) for b in new),
        ]
    return [BlockOp(kind=kind, base=old, proposed=new, similarity=s, paragraphs=paragraphs)]


def align_blocks(
    base: Sequence[Block], proposed: Sequence[Block], *, readability: bool = True
) -> list[BlockOp]:
    """Return block operations turning ``base`` into ``proposed``, in tracked-output order.

    With ``readability`` off, every pair, split and merge is shown as word edits, even where
    the readability rule would replace it whole (to measure what the rule costs).
    """
    table: dict[Hashable, int] = {}
    base_keys = _intern([block_key(b) for b in base], table)
    proposed_keys = _intern([block_key(b) for b in proposed], table)
    ops: list[BlockOp] = []
    for tag, i1, i2, j1, j2 in opcodes(base_keys, proposed_keys):
        if tag == "equal":
            ops.extend(
                BlockOp(kind="equal", base=[base[i]], proposed=[proposed[j]])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        else:
            ops.extend(_align_gap(base[i1:i2], proposed[j1:j2], readability=readability))
    find_moves(ops)
    return ops


def align_rows(base: Sequence[TableRow], proposed: Sequence[TableRow]) -> list[RowOp]:
    """Return row operations turning ``base`` rows into ``proposed`` rows, in output order."""
    table: dict[Hashable, int] = {}
    base_keys = _intern([row_key(r) for r in base], table)
    proposed_keys = _intern([row_key(r) for r in proposed], table)
    ops: list[RowOp] = []
    for tag, i1, i2, j1, j2 in opcodes(base_keys, proposed_keys):
        if tag == "equal":
            ops.extend(
                RowOp(kind="equal", base=base[i], proposed=proposed[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        ops.extend(_align_row_gap(base[i1:i2], proposed[j1:j2]))
    return ops


def _row_similarity(a: TableRow, b: TableRow) -> float:
    if len(a.cells) != len(b.cells):
        return 0.0
    return _ratio(" | ".join(c.text for c in a.cells), " | ".join(c.text for c in b.cells))


def _align_row_gap(old: Sequence[TableRow], new: Sequence[TableRow]) -> list[RowOp]:
    pairs = pair_gap(len(old), len(new), lambda i, j: _row_similarity(old[i], new[j]))
    ops: list[RowOp] = []
    i = j = 0
    for pi, pj, _ in pairs:
        ops.extend(RowOp(kind="delete", base=r, proposed=None) for r in old[i:pi])
        ops.extend(RowOp(kind="insert", base=None, proposed=r) for r in new[j:pj])
        ops.append(RowOp(kind="replace", base=old[pi], proposed=new[pj]))
        i, j = pi + 1, pj + 1
    ops.extend(RowOp(kind="delete", base=r, proposed=None) for r in old[i:])
    ops.extend(RowOp(kind="insert", base=None, proposed=r) for r in new[j:])
    return ops
