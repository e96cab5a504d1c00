"""Assemble the tracked body, block by block, from the clean renders and the change set."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from docx.document import Document as DocxDocument
from lxml import etree

from coproduce.docx.build import details_rows, make_title_block
from coproduce.docx.runs import make_hyperlink, make_run, style_id, w
from coproduce.docx.tracked.elements import (
    PPR,
    RPR,
    P,
    add_rpr_change,
    aligned,
    content_of,
    insert_before,
    ppr_base,
    ppr_key,
    to_deleted_text,
    trim,
)
from coproduce.docx.tracked.marks import RevisionMarks
from coproduce.docx.tracked.renders import Renders, unify_numbering
from coproduce.docx.tracked.settle import settle_marks
from coproduce.docx.xml import qn
from coproduce.models import DocumentMeta, ListItem, Span

if TYPE_CHECKING:  # the change model is data only; importing it at run time would be circular
    from coproduce.redline.change import Attribution, BlockOp, ChangeSet, SpanOp

_NO_LINK = "\x00"  # a link value no span has, so the first span always opens a container
_MARKS = {"equal": None, "insert": "ins", "delete": "del"}
_R, _TBL, _TR, _TC = qn("w:r"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_HYPERLINK, _BOOKMARK_END = qn("w:hyperlink"), qn("w:bookmarkEnd")


class TrackedWriter:
    """Assemble the tracked body from the renders and the change set."""

    def __init__(self, doc: DocxDocument, changes: ChangeSet, marks: RevisionMarks) -> None:
        self.doc = doc
        self.changes = changes
        self.marks = marks
        self.link_style = style_id(doc, "Hyperlink")
        # Base renders are needed only where the base shows through: changed blocks, and
        # list items (whose numbering may differ even when their text does not).
        needed = {id(b) for op in changes.ops if op.kind != "equal" for b in op.base}
        self.base = Renders(doc, list(changes.base.blocks), needed=needed)
        self.proposed = Renders(doc, list(changes.proposed.blocks))
        unify_numbering(changes, self.base, self.proposed)

    # -- runs -------------------------------------------------------------------------------

    def add_runs(
        self,
        p: etree._Element,
        spans: list[Span],
        *,
        wrap: str | None = None,
        who: Attribution | None = None,
        old: list[Span] | None = None,
    ) -> None:
        """Append runs for ``spans`` to ``p``, wrapped in a revision element when ``wrap``.

        With ``old`` (same text, other formatting) each run keeps its old properties in
        ``w:rPrChange``. Linked spans go into a ``w:hyperlink`` that holds the wrapper.
        """
        pieces = aligned(spans, old) if old is not None else [(s, None) for s in spans]
        container, wrapper = p, None
        link: str | None = _NO_LINK
        for span, before in pieces:
            if span.link != link:
                link, wrapper = span.link, None
                container = p
                if span.link is not None:
                    container = make_hyperlink(self.doc.part, span.link)
                    p.append(container)
            if wrap and wrapper is None:
                wrapper = self.marks.make(wrap, who)
                container.append(wrapper)
            style = self.link_style if span.link else None
            run = make_run(span, char_style=style)
            if before is not None:
                change = self.marks.make("rPrChange", who)
                old_style = self.link_style if before.link else None
                add_rpr_change(run, make_run(before, char_style=old_style), change)
            if wrap == "del":
                to_deleted_text(run)
            (wrapper if wrapper is not None else container).append(run)

    def add_span_ops(self, p: etree._Element, ops: list[SpanOp], who: Attribution | None) -> None:
        """Append the runs of word-level operations to ``p``."""
        for op in ops:
            by = op.attribution or who
            if op.kind == "equal":
                self.add_runs(p, op.proposed)
            elif op.kind == "insert":
                self.add_runs(p, op.proposed, wrap="ins", who=by)
            elif op.kind == "delete":
                self.add_runs(p, op.base, wrap="del", who=by)
            else:
                # A link added, removed or pointed elsewhere is shown on the same words as a
                # formatting change: the new link, the old run properties in w:rPrChange.
                self.add_runs(p, op.proposed, old=op.base, who=by)

    def wrap_content(self, p: etree._Element, tag: str, who: Attribution | None) -> None:
        """Wrap every run of a rendered paragraph (inside hyperlinks too) in ``w:<tag>``."""
        for parent in [p, *p.iterchildren(_HYPERLINK)]:
            wrapper: etree._Element | None = None
            for child in list(parent):
                if child.tag != _R:
                    wrapper = None
                    continue
                if wrapper is None:
                    wrapper = self.marks.make(tag, who)
                    child.addprevious(wrapper)
                wrapper.append(child)
                if tag == "del":
                    to_deleted_text(child)

    def finish(
        self,
        p: etree._Element,
        *,
        mark: str | None = None,
        old: etree._Element | None = None,
        who: Attribution | None = None,
    ) -> etree._Element:
        """Mark the paragraph mark (``w:<mark>``) and record ``old`` properties if different."""
        ppr = p.find(PPR)
        if ppr is None:
            ppr = w("pPr")
            p.insert(0, ppr)
        if mark:
            rpr = ppr.find(RPR)
            if rpr is None:
                rpr = w("rPr")
                insert_before(ppr, rpr, ("sectPr", "pPrChange"))
            rpr.insert(0, self.marks.make(mark, who))
        if old is not None and ppr_key(old) != ppr_key(p):
            change = self.marks.make("pPrChange", who)
            base = w("pPr")
            base.extend(copy.deepcopy(c) for c in ppr_base(old))
            change.append(base)
            ppr.append(change)
        if not len(ppr):
            p.remove(ppr)
        for end in p.findall(_BOOKMARK_END):
            p.append(end)  # keep bookmarks around the rebuilt content
        return p

    # -- blocks -----------------------------------------------------------------------------

    def whole(self, element: etree._Element, tag: str, who: Attribution | None) -> etree._Element:
        """Mark a rendered block as wholly inserted or deleted (``ins``/``del``)."""
        if element.tag == _TBL:
            for tr in element.iterchildren(_TR):
                self.mark_row(tr, tag, who)
            return element
        self.wrap_content(element, tag, who)
        return self.finish(element, mark=tag, who=who)

    def mark_row(self, tr: etree._Element, tag: str, who: Attribution | None) -> None:
        """Mark a table row inserted or deleted, in ``w:trPr`` and in every cell's runs."""
        trpr = tr.find(qn("w:trPr"))
        if trpr is None:
            trpr = w("trPr")
            tr.insert(1 if tr.find(qn("w:tblPrEx")) is not None else 0, trpr)
        if not len(trpr):
            # CT_TrPr needs one row property before its revision marks (the schema's choice
            # has minOccurs 1); "may split across pages" is the default, so nothing changes.
            trpr.append(w("cantSplit", val="off"))
        insert_before(trpr, self.marks.make(tag, who), ("trPrChange",))
        for p in tr.iter(P):
            self.wrap_content(p, tag, who)

    def moved(self, element: etree._Element, op: BlockOp, side: str) -> etree._Element:
        """Mark a rendered paragraph as the source or destination of a move.

        The paragraph mark is deleted at the source and inserted at the destination (as
        Docxodus writes it: LibreOffice leaves an empty paragraph for a mark marked
        ``moveFrom``/``moveTo``). Words edited on the way are deleted inside the source range
        and inserted inside the destination range.
        """
        who = op.attribution
        start = self.marks.make(f"{side}RangeStart", who, name=op.move_id or "move")
        end = w(f"{side}RangeEnd", id=start.get(qn("w:id")) or "")
        if op.paragraphs:
            trim(element, content=False)
            source = side == "moveFrom"
            for span_op in op.paragraphs[0].ops:
                by = span_op.attribution or who
                if span_op.kind in ("equal", "format"):
                    spans = span_op.base if source else span_op.proposed
                    self.add_runs(element, spans, wrap=side, who=by)
                elif span_op.kind == ("delete" if source else "insert"):
                    spans = span_op.base if source else span_op.proposed
                    self.add_runs(element, spans, wrap="del" if source else "ins", who=by)
        else:
            self.wrap_content(element, side, who)
        ppr = element.find(PPR)
        if ppr is not None:
            ppr.addnext(start)
        else:
            element.insert(0, start)
        element.append(end)
        return self.finish(element, mark="del" if side == "moveFrom" else "ins", who=who)

    def changed_paragraphs(self, op: BlockOp) -> list[etree._Element]:
        """Return the paragraphs of a replace, split or merge, diffed word by word."""
        old = {id(b): self.base.take(b) for b in op.base}
        new = {id(b): self.proposed.take(b) for b in op.proposed}
        seen: set[int] = set()
        out = []
        for pc in op.paragraphs:
            first = id(pc.proposed) not in seen
            p = trim(copy.deepcopy(new[id(pc.proposed)]), bookmarks=first, content=False)
            seen.add(id(pc.proposed))
            who = pc.attribution or op.attribution
            self.add_span_ops(p, pc.ops, who)
            out.append(self.finish(p, mark=_MARKS[pc.mark], old=old[id(pc.base)], who=who))
        return out

    def table(self, op: BlockOp) -> etree._Element:
        """Return a table rebuilt row by row from its row operations."""
        tbl = self.proposed.take(op.proposed[0])
        base_rows = list(self.base.take(op.base[0]).iterchildren(_TR))
        new_rows = list(tbl.iterchildren(_TR))
        for tr in new_rows:
            tbl.remove(tr)
        i = j = 0
        for row in op.rows:
            who = row.attribution or op.attribution
            if row.kind == "delete":
                self.mark_row(base_rows[i], "del", who)
                tbl.append(base_rows[i])
            elif row.kind == "insert":
                self.mark_row(new_rows[j], "ins", who)
                tbl.append(new_rows[j])
            elif row.kind == "replace":
                cells = zip(
                    base_rows[i].iterchildren(_TC),
                    new_rows[j].iterchildren(_TC),
                    row.cells,
                    strict=False,
                )
                for old_tc, tc, ops in cells:
                    p = trim(tc.find(P), content=False)
                    self.add_span_ops(p, ops, who)
                    self.finish(p, old=old_tc.find(P), who=who)
                tbl.append(new_rows[j])
            else:
                tbl.append(new_rows[j])
            i += row.kind != "insert"
            j += row.kind != "delete"
        return tbl

    def block(self, op: BlockOp) -> list[etree._Element]:
        """Return the body elements of one block operation."""
        who = op.attribution
        if op.kind == "equal":
            element = self.proposed.take(op.proposed[0])
            if isinstance(op.base[0], ListItem):  # other equal blocks render identically
                self.finish(element, old=self.base.take(op.base[0]), who=who)
            return [element]
        if op.kind == "insert":
            return [self.whole(self.proposed.take(op.proposed[0]), "ins", who)]
        if op.kind == "delete":
            return [self.whole(trim(self.base.take(op.base[0]), bookmarks=False), "del", who)]
        if op.kind == "move_from":
            source = trim(self.base.take(op.base[0]), bookmarks=False)
            return [self.moved(source, op, "moveFrom")]
        if op.kind == "move_to":
            return [self.moved(self.proposed.take(op.proposed[0]), op, "moveTo")]
        if op.kind == "table":
            return [self.table(op)]
        return self.changed_paragraphs(op)

    # -- title block and body ---------------------------------------------------------------

    def title_block(self) -> list[etree._Element]:
        """Return the title paragraph and details table with metadata changes marked, and the
        empty paragraph that keeps the table apart from a first body table."""
        base, new = self.changes.base.meta, self.changes.proposed.meta
        by_field = {m.field: m.attribution for m in self.changes.meta}
        who = next((a for f, a in by_field.items() if f != "title" and a), None)
        _, old_table, _ = make_title_block(self.doc, base)
        title, table, spacer = make_title_block(self.doc, new)
        if base.title != new.title:
            title = trim(title, content=False)
            ops = self.changes.title
            if ops:
                self.add_span_ops(title, ops, by_field.get("title"))
            else:  # a change set built by hand: show the whole title replaced
                self.add_runs(title, [Span(text=base.title)], wrap="del", who=by_field.get("title"))
                self.add_runs(title, [Span(text=new.title)], wrap="ins", who=by_field.get("title"))
        # Empty rows are left out of a title block, so rows are paired by their label: a row
        # only in the base is deleted, one only in the proposed version inserted.
        old_rows = dict(zip(_labels(base), old_table.iterchildren(_TR), strict=True))
        rows = dict(zip(_labels(new), table.iterchildren(_TR), strict=True))
        for tr in rows.values():
            table.remove(tr)
        order = [label for label in _LABEL_ORDER if label in rows or label in old_rows]
        for label in order:
            if label not in rows:
                self.mark_row(old_rows[label], "del", who)
                table.append(old_rows[label])
                continue
            table.append(rows[label])
            if label not in old_rows:
                self.mark_row(rows[label], "ins", who)
                continue
            old_tr, tr = old_rows[label], rows[label]
            for old_tc, tc in zip(old_tr.iterchildren(_TC), tr.iterchildren(_TC), strict=False):
                if etree.tostring(old_tc) == etree.tostring(tc):
                    continue
                old_p, p = old_tc.find(P), tc.find(P)
                self.wrap_content(old_p, "del", who)
                self.wrap_content(p, "ins", who)
                first = next(iter(content_of(p)), None)
                for child in content_of(old_p):
                    if first is not None:
                        first.addprevious(child)
                    else:
                        p.append(child)
        return [title, table, spacer]

    def body(self) -> list[etree._Element]:
        """Return every body element of the tracked document, in order."""
        elements = self.title_block()
        for op in self.changes.ops:
            elements.extend(self.block(op))
        settle_marks(elements, self)
        return elements


_LABEL_ORDER = ("Owner", "Status", "Version", "Review date", "Statutory basis")


def _labels(meta: DocumentMeta) -> list[str]:
    return [label for label, _ in details_rows(meta)]
