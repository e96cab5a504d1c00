"""Read the comments of any .docx: reply links, resolved flags and the text each anchors on."""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from coproduce.docx.people import (
    MC,
    RT_COMMENTS,
    RT_EXTENDED,
    RT_EXTENSIBLE,
    RT_IDS,
    W14,
    W,
    parse_date,
    read_extended,
    read_utc_dates,
)
from coproduce.docx.xml import safe_parser
from coproduce.errors import InvalidInputError

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument


@dataclass(frozen=True)
class CommentRecord:
    """A comment as read from any .docx: reply link, resolved flag and the text it anchors on."""

    id: int
    author: str
    date: dt.datetime | None
    text: str
    anchored_text: str
    parent_id: int | None = None
    resolved: bool = False
    initials: str = ""


def read_comments(source: Path | bytes | DocxDocument) -> list[CommentRecord]:
    """Return every comment of a .docx (a path, its bytes, or an open python-docx Document)."""
    parts = _read_parts(source)
    comments_root = parts.get(RT_COMMENTS)
    if comments_root is None:
        return []
    anchored = _anchored_texts(parts["document"])
    para_of: dict[int, str] = {}
    raw: list[tuple[int, str, str, str | None, str]] = []
    for elm in comments_root.iter(f"{{{W}}}comment"):
        comment_id = int(elm.get(f"{{{W}}}id", "-1"))
        paragraphs = elm.findall(f".//{{{W}}}p")
        if paragraphs:
            last = paragraphs[-1]
            para_id = last.get(f"{{{W14}}}paraId")
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
    extended = read_extended(parts.get(RT_EXTENDED))
    utc = read_utc_dates(parts.get(RT_IDS), parts.get(RT_EXTENSIBLE))
    id_of_para = {pid: cid for cid, pid in para_of.items()}
    records = []
    for comment_id, author, initials, date_text, text in raw:
        para_id = para_of.get(comment_id)
        parent_para, done = extended.get(para_id or "", (None, False))
        date = utc.get(para_id or "") or parse_date(date_text)
        records.append(
            CommentRecord(
                id=comment_id,
                author=author,
                date=date,
                text=text,
                anchored_text=anchored.get(comment_id, ""),
                parent_id=id_of_para.get(parent_para) if parent_para else None,
                resolved=done,
                initials=initials,
            )
        )
    return records


_RT_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAX_PART_BYTES = 200 * 1024 * 1024


def _read_parts(source: Path | bytes | DocxDocument) -> dict[str, etree._Element]:
    """Return the main document part and comment parts, keyed by relationship type."""
    if isinstance(source, Path | str):
        data = Path(source).read_bytes()
    elif isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        buffer = io.BytesIO()
        source.save(buffer)
        data = buffer.getvalue()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:

            def load(name: str) -> etree._Element:
                info = package.getinfo(name)
                if info.file_size > _MAX_PART_BYTES:
                    raise InvalidInputError(f"part {name} is too large to read")
                return etree.fromstring(package.read(name), safe_parser())

            main = _target(load("_rels/.rels"), _RT_OFFICE_DOCUMENT, "")
            if main is None:
                raise InvalidInputError("not a Word document: no main document part")
            folder, _, filename = main.rpartition("/")
            parts = {"document": load(main)}
            rels_name = f"{folder}/_rels/{filename}.rels" if folder else f"_rels/{filename}.rels"
            if rels_name in package.namelist():
                rels = load(rels_name)
                for reltype in (RT_COMMENTS, RT_EXTENDED, RT_IDS, RT_EXTENSIBLE):
                    target = _target(rels, reltype, folder)
                    if target is not None and target in package.namelist():
                        parts[reltype] = load(target)
            return parts
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as e:
        raise InvalidInputError(f"cannot read comments: not a readable .docx ({e})") from e


def _target(rels: etree._Element, reltype: str, folder: str) -> str | None:
    for rel in rels.iter(f"{{{_PR}}}Relationship"):
        if rel.get("Type") == reltype and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join(folder, target))
    return None


def _anchored_texts(document: etree._Element) -> dict[int, str]:
    """Return the text inside each comment range, in document order, paragraphs joined by \\n."""
    open_ids: dict[int, list[str]] = {}
    done: dict[int, str] = {}
    fallback_depth = 0
    start, end = f"{{{W}}}commentRangeStart", f"{{{W}}}commentRangeEnd"
    texts = {f"{{{W}}}t", f"{{{W}}}delText"}
    breaks = {f"{{{W}}}tab": "\t", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n"}
    for event, el in etree.iterwalk(document, events=("start", "end")):
        tag = el.tag
        if tag == _FALLBACK:
            fallback_depth += 1 if event == "start" else -1
            continue
        if fallback_depth or (not open_ids and tag not in (start, end)):
            continue
        if event == "start":
            if tag == start:
                open_ids.setdefault(_int_id(el), [])
            elif tag == end:
                comment_id = _int_id(el)
                done[comment_id] = "".join(open_ids.pop(comment_id, []))
            elif tag in texts:
                for pieces in open_ids.values():
                    pieces.append(el.text or "")
            elif tag in breaks:
                for pieces in open_ids.values():
                    pieces.append(breaks[tag])
        elif tag == f"{{{W}}}p":
            for pieces in open_ids.values():
                pieces.append("\n")
    return done


_FALLBACK = f"{{{MC}}}Fallback"


def _int_id(el: etree._Element) -> int:
    try:
        return int(el.get(f"{{{W}}}id", "-1"))
    except ValueError:
        return -1
