"""Write Word comments on any passage (changed text too), with replies and resolved flags."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from docx.enum.style import WD_STYLE_TYPE
from docx.parts.document import DocumentPart
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun
from lxml import etree

from coproduce.docx.people import (
    MC,
    W14,
    W,
    add_person,
    get_or_add_part,
)
from coproduce.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

Anchorable: TypeAlias = "DocxRun | DocxParagraph | etree._Element"

_REVISION_WRAPPERS = frozenset(f"{{{W}}}{t}" for t in ("ins", "del", "moveFrom", "moveTo"))
# Revision elements share one id space (notes: "one counter for every revision element").
_REVISION_TAGS = frozenset(
    f"{{{W}}}{t}"
    for t in (
        *("ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveFromRangeEnd"),
        *("moveToRangeStart", "moveToRangeEnd", "rPrChange", "pPrChange", "sectPrChange"),
        *("tblPrChange", "trPrChange", "tcPrChange", "tblGridChange", "tblPrExChange"),
        *("cellIns", "cellDel", "cellMerge", "numberingChange"),
    )
)
_PARA_ID_FLOOR = 0x10000000
_ID_LIMIT = 0x7FFFFFFF


@dataclass(frozen=True)
class CommentRef:
    """A comment written into a document: its id, last paragraph id and durable id."""

    id: int
    para_id: str
    durable_id: str


@dataclass
class _State:
    """Counters for one document part, so that ids stay unique without rescanning the body."""

    next_para_id: int
    next_durable_id: int
    next_revision_id: int
    used_para_ids: set[int] = field(default_factory=set)


_STATES: weakref.WeakKeyDictionary[DocumentPart, _State] = weakref.WeakKeyDictionary()


def _hex_ids(root: etree._Element, attribute: str) -> set[int]:
    values: set[int] = set()
    for value in root.xpath(f"//@*[local-name()='{attribute}']"):
        try:
            values.add(int(str(value), 16))
        except ValueError:
            continue
    return values


def _state(part: DocumentPart) -> _State:
    state = _STATES.get(part)
    if state is None:
        comments = part._comments_part.element
        used = _hex_ids(part.element, "paraId") | _hex_ids(comments, "paraId")
        durable = _hex_ids(get_or_add_part(part, "ids"), "durableId")
        revision_ids = [
            int(v)
            for el in part.element.iter(*_REVISION_TAGS)
            if (v := el.get(f"{{{W}}}id")) is not None and v.isdigit()
        ]
        state = _State(
            next_para_id=max(used | {_PARA_ID_FLOOR}) + 1,
            next_durable_id=max(durable | {_PARA_ID_FLOOR}) + 1,
            next_revision_id=max(revision_ids, default=0) + 1,
            used_para_ids=used,
        )
        _STATES[part] = state
    return state


def _element(anchor: Anchorable) -> etree._Element:
    if isinstance(anchor, DocxRun):
        return anchor._r
    if isinstance(anchor, DocxParagraph):
        return anchor._p
    return anchor


def _hoist(element: etree._Element, *, before: bool, state: _State) -> etree._Element:
    """Return the element to put a marker beside, splitting revision wrappers around it.

    Markers inside a w:del vanish when the deletion is accepted (and with them the comment), so
    every marker sits outside revision wrappers; the wrapper is split to keep the range exact.
    """
    parent = element.getparent()
    while parent is not None and parent.tag in _REVISION_WRAPPERS:
        siblings = list(parent)
        index = siblings.index(element)
        outside = siblings[:index] if before else siblings[index + 1 :]
        if outside:
            piece = parent.makeelement(parent.tag, dict(parent.attrib))
            piece.set(f"{{{W}}}id", str(state.next_revision_id))
            state.next_revision_id += 1
            piece.extend(outside)
            if before:
                parent.addprevious(piece)
            else:
                parent.addnext(piece)
        element, parent = parent, parent.getparent()
    return element


def _marker(name: str, comment_id: int) -> etree._Element:
    return etree.Element(f"{{{W}}}{name}", {f"{{{W}}}id": str(comment_id)})


def _reference_run(comment_id: int) -> etree._Element:
    run = etree.Element(f"{{{W}}}r")
    rpr = etree.SubElement(run, f"{{{W}}}rPr")
    etree.SubElement(rpr, f"{{{W}}}rStyle", {f"{{{W}}}val": "CommentReference"})
    run.append(_marker("commentReference", comment_id))
    return run


def _place_start(element: etree._Element, comment_id: int, state: _State) -> None:
    start = _marker("commentRangeStart", comment_id)
    if element.tag == f"{{{W}}}p":
        ppr = element.find(f"{{{W}}}pPr")
        element.insert(0 if ppr is None else element.index(ppr) + 1, start)
    else:
        _hoist(element, before=True, state=state).addprevious(start)


def _place_end(element: etree._Element, comment_id: int, state: _State) -> None:
    if element.tag == f"{{{W}}}p":
        element.append(_marker("commentRangeEnd", comment_id))
        element.append(_reference_run(comment_id))
    else:
        target = _hoist(element, before=False, state=state)
        target.addnext(_reference_run(comment_id))
        target.addnext(_marker("commentRangeEnd", comment_id))


def _place_beside_parent(body: etree._Element, comment_id: int, parent_id: int) -> None:
    """Give a reply its own markers next to its parent's, as Word does."""
    found = {
        etree.QName(el).localname: el
        for el in body.iter(f"{{{W}}}commentRangeStart", f"{{{W}}}commentReference")
        if el.get(f"{{{W}}}id") == str(parent_id)
    }
    reference = found.get("commentReference")
    if reference is None:
        raise NotFoundError(f"comment {parent_id} has no reference in the document")
    if "commentRangeStart" in found:
        found["commentRangeStart"].addnext(_marker("commentRangeStart", comment_id))
    parent_run = reference.getparent()
    parent_run.addnext(_reference_run(comment_id))
    parent_run.addnext(_marker("commentRangeEnd", comment_id))


