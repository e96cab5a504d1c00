"""The reference .docx the writers start from: its styles and page setup, with an empty body."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE

from coproduce.docx.xml import qn
from coproduce.errors import InvalidInputError
from coproduce.resources import reference_docx

_RT_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def default_reference() -> Path | None:
    """Return the built-in ``reference.docx`` when it exists."""
    path = reference_docx()
    return path if path.is_file() else None


def new_document(reference: Path | None = None) -> DocxDocument:
    """Open ``reference`` (or python-docx's default) with an empty body but its page setup."""
    try:
        doc = docx.Document(str(reference)) if reference is not None else docx.Document()
    except Exception as e:  # python-docx raises several unrelated types for bad packages
        raise InvalidInputError(f"cannot use {reference} as a Word reference file: {e}") from e
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    ensure_styles(doc)
    _drop_styles_with_effects(doc)
    return doc


def ensure_styles(doc: DocxDocument) -> None:
    """Add the character styles the writers rely on when the reference lacks them."""
    # Names read straight from styles.xml: python-docx's Style proxies cost a few ms here.
    # Neither name below is one python-docx translates (like "heading 1" -> "Heading 1").
    names = set(_style_names(doc))
    if "Hyperlink" not in names:
        style = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        style.font.underline = True
        style.font.color.rgb = docx.shared.RGBColor(0x05, 0x63, 0xC1)
    for name, size in (("annotation text", 10), ("annotation reference", 8)):
        if name not in {n.lower() for n in _style_names(doc)}:
            kind = WD_STYLE_TYPE.PARAGRAPH if name.endswith("text") else WD_STYLE_TYPE.CHARACTER
            style = doc.styles.add_style(name, kind)
            style.font.size = docx.shared.Pt(size)


def _style_names(doc: DocxDocument) -> list[str]:
    styles = doc.styles.element
    found = (style.find(qn("w:name")) for style in styles.iterchildren(qn("w:style")))
    return [str(name.get(qn("w:val"))) for name in found if name is not None]


def _drop_styles_with_effects(doc: DocxDocument) -> None:
    """Leave out ``stylesWithEffects.xml``: a Word 2010 copy of styles.xml that goes stale.

    The writers add styles (Hyperlink, comment styles) to styles.xml only; a copy that no
    longer matches it is reported by validators as a cause of Word's repair prompt. Word
    2013 and later neither write nor need the part, and Word 2010 falls back to styles.xml.
    Without its relationship the part is not saved, nor listed in the content types.
    """
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == _RT_STYLES_WITH_EFFECTS:
            doc.part.drop_rel(rid)
