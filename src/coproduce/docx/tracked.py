"""Write a change set as a Word document with native revision marks (ECMA-376 §17.13.5).

Every block is first rendered the way the clean writer renders it (``build.BlockWriter``), once
for the base version and once for the proposed one, in the same document so that both sets of
list numbering exist. The tracked body is then assembled from those renders: paragraph
properties come from the proposed render, with the base properties kept in ``w:pPrChange``
where they differ; runs are rebuilt from the word diff and wrapped in ``w:ins``/``w:del``.
Accept All therefore gives the clean render of the proposed version and Reject All the base.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter, deque
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from docx.document import Document as DocxDocument
from lxml import etree

from coproduce.docx.build import (
    BlockWriter,
    append_to_body,
    make_title_block,
    new_document,
    set_core_properties,
)
from coproduce.docx.runs import make_hyperlink, make_run, style_id, w
from coproduce.docx.writer import default_reference, save_bytes
from coproduce.docx.xml import qn
from coproduce.errors import InvalidInputError
from coproduce.models import Block, ListItem, Span

if TYPE_CHECKING:  # the change model is data only; importing it at run time would be circular
    from coproduce.redline.change import Attribution, BlockOp, ChangeSet, SpanOp

_NO_LINK = "\x00"  # a link value no span has, so the first span always opens a container
_MARKS = {"equal": None, "insert": "ins", "delete": "del"}
_CONTENT = frozenset(qn(f"w:{t}") for t in ("r", "hyperlink"))
_SETTINGS_BEFORE_TRACK = frozenset(
    qn(f"w:{t}")
    for t in (
        *("writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime"),
        *("doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText"),
        *("printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts"),
        *("embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins"),
        *("alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter"),
        *("gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle"),
        *("proofState", "formsDesign", "attachedTemplate", "linkStyles"),
        *("stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge"),
        "revisionView",
    )
)


def format_date(date: dt.datetime) -> str:
    """Return ``date`` as the UTC ``w:date`` value Word expects (naive dates taken as UTC)."""
    aware = date if date.tzinfo else date.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Marks:
    """Make revision elements with ids from one counter and the right author and date."""

    def __init__(self, author: str, date: dt.datetime) -> None:
        if not author.strip():
            raise InvalidInputError("a tracked-change document needs an author name")
        self.author, self.date = author, date
        self.next_id = 1

    def make(self, tag: str, who: Attribution | None = None, **attrs: str) -> etree._Element:
        """Return a new revision element ``w:<tag>`` stamped with id, author and date."""
        author, date = (who.author, who.date) if who is not None else (self.author, self.date)
        element = w(tag, id=str(self.next_id), author=author, date=format_date(date))
        for name, value in attrs.items():
            element.set(qn(f"w:{name}"), value)
        self.next_id += 1
        return element


class _Renders:
    """Clean renders of one version's blocks, handed out in document order."""

    def __init__(self, doc: DocxDocument, blocks: list[Block]) -> None:
        writer = BlockWriter(doc)
        self._queues: dict[int, deque[etree._Element]] = {}
        self.elements: list[tuple[Block, etree._Element]] = []
        for block in blocks:
            element = writer.make(block)[0]
            self._queues.setdefault(id(block), deque()).append(element)
            self.elements.append((block, element))

    def take(self, block: Block) -> etree._Element:
        """Return a copy of the next render of ``block``."""
        return copy.deepcopy(self._queues[id(block)].popleft())


def _num_id(paragraph: etree._Element) -> str | None:
    found = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    return None if found is None else found.get(qn("w:val"))


def _unify_numbering(changes: ChangeSet, base: _Renders, proposed: _Renders) -> None:
    """Give base list items the numId of the proposed list they correspond to, one to one.

    Both renders allocate their own numbering instances; mapping each base list onto the
    proposed list most of its items were paired with keeps unchanged items free of noise.
    """
    base_nums = {id(b): _num_id(e) for b, e in base.elements if isinstance(b, ListItem)}
    new_nums = {id(b): _num_id(e) for b, e in proposed.elements if isinstance(b, ListItem)}
    votes: Counter[tuple[str, str]] = Counter()
    for op in changes.ops:
        for old, new in zip(op.base, op.proposed, strict=False):
            if (
                isinstance(old, ListItem)
                and isinstance(new, ListItem)
                and old.ordered == new.ordered
            ):
                old_num, new_num = base_nums.get(id(old)), new_nums.get(id(new))
                if old_num and new_num:
                    votes[(old_num, new_num)] += 1
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for (old_id, new_id), _ in votes.most_common():
        if old_id not in mapping and new_id not in used:
            mapping[old_id] = new_id
            used.add(new_id)
    for _, element in base.elements:
        num = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num is not None and num.get(qn("w:val")) in mapping:
            num.set(qn("w:val"), mapping[num.get(qn("w:val"))])


