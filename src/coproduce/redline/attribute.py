"""Blame: give every change between two versions the author and date of the commit that made it.

Each character of each version carries where it came from: the commit that inserted it
(``origin``; 0 is the base), the commit that last changed its formatting (``fmt``) and, for
base characters, its position in the base (``lineage``). Walking the commits oldest first, each
consecutive pair of versions is diffed with :func:`compute_changes` and the marks are carried
across; base characters that vanish record the commit that deleted them. The final base to
proposed change set is then attributed token by token, and a span operation whose tokens came
from several commits is split so that each part carries its own author.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from coproduce.models import Block, Document, Span, Table
from coproduce.redline.change import (  # attribute_all lives with the change model
    Attribution,
    BlockOp,
    ChangeSet,
    RowOp,
    SpanOp,
    attribute_all,
    compute_changes,
    meta_fields,
)
from coproduce.redline.words import diff_spans, tokenize

__all__ = ["attribute_all", "blame"]


@dataclass(slots=True)
class _Marks:
    """Per-character marks of one text run (a paragraph, or one table cell)."""

    origin: list[int]
    lineage: list[int]
    fmt: list[int]

    def __add__(self, other: _Marks) -> _Marks:
        return _Marks(
            self.origin + other.origin, self.lineage + other.lineage, self.fmt + other.fmt
        )

    def cut(self, start: int, end: int) -> _Marks:
        return _Marks(self.origin[start:end], self.lineage[start:end], self.fmt[start:end])


@dataclass(slots=True)
class _BlockMarks:
    """Marks of one block: rows of cells (a text block is one row of one cell)."""

    rows: list[list[_Marks]]
    touched: int = 0
    moved: int = 0


def _fresh(n: int, commit: int) -> _Marks:
    return _Marks([commit] * n, [-1] * n, [0] * n)


def _cell_texts(block: Block) -> list[list[str]]:
    if isinstance(block, Table):
        return [[c.text for c in row.cells] for row in block.rows]
    return [[block.text]]


def _new_block(block: Block, commit: int) -> _BlockMarks:
    rows = [[_fresh(len(t), commit) for t in row] for row in _cell_texts(block)]
    return _BlockMarks(rows, touched=commit)


def _cells(marks: _BlockMarks) -> Iterator[_Marks]:
    for row in marks.rows:
        yield from row


def _base_marks(document: Document) -> list[_BlockMarks]:
    counter = 0
    blocks = []
    for block in document.blocks:
        rows = []
        for row in _cell_texts(block):
            cells = []
            for text in row:
                n = len(text)
                cells.append(_Marks([0] * n, list(range(counter, counter + n)), [0] * n))
                counter += n
            rows.append(cells)
        blocks.append(_BlockMarks(rows))
    return blocks


class _Walk:
    """Carry marks from one version to the next through one change set."""

    def __init__(self, commit: int, deleted_by: dict[int, int]) -> None:
        self.commit = commit
        self.deleted_by = deleted_by

    def drop(self, marks: _Marks) -> None:
        for lineage in marks.lineage:
            if lineage >= 0:
                self.deleted_by[lineage] = self.commit

    def through(self, ops: Sequence[SpanOp], old: _Marks) -> _Marks:
        """Return the marks of the new text the span operations produce from ``old``."""
        origin: list[int] = []
        lineage: list[int] = []
        fmt: list[int] = []
        at = 0
        for op in ops:
            if op.kind == "insert":
                n = len(op.proposed_text)
                origin += [self.commit] * n
                lineage += [-1] * n
                fmt += [0] * n
                continue
            n = len(op.base_text)
            piece = old.cut(at, at + n)
            at += n
            if op.kind == "delete":
                self.drop(piece)
                continue
            origin += piece.origin
            lineage += piece.lineage
            fmt += [self.commit] * n if op.kind == "format" else piece.fmt
        return _Marks(origin, lineage, fmt)

    def step(
        self, ops: list[BlockOp], old_doc: Document, old: list[_BlockMarks]
    ) -> list[_BlockMarks]:
        """Return the marks of the next version's blocks."""
        index = {id(b): n for n, b in enumerate(old_doc.blocks)}
        sources = {
            op.move_id: (old[index[id(op.base[0])]], op.base[0])
            for op in ops
            if op.kind == "move_from"
        }
        new: list[_BlockMarks] = []
        for op in ops:
            olds = [old[index[id(b)]] for b in op.base]
            if op.kind == "equal":
                new.append(olds[0])
            elif op.kind == "insert":
                new.extend(_new_block(b, self.commit) for b in op.proposed)
            elif op.kind == "delete":
                for marks in olds:
                    for cell in _cells(marks):
                        self.drop(cell)
            elif op.kind == "move_to":
                new.append(self._move(op, sources.get(op.move_id)))
            elif op.kind == "table":
                new.append(self._table(op, olds[0]))
            elif op.kind != "move_from":
                new.extend(self._paragraphs(op, olds))
        return new

    def _move(self, op: BlockOp, source: tuple[_BlockMarks, Block] | None) -> _BlockMarks:
        target = op.proposed[0]
        if source is None:
            return _new_block(target, self.commit)
        marks, block = source
        if isinstance(target, Table) or isinstance(block, Table):
            return _new_block(target, self.commit)
        cell = marks.rows[0][0]
        if op.paragraphs:  # edited on the way: the alignment's word diff
            cell = self.through(op.paragraphs[0].ops, cell)
        elif block.text != target.text:
            cell = self.through(diff_spans(block.spans, target.spans), cell)
        return _BlockMarks([[cell]], touched=self.commit, moved=self.commit)

    def _paragraphs(self, op: BlockOp, olds: list[_BlockMarks]) -> list[_BlockMarks]:
        stream = _Marks([], [], [])
        for marks in olds:
            stream = stream + marks.rows[0][0]
        ops = [s for p in op.paragraphs for s in p.ops]
        out = self.through(ops, stream)
        blocks, at = [], 0
        for block in op.proposed:
            n = len(block.text)
            blocks.append(_BlockMarks([[out.cut(at, at + n)]], touched=self.commit))
            at += n
        return blocks

    def _table(self, op: BlockOp, old: _BlockMarks) -> _BlockMarks:
        rows: list[list[_Marks]] = []
        at = 0
        for row in op.rows:
            if row.kind == "insert" and row.proposed is not None:
                rows.append([_fresh(len(c.text), self.commit) for c in row.proposed.cells])
                continue
            old_row = old.rows[at]
            at += 1
            if row.kind == "delete":
                for cell in old_row:
                    self.drop(cell)
            elif row.kind == "equal":
                rows.append(old_row)
            else:
                rows.append(
                    [self.through(ops, c) for ops, c in zip(row.cells, old_row, strict=True)]
                )
        changed = any(r.kind != "equal" for r in op.rows)
        return _BlockMarks(rows, touched=self.commit if changed else old.touched)


