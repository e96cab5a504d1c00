"""Read the accept-all and reject-all views of any Word file, and its revision marks.

One pass over the body in document order (table cells included, row by row). Each text node
feeds the views its nearest revision wrapper allows: ``w:ins``/``w:moveTo`` text only the
accepted view, ``w:del``/``w:moveFrom`` text only the rejected one. A paragraph whose mark is
removed in a view joins the next paragraph there; a row inserted or deleted in ``w:trPr`` is
left out of the view that drops it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from lxml import etree

from coproduce.docx.package import WordPackage, open_package
from coproduce.docx.people import parse_date
from coproduce.docx.xml import qn

RevisionKind = Literal[
    "insert",
    "delete",
    "move_from",
    "move_to",
    "mark_insert",
    "mark_delete",
    "mark_move_from",
    "mark_move_to",
    "row_insert",
    "row_delete",
    "format",
    "paragraph_format",
    "other",
]

_WRAPPERS = {
    qn("w:ins"): ("insert", "accepted"),
    qn("w:moveTo"): ("move_to", "accepted"),
    qn("w:del"): ("delete", "rejected"),
    qn("w:moveFrom"): ("move_from", "rejected"),
}
_TEXT = {qn("w:t"), qn("w:delText")}
_BREAKS = {qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:tab"): "\t"}
_OTHER_REVISIONS = {
    qn(f"w:{t}")
    for t in (
        "cellIns",
        "cellDel",
        "cellMerge",
        "tblPrChange",
        "trPrChange",
        "tcPrChange",
        "tblGridChange",
        "sectPrChange",
        "numberingChange",
    )
}
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DATE_UTC = "{http://schemas.microsoft.com/office/word/2023/wordml/word16du}dateUtc"


@dataclass(frozen=True)
class RevisionRecord:
    """One revision mark: its kind, id, author, date (UTC) and the text it covers."""

    kind: RevisionKind
    id: str
    author: str
    date: dt.datetime | None
    text: str = ""


@dataclass(frozen=True)
class EditRecord:
    """One paragraph a reviewer changed: its text as sent, as they left it, and who did it.

    ``prefix`` is the end of the text as sent just before the paragraph, to place an
    insertion (whose ``original`` is empty) in the document.
    """

    original: str
    proposed: str
    author: str
    date: dt.datetime | None
    prefix: str = ""
    formatting: bool = False


@dataclass
class RevisionViews:
    """The paragraphs of a Word file after Accept All and after Reject All, and its marks."""

    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    revisions: list[RevisionRecord] = field(default_factory=list)
    edits: list[EditRecord] = field(default_factory=list)


class _Reader:
    def __init__(self) -> None:
        self.views = RevisionViews()
        self.carry = {"accepted": "", "rejected": ""}
        self.after_table = {"accepted": False, "rejected": False}
        self.last_follows_table = {"accepted": False, "rejected": False}
        self.sent_before = ""

    def record(self, element: etree._Element, kind: RevisionKind, text: str = "") -> None:
        date = parse_date(element.get(_DATE_UTC)) or parse_date(element.get(qn("w:date")))
        self.views.revisions.append(
            RevisionRecord(
                kind=kind,
                id=element.get(qn("w:id"), ""),
                author=element.get(qn("w:author"), ""),
                date=date,
                text=text,
            )
        )

    def walk(
        self, element: etree._Element, skip: frozenset[str] = frozenset(), *, top: bool = False
    ) -> None:
        """Read block-level content: paragraphs, tables (row by row) and containers."""
        for child in element:
            if child.tag == qn("w:p"):
                self.paragraph(child, skip)
            elif top and child.tag == qn("w:tbl"):
                self.walk(child, skip)
                self.after_table = {"accepted": True, "rejected": True}
            elif child.tag == qn("w:tr"):
                self.row(child, skip)
            elif isinstance(child.tag, str) and child.tag not in (qn("w:sectPr"), qn("w:pPr")):
                self.walk(child, skip)

    def row(self, tr: etree._Element, skip: frozenset[str]) -> None:
        trpr = tr.find(qn("w:trPr"))
        dropped = set(skip)
        if trpr is not None:
            for mark in trpr:
                if mark.tag == qn("w:ins"):
                    self.record(mark, "row_insert")
                    dropped.add("rejected")
                elif mark.tag == qn("w:del"):
                    self.record(mark, "row_delete")
                    dropped.add("accepted")
        self.walk(tr, frozenset(dropped))

    def paragraph(self, p: etree._Element, skip: frozenset[str]) -> None:
        texts = {"accepted": [self.carry["accepted"]], "rejected": [self.carry["rejected"]]}
        self.carry = {"accepted": "", "rejected": ""}
        marks_before = len(self.views.revisions)
        self.inline(p, texts, None)
        self._add_edit(texts, marks_before)
        joins = set()
        mark = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
        for child in mark if mark is not None else ():
            if child.tag in _WRAPPERS:
                kind, view = _WRAPPERS[child.tag]
                self.record(child, f"mark_{kind}")  # type: ignore[arg-type]
                joins.add("rejected" if view == "accepted" else "accepted")
            elif child.tag == qn("w:rPrChange"):
                self.record(child, "format")  # the paragraph mark's own formatting
        for view in ("accepted", "rejected"):
            text = "".join(texts[view])
            if view in skip:
                continue
            if view in joins:
                self.carry[view] = text
            else:
                getattr(self.views, view).append(text)
                self.last_follows_table[view] = self.after_table[view]
                self.after_table[view] = False

    def _add_edit(self, texts: dict[str, list[str]], marks_before: int) -> None:
        """Record the paragraph as an edit when its own text differs between the views."""
        original, proposed = "".join(texts["rejected"][1:]), "".join(texts["accepted"][1:])
        marks = self.views.revisions[marks_before:]
        formatting = original == proposed and any(
            m.kind in ("format", "paragraph_format") for m in marks
        )
        if original != proposed or (formatting and original.strip()):
            first = marks[0] if marks else None
            self.views.edits.append(
                EditRecord(
                    original=original,
                    proposed=proposed,
                    author=first.author if first else "",
                    date=first.date if first else None,
                    prefix=self.sent_before[-32:],
                    formatting=formatting,
                )
            )
        if original.strip():
            self.sent_before = original

    def inline(self, element: etree._Element, texts: dict[str, list[str]], only: str | None) -> str:
        """Add the text under ``element`` to the views it belongs to; return all of it."""
        seen: list[str] = []
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in _TEXT or tag in _BREAKS:
                piece = child.text or "" if tag in _TEXT else _BREAKS[tag]
                seen.append(piece)
                for view in ("accepted", "rejected"):
                    if only in (None, view):
                        texts[view].append(piece)
            elif tag in _WRAPPERS:
                kind, view = _WRAPPERS[tag]
                inner = view if only in (None, view) else "neither"  # nested ins/del
                text = self.inline(child, texts, inner)
                self.record(child, kind, text)  # type: ignore[arg-type]
                seen.append(text)
            elif tag == qn("w:rPr"):
                change = child.find(qn("w:rPrChange"))
                if change is not None:
                    self.record(change, "format", _run_text(element))
            elif tag == qn("w:pPr"):
                change = child.find(qn("w:pPrChange"))
                if change is not None:
                    self.record(change, "paragraph_format")
            elif tag in (qn("w:moveFromRangeStart"), qn("w:moveToRangeStart")):
                continue
            elif tag in (qn("w:p"), qn("w:tbl")):
                continue  # text boxes and the like: not part of this paragraph's text
            else:
                seen.append(self.inline(child, texts, only))
        return "".join(seen)


def _run_text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(qn("w:t"), qn("w:delText")))


def read_revision_views(source: Path | bytes | WordPackage) -> RevisionViews:
    """Return the accepted and rejected paragraph texts of a .docx and its revision marks."""
    package = source if isinstance(source, WordPackage) else open_package(source)
    body = package.document.find(qn("w:body"))
    reader = _Reader()
    if body is not None:
        reader.walk(body, top=True)
        for element in body.iter(*_OTHER_REVISIONS):  # table, cell and section changes
            reader.record(element, "other")
        for box in body.iter(qn("w:txbxContent")):
            # Revisions in text boxes count; their text is not part of the paragraphs around
            # them. A box's VML fallback copy (mc:Fallback) repeats the same revisions.
            if not any(a.tag == _FALLBACK for a in box.iterancestors()):
                inner = _Reader()
                inner.walk(box)
                reader.views.revisions.extend(inner.views.revisions)
    for view in ("accepted", "rejected"):
        if reader.carry[view]:
            getattr(reader.views, view).append(reader.carry[view])
    for name in ("accepted", "rejected"):
        # Word always ends the body with a paragraph: an empty one right after a final table
        # is that mandatory mark, which a body ending in the table implies, not content.
        view = getattr(reader.views, name)
        if reader.last_follows_table[name] and view and view[-1] == "":
            view.pop()
    return reader.views


def find_revision_problems(source: Path | bytes) -> list[str]:
    """Return what makes a file's revision marks unsound: duplicate ids, missing authors or
    dates, move ranges without a partner, ``w:delText`` outside a deletion."""
    root = open_package(source).document
    problems: list[str] = []
    revision_tags = {*_WRAPPERS, *_OTHER_REVISIONS, qn("w:rPrChange"), qn("w:pPrChange")}
    starts = {qn("w:moveFromRangeStart"), qn("w:moveToRangeStart")}
    ids: Counter[str] = Counter()
    names: dict[str, set[str]] = {"from": set(), "to": set()}
    for element in root.iter(*revision_tags, *starts):
        ids[element.get(qn("w:id"), "")] += 1
        label = etree.QName(element).localname
        if not element.get(qn("w:author")):
            problems.append(f"{label} {element.get(qn('w:id'))} has no author")
        if parse_date(element.get(qn("w:date"))) is None:
            problems.append(f"{label} {element.get(qn('w:id'))} has no readable date")
        if element.tag in starts:
            side = "from" if element.tag == qn("w:moveFromRangeStart") else "to"
            names[side].add(element.get(qn("w:name"), ""))
    problems.extend(f"revision id {i} is used {n} times" for i, n in ids.items() if n > 1)
    problems.extend(f"move {n} has no destination" for n in sorted(names["from"] - names["to"]))
    problems.extend(f"move {n} has no source" for n in sorted(names["to"] - names["from"]))
    for side in ("moveFrom", "moveTo"):
        opened = {e.get(qn("w:id")) for e in root.iter(qn(f"w:{side}RangeStart"))}
        closed = {e.get(qn("w:id")) for e in root.iter(qn(f"w:{side}RangeEnd"))}
        problems.extend(f"{side} range {i} is not closed" for i in sorted(opened - closed))
    deleted = {qn("w:del"), qn("w:moveFrom")}
    for text in root.iter(qn("w:delText")):
        if not any(a.tag in deleted for a in text.iterancestors()):
            problems.append("w:delText outside a deletion")
    return problems
