"""Generate templates/reference.docx from python-docx's default template, reproducibly.

Run: .venv/bin/python scripts/make_reference_docx.py [target]
The styles give a plain, accessible look: Arial 11 pt, dark navy headings (contrast above
12:1 on white), A4 pages with 2.5 cm margins, UK English proofing language.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Pt, RGBColor

from coproduce.docx.writer import save_bytes

FONT = "Arial"
TEXT = RGBColor(0x1A, 0x1A, 0x1A)
NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x40, 0x40, 0x40)
LINK = RGBColor(0x05, 0x63, 0xC1)
HEADING_SIZES = {1: 20, 2: 16, 3: 14, 4: 12, 5: 11, 6: 11}
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _set_fonts(rpr: object, font: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # type: ignore[attr-defined]
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for side in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{side}"), font)


def _style(doc: docx.document.Document, name: str, kind: WD_STYLE_TYPE):
    try:
        return doc.styles[name]
    except KeyError:
        return doc.styles.add_style(name, kind)


def _defaults(doc: docx.document.Document) -> None:
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:eastAsia"), "en-GB")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    normal.font.color.rgb = TEXT
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.15


def _headings(doc: docx.document.Document) -> None:
    for level in range(1, 10):
        style = doc.styles[f"Heading {level}"]
        _set_fonts(style.element.get_or_add_rPr(), FONT)
        style.font.size = Pt(HEADING_SIZES.get(level, 11))
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = NAVY
        style.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    for name, size in (("Title", 26), ("Subtitle", 14)):
        style = doc.styles[name]
        _set_fonts(style.element.get_or_add_rPr(), FONT)
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY
        style.font.italic = False
        style.font.bold = name == "Title"


def _body_styles(doc: docx.document.Document) -> None:
    quote = doc.styles["Quote"]
    quote.font.color.rgb = GREY
    quote.paragraph_format.left_indent = Cm(1)
    quote.paragraph_format.right_indent = Cm(1)
    for name in ("List Bullet", "List Number", "List Paragraph"):
        doc.styles[name].paragraph_format.space_after = Pt(4)
    for level in (2, 3):
        for base in ("List Bullet", "List Number"):
            doc.styles[f"{base} {level}"].paragraph_format.space_after = Pt(4)
    link = _style(doc, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = LINK
    link.font.underline = True
    comment_text = _style(doc, "annotation text", WD_STYLE_TYPE.PARAGRAPH)
    comment_text.base_style = doc.styles["Normal"]
    comment_text.font.size = Pt(10)
    _style(doc, "annotation reference", WD_STYLE_TYPE.CHARACTER).font.size = Pt(8)


def _table_grid(doc: docx.document.Document) -> None:
    """Give Table Grid a bold, lightly shaded header row (style-level, not direct formatting)."""
    style = doc.styles["Table Grid"].element
    for old in style.findall(qn("w:tblStylePr")):
        style.remove(old)
    first = OxmlElement("w:tblStylePr", {qn("w:type"): "firstRow"})
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    tcpr.append(
        OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "E7ECF4"})
    )
    first.append(tcpr)
    style.append(first)


def _page(doc: docx.document.Document) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))


def _drop_thumbnail(doc: docx.document.Document) -> None:
    package_rels = doc.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rid]


def build_reference() -> bytes:
    """Return the bytes of the reference document."""
    doc = docx.Document()
    _defaults(doc)
    _headings(doc)
    _body_styles(doc)
    _table_grid(doc)
    _page(doc)
    _drop_thumbnail(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    body.insert(0, OxmlElement("w:p"))  # Word expects at least one paragraph
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = "", "", "coproduce"
    props.subject = props.keywords = props.comments = props.category = ""
    props.revision = 1
    props.created = props.modified = FIXED_DATE
    return save_bytes(doc)


def main(argv: list[str]) -> None:
    """Write the reference document to the given path (default: templates/reference.docx)."""
    default = Path(__file__).resolve().parents[1] / "templates" / "reference.docx"
    target = Path(argv[0]) if argv else default
    target.write_bytes(build_reference())
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
