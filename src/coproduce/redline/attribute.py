"""Blame: give every change between two versions the author and date of the commit that made it.

Each character of each version carries where it came from: the commit that inserted it
(``origin``; 0 is the base), the commit that last changed its formatting (``fmt``) and, for
base characters, its position in the base (``lineage``). One pass over the commits, oldest
first, carries these marks from each version to the next (:mod:`coproduce.redline.carry`,
a cheap block and word match, not a readable change set); base characters that vanish record
the commit that removed them. The one base to proposed change set, computed once, is then
attributed token by token, and a span operation whose tokens came from several commits is split
so that each part carries its own author.
"""

from __future__ import annotations

from collections.abc import Sequence

from coproduce.models import Document, Span
from coproduce.redline.carry import BlockMarks, Marks, base_marks, carry, cells_of, concat, key_ids
from coproduce.redline.change import (  # attribute_all lives with the change model
    Attribution,
    BlockOp,
    ChangeSet,
    RowOp,
    SpanOp,
    attribute_all,
    meta_fields,
)
from coproduce.redline.words import tokenize

__all__ = ["attribute_all", "blame"]


def blame(
    changes: ChangeSet, *, history: Sequence[Document], commits: Sequence[Attribution]
) -> ChangeSet:
    """Fill the attribution of every change in ``changes`` from the commits that made them.

    ``history[0]`` is the base, ``history[k]`` the document after ``commits[k - 1]``; the last
    entry is the proposed version (``changes`` is their change set, computed once). Span
    operations are split where their tokens came from different commits. Returns ``changes``,
    attributed in place.
    """
    if len(history) != len(commits) + 1 or not commits:
        raise ValueError("blame needs the base, one version per commit, and one commit at least")
    deleted_by: dict[int, int] = {}
    first = base_marks(history[0])
    marks = first
    meta_by: dict[str, int] = {}
    keys = key_ids(history, {})  # each version's keys once, not once per neighbour
    for k in range(1, len(history)):
        before, after = history[k - 1], history[k]
        pair = (keys[k - 1], keys[k])
        marks = carry(before, after, marks, commit=k, deleted_by=deleted_by, keys=pair)
        old_meta, new_meta = meta_fields(before.meta), meta_fields(after.meta)
        for name in set(old_meta) | set(new_meta):
            if old_meta.get(name) != new_meta.get(name):
                meta_by[name] = k
    _Attributor(list(commits), changes, first, marks, deleted_by).apply()
    for meta in changes.meta:
        meta.attribution = commits[meta_by.get(meta.field, len(commits)) - 1]
    return changes


class _Attributor:
    """Attribute the final change set from the marks of the base and of the proposed version."""

    def __init__(
        self,
        commits: list[Attribution],
        changes: ChangeSet,
        base: list[BlockMarks],
        final: list[BlockMarks],
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

    def gone(self, marks: Marks) -> list[int]:
        return [self.deleted_by.get(v, 0) if v >= 0 else 0 for v in marks.lineage]

    def apply(self) -> None:
        for op in self.changes.ops:
            if op.kind == "equal":
                continue
            olds = [self.base[self.base_index[id(b)]] for b in op.base]
            news = [self.final[self.final_index[id(b)]] for b in op.proposed]
            fallback = max((m.touched for m in news), default=0)
            if op.kind == "insert":
                origins = [o for m in news for c in cells_of(m) for o in c.origin if o]
                op.attribution = self.who(min(origins, default=fallback))
                op.contributors = [self.who(c) for c in sorted(set(origins))]
            elif op.kind == "delete":
                ends = [d for m in olds for c in cells_of(m) for d in self.gone(c)]
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
        self, op: BlockOp, olds: list[BlockMarks], news: list[BlockMarks], fallback: int
    ) -> int:
        base = concat(m.rows[0][0] for m in olds)
        proposed = concat(m.rows[0][0] for m in news)
        latest = 0
        at_base = at_new = 0
        for paragraph in op.paragraphs:
            split: list[SpanOp] = []
            for span_op in paragraph.ops:
                nb = 0 if span_op.kind == "insert" else len(span_op.base_text)
                np_ = 0 if span_op.kind == "delete" else len(span_op.proposed_text)
                parts = self._split(
                    span_op,
                    base.cut(at_base, at_base + nb),
                    proposed.cut(at_new, at_new + np_),
                    fallback,
                )
                split.extend(p for p, _ in parts)
                latest = max([latest, *(c for _, c in parts)])
                at_base, at_new = at_base + nb, at_new + np_
            paragraph.ops = split
            paragraph.attribution = self.who(fallback or latest)
        return latest or fallback

    def _split(
        self, op: SpanOp, base: Marks, proposed: Marks, fallback: int = 0
    ) -> list[tuple[SpanOp, int]]:
        """Return ``op`` cut where its tokens came from different commits, with each commit.

        A token whose characters the history does not account for (the carried marks kept a
        character this change set deletes, or took one it inserts from the base) goes to
        ``fallback``, the last commit that changed its block, never to an unrelated later one.
        """
        last = fallback or len(self.commits)
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
            commit = max(per_char[at:end], default=0) or last
            if groups and groups[-1][2] == commit:
                groups[-1] = (groups[-1][0], end, commit)
            else:
                groups.append((at, end, commit))
            at = end
        if len(groups) <= 1:
            commit = groups[0][2] if groups else last
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

    def _table(self, op: BlockOp, old: BlockMarks, new: BlockMarks) -> int:
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
                commit = self._rowcells_of(row, old.rows[at_base], new.rows[at_new], new.touched)
            at_base += row.kind != "insert"
            at_new += row.kind != "delete"
            if row.kind != "equal":
                row.attribution = self.who(commit)
                latest = max(latest, commit or len(self.commits))
        return latest or new.touched

    def _rowcells_of(self, row: RowOp, old: list[Marks], new: list[Marks], touched: int) -> int:
        latest = 0
        for n, cell_ops in enumerate(row.cells):
            at_base = at_new = 0
            split: list[SpanOp] = []
            for span_op in cell_ops:
                nb = 0 if span_op.kind == "insert" else len(span_op.base_text)
                np_ = 0 if span_op.kind == "delete" else len(span_op.proposed_text)
                parts = self._split(
                    span_op,
                    old[n].cut(at_base, at_base + nb),
                    new[n].cut(at_new, at_new + np_),
                    touched,
                )
                split.extend(p for p, _ in parts)
                latest = max([latest, *(c for _, c in parts)])
                at_base, at_new = at_base + nb, at_new + np_
            row.cells[n] = split
        return latest


def _slice(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """Return the spans covering characters ``start`` to ``end`` of their joined text."""
    out, at = [], 0
    for span in spans:
        lo, hi = max(start, at), min(end, at + len(span.text))
        if lo < hi:
            out.append(span.model_copy(update={"text": span.text[lo - at : hi - at]}))
        at += len(span.text)
    return out