class TrackedWriter:
    """Assemble the tracked body from the renders and the change set."""

    def __init__(self, doc: DocxDocument, changes: ChangeSet, marks: _Marks) -> None:
        self.doc = doc
        self.changes = changes
        self.marks = marks
        self.link_style = style_id(doc, "Hyperlink")
        self.base = _Renders(doc, list(changes.base.blocks))
        self.proposed = _Renders(doc, list(changes.proposed.blocks))
        _unify_numbering(changes, self.base, self.proposed)

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
        pieces = _aligned(spans, old) if old is not None else [(s, None) for s in spans]
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
                _add_rpr_change(run, make_run(before, char_style=style), change)
            if wrap == "del":
                _to_deleted_text(run)
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
            elif any(b is None or a.link != b.link for a, b in _aligned(op.proposed, op.base)):
                # A link added or removed is not a run property: show it as a replacement.
                self.add_runs(p, op.base, wrap="del", who=by)
                self.add_runs(p, op.proposed, wrap="ins", who=by)
            else:
                self.add_runs(p, op.proposed, old=op.base, who=by)

    def wrap_content(self, p: etree._Element, tag: str, who: Attribution | None) -> None:
        """Wrap every run of a rendered paragraph (inside hyperlinks too) in ``w:<tag>``."""
        for parent in [p, *p.iterchildren(qn("w:hyperlink"))]:
            wrapper: etree._Element | None = None
            for child in list(parent):
                if child.tag != qn("w:r"):
                    wrapper = None
                    continue
                if wrapper is None:
                    wrapper = self.marks.make(tag, who)
                    child.addprevious(wrapper)
                wrapper.append(child)
                if tag == "del":
                    _to_deleted_text(child)

    def finish(
        self,
        p: etree._Element,
        *,
        mark: str | None = None,
        old: etree._Element | None = None,
        who: Attribution | None = None,
    ) -> etree._Element:
        """Mark the paragraph mark (``w:<mark>``) and record ``old`` properties if different."""
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = w("pPr")
            p.insert(0, ppr)
        if mark:
            rpr = ppr.find(qn("w:rPr"))
            if rpr is None:
                rpr = w("rPr")
                _insert_before(ppr, rpr, ("sectPr", "pPrChange"))
            rpr.insert(0, self.marks.make(mark, who))
        if old is not None and _ppr_key(old) != _ppr_key(p):
            change = self.marks.make("pPrChange", who)
            base = w("pPr")
            base.extend(copy.deepcopy(c) for c in _ppr_base(old))
            change.append(base)
            ppr.append(change)
        if not len(ppr):
            p.remove(ppr)
        for end in p.findall(qn("w:bookmarkEnd")):
            p.append(end)  # keep bookmarks around the rebuilt content
        return p

    # -- blocks -----------------------------------------------------------------------------

    def whole(self, element: etree._Element, tag: str, who: Attribution | None) -> etree._Element:
        """Mark a rendered block as wholly inserted or deleted (``ins``/``del``)."""
        if element.tag == qn("w:tbl"):
            for tr in element.iterchildren(qn("w:tr")):
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
        _insert_before(trpr, self.marks.make(tag, who), ("trPrChange",))
        for p in tr.iter(qn("w:p")):
            self.wrap_content(p, tag, who)

    def moved(self, element: etree._Element, op: BlockOp, side: str) -> etree._Element:
        """Mark a rendered paragraph as the source or destination of a move."""
        who = op.attribution
        start = self.marks.make(f"{side}RangeStart", who, name=op.move_id or "move")
        end = w(f"{side}RangeEnd", id=start.get(qn("w:id")) or "")
        self.wrap_content(element, side, who)
        ppr = element.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            element.insert(0, start)
        element.append(end)
        return self.finish(element, mark=side, who=who)

    def changed_paragraphs(self, op: BlockOp) -> list[etree._Element]:
        """Return the paragraphs of a replace, split or merge, diffed word by word."""
        old = {id(b): self.base.take(b) for b in op.base}
        new = {id(b): self.proposed.take(b) for b in op.proposed}
        seen: set[int] = set()
        out = []
        for pc in op.paragraphs:
            first = id(pc.proposed) not in seen
            p = _trim(copy.deepcopy(new[id(pc.proposed)]), bookmarks=first, content=False)
            seen.add(id(pc.proposed))
            who = pc.attribution or op.attribution
            self.add_span_ops(p, pc.ops, who)
            out.append(self.finish(p, mark=_MARKS[pc.mark], old=old[id(pc.base)], who=who))
        return out

    def table(self, op: BlockOp) -> etree._Element:
        """Return a table rebuilt row by row from its row operations."""
        tbl = self.proposed.take(op.proposed[0])
        base_rows = list(self.base.take(op.base[0]).iterchildren(qn("w:tr")))
        new_rows = list(tbl.iterchildren(qn("w:tr")))
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
                    base_rows[i].iterchildren(qn("w:tc")),
                    new_rows[j].iterchildren(qn("w:tc")),
                    row.cells,
                    strict=False,
                )
                for old_tc, tc, ops in cells:
                    p = _trim(tc.find(qn("w:p")), content=False)
                    self.add_span_ops(p, ops, who)
                    self.finish(p, old=old_tc.find(qn("w:p")), who=who)
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
            old = self.base.take(op.base[0])
            element = self.proposed.take(op.proposed[0])
            if element.tag == qn("w:p"):
                self.finish(element, old=old, who=who)
            return [element]
        if op.kind == "insert":
            return [self.whole(self.proposed.take(op.proposed[0]), "ins", who)]
        if op.kind == "delete":
            return [self.whole(_trim(self.base.take(op.base[0]), bookmarks=False), "del", who)]
        if op.kind == "move_from":
            source = _trim(self.base.take(op.base[0]), bookmarks=False)
            return [self.moved(source, op, "moveFrom")]
        if op.kind == "move_to":
            return [self.moved(self.proposed.take(op.proposed[0]), op, "moveTo")]
        if op.kind == "table":
            return [self.table(op)]
        return self.changed_paragraphs(op)

    # -- title block and body ---------------------------------------------------------------

    def title_block(self) -> list[etree._Element]:
        """Return the title paragraph and details table with metadata changes marked."""
        base, new = self.changes.base.meta, self.changes.proposed.meta
        by_field = {m.field: m.attribution for m in self.changes.meta}
        who = next((a for f, a in by_field.items() if f != "title" and a), None)
        _, old_table = make_title_block(self.doc, base)
        title, table = make_title_block(self.doc, new)
        if base.title != new.title:
            title = _trim(title, content=False)
            ops = self.changes.title
            if ops:
                self.add_span_ops(title, ops, by_field.get("title"))
            else:  # a change set built by hand: show the whole title replaced
                self.add_runs(title, [Span(text=base.title)], wrap="del", who=by_field.get("title"))
                self.add_runs(title, [Span(text=new.title)], wrap="ins", who=by_field.get("title"))
        old_rows = list(old_table.iterchildren(qn("w:tr")))
        rows = list(table.iterchildren(qn("w:tr")))
        if len(old_rows) != len(rows):
            for tr in old_rows:
                self.mark_row(tr, "del", who)
                rows[0].addprevious(tr)
            for tr in rows:
                self.mark_row(tr, "ins", who)
            return [title, table]
        for old_tr, tr in zip(old_rows, rows, strict=True):
            for old_tc, tc in zip(
                old_tr.iterchildren(qn("w:tc")), tr.iterchildren(qn("w:tc")), strict=False
            ):
                if etree.tostring(old_tc) == etree.tostring(tc):
                    continue
                old_p, p = old_tc.find(qn("w:p")), tc.find(qn("w:p"))
                self.wrap_content(old_p, "del", who)
                self.wrap_content(p, "ins", who)
                first = next(iter(_content(p)), None)
                for child in _content(old_p):
                    if first is not None:
                        first.addprevious(child)
                    else:
                        p.append(child)
        return [title, table]

    def body(self) -> list[etree._Element]:
        """Return every body element of the tracked document, in order."""
        elements = self.title_block()
        for op in self.changes.ops:
            elements.extend(self.block(op))
        _settle_marks(elements, self)
        return elements