def blame(
    changes: ChangeSet, *, history: Sequence[Document], commits: Sequence[Attribution]
) -> ChangeSet:
    """Fill the attribution of every change in ``changes`` from the commits that made them.

    ``history[0]`` is the base, ``history[k]`` the document after ``commits[k - 1]``; the last
    entry is the proposed version. Span operations are split where their tokens came from
    different commits. Returns ``changes``, attributed in place.
    """
    if len(history) != len(commits) + 1 or not commits:
        raise ValueError("blame needs the base, one version per commit, and one commit at least")
    deleted_by: dict[int, int] = {}
    base_marks = _base_marks(history[0])
    marks = base_marks
    meta_by: dict[str, int] = {}
    for k in range(1, len(history)):
        before, after = history[k - 1], history[k]
        marks = _Walk(k, deleted_by).step(compute_changes(before, after).ops, before, marks)
        old_meta, new_meta = meta_fields(before.meta), meta_fields(after.meta)
        for name in set(old_meta) | set(new_meta):
            if old_meta.get(name) != new_meta.get(name):
                meta_by[name] = k
    _Attributor(list(commits), changes, base_marks, marks, deleted_by).apply()
    for meta in changes.meta:
        meta.attribution = commits[meta_by.get(meta.field, len(commits)) - 1]
    return changes


