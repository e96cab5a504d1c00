"""Runs, hyperlinks and paragraphs: the inline layer of the Word writers."""

from __future__ import annotations

import re

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.parser import oxml_parser
from lxml import etree

from coproduce.docx.xml import W_NS, qn
from coproduce.models import Span

CODE_FONT = "Consolas"
_ALIGN = {"left": "left", "center": "center", "right": "right"}
_NSMAP = {"w": W_NS}
_make_element = oxml_parser.makeelement  # python-docx's element classes, without its tag parsing
_sub = etree.SubElement
_CLARK: dict[str, str] = {}
_P, _PPR, _R, _RPR, _T = (qn(f"w:{t}") for t in ("p", "pPr", "r", "rPr", "t"))
_BR, _TAB, _B, _I = (qn(f"w:{t}") for t in ("br", "tab", "b", "i"))
_VAL, _SPACE = qn("w:val"), qn("xml:space")
_CODE_FONTS = {qn(f"w:{a}"): CODE_FONT for a in ("ascii", "hAnsi", "cs", "eastAsia")}
# Characters a run written as text needs the element path for: tabs and breaks become w:tab
# and w:br, and XML 1.0 forbids the other controls, lone surrogates and U+FFFE/U+FFFF.
_NOT_PLAIN = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")  # cheap to compile
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CODE_XML = "".join(f' w:{a}="{CODE_FONT}"' for a in ("ascii", "hAnsi", "cs", "eastAsia"))


def _clark(name: str) -> str:
    """Return the Clark name of a ``w:`` local name, cached (hot in the writers)."""
    found = _CLARK.get(name)
    if found is None:
        found = _CLARK[name] = f"{{{W_NS}}}{name}"
    return found


def style_id(doc: DocxDocument, name: str) -> str | None:
    """Return the id of the style called ``name`` (case-insensitive), or None if absent."""
    # Looked up once per paragraph, so the name -> id map is cached on the document part and
    # rebuilt only when the number of styles changes (a style was added).
    cached = getattr(doc.part, "_coproduce_style_ids", None)
    styles = cached[0] if cached is not None else doc.styles.element
    count = len(styles)
    if cached is None or cached[1] != count:
        mapping: dict[str, str] = {}
        for style in styles.iterchildren(qn("w:style")):
            name_el = style.find(qn("w:name"))
            style_key = name_el.get(_VAL) if name_el is not None else None
            if style_key is not None:
                mapping.setdefault(style_key.lower(), str(style.get(qn("w:styleId"))))
        cached = (styles, count, mapping)
        doc.part._coproduce_style_ids = cached  # type: ignore[attr-defined]
    return cached[2].get(name.lower())


def w(tag: str, **attrs: str) -> etree._Element:
    """Return a new ``w:`` element with ``w:``-prefixed attributes."""
    attrib = {_clark(k): v for k, v in attrs.items()} if attrs else None
    return _make_element(_clark(tag), attrib, _NSMAP)


def make_run(span: Span, *, char_style: str | None = None) -> etree._Element:
    """Return a ``w:r`` for one span: bold, italic, code font; "\\n" and tabs as w:br/w:tab."""
    run = _make_element(_R, None, _NSMAP)
    if char_style or span.code or span.bold or span.italic:
        rpr = _sub(run, _RPR)
        if char_style:
            _sub(rpr, qn("w:rStyle"), {_VAL: char_style})
        if span.code:
            _sub(rpr, qn("w:rFonts"), _CODE_FONTS)
        if span.bold:
            _sub(rpr, _B)
        if span.italic:
            _sub(rpr, _I)
    text = span.text
    if "\n" not in text and "\t" not in text:
        if text:
            _add_text(run, text)
        return run
    for index, line in enumerate(text.split("\n")):
        if index:
            _sub(run, _BR)
        for part_index, piece in enumerate(line.split("\t")):
            if part_index:
                _sub(run, _TAB)
            if piece:
                _add_text(run, piece)
    return run


def _add_text(run: etree._Element, piece: str) -> None:
    t = _sub(run, _T)
    t.text = piece
    if piece[0].isspace() or piece[-1].isspace():
        t.set(_SPACE, "preserve")


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
    paragraph = _make_element(_P, None, _NSMAP)
    sid = style_id(doc, style) if style else None
    if sid or num is not None or align:
        ppr = _sub(paragraph, _PPR)
        if sid:
            _sub(ppr, qn("w:pStyle"), {_VAL: sid})
        if num is not None:
            numpr = _sub(ppr, qn("w:numPr"))
            _sub(numpr, qn("w:ilvl"), {_VAL: str(num[1])})
            _sub(numpr, qn("w:numId"), {_VAL: str(num[0])})
        if align:
            _sub(ppr, qn("w:jc"), {_VAL: _ALIGN.get(align, "left")})
    if len(spans) == 1 and spans[0].link is None:  # the common case: one plain run
        paragraph.append(make_run(spans[0]))
    else:
        add_spans(doc, paragraph, spans)
    return paragraph


def plain_paragraph_xml(spans: list[Span]) -> str | None:
    """Return the XML of an unstyled paragraph of unlinked spans, as :func:`make_paragraph`
    would build it, or None where it needs the element path (links, tabs, breaks).

    Many paragraphs written as text and parsed at once (:func:`parse_paragraphs`) cost a
    fraction of building each element in Python; the result is the same XML.
    """
    parts = ["<w:p>"]
    for span in spans:
        text = span.text
        if span.link is not None or _NOT_PLAIN.search(text):
            return None
        parts.append("<w:r>")
        if span.code or span.bold or span.italic:
            parts.append("<w:rPr>")
            if span.code:
                parts.append(f"<w:rFonts{_CODE_XML}/>")
            if span.bold:
                parts.append("<w:b/>")
            if span.italic:
                parts.append("<w:i/>")
            parts.append("</w:rPr>")
        if text:
            space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
            parts.append(f"<w:t{space}>{text.translate(_ESCAPE)}</w:t>")
        parts.append("</w:r>")
    parts.append("</w:p>")
    return "".join(parts)


def parse_paragraphs(xml: list[str]) -> list[etree._Element]:
    """Return the paragraphs :func:`plain_paragraph_xml` wrote, parsed in one go."""
    if not xml:
        return []
    text = f'<w:body xmlns:w="{W_NS}">{"".join(xml)}</w:body>'
    return list(etree.fromstring(text.encode("utf-8"), oxml_parser))


def add_bookmark(paragraph: etree._Element, name: str, bookmark_id: int) -> None:
    """Wrap the content of a ``w:p`` in a bookmark called ``name`` (a heading's section id)."""
    start = w("bookmarkStart", id=str(bookmark_id), name=name)
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph.insert(0, start)
    paragraph.append(w("bookmarkEnd", id=str(bookmark_id)))