def _settle_marks(elements: list[etree._Element], writer: TrackedWriter) -> None:
    """Keep paragraph-mark changes off paragraphs that end the body or precede a table.

    A paragraph whose mark vanishes in one view merges into the next paragraph there; with no
    next paragraph (the body ends, or a table follows) readers leave an empty paragraph
    behind. Such a paragraph is fused with a nearby paragraph whose mark vanishes in the
    other view (one deleted, one inserted: together they are a replaced paragraph), or else
    its mark change moves to the paragraph before the run of changed marks, the last
    paragraph taking that paragraph's properties for the view in which they merge.
    """
    index = 0
    while index < len(elements):
        element = elements[index]
        following = elements[index + 1] if index + 1 < len(elements) else None
        mark = _mark_of(element)
        index += 1
        if mark is None or (following is not None and following.tag == qn("w:p")):
            continue
        accept = mark.tag in (qn("w:del"), qn("w:moveFrom"))
        k = index - 1
        while k > 0 and _vanishes(elements[k - 1], accept=accept):
            k -= 1
        prev = elements[k - 1] if k > 0 else None
        if prev is not None and _vanishes(prev, accept=not accept):
            _fuse(element, prev, writer, deleted_first=not accept)
            elements.remove(prev)
            index -= 1
        elif prev is not None and prev.tag == qn("w:p") and _mark_of(prev) is None:
            new, old = _props(element)
            prev_new, prev_old = _props(prev)
            _drop(mark)
            writer.finish(prev, mark="del" if accept else "ins")
            _set_props(element, prev_new if accept else new, old if accept else prev_old, writer)
        elif following is None:
            # The body's last paragraph, after a table: its mark stays, as the mark Word
            # always keeps after a final table; readers show it as an empty paragraph.
            _drop(mark)


