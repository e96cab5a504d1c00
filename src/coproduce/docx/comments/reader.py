"""Read the comments of any .docx: reply links, resolved flags and the text each anchors on.

The file comes through the one checked package opener (``docx.package.open_package``), so a
corrupt or hostile file is refused before anything is read from it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from coproduce.docx.package import WordPackage, open_package
from coproduce.docx.people import (
    MC,
    W14,
    W,
    parse_date,
    read_extended,
    read_utc_dates,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

CONTEXT = 32


@dataclass(frozen=True)
class CommentRecord:
    """A comment as read from any .docx: reply link, resolved flag and the text it anchors on.

    ``anchored_text`` is everything inside the range (inserted and deleted text alike);
    ``original_text`` is the range as the file was before its tracked changes (what the sender
    wrote), with up to 32 characters of that text either side in ``prefix`` and ``suffix``.
    """

    id: int
    author: str
    date: dt.datetime | None
    text: str
    anchored_text: str
    parent_id: int | None = None
    resolved: bool = False
    initials: str = ""
    original_text: str = ""
    prefix: str = ""
    suffix: str = ""


def read_comments(source: Path | bytes | DocxDocument) -> list[CommentRecord]:
    """Return every comment of a .docx (a path, its bytes, or an open python-docx Document)."""
    if not isinstance(source, Path | str | bytes | bytearray):
        buffer = io.BytesIO()
        source.save(buffer)
        source = buffer.getvalue()
    data = Path(source) if isinstance(source, str) else source
    return read_package_comments(open_package(bytes(data) if isinstance(data, bytearray) else data))


def read_package_comments(package: WordPackage) -> list[CommentRecord]:
    """Return every comment of an opened package, in the order of the comments part."""
    comments_root = package.comments
    if comments_root is None:
        return []
    ranges = _read_ranges(package.document)
    para_of: dict[int, str] = {}
    raw: list[tuple[int, str, str, str | None, str]] = []
    for elm in comments_root.iter(f"{{{W}}}comment"):
        comment_id = _int_id(elm)
        paragraphs = elm.findall(f".//{{{W}}}p")
        if paragraphs:
            para_id = paragraphs[-1].get(f"{{{W14}}}paraId")
            if para_id is not None:
                para_of[comment_id] = para_id.upper()
        text = "\n".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in paragraphs)
        raw.append(
            (
                comment_id,
                elm.get(f"{{{W}}}author", ""),
                elm.get(f"{{{W}}}initials", ""),
                elm.get(f"{{{W}}}date"),
                text,
            )
        )
    extended = read_extended(package.comments_extended)
    utc = read_utc_dates(package.comments_ids, package.comments_extensible)
    id_of_para = {pid: cid for cid, pid in para_of.items()}
    records = []
    for comment_id, author, initials, date_text, text in raw:
        para_id = para_of.get(comment_id)
        parent_para, done = extended.get(para_id or "", (None, False))
        found = ranges.get(comment_id)
        records.append(
            CommentRecord(
                id=comment_id,
                author=author,
                date=utc.get(para_id or "") or parse_date(date_text),
                text=text,
                anchored_text=found.text if found else "",
                parent_id=id_of_para.get(parent_para) if parent_para else None,
                resolved=done,
                initials=initials,
                original_text=found.original if found else "",
                prefix=found.prefix if found else "",
                suffix=found.suffix if found else "",
            )
        )
    return records


@dataclass(frozen=True)
class _Range:
    text: str
    original: str
    prefix: str
    suffix: str


def _read_ranges(document: etree._Element) -> dict[int, _Range]:
    """Return the text inside each comment range, in document order, paragraphs joined by \\n.

    One walk: every text node feeds the ranges open around it, and (unless it sits in an
    insertion) the original text the ranges' positions, prefixes and suffixes are taken from.
    """
    open_ids: dict[int, list[str]] = {}
    done: dict[int, str] = {}
    original: list[str] = []
    length = 0
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    fallback_depth = inserted_depth = 0
    for event, el in etree.iterwalk(document, events=("start", "end")):
        tag = el.tag
        if tag == _FALLBACK:
            fallback_depth += 1 if event == "start" else -1
            continue
        if fallback_depth:
            continue
        if tag in _INSERTED:
            inserted_depth += 1 if event == "start" else -1
            continue
        if event == "start":
            if tag == _START:
                comment_id = _int_id(el)
                open_ids.setdefault(comment_id, [])
                starts.setdefault(comment_id, length)
                continue
            if tag == _END:
                comment_id = _int_id(el)
                done[comment_id] = "".join(open_ids.pop(comment_id, []))
                ends[comment_id] = length
                continue
            if tag in _TEXTS:
                piece = el.text or ""
            elif tag in _BREAKS:
                piece = _BREAKS[tag]
            else:
                continue
        elif tag == _P:
            piece = "\n"
        else:
            continue
        for pieces in open_ids.values():
            pieces.append(piece)
        if not inserted_depth:
            original.append(piece)
            length += len(piece)
    full = "".join(original)
    found = {}
    for comment_id, text in done.items():
        start, end = (
            starts.get(comment_id, 0),
            max(ends.get(comment_id, 0), starts.get(comment_id, 0)),
        )
        found[comment_id] = _Range(
            text=text,
            original=full[start:end],
            prefix=full[max(0, start - CONTEXT) : start],
            suffix=full[end : end + CONTEXT],
        )
    return found


_FALLBACK = f"{{{MC}}}Fallback"
_START, _END, _P = f"{{{W}}}commentRangeStart", f"{{{W}}}commentRangeEnd", f"{{{W}}}p"
_TEXTS = frozenset({f"{{{W}}}t", f"{{{W}}}delText"})
_BREAKS = {f"{{{W}}}tab": "\t", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n"}
_INSERTED = frozenset({f"{{{W}}}ins", f"{{{W}}}moveTo"})


def _int_id(el: etree._Element) -> int:
    try:
        return int(el.get(f"{{{W}}}id", "-1"))
    except ValueError:
        return -1
