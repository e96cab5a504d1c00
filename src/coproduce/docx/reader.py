"""Import a Word .docx as a guidance document: the accepted view, with honest warnings."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from lxml import etree
from pydantic import BaseModel, Field, ValidationError

from coproduce.docx.build import DETAILS_CAPTION
from coproduce.docx.custom import read_front_matter_property
from coproduce.docx.inline import InlineContext, merge_spans, read_spans
from coproduce.docx.numbering import read_list_formats
from coproduce.docx.package import WordPackage, core_title, open_package
from coproduce.docx.sections import assign_sections
from coproduce.docx.styles import StyleSheet, read_num_pr
from coproduce.docx.xml import local_name, qn
from coproduce.errors import InvalidInputError
from coproduce.models import (
    Block,
    Document,
    DocumentMeta,
    Heading,
    ListItem,
    Paragraph,
    Quote,
    Span,
    Table,
    TableCell,
    TableRow,
)

_REVISION_TAGS = frozenset(
    qn(f"w:{t}")
    for t in [
        "ins",
        "del",
        "moveFrom",
        "moveTo",
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "trPrChange",
        "tcPrChange",
        "tblGridChange",
        "cellIns",
        "cellDel",
        "cellMerge",
        "numberingChange",
    ]
)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_JC = {"left": "left", "start": "left", "center": "center", "right": "right", "end": "right"}
_WARNINGS = {
    "text boxes": "{n} text box(es) imported as ordinary paragraphs after their anchor",
    "notes": "{n} footnote(s)/endnote(s) imported as numbered paragraphs at the end",
    "content controls": "{n} content control(s) imported as their current text",
    "fields": "{n} field(s) imported as their displayed result",
    "images": "{n} image(s) kept only as '[image: alt text]' placeholders",
    "nested tables": "{n} nested table(s) flattened to text inside their cell",
    "equations": "{n} equation(s) imported as plain text",
}


class DocxImport(BaseModel):
    """A Word file imported as a document, with what the import could not carry over."""

    document: Document
    warnings: list[str] = Field(default_factory=list)


def read_docx(source: Path | bytes, *, slug: str) -> DocxImport:
    """Import a .docx (checked first) as a Document in the accepted view of its changes."""
    package = open_package(source)
    reader = _BodyReader(package)
    body = package.document.find(qn("w:body"))
    if body is not None:
        reader.read_container(body)
    stem = source.stem if isinstance(source, Path) else slug
    meta = _build_meta(reader, package, fallback=stem)
    notes: list[Block] = [
        Paragraph(spans=[Span(text=f"[{n}] {text}".strip())])
        for n, text in enumerate(reader.ctx.notes, start=1)
    ]
    blocks = assign_sections(reader.blocks + notes, bookmarks=reader.bookmarks)
    try:
        document = Document(slug=slug, meta=meta, blocks=blocks)
    except ValidationError as e:
        raise InvalidInputError(f"cannot import as {slug!r}: not a valid document slug") from e
    return DocxImport(document=document, warnings=_warnings(reader, package))


class _BodyReader:
    """Turn body-level elements into blocks, carrying paragraph-mark deletions forward."""

    def __init__(self, package: WordPackage) -> None:
        self.package = package
        self.styles = StyleSheet(package.styles)
        self.formats = read_list_formats(package.numbering)
        self.ctx = InlineContext(self.styles, package.hyperlinks, self._note_text)
        self.blocks: list[Block] = []
        self.bookmarks: list[str | None] = []
        self.title_paragraph: str | None = None
        self.details: dict[str, list[str]] | None = None
        self.counts: Counter[str] = Counter()
        self._carry: list[Span] = []

    def read_container(self, parent: etree._Element) -> None:
        """Read every block-level child of the body (or a content control) in order."""
        for child in parent:
            name = local_name(child)
            if name == "p":
                self.read_paragraph(child)
            elif name == "tbl":
                self._flush_carry()
                self.read_table(child)
            elif name in ("sdt", "customXml", "sdtContent", "ins", "moveTo"):
                if name == "sdt":
                    self.counts["content controls"] += 1
                self.read_container(child.find(qn("w:sdtContent")) if name == "sdt" else child)
        self._flush_carry()

    def read_paragraph(self, p: etree._Element) -> None:
        """Add the block for one paragraph (or carry it into the next when its mark is deleted)."""
        spans = self._carry + read_spans(p, self.ctx)
        self._carry = []
        if _mark_deleted(p):
            self._carry = spans
            return
        boxes, self.ctx.text_boxes = self.ctx.text_boxes, []
        self._add_paragraph_block(p, _trim(spans))
        for element in boxes:
            if local_name(element) == "p":
                self.read_paragraph(element)
            elif local_name(element) == "tbl":
                self.read_table(element)

    def _add_paragraph_block(self, p: etree._Element, spans: list[Span]) -> None:
        if not spans:
            return
        ppr = p.find(qn("w:pPr"))
        style = _child_val(ppr, "w:pStyle")
        level = self.styles.heading_level(style)
        outline = _child_val(ppr, "w:outlineLvl")
        if outline is not None and outline.isdigit() and int(outline) < 9:
            level = int(outline) + 1
        if level == 0 and self.title_paragraph is None:
            self.title_paragraph = "".join(s.text for s in spans).strip()
            return
        if level:
            self.blocks.append(Heading(level=min(level, 6), id="section", spans=_plain(spans)))
            self.bookmarks.append(_bookmark(p))
            return
        listed = self._list_info(ppr, style)
        if listed is not None:
            ordered, ilvl = listed
            self.blocks.append(ListItem(level=min(ilvl, 8), ordered=ordered, spans=spans))
        elif self.styles.is_quote(style):
            self.blocks.append(Quote(spans=spans))
        else:
            self.blocks.append(Paragraph(spans=spans))

    def _list_info(self, ppr: etree._Element | None, style: str | None) -> tuple[bool, int] | None:
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num = read_num_pr(numpr) if numpr is not None else self.styles.numbering(style)
        by_name, ordered_by_name = self.styles.is_list_style(style)
        if num is None:
            return (ordered_by_name, 0) if by_name and numpr is None else None
        fmt = self.formats.get(num[0], {}).get(num[1], "decimal" if ordered_by_name else "bullet")
        if fmt == "none":
            return None
        return fmt != "bullet", num[1]

    def _flush_carry(self) -> None:
        if self._carry:
            spans, self._carry = _trim(self._carry), []
            if spans:
                self.blocks.append(Paragraph(spans=spans))

    def read_table(self, tbl: etree._Element) -> None:
        """Add a Table block (or read the title block's details table into metadata)."""
        if _child_val(tbl.find(qn("w:tblPr")), "w:tblCaption") == DETAILS_CAPTION and (
            self.details is None
        ):
            self.details = {
                "".join(s.text for s in row[0]).strip().lower(): _lines(row[1])
                for row in self._table_rows(tbl)
                if len(row) >= 2
            }
            return
        rows = self._table_rows(tbl)
        if not rows:
            return
        width = max(len(r) for r in rows)
        table_rows = [
            TableRow(cells=[TableCell(spans=s) for s in r + [[]] * (width - len(r))]) for r in rows
        ]
        header = _first_row_is_header(tbl)
        align = _column_align(tbl, width)
        self.blocks.append(Table(header=header, align=align, rows=table_rows))

    def _table_rows(self, tbl: etree._Element) -> list[list[list[Span]]]:
        rows: list[list[list[Span]]] = []
        for tr in _iter_children(tbl, "tr"):
            trpr = tr.find(qn("w:trPr"))
            if trpr is not None and trpr.find(qn("w:del")) is not None:
                continue
            cells: list[list[Span]] = []
            for tc in _iter_children(tr, "tc"):
                tcpr = tc.find(qn("w:tcPr"))
                if tcpr is not None and tcpr.find(qn("w:cellDel")) is not None:
                    continue
                span = _child_val(tcpr, "w:gridSpan")
                merged = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                continued = merged is not None and merged.get(qn("w:val"), "continue") != "restart"
                cells.append([] if continued else self._cell_spans(tc))
                cells.extend([] for _ in range(int(span) - 1 if span and span.isdigit() else 0))
            rows.append(cells)
        return rows

    def _cell_spans(self, tc: etree._Element) -> list[Span]:
        lines: list[list[Span]] = []
        carry: list[Span] = []
        for element in _iter_children(tc, "p", "tbl"):
            if local_name(element) == "tbl":
                self.counts["nested tables"] += 1
                text = " ".join(
                    " ".join(s.text for c in r for s in c) for r in self._table_rows(element)
                )
                lines.append([Span(text=" ".join(text.split()))])
                continue
            spans = carry + read_spans(element, self.ctx)
            carry = []
            if _mark_deleted(element):
                carry = spans
            elif _trim(spans):
                lines.append(_trim(spans))
        if carry and _trim(carry):
            lines.append(_trim(carry))
        joined: list[Span] = []
        for index, line in enumerate(lines):
            joined.extend(([Span(text="\n")] if index else []) + line)
        return merge_spans(joined)

    def _note_text(self, kind: str, note_id: str) -> str:
        self.counts["notes"] += 1
        root = self.package.footnotes if kind == "footnote" else self.package.endnotes
        if root is None:
            return ""
        for note in root.iterchildren(qn(f"w:{kind}")):
            if note.get(qn("w:id")) == note_id:
                texts = [
                    "".join(s.text for s in read_spans(p, self.ctx)) for p in note.iter(qn("w:p"))
                ]
                return " ".join(" ".join(texts).split())
        return ""


def _iter_children(parent: etree._Element, *names: str) -> list[etree._Element]:
    """Return children named ``names``, looking through content controls and customXml."""
    found: list[etree._Element] = []
    for child in parent:
        name = local_name(child)
        if name in names:
            found.append(child)
        elif name in ("sdt", "customXml", "sdtContent", "ins", "moveTo"):
            found.extend(_iter_children(child, *names))
    return found


def _child_val(parent: etree._Element | None, tag: str) -> str | None:
    child = parent.find(qn(tag)) if parent is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _mark_deleted(p: etree._Element) -> bool:
    """Return whether the paragraph mark is deleted (or moved away) in a tracked change."""
    rpr = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    return rpr is not None and (
        rpr.find(qn("w:del")) is not None or rpr.find(qn("w:moveFrom")) is not None
    )


def _trim(spans: list[Span]) -> list[Span]:
    """Drop leading and trailing whitespace (and line breaks) of a paragraph's spans."""
    spans = merge_spans(spans)
    while spans and not spans[0].text.strip():
        spans = spans[1:]
    while spans and not spans[-1].text.strip():
        spans = spans[:-1]
    if not spans:
        return []
    first, last = spans[0], spans[-1]
    spans[0] = first.model_copy(update={"text": first.text.lstrip()})
    spans[-1] = spans[-1].model_copy(update={"text": spans[-1].text.rstrip()})
    if len(spans) == 1:
        spans[0] = last.model_copy(update={"text": last.text.strip()})
    return spans


def _plain(spans: list[Span]) -> list[Span]:
    """Return heading spans without bold (headings are bold by style, not by emphasis)."""
    return merge_spans([s.model_copy(update={"bold": False}) for s in spans])


def _bookmark(p: etree._Element) -> str | None:
    for mark in p.iter(qn("w:bookmarkStart")):
        name = mark.get(qn("w:name"), "")
        if _ID.match(name):
            return name
    return None


def _lines(spans: list[Span]) -> list[str]:
    return [line.strip() for line in "".join(s.text for s in spans).split("\n") if line.strip()]


def _first_row_is_header(tbl: etree._Element) -> bool:
    rows = _iter_children(tbl, "tr")
    trpr = rows[0].find(qn("w:trPr")) if rows else None
    marker = trpr.find(qn("w:tblHeader")) if trpr is not None else None
    return marker is not None and marker.get(qn("w:val"), "1").lower() not in {"0", "false", "off"}


def _column_align(tbl: etree._Element, width: int) -> list[str | None]:
    rows = _iter_children(tbl, "tr")
    if not rows:
        return []
    align: list[str | None] = []
    for tc in _iter_children(rows[0], "tc"):
        jc = _child_val(tc.find(f"{qn('w:p')}/{qn('w:pPr')}"), "w:jc")
        align.append(_JC.get(jc or ""))
    if not any(align):
        return []
    return (align + [None] * width)[:width]


def _build_meta(reader: _BodyReader, package: WordPackage, *, fallback: str) -> DocumentMeta:
    title = core_title(package) or reader.title_paragraph or fallback
    stored = _stored_front_matter(package)
    # What the file shows (title, title block) wins over what we stored when it was rendered.
    data: dict[str, object] = {**stored, "title": title}
    details = reader.details or {}
    for label, key in (("owner", "owner"), ("status", "status"), ("version", "version")):
        if details.get(label):
            data[key] = details[label][0].lower() if key == "status" else details[label][0]
    if isinstance(data.get("version"), str):  # "1.2 draft" on the title block is version 1.2
        data["version"] = str(data["version"]).split()[0] if str(data["version"]).split() else ""
    if details.get("review date"):
        data["review_date"] = _parse_date(details["review date"][0])
    if details.get("statutory basis"):
        data["statutory_basis"] = details["statutory basis"]
    try:
        return DocumentMeta.model_validate(data)
    except ValidationError:
        pass
    try:  # a stored value that no longer validates is dropped, not the title block's
        return DocumentMeta.model_validate({k: v for k, v in data.items() if k not in stored})
    except ValidationError:
        reader.counts["unreadable details"] += 1
        return DocumentMeta(title=title)


def _stored_front_matter(package: WordPackage) -> dict[str, object]:
    stored = read_front_matter_property(package.custom)
    return {str(k): v for k, v in stored.items() if k != "title"}


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%d %B %Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _warnings(reader: _BodyReader, package: WordPackage) -> list[str]:
    warnings: list[str] = []
    revisions = sum(1 for e in package.document.iter() if e.tag in _REVISION_TAGS)
    if revisions:
        warnings.append(f"contains {revisions} tracked changes; imported as if all were accepted")
    comments = (
        len(package.comments.findall(qn("w:comment")))
        if package.comments is not None
        else sum(1 for _ in package.document.iter(qn("w:commentReference")))
    )
    if comments:
        warnings.append(f"contains {comments} comments; their text was not imported")
    counts = reader.counts + reader.ctx.counts
    for key, template in _WARNINGS.items():
        if counts[key]:
            warnings.append(template.format(n=counts[key]))
    if counts["unreadable details"]:
        warnings.append("the document details table could not be read; kept only the title")
    return warnings