def _fuse(
    element: etree._Element, other: etree._Element, writer: TrackedWriter, *, deleted_first: bool
) -> None:
    """Make ``element`` one replaced paragraph holding ``other``'s content as well.

    One of the two has a deleted mark and the other an inserted one; the result keeps its
    mark in both views, with the inserted paragraph's properties and the deleted one's old.
    """
    deleted, inserted = (other, element) if deleted_first else (element, other)
    new, _ = _props(inserted)
    _, old = _props(deleted)
    for p in (element, other):
        mark = _mark_of(p)
        if mark is not None:
            _drop(mark)
    content = _content(other)
    anchor = next(iter(_content(element)), None)
    for child in content:
        if anchor is not None and deleted_first:
            anchor.addprevious(child)
        else:
            element.append(child)
    _set_props(element, new, old, writer)


def _drop(mark: etree._Element) -> None:
    """Remove a paragraph-mark revision, and the properties it leaves empty."""
    parent = mark.getparent()
    parent.remove(mark)
    while parent is not None and not len(parent) and parent.tag in (qn("w:rPr"), qn("w:pPr")):
        grand = parent.getparent()
        grand.remove(parent)
        parent = grand


def _vanishes(element: etree._Element, *, accept: bool) -> bool:
    mark = _mark_of(element)
    if mark is None:
        return False
    return (mark.tag in (qn("w:del"), qn("w:moveFrom"))) == accept


