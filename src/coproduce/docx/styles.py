"""Read-side view of styles.xml: headings, lists, quotes and character formatting by style id."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from coproduce.docx.xml import qn

_HEADING = re.compile(r"^heading\s*([1-9])$")
_QUOTES = {"quote", "intense quote", "block text"}
_MAX_CHAIN = 20
FALSE_VALUES = {"0", "false", "off", "none"}


@dataclass(frozen=True)
class StyleInfo:
    """What the reader needs from one style definition."""

    name: str
    based_on: str | None
    outline_level: int | None
    num: tuple[str, int] | None
    bold: bool | None
    italic: bool | None


def toggle(rpr: etree._Element | None, tag: str) -> bool | None:
    """Return a toggle property of an ``rPr`` (``w:b``, ``w:i``): None when absent."""
    if rpr is None:
        return None
    element = rpr.find(qn(tag))
    if element is None:
        return None
    return element.get(qn("w:val"), "1").lower() not in FALSE_VALUES


class StyleSheet:
    """Style lookups that follow ``basedOn`` chains and resolve ids through names."""

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, StyleInfo] = {}
        if root is not None:
            for style in root.iterchildren(qn("w:style")):
                sid = style.get(qn("w:styleId"), "")
                self._styles[sid] = _read_style(style)

    def _chain(self, style_id: str | None) -> list[StyleInfo]:
        chain: list[StyleInfo] = []
        while style_id and style_id in self._styles and len(chain) < _MAX_CHAIN:
            info = self._styles[style_id]
            if info in chain:
                break
            chain.append(info)
            style_id = info.based_on
        return chain

    def name(self, style_id: str | None) -> str:
        """Return the lower-case name of a style ('' when unknown)."""
        info = self._styles.get(style_id or "")
        return info.name if info else (style_id or "").lower()

    def heading_level(self, style_id: str | None) -> int | None:
        """Return 0 for Title, 1-9 for headings (by name or outline level), else None."""
        for index, info in enumerate(self._chain(style_id)):
            if info.name == "title" and index == 0:
                return 0
            match = _HEADING.match(info.name)
            if match:
                return int(match.group(1))
            if info.outline_level is not None and info.outline_level < 9:
                return info.outline_level + 1
        if style_id and style_id not in self._styles:
            match = _HEADING.match(style_id.lower())
            return int(match.group(1)) if match else None
        return None

    def is_title(self, style_id: str | None) -> bool:
        """Return whether the paragraph style is Title."""
        return bool(style_id) and self.heading_level(style_id) == 0

    def is_quote(self, style_id: str | None) -> bool:
        """Return whether the paragraph style is a quotation style (or based on one)."""
        return any(info.name in _QUOTES for info in self._chain(style_id))

    def is_list_style(self, style_id: str | None) -> tuple[bool, bool]:
        """Return (is a list style by name, ordered) for names like 'List Bullet 2'."""
        name = self.name(style_id)
        if name.startswith("list bullet"):
            return True, False
        if name.startswith("list number"):
            return True, True
        return False, False

    def numbering(self, style_id: str | None) -> tuple[str, int] | None:
        """Return the (numId, ilvl) a paragraph style applies, if any."""
        for info in self._chain(style_id):
            if info.num is not None:
                return info.num
        return None

    def run_format(self, style_id: str | None) -> tuple[bool, bool]:
        """Return (bold, italic) a character style applies."""
        bold = italic = None
        for info in self._chain(style_id):
            bold = info.bold if bold is None else bold
            italic = info.italic if italic is None else italic
        return bool(bold), bool(italic)


def _read_style(style: etree._Element) -> StyleInfo:
    name_el = style.find(qn("w:name"))
    based = style.find(qn("w:basedOn"))
    ppr = style.find(qn("w:pPr"))
    outline = None
    num = None
    if ppr is not None:
        level = ppr.find(qn("w:outlineLvl"))
        if level is not None and (level.get(qn("w:val")) or "").isdigit():
            outline = int(level.get(qn("w:val"), "9"))
        numpr = ppr.find(qn("w:numPr"))
        if numpr is not None:
            num = read_num_pr(numpr)
    rpr = style.find(qn("w:rPr"))
    return StyleInfo(
        name=(name_el.get(qn("w:val"), "") if name_el is not None else "").lower(),
        based_on=based.get(qn("w:val")) if based is not None else None,
        outline_level=outline,
        num=num,
        bold=toggle(rpr, "w:b"),
        italic=toggle(rpr, "w:i"),
    )


def read_num_pr(numpr: etree._Element) -> tuple[str, int] | None:
    """Return (numId, ilvl) of a ``w:numPr``; None when numbering is switched off (numId 0)."""
    num_id = numpr.find(qn("w:numId"))
    ilvl = numpr.find(qn("w:ilvl"))
    value = num_id.get(qn("w:val"), "0") if num_id is not None else "0"
    level = ilvl.get(qn("w:val"), "0") if ilvl is not None else "0"
    if value == "0":
        return None
    return value, int(level) if level.isdigit() else 0
