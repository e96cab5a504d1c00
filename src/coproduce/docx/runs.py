"""Runs, hyperlinks and paragraphs: the inline layer of the Word writers."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.parser import OxmlElement
from lxml import etree

from coproduce.docx.xml import qn
from coproduce.models import Span

CODE_FONT = "Consolas"
_ALIGN = {"left": "left", "center": "center", "right": "right"}


def style_id(doc: DocxDocument, name: str) -> str | None:
    """Return the id of the style called ``name`` (case-insensitive), or None if absent."""
    # Looked up once per paragraph, so the name -> id map is cached on the document part and
    # rebuilt only when the number of styles changes (a style was added).
    styles = doc.styles.element
    count = len(styles)
    cached = getattr(doc.part, "_coproduce_style_ids", None)
    if cached is None or cached[0] != count:
        mapping: dict[str, str] = {}
        for style in styles.iterchildren(qn("w:style")):
            name_el = style.find(qn("w:name"))
            style_key = name_el.get(qn("w:val")) if name_el is not None else None
            if style_key is not None:
                mapping.setdefault(style_key.lower(), str(style.get(qn("w:styleId"))))
        cached = (count, mapping)
        doc.part._coproduce_style_ids = cached  # type: ignore[attr-defined]
    return cached[1].get(name.lower())


def w(tag: str, **attrs: str) -> etree._Element:
    """Return a new ``w:`` element with ``w:``-prefixed attributes."""
    element = OxmlElement(f"w:{tag}")
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def make_run(span: Span, *, char_style: str | None = None) -> etree._Element:
    """Return a ``w:r`` for one span: bold, italic, code font; "\\n" and tabs as w:br/w:tab."""
    run = w("r")
    rpr = w("rPr")
    if char_style:
        rpr.append(w("rStyle", val=char_style))
    if span.code:
        rpr.append(w("rFonts", ascii=CODE_FONT, hAnsi=CODE_FONT, cs=CODE_FONT, eastAsia=CODE_FONT))
    if span.bold:
        rpr.append(w("b"))
    if span.italic:
        rpr.append(w("i"))
    if len(rpr):
        run.append(rpr)
    for index, line in enumerate(span.text.split("\n")):
        if index:
            run.append(w("br"))
        for part_index, piece in enumerate(line.split("\t")):
            if part_index:
                run.append(w("tab"))
            if piece:
                text = w("t")
                text.text = piece
                if piece != piece.strip():
                    text.set(qn("xml:space"), "preserve")
                run.append(text)
    return run


def make_hyperlink(part: Part, url: str) -> etree._Element:
    """Return an empty ``w:hyperlink`` pointing at ``url`` through a new external relationship."""
    rid = part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = w("hyperlink")
    link.set(qn("r:id"), rid)
    link.set(qn("w:history"), "1")
    return link


def add_spans(doc: DocxDocument, paragraph: etree._Element, spans: list[Span]) -> list:
    """Append runs for ``spans`` to a ``w:p``, grouping linked spans into real hyperlinks."""
    created: list[etree._Element] = []
    link_style = style_id(doc, "Hyperlink")
    current: etree._Element | None = None
    current_url: str | None = None
    for span in spans:
        if span.link is None:
            current, current_url = None, None
            run = make_run(span)
            paragraph.append(run)
            created.append(run)
            continue
        if current is None or current_url != span.link:
            current, current_url = make_hyperlink(doc.part, span.link), span.link
            paragraph.append(current)
            created.append(current)
        current.append(make_run(span, char_style=link_style))
    return created


def make_paragraph(
    doc: DocxDocument,
    spans: list[Span],
    *,
    style: str | None = None,
    num: tuple[int, int] | None = None,
    align: str | None = None,
) -> etree._Element:
    """Return a ``w:p`` with the named style, optional ``(numId, ilvl)`` and alignment."""
    paragraph = w("p")
    ppr = w("pPr")
    sid = style_id(doc, style) if style else None
    if sid:
        ppr.append(w("pStyle", val=sid))
    if num is not None:
        numpr = w("numPr")
        numpr.append(w("ilvl", val=str(num[1])))
        numpr.append(w("numId", val=str(num[0])))
        ppr.append(numpr)
    if align:
        ppr.append(w("jc", val=_ALIGN.get(align, "left")))
    if len(ppr):
        paragraph.append(ppr)
    add_spans(doc, paragraph, spans)
    return paragraph


def add_bookmark(paragraph: etree._Element, name: str, bookmark_id: int) -> None:
    """Wrap the content of a ``w:p`` in a bookmark called ``name`` (a heading's section id)."""
    start = w("bookmarkStart", id=str(bookmark_id), name=name)
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph.insert(0, start)
    paragraph.append(w("bookmarkEnd", id=str(bookmark_id)))