def _props(p: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """Return a paragraph's new and old properties (old = new without a ``w:pPrChange``)."""
    new = _ppr_base(p)
    change = p.find(f"{qn('w:pPr')}/{qn('w:pPrChange')}/{qn('w:pPr')}")
    old = list(change) if change is not None else new
    return [copy.deepcopy(c) for c in new], [copy.deepcopy(c) for c in old]


def _set_props(
    p: etree._Element, new: list[etree._Element], old: list[etree._Element], writer: TrackedWriter
) -> None:
    """Replace a paragraph's properties by ``new``, recording ``old`` when it differs."""
    ppr = p.find(qn("w:pPr"))
    rpr = ppr.find(qn("w:rPr")) if ppr is not None else None
    if ppr is not None:
        p.remove(ppr)
    ppr = w("pPr")
    ppr.extend(new)
    if rpr is not None:
        ppr.append(rpr)
    p.insert(0, ppr)
    before = w("p")
    before.append(w("pPr"))
    before[0].extend(old)
    writer.finish(p, old=before)


def _mark_of(p: etree._Element) -> etree._Element | None:
    if p.tag != qn("w:p"):
        return None
    rpr = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    if rpr is None:
        return None
    for child in rpr:
        if child.tag in (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")):
            return child
    return None


def _content(p: etree._Element) -> list[etree._Element]:
    return [c for c in p if c.tag not in (qn("w:pPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"))]


def _trim(
    element: etree._Element, *, bookmarks: bool = True, content: bool = True
) -> etree._Element:
    """Return a rendered paragraph without its bookmarks and/or its runs (tables unchanged)."""
    if element.tag != qn("w:p"):
        return element
    for child in list(element):
        is_mark = child.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd"))
        if (is_mark and not bookmarks) or (not content and child.tag in _CONTENT):
            element.remove(child)
    return element


def _aligned(spans: list[Span], old: list[Span] | None) -> list[tuple[Span, Span | None]]:
    """Return ``spans`` cut where either side's formatting changes, each with its old span."""
    if not old:
        return [(s, None) for s in spans]
    pieces: list[tuple[Span, Span | None]] = []
    queue = [(o, o.text) for o in old]
    k = 0
    for span in spans:
        text = span.text
        while text:
            while k < len(queue) and not queue[k][1]:
                k += 1
            if k >= len(queue):
                pieces.append((span.model_copy(update={"text": text}), None))
                break
            before, rest = queue[k]
            n = min(len(text), len(rest))
            pieces.append(
                (
                    span.model_copy(update={"text": text[:n]}),
                    before.model_copy(update={"text": text[:n]}),
                )
            )
            queue[k] = (before, rest[n:])
            text = text[n:]
    return pieces


def _to_deleted_text(run: etree._Element) -> None:
    for t in run.iter(qn("w:t")):
        t.tag = qn("w:delText")


def _add_rpr_change(run: etree._Element, old_run: etree._Element, change: etree._Element) -> None:
    """Give ``run`` a ``w:rPrChange`` holding the complete old run properties."""
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = w("rPr")
        run.insert(0, rpr)
    old = old_run.find(qn("w:rPr"))
    change.append(copy.deepcopy(old) if old is not None else w("rPr"))
    rpr.append(change)


def _insert_before(parent: etree._Element, child: etree._Element, names: tuple[str, ...]) -> None:
    for existing in parent:
        if existing.tag in {qn(f"w:{n}") for n in names}:
            existing.addprevious(child)
            return
    parent.append(child)


def _ppr_base(p: etree._Element) -> list[etree._Element]:
    """Return the paragraph's own properties (``CT_PPrBase``: no rPr, sectPr or change)."""
    ppr = p.find(qn("w:pPr"))
    skip = {qn("w:rPr"), qn("w:sectPr"), qn("w:pPrChange")}
    return [] if ppr is None else [c for c in ppr if c.tag not in skip]


def _ppr_key(p: etree._Element) -> bytes:
    return b"".join(etree.tostring(c) for c in _ppr_base(p))


def _track_revisions(doc: DocxDocument) -> None:
    """Switch on ``w:trackRevisions`` in settings.xml, in schema order."""
    settings = doc.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    position = 0
    for index, child in enumerate(settings):
        if child.tag in _SETTINGS_BEFORE_TRACK:
            position = index + 1
    settings.insert(position, w("trackRevisions"))


def write_tracked_docx(
    changes: ChangeSet, *, author: str, date: dt.datetime, reference: Path | None = None
) -> DocxDocument:
    """Return a python-docx document showing ``changes`` as native tracked changes.

    ``author`` and ``date`` attribute every operation whose own attribution is empty. Add
    comments to the returned document, then save it with :func:`save_tracked_docx`.
    """
    reference = reference if reference is not None else default_reference()
    doc = new_document(reference)
    set_core_properties(doc, changes.proposed.meta, modified=date)
    writer = TrackedWriter(doc, changes, _Marks(author, date))
    append_to_body(doc, writer.body())
    _track_revisions(doc)
    return doc


def save_tracked_docx(doc: DocxDocument, target: Path | BinaryIO) -> None:
    """Save a tracked document to a path or binary stream (reproducible zip timestamps)."""
    data = save_bytes(doc)
    if isinstance(target, Path):
        try:
            target.write_bytes(data)
        except OSError as e:
            raise InvalidInputError(f"cannot write {target}: {e.strerror}") from e
    else:
        target.write(data)


def render_tracked_bytes(
    changes: ChangeSet, *, author: str, date: dt.datetime, reference: Path | None = None
) -> bytes:
    """Return the tracked-change Word file for ``changes`` as bytes."""
    return save_bytes(write_tracked_docx(changes, author=author, date=date, reference=reference))
