"""Moves: a deleted block found again among the inserted ones, and the cheaper side to move.

A deleted block equal to an inserted block (spaces aside), or very similar to one (90 % of
characters), becomes a move. When the block-level alignment kept a short block in place and
moved a long neighbour past it, the short one is moved instead: the same swap, with far fewer
words marked.
"""

from __future__ import annotations

from typing import cast

from rapidfuzz import fuzz

from coproduce.models import Block, Table, TextBlock
from coproduce.redline.change import BlockOp
from coproduce.redline.readable import words
from coproduce.redline.words import diff_paragraphs

MOVE_THRESHOLD = 0.9
MOVE_MIN_CHARS = 20
_MOVE_PAIRS = 250_000  # above this many candidate pairs, only exact moves are found


def _normal(text: str) -> str:
    return " ".join(text.split())


def find_moves(ops: list[BlockOp]) -> None:
    """Turn deleted blocks found again (equal or very similar) among inserted ones into moves."""
    deleted = [op for op in ops if op.kind == "delete" and not isinstance(op.base[0], Table)]
    inserted = [op for op in ops if op.kind == "insert" and not isinstance(op.proposed[0], Table)]
    by_text: dict[str, list[BlockOp]] = {}
    for op in inserted:
        text = _normal(op.proposed[0].text)
        if text:
            by_text.setdefault(text, []).append(op)
    matches: list[tuple[BlockOp, BlockOp, float]] = []
    for op in deleted:
        candidates = by_text.get(_normal(op.base[0].text))
        if candidates:
            matches.append((op, candidates.pop(0), 1.0))
    taken = {id(op) for pair in matches for op in pair[:2]}
    rest_del = [
        op for op in deleted if id(op) not in taken and len(op.base[0].text) >= MOVE_MIN_CHARS
    ]
    rest_ins = [
        op for op in inserted if id(op) not in taken and len(op.proposed[0].text) >= MOVE_MIN_CHARS
    ]
    if len(rest_del) * len(rest_ins) <= _MOVE_PAIRS:
        for d in rest_del:
            best, best_s = None, MOVE_THRESHOLD * 100
            for ins in rest_ins:
                if id(ins) in taken:
                    continue
                s = fuzz.ratio(d.base[0].text, ins.proposed[0].text, score_cutoff=best_s)
                if s > best_s or (best is None and s >= best_s):
                    best, best_s = ins, s
            if best is not None:
                taken.add(id(best))
                matches.append((d, best, best_s / 100))
    order = {id(op): n for n, op in enumerate(ops)}
    matches.sort(key=lambda m: order[id(m[0])])
    for n, (d, ins, s) in enumerate(matches, start=1):
        d.kind, ins.kind = "move_from", "move_to"
        d.move_id = ins.move_id = f"found{n}"
        d.similarity = ins.similarity = s
        old, new = d.base[0], ins.proposed[0]
        if not _same(old, new):  # edited on the way: both halves show the edits
            pair = cast(list[TextBlock], [old, new])
            d.paragraphs = ins.paragraphs = diff_paragraphs(pair[:1], pair[1:])
    _move_the_shorter_side(ops)
    _number(ops)


def _same(a: Block, b: Block) -> bool:
    from coproduce.redline.align import block_key  # align imports this module

    return block_key(a) == block_key(b)


def _number(ops: list[BlockOp]) -> None:
    """Name the moves move1, move2, ... in the order their sources appear."""
    names: dict[str | None, str] = {}
    for op in ops:
        if op.kind == "move_from":
            names[op.move_id] = f"move{len(names) + 1}"
    for op in ops:
        if op.kind in ("move_from", "move_to"):
            op.move_id = names[op.move_id]


def _move_the_shorter_side(ops: list[BlockOp]) -> None:
    """Move the unchanged block a long block jumped over instead, when it holds fewer words.

    Two neighbours swapped read the same either way round, so the shorter is shown moving.
    Only an exact move past one unchanged text block is turned round (a block moved past
    several reads best as that one move); the windows of two such moves never overlap.
    """
    index = {id(op): k for k, op in enumerate(ops)}
    destination = {op.move_id: op for op in ops if op.kind == "move_to"}
    windows: list[tuple[int, int]] = []
    for k, op in enumerate(ops):
        if op.kind != "move_from" or op.paragraphs:
            continue
        lo, hi = sorted((k, index[id(destination[op.move_id])]))
        between = ops[lo + 1 : hi]
        if len(between) != 1 or _fixed(between[0]):
            continue
        if sum(len(words(b.base[0].text)) for b in between) >= len(words(op.base[0].text)):
            continue
        if windows and lo <= windows[-1][1]:
            continue
        windows.append((lo, hi))
    for n, (lo, hi) in reversed(list(enumerate(windows, start=1))):
        ops[lo : hi + 1] = _turned(ops[lo : hi + 1], n)


def _fixed(op: BlockOp) -> bool:
    """Return whether a block operation cannot become a move (changed, a table, or empty)."""
    return op.kind != "equal" or isinstance(op.base[0], Table) or not op.base[0].text.strip()


def _turned(window: list[BlockOp], n: int) -> list[BlockOp]:
    """Return a move of one long block past short ones, as the short ones moved instead."""
    first, last, between = window[0], window[-1], window[1:-1]
    down = first.kind == "move_from"  # the long block moved towards the end
    source, target = (first, last) if down else (last, first)
    kept = BlockOp(kind="equal", base=source.base, proposed=target.proposed)
    froms = [
        BlockOp(kind="move_from", base=b.base, move_id=f"turned{n}-{k}")
        for k, b in enumerate(between)
    ]
    tos = [
        BlockOp(kind="move_to", proposed=b.proposed, move_id=f"turned{n}-{k}")
        for k, b in enumerate(between)
    ]
    return [*tos, kept, *froms] if down else [*froms, kept, *tos]