class _Attributor:
    """Attribute the final change set from the marks of the base and of the proposed version."""

    def __init__(
        self,
        commits: list[Attribution],
        changes: ChangeSet,
        base: list[_BlockMarks],
        final: list[_BlockMarks],
        deleted_by: dict[int, int],
    ) -> None:
        self.commits = commits
        self.changes = changes
        self.base = base
        self.final = final
        self.deleted_by = deleted_by
        self.base_index = {id(b): n for n, b in enumerate(changes.base.blocks)}
        self.final_index = {id(b): n for n, b in enumerate(changes.proposed.blocks)}

    def who(self, commit: int) -> Attribution:
        return self.commits[(commit or len(self.commits)) - 1]

    def gone(self, marks: _Marks) -> list[int]:
        return [self.deleted_by.get(v, 0) if v >= 0 else 0 for v in marks.lineage]

    def apply(self) -> None:
        for op in self.changes.ops:
            if op.kind == "equal":
                continue
            olds = [self.base[self.base_index[id(b)]] for b in op.base]
            news = [self.final[self.final_index[id(b)]] for b in op.proposed]
            fallback = max((m.touched for m in news), default=0)
            if op.kind == "insert":
                origins = [o for m in news for c in _cells(m) for o in c.origin if o]
                op.attribution = self.who(min(origins, default=fallback))
            elif op.kind == "delete":
                ends = [d for m in olds for c in _cells(m) for d in self.gone(c)]
                op.attribution = self.who(max(ends, default=0))
            elif op.kind in ("move_from", "move_to"):
                op.attribution = self._move_commit(op)
            elif op.kind == "table":
                op.attribution = self.who(self._table(op, olds[0], news[0]))
            else:
                op.attribution = self.who(self._paragraphs(op, olds, news, fallback))

    def _move_commit(self, op: BlockOp) -> Attribution:
        partner = op if op.kind == "move_to" else self._partner(op)
        if partner is None:
            return self.who(0)
        marks = self.final[self.final_index[id(partner.proposed[0])]]
        return self.who(marks.moved or marks.touched)

    def _partner(self, op: BlockOp) -> BlockOp | None:
        for other in self.changes.ops:
            if other.kind == "move_to" and other.move_id == op.move_id:
                return other
        return None

    def _paragraphs(
        self, op: BlockOp, olds: list[_BlockMarks], news: list[_BlockMarks], fallback: int
    ) -> int:
        base = _concat(m.rows[0][0] for m in olds)
        proposed = _concat(m.rows[0][0] for m in news)
        latest = 0
        at_base = at_new = 0
        for paragraph in op.paragraphs:
            split: list[SpanOp] = []
            for span_op in paragraph.ops:
                nb = 0 if span_op.kind == "insert" else len(span_op.base_text)
                np_ = 0 if span_op.kind == "delete" else len(span_op.proposed_text)
                parts = self._split(
                    span_op, base.cut(at_base, at_base + nb), proposed.cut(at_new, at_new + np_)
                )
                split.extend(p for p, _ in parts)
                latest = max([latest, *(c for _, c in parts)])
                at_base, at_new = at_base + nb, at_new + np_
            paragraph.ops = split
            paragraph.attribution = self.who(fallback or latest)
        return latest or fallback

    def _split(self, op: SpanOp, base: _Marks, proposed: _Marks) -> list[tuple[SpanOp, int]]:
        """Return ``op`` cut where its tokens came from different commits, with each commit."""
        if op.kind == "equal":
            return [(op, 0)]
        if op.kind == "delete":
            spans, per_char = op.base, self.gone(base)
        else:
            spans, per_char = op.proposed, proposed.origin if op.kind == "insert" else proposed.fmt
        groups: list[tuple[int, int, int]] = []  # start, end, commit
        at = 0
        for text, _ in tokenize(spans):
            end = at + len(text)
            commit = max(per_char[at:end], default=0) or len(self.commits)
            if groups and groups[-1][2] == commit:
                groups[-1] = (groups[-1][0], end, commit)
            else:
                groups.append((at, end, commit))
            at = end
        if len(groups) <= 1:
            commit = groups[0][2] if groups else len(self.commits)
            op.attribution = self.who(commit)
            return [(op, commit)]
        parts = []
        for start, end, commit in groups:
            piece = SpanOp(
                kind=op.kind,
                base=[] if op.kind == "insert" else _slice(op.base, start, end),
                proposed=[] if op.kind == "delete" else _slice(op.proposed, start, end),
                attribution=self.who(commit),
            )
            parts.append((piece, commit))
        return parts

    def _table(self, op: BlockOp, old: _BlockMarks, new: _BlockMarks) -> int:
        latest = 0
        at_base = at_new = 0
        for row in op.rows:
            commit = 0
            if row.kind == "insert":
                origins = [o for c in new.rows[at_new] for o in c.origin if o]
                commit = min(origins, default=new.touched)
            elif row.kind == "delete":
                commit = max((d for c in old.rows[at_base] for d in self.gone(c)), default=0)
            elif row.kind == "replace":
                commit = self._row_cells(row, old.rows[at_base], new.rows[at_new])
            at_base += row.kind != "insert"
            at_new += row.kind != "delete"
            if row.kind != "equal":
                row.attribution = self.who(commit)
                latest = max(latest, commit or len(self.commits))
        return latest or new.touched

    def _row_cells(self, row: RowOp, old: list[_Marks], new: list[_Marks]) -> int:
        latest = 0
        for n, cell_ops in enumerate(row.cells):
            at_base = at_new = 0
            split: list[SpanOp] = []
            for span_op in cell_ops:
                nb = 0 if span_op.kind == "insert" else len(span_op.base_text)
                np_ = 0 if span_op.kind == "delete" else len(span_op.proposed_text)
                parts = self._split(
                    span_op, old[n].cut(at_base, at_base + nb), new[n].cut(at_new, at_new + np_)
                )
                split.extend(p for p, _ in parts)
                latest = max([latest, *(c for _, c in parts)])
                at_base, at_new = at_base + nb, at_new + np_
            row.cells[n] = split
        return latest


def _concat(parts: Iterator[_Marks]) -> _Marks:
    out = _Marks([], [], [])
    for part in parts:
        out.origin.extend(part.origin)
        out.lineage.extend(part.lineage)
        out.fmt.extend(part.fmt)
    return out


def _slice(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """Return the spans covering characters ``start`` to ``end`` of their joined text."""
    out, at = [], 0
    for span in spans:
        lo, hi = max(start, at), min(end, at + len(span.text))
        if lo < hi:
            out.append(span.model_copy(update={"text": span.text[lo - at : hi - at]}))
        at += len(span.text)
    return out
