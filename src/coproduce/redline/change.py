"""The change model: block operations with word-level span operations inside.

A :class:`ChangeSet` lists, in the order of the tracked output, what happened to every block
between a base and a proposed version of a document. Every operation has an ``attribution``
slot (who made the change and when); attribution code fills it, and writers fall back to a
default author and date where it is empty. :func:`compute_changes` builds a change set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from coproduce.models import Block, Document, DocumentMeta, Span, Table, TableRow, TextBlock

SpanKind = Literal["equal", "insert", "delete", "format"]
MarkKind = Literal["equal", "insert", "delete"]
RowKind = Literal["equal", "insert", "delete", "replace"]
BlockKind = Literal[
    "equal", "insert", "delete", "replace", "split", "merge", "move_from", "move_to", "table"
]


@dataclass(slots=True)
class Attribution:
    """Who made a change and when (a timezone-aware datetime, written as UTC), and in which
    commit when known (two commits by one person in the same second stay apart)."""

    author: str
    date: dt.datetime
    commit: str = ""


@dataclass(slots=True)
class SpanOp:
    """A word-level operation on inline text.

    ``equal`` and ``format`` hold the same text on both sides (``format`` with different
    bold/italic/code/link); ``insert`` has only ``proposed`` spans and ``delete`` only ``base``.
    """

    kind: SpanKind
    base: list[Span]
    proposed: list[Span]
    attribution: Attribution | None = None

    @property
    def base_text(self) -> str:
        return "".join(s.text for s in self.base)

    @property
    def proposed_text(self) -> str:
        return "".join(s.text for s in self.proposed)


@dataclass(slots=True)
class ParagraphChange:
    """One paragraph of the tracked output inside a replace, split or merge.

    ``mark`` says whether the paragraph's mark exists in both views (``equal``), only in the
    proposed view (``insert``: a split) or only in the base view (``delete``: a merge).
    ``base`` and ``proposed`` are the blocks this paragraph's text belongs to in each view;
    their properties (style, heading level, list level) become the paragraph's new and old
    properties.
    """

    ops: list[SpanOp]
    mark: MarkKind
    base: TextBlock
    proposed: TextBlock
    attribution: Attribution | None = None


@dataclass(slots=True)
class RowOp:
    """A table row kept, inserted, deleted or edited (``cells`` holds one span diff per cell)."""

    kind: RowKind
    base: TableRow | None
    proposed: TableRow | None
    cells: list[list[SpanOp]] = field(default_factory=list)
    attribution: Attribution | None = None


@dataclass(slots=True)
class BlockOp:
    """A block-level operation, in the order of the tracked output.

    - ``equal``: one block on each side, the same content.
    - ``insert`` / ``delete``: a whole block only in ``proposed`` / ``base``.
    - ``replace``: one similar block on each side, diffed word by word in ``paragraphs``.
    - ``split`` / ``merge``: one base block became several proposed blocks, or the reverse.
    - ``move_from`` / ``move_to``: a block moved; both halves share ``move_id`` and, when
      the text was edited on the way, the word diff in ``paragraphs``.
    - ``table``: a table on each side, aligned row by row in ``rows``.
    """

    kind: BlockKind
    base: list[Block] = field(default_factory=list)
    proposed: list[Block] = field(default_factory=list)
    move_id: str | None = None
    similarity: float = 1.0
    paragraphs: list[ParagraphChange] = field(default_factory=list)
    rows: list[RowOp] = field(default_factory=list)
    attribution: Attribution | None = None
    contributors: list[Attribution] = field(
        default_factory=list
    )  # every commit whose words a new block holds (its attribution is the first)

    @property
    def changed(self) -> bool:
        """Return whether this operation changes anything."""
        if self.kind == "table":
            return any(r.kind != "equal" for r in self.rows) or _table_props_differ(self)
        return self.kind != "equal"


@dataclass(slots=True)
class MetaChange:
    """A front-matter field whose value differs (``None`` when absent on that side)."""

    field: str
    base: str | None
    proposed: str | None
    attribution: Attribution | None = None


@dataclass(slots=True)
class ChangeSet:
    """Everything that changed between two versions of a document."""

    base: Document
    proposed: Document
    meta: list[MetaChange]
    ops: list[BlockOp]
    title: list[SpanOp] = field(default_factory=list)
    """Word diff of the document title, shown on the title block (empty when unchanged)."""

    @property
    def changed(self) -> bool:
        """Return whether the two versions differ at all."""
        return bool(self.meta) or any(op.changed for op in self.ops)

    def count(self) -> dict[str, int]:
        """Return how many block operations of each kind the change set holds."""
        counts: dict[str, int] = {}
        for op in self.ops:
            counts[op.kind] = counts.get(op.kind, 0) + 1
        return counts


def _table_props_differ(op: BlockOp) -> bool:
    base, proposed = op.base[0], op.proposed[0]
    if not isinstance(base, Table) or not isinstance(proposed, Table):
        return True
    return (base.header, base.align) != (proposed.header, proposed.align)


def compute_changes(base: Document, proposed: Document, *, readability: bool = True) -> ChangeSet:
    """Return the changes that turn ``base`` into ``proposed``, words diffed inside blocks.

    ``readability=False`` leaves out the readability rule (``redline/readable.py``): every
    paired paragraph is shown as word edits. Only for measuring what the rule costs.
    """
    # Imported here because align and words build the dataclasses defined above.
    from coproduce.redline.align import align_blocks, align_rows
    from coproduce.redline.words import diff_paragraphs, diff_spans

    ops = align_blocks(base.blocks, proposed.blocks, readability=readability)
    for op in ops:
        if op.kind in ("replace", "split", "merge") and not op.paragraphs:
            op.paragraphs = diff_paragraphs(op.base, op.proposed)  # type: ignore[arg-type]
        elif op.kind == "table":
            old, new = op.base[0], op.proposed[0]
            if isinstance(old, Table) and isinstance(new, Table):
                op.rows = align_rows(old.rows, new.rows)
                for row in op.rows:
                    if row.kind == "replace" and row.base and row.proposed:
                        row.cells = [
                            diff_spans(a.spans, b.spans)
                            for a, b in zip(row.base.cells, row.proposed.cells, strict=True)
                        ]
    title = []
    if base.meta.title != proposed.meta.title:
        title = diff_spans([Span(text=base.meta.title)], [Span(text=proposed.meta.title)])
    return ChangeSet(
        base=base,
        proposed=proposed,
        meta=diff_meta(base.meta, proposed.meta),
        ops=ops,
        title=title,
    )


def attribute_all(changes: ChangeSet, attribution: Attribution) -> ChangeSet:
    """Put one author and date on every operation (one commit, or the ``--author`` override)."""
    for meta in changes.meta:
        meta.attribution = attribution
    for op in changes.ops:
        op.attribution = attribution
        for paragraph in op.paragraphs:
            paragraph.attribution = attribution
            for span_op in paragraph.ops:
                span_op.attribution = attribution
        for row in op.rows:
            row.attribution = attribution
            for cell in row.cells:
                for span_op in cell:
                    span_op.attribution = attribution
    return changes


def meta_fields(meta: DocumentMeta) -> dict[str, str]:
    """Return the front matter as display strings, in field order, empty values left out."""
    shown: dict[str, str] = {}
    for name, value in meta.model_dump(mode="json").items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list):
            shown[name] = ", ".join(str(v) for v in value)
        else:
            shown[name] = str(value)
    return shown


def diff_meta(base: DocumentMeta, proposed: DocumentMeta) -> list[MetaChange]:
    """Return the front-matter fields whose display value differs, base order first."""
    old, new = meta_fields(base), meta_fields(proposed)
    names = list(old) + [n for n in new if n not in old]
    return [
        MetaChange(field=n, base=old.get(n), proposed=new.get(n))
        for n in names
        if old.get(n) != new.get(n)
    ]