def _ensure_styles(document: DocxDocument) -> None:
    styles = document.styles
    names = {s.name for s in styles}
    if "Comment Text" not in names:
        styles.add_style("Comment Text", WD_STYLE_TYPE.PARAGRAPH)
    if "Comment Reference" not in names:
        styles.add_style("Comment Reference", WD_STYLE_TYPE.CHARACTER)


def _next_para_id(state: _State) -> str:
    while state.next_para_id in state.used_para_ids:
        state.next_para_id += 1
    value = state.next_para_id
    if value >= _ID_LIMIT:
        raise InvalidInputError("the document has run out of paragraph ids for comments")
    state.used_para_ids.add(value)
    state.next_para_id += 1
    return f"{value:08X}"


def add_comment(
    document: DocxDocument,
    *,
    start_run_or_element: Anchorable | None = None,
    end: Anchorable | None = None,
    text: str,
    author: str,
    initials: str = "",
    date: dt.datetime | None = None,
    parent: CommentRef | None = None,
    resolved: bool = False,
) -> CommentRef:
    """Add a comment from ``start_run_or_element`` to ``end`` (a run, paragraph or w:* element).

    Runs inside w:ins, w:del and moves are accepted; the markers are placed outside the revision
    so the comment survives Accept All and Reject All. A reply (``parent`` set) without an anchor
    of its own gets markers beside its parent's.
    """
    if not author.strip():
        raise InvalidInputError("a comment needs an author")
    if start_run_or_element is None and parent is None:
        raise InvalidInputError("a comment needs a passage to anchor on (or a parent comment)")
    part: DocumentPart = document.part
    state = _state(part)
    _ensure_styles(document)
    stamp = (date or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)

    comment = document.comments.add_comment(text=text, author=author, initials=initials or None)
    comment_elm = comment._comment_elm
    comment_elm.date = stamp
    comments_root = comment_elm.getparent()
    if comments_root.get(f"{{{MC}}}Ignorable") is None:
        comments_root.set(f"{{{MC}}}Ignorable", "w14")
    para_id = _next_para_id(state)
    last_p = comment_elm.findall(f"{{{W}}}p")[-1]
    last_p.set(f"{{{W14}}}paraId", para_id)
    last_p.set(f"{{{W14}}}textId", "77777777")
    for p in comment_elm.findall(f"{{{W}}}p")[:-1]:
        p.set(f"{{{W14}}}paraId", _next_para_id(state))
        p.set(f"{{{W14}}}textId", "77777777")

    comment_id = comment.comment_id
    if start_run_or_element is None and parent is not None:
        _place_beside_parent(part.element.body, comment_id, parent.id)
    elif start_run_or_element is not None:
        _place_start(_element(start_run_or_element), comment_id, state)
        _place_end(_element(end if end is not None else start_run_or_element), comment_id, state)

    durable_id = f"{state.next_durable_id:08X}"
    state.next_durable_id += 1
    _write_companions(part, para_id, durable_id, stamp, parent, resolved)
    add_person(part, author)
    return CommentRef(id=comment_id, para_id=para_id, durable_id=durable_id)


def _write_companions(
    part: DocumentPart,
    para_id: str,
    durable_id: str,
    stamp: dt.datetime,
    parent: CommentRef | None,
    resolved: bool,
) -> None:
    extended = get_or_add_part(part, "extended")
    ns = etree.QName(extended).namespace
    attrs = {f"{{{ns}}}paraId": para_id}
    if parent is not None:
        attrs[f"{{{ns}}}paraIdParent"] = parent.para_id
    attrs[f"{{{ns}}}done"] = "1" if resolved else "0"
    etree.SubElement(extended, f"{{{ns}}}commentEx", attrs)
    ids = get_or_add_part(part, "ids")
    cid = etree.QName(ids).namespace
    etree.SubElement(
        ids, f"{{{cid}}}commentId", {f"{{{cid}}}paraId": para_id, f"{{{cid}}}durableId": durable_id}
    )
    extensible = get_or_add_part(part, "extensible")
    cex = etree.QName(extensible).namespace
    etree.SubElement(
        extensible,
        f"{{{cex}}}commentExtensible",
        {
            f"{{{cex}}}durableId": durable_id,
            f"{{{cex}}}dateUtc": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )


def set_resolved(document: DocxDocument, ref: CommentRef, *, resolved: bool = True) -> None:
    """Mark a comment written by ``add_comment`` as resolved (done) or open again."""
    extended = get_or_add_part(document.part, "extended")
    ns = etree.QName(extended).namespace
    for entry in extended.iter(f"{{{ns}}}commentEx"):
        if entry.get(f"{{{ns}}}paraId") == ref.para_id:
            entry.set(f"{{{ns}}}done", "1" if resolved else "0")
            return
    raise NotFoundError(f"comment {ref.id} is not in this document")
