"""Primitives shared by the clean and tracked Word writers: runs, paragraphs, lists, tables."""

from __future__ import annotations

import datetime as dt

import docx
from docx.document import Document as DocxDocument
from lxml import etree

from coproduce.docx.numbering import ListNumbering
from coproduce.docx.reference import ensure_styles, new_document
from coproduce.docx.runs import (
    CODE_FONT,
    add_bookmark,
    add_spans,
    make_hyperlink,
    make_paragraph,
    make_run,
    style_id,
    w,
)
from coproduce.docx.xml import qn
from coproduce.errors import InvalidInputError
from coproduce.models import (
    Block,
    DocumentMeta,
    Heading,
    ListItem,
    Paragraph,
    Quote,
    Span,
    Table,
)

DETAILS_CAPTION = "Document details"
"""``w:tblCaption`` of the title block's details table; the reader recognises it by this."""


def text_width(doc: DocxDocument) -> int:
    """Return the usable page width of the last section in twentieths of a point."""
    section = doc.sections[-1]
    page = section.page_width or docx.shared.Inches(8.27)
    left = section.left_margin or 0
    right = section.right_margin or 0
    return int((page - left - right) / 635)


def make_table(
    doc: DocxDocument,
    rows: list[list[list[Span]]],
    *,
    header: bool = True,
    align: list[str | None] | None = None,
    caption: str | None = None,
    widths: list[int] | None = None,
) -> etree._Element:
    """Return a ``w:tbl`` (Table Grid, full width) whose first row repeats when ``header``."""
    columns = max(len(r) for r in rows)
    widths = widths or [text_width(doc) // columns] * columns
    tbl = w("tbl")
    tblpr = w("tblPr")
    sid = style_id(doc, "Table Grid")
    if sid:
        tblpr.append(w("tblStyle", val=sid))
    tblpr.append(w("tblW", w="5000", type="pct"))
    tblpr.append(
        w(
            "tblLook",
            val="04A0",
            firstRow="1",
            lastRow="0",
            firstColumn="1",
            lastColumn="0",
            noHBand="0",
            noVBand="1",
        )
    )
    if caption:
        tblpr.append(w("tblCaption", val=caption))
    tbl.append(tblpr)
    grid = w("tblGrid")
    for width in widths:
        grid.append(w("gridCol", w=str(width)))
    tbl.append(grid)
    for index, cells in enumerate(rows):
        tr = w("tr")
        if header and index == 0:
            trpr = w("trPr")
            trpr.append(w("tblHeader"))
            tr.append(trpr)
        for col in range(columns):
            spans = cells[col] if col < len(cells) else []
            tc = w("tc")
            tcpr = w("tcPr")
            tcpr.append(w("tcW", w=str(widths[col]), type="dxa"))
            tc.append(tcpr)
            col_align = align[col] if align and col < len(align) else None
            tc.append(make_paragraph(doc, spans, align=col_align))
            tr.append(tc)
        tbl.append(tr)
    return tbl


def append_to_body(doc: DocxDocument, elements: list[etree._Element]) -> None:
    """Append block-level elements to the body, keeping the final ``w:sectPr`` last."""
    body = doc.element.body
    sect_pr = body.find(qn("w:sectPr"))
    for element in elements:
        if sect_pr is not None:
            sect_pr.addprevious(element)
        else:
            body.append(element)


class BlockWriter:
    """Turn blocks into body elements, keeping list numbering and bookmark ids consistent."""

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self.lists = ListNumbering(doc)
        self._bookmark_id = 0
        self._width: int | None = None

    def make(self, block: Block) -> list[etree._Element]:
        """Return the elements for one block without adding them to the document."""
        if not isinstance(block, ListItem):
            self.lists.end_list()
        if isinstance(block, Paragraph):  # the commonest block first
            return [make_paragraph(self.doc, block.spans)]
        if isinstance(block, Heading):
            paragraph = make_paragraph(self.doc, block.spans, style=f"Heading {block.level}")
            self._bookmark_id += 1
            add_bookmark(paragraph, block.id, self._bookmark_id)
            return [paragraph]
        if isinstance(block, ListItem):
            num_id = self.lists.num_for(level=block.level, ordered=block.ordered)
            style = "List Paragraph"
            return [make_paragraph(self.doc, block.spans, style=style, num=(num_id, block.level))]
        if isinstance(block, Quote):
            return [make_paragraph(self.doc, block.spans, style="Quote")]
        if isinstance(block, Table):
            rows = [[cell.spans for cell in row.cells] for row in block.rows]
            if self._width is None:
                self._width = text_width(self.doc)
            columns = max(len(r) for r in rows)
            widths = [self._width // columns] * columns
            return [
                make_table(
                    self.doc, rows, header=block.header, align=list(block.align), widths=widths
                )
            ]
        raise InvalidInputError(f"cannot write a block of kind {block.kind!r} to Word")

    def skip(self, block: Block) -> None:
        """Advance past ``block`` as :meth:`make` would (numbering, bookmarks), building nothing."""
        if isinstance(block, ListItem):
            self.lists.num_for(level=block.level, ordered=block.ordered)
            return
        self.lists.end_list()
        if isinstance(block, Heading):
            self._bookmark_id += 1

    def add(self, block: Block) -> list[etree._Element]:
        """Add one block at the end of the body and return the elements created."""
        elements = self.make(block)
        append_to_body(self.doc, elements)
        return elements


def add_block(doc: DocxDocument, block: Block, *, writer: BlockWriter | None = None) -> list:
    """Add one block to the body (pass one ``writer`` across calls so lists stay together)."""
    return (writer or BlockWriter(doc)).add(block)


def version_label(meta: DocumentMeta) -> str:
    """Return the version as a reader should see it: ``1.1``, or ``1.2 draft`` for a draft."""
    return f"{meta.version} draft" if meta.status == "draft" else meta.version


def details_rows(meta: DocumentMeta) -> list[tuple[str, list[str]]]:
    """Return the title block's label and value lines, in display order; empty rows are left
    out rather than shown blank."""
    review = meta.review_date.strftime("%-d %B %Y") if meta.review_date else ""
    rows = [
        ("Owner", [meta.owner]),
        ("Status", [meta.status.capitalize()]),
        ("Version", [version_label(meta)]),
        ("Review date", [review]),
        ("Statutory basis", list(meta.statutory_basis)),
    ]
    return [(label, values) for label, values in rows if any(v.strip() for v in values)]


def make_title_block(doc: DocxDocument, meta: DocumentMeta) -> list[etree._Element]:
    """Return the Title paragraph, the two-column document details table and an empty
    paragraph after it, so that a first body table never touches it (Word and comparers
    would read two tables with nothing between them as one)."""
    title = make_paragraph(doc, [Span(text=meta.title)], style="Title")
    rows = [[[Span(text=label)], _lines_to_spans(values)] for label, values in details_rows(meta)]
    width = text_width(doc)
    table = make_table(
        doc, rows, header=False, caption=DETAILS_CAPTION, widths=[width // 3, width - width // 3]
    )
    return [title, table, make_paragraph(doc, [])]


def _lines_to_spans(lines: list[str]) -> list[Span]:
    spans: list[Span] = []
    for index, line in enumerate(lines):
        if index:
            spans.append(Span(text="\n"))
        if line:
            spans.append(Span(text=line))
    return spans


def add_title_block(doc: DocxDocument, meta: DocumentMeta) -> list[etree._Element]:
    """Add the title block at the end of the body and return its elements."""
    elements = make_title_block(doc, meta)
    append_to_body(doc, elements)
    return elements


def set_core_properties(
    doc: DocxDocument, meta: DocumentMeta, *, modified: dt.datetime | None = None
) -> None:
    """Fill core properties from ``meta``; dates come from ``meta`` extras when present."""
    props = doc.core_properties
    extra = meta.model_extra or {}
    props.title = meta.title
    props.author = meta.owner
    props.subject = f"Version {meta.version} — {meta.status}"
    props.keywords = "; ".join(meta.statutory_basis)
    props.category = meta.status
    props.comments = ""
    props.last_modified_by = str(extra.get("last_modified_by") or meta.owner or "coproduce")
    props.revision = _revision(meta)
    created = _as_datetime(extra.get("created")) or modified
    changed = _as_datetime(extra.get("modified")) or modified or created
    if created is not None:
        props.created = created
    if changed is not None:
        props.modified = changed


def _revision(meta: DocumentMeta) -> int:
    major, minor = (int(n) for n in meta.version.split("."))
    return max(1, major * 100 + minor)


def _as_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str):
        try:
            return _as_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


__all__ = [
    "CODE_FONT",
    "DETAILS_CAPTION",
    "BlockWriter",
    "add_block",
    "add_bookmark",
    "add_spans",
    "add_title_block",
    "append_to_body",
    "details_rows",
    "ensure_styles",
    "make_hyperlink",
    "make_paragraph",
    "make_run",
    "make_table",
    "make_title_block",
    "new_document",
    "set_core_properties",
    "style_id",
    "text_width",
    "version_label",
    "w",
]
