"""List numbering: bullet and ordered definitions when writing, list formats when reading."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.oxml.parser import OxmlElement
from lxml import etree

from coproduce.docx.xml import qn

LEVELS = 9
_BULLETS = ("\u2022", "\u25e6", "\u25aa")
_ORDERED_FORMATS = ("decimal", "lowerLetter", "lowerRoman")
_INDENT_STEP = 720
_HANGING = 360


def _w(tag: str, **attrs: str) -> etree._Element:
    element = OxmlElement(f"w:{tag}")
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _make_level(ilvl: int, *, ordered: bool) -> etree._Element:
    lvl = _w("lvl", ilvl=str(ilvl))
    lvl.append(_w("start", val="1"))
    if ordered:
        lvl.append(_w("numFmt", val=_ORDERED_FORMATS[ilvl % len(_ORDERED_FORMATS)]))
        lvl.append(_w("lvlText", val=f"%{ilvl + 1}."))
    else:
        lvl.append(_w("numFmt", val="bullet"))
        lvl.append(_w("lvlText", val=_BULLETS[ilvl % len(_BULLETS)]))
    lvl.append(_w("lvlJc", val="left"))
    ppr = _w("pPr")
    left = str(_INDENT_STEP * (ilvl + 1))
    ppr.append(_w("ind", left=left, hanging=str(_HANGING)))
    lvl.append(ppr)
    return lvl


def make_abstract_num(abstract_id: int, *, ordered: bool) -> etree._Element:
    """Return a nine-level bullet or ordered ``w:abstractNum`` definition."""
    abstract = _w("abstractNum", abstractNumId=str(abstract_id))
    abstract.append(_w("nsid", val=f"{0x0C0D0000 + abstract_id:08X}"))
    abstract.append(_w("multiLevelType", val="hybridMultilevel"))
    for ilvl in range(LEVELS):
        abstract.append(_make_level(ilvl, ordered=ordered))
    return abstract


def make_num(num_id: int, abstract_id: int, *, restart: bool) -> etree._Element:
    """Return a ``w:num`` instance; ``restart`` makes every level start again at 1."""
    num = _w("num", numId=str(num_id))
    num.append(_w("abstractNumId", val=str(abstract_id)))
    if restart:
        for ilvl in range(LEVELS):
            override = _w("lvlOverride", ilvl=str(ilvl))
            override.append(_w("startOverride", val="1"))
            num.append(override)
    return num


class ListNumbering:
    """Allocate numbering instances so that every list (and sub-list) restarts its count."""

    def __init__(self, doc: DocxDocument) -> None:
        self._root = doc.part.numbering_part.element
        abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in self._iter("abstractNum")]
        num_ids = [int(n.get(qn("w:numId"))) for n in self._iter("num")]
        self._next_abstract = max(abstract_ids, default=-1) + 1
        self._next_num = max(num_ids, default=0) + 1
        self._abstract: dict[bool, int] = {}
        self._stack: list[tuple[int, bool]] = []

    def _iter(self, tag: str) -> list[etree._Element]:
        return list(self._root.iterchildren(qn(f"w:{tag}")))

    def _abstract_id(self, *, ordered: bool) -> int:
        if ordered not in self._abstract:
            abstract_id = self._next_abstract
            self._next_abstract += 1
            element = make_abstract_num(abstract_id, ordered=ordered)
            nums = self._iter("num")
            if nums:
                nums[0].addprevious(element)
            else:
                self._root.append(element)
            self._abstract[ordered] = abstract_id
        return self._abstract[ordered]

    def new_num(self, *, ordered: bool) -> int:
        """Add a fresh numbering instance for a new list and return its ``numId``."""
        num_id = self._next_num
        self._next_num += 1
        abstract_id = self._abstract_id(ordered=ordered)
        self._root.append(make_num(num_id, abstract_id, restart=ordered))
        return num_id

    def num_for(self, *, level: int, ordered: bool) -> int:
        """Return the ``numId`` for the next item at ``level``, continuing the current list."""
        del self._stack[level + 1 :]
        if len(self._stack) > level and self._stack[level][1] == ordered:
            return self._stack[level][0]
        del self._stack[level:]
        parent = self._stack[-1] if self._stack else None
        if parent is not None and parent[1] == ordered:
            num_id = parent[0]
        else:
            num_id = self.new_num(ordered=ordered)
        while len(self._stack) < level:
            self._stack.append(parent or (num_id, ordered))
        self._stack.append((num_id, ordered))
        return num_id

    def end_list(self) -> None:
        """Forget the current list so the next list item starts a new one."""
        self._stack.clear()


def read_list_formats(root: etree._Element | None) -> dict[str, dict[int, str]]:
    """Return ``numId -> {ilvl: numFmt}`` from a parsed numbering part (overrides applied)."""
    if root is None:
        return {}
    abstract: dict[str, dict[int, str]] = {}
    for element in root.iterchildren(qn("w:abstractNum")):
        abstract[element.get(qn("w:abstractNumId"), "")] = _level_formats(element)
    formats: dict[str, dict[int, str]] = {}
    for num in root.iterchildren(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        levels = dict(abstract.get(ref.get(qn("w:val"), "") if ref is not None else "", {}))
        for override in num.iterchildren(qn("w:lvlOverride")):
            lvl = override.find(qn("w:lvl"))
            if lvl is not None:
                levels.update(_level_formats(override))
        formats[num.get(qn("w:numId"), "")] = levels
    return formats


def _level_formats(parent: etree._Element) -> dict[int, str]:
    levels: dict[int, str] = {}
    for lvl in parent.iterchildren(qn("w:lvl")):
        fmt = lvl.find(qn("w:numFmt"))
        try:
            ilvl = int(lvl.get(qn("w:ilvl"), "0"))
        except ValueError:
            continue
        levels[ilvl] = fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal"
    return levels
