"""Word's companion parts for comments (extended, ids, extensible, people): add and read."""

from __future__ import annotations

import datetime as dt

from docx.opc.packuri import PackURI
from docx.opc.part import PartFactory, XmlPart
from docx.oxml.parser import parse_xml
from docx.parts.document import DocumentPart
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W15_PRERELEASE = "http://schemas.microsoft.com/office/word/2010/11/wordml"
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
W16CEX = "http://schemas.microsoft.com/office/word/2018/wordml/cex"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

RT_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
RT_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
RT_IDS = "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds"
RT_EXTENSIBLE = "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible"
RT_PEOPLE = "http://schemas.microsoft.com/office/2011/relationships/people"

_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"

# (relationship type, part name, content type, root tag, ignorable prefixes)
PART_SPECS: dict[str, tuple[str, str, str, str]] = {
    "extended": (
        RT_EXTENDED,
        "/word/commentsExtended.xml",
        _CT.format("commentsExtended"),
        "w15:commentsEx",
    ),
    "ids": (RT_IDS, "/word/commentsIds.xml", _CT.format("commentsIds"), "w16cid:commentsIds"),
    "extensible": (
        RT_EXTENSIBLE,
        "/word/commentsExtensible.xml",
        _CT.format("commentsExtensible"),
        "w16cex:commentsExtensible",
    ),
    "people": (RT_PEOPLE, "/word/people.xml", _CT.format("people"), "w15:people"),
}
_NSDECLS = (
    f'xmlns:w="{W}" xmlns:w14="{W14}" xmlns:w15="{W15}" xmlns:w16cid="{W16CID}" '
    f'xmlns:w16cex="{W16CEX}" xmlns:mc="{MC}" mc:Ignorable="w14 w15 w16cid w16cex"'
)

# Parts Word adds are loaded as XML parts so that edits to them are saved.
for _rt, _name, _ct, _root in PART_SPECS.values():
    PartFactory.part_type_for.setdefault(_ct, XmlPart)


def get_or_add_part(document_part: DocumentPart, kind: str) -> etree._Element:
    """Return the root element of the companion part ``kind``, adding the part when absent."""
    reltype, partname, content_type, root_tag = PART_SPECS[kind]
    for rel in document_part.rels.values():
        if rel.is_external or rel.reltype != reltype:
            continue
        target = rel.target_part
        if isinstance(target, XmlPart):
            return target.element
        # A part of this kind loaded before our content types were registered: upgrade it.
        upgraded = XmlPart.load(target.partname, target.content_type, target.blob, target.package)
        rel._target = upgraded
        return upgraded.element
    element = parse_xml(f"<{root_tag} {_NSDECLS}/>".encode())
    part = XmlPart(PackURI(partname), content_type, element, document_part.package)
    document_part.relate_to(part, reltype)
    return element


def add_person(document_part: DocumentPart, author: str) -> None:
    """Record ``author`` in people.xml once, with no identity provider."""
    root = get_or_add_part(document_part, "people")
    ns = etree.QName(root).namespace or W15
    for person in root.iter(f"{{{ns}}}person"):
        if person.get(f"{{{ns}}}author") == author:
            return
    person = etree.SubElement(root, f"{{{ns}}}person", {f"{{{ns}}}author": author})
    etree.SubElement(
        person,
        f"{{{ns}}}presenceInfo",
        {f"{{{ns}}}providerId": "None", f"{{{ns}}}userId": author},
    )


def read_extended(root: etree._Element | None) -> dict[str, tuple[str | None, bool]]:
    """Map paraId to (paraIdParent, done), whatever w15 namespace (final or pre-release)."""
    if root is None:
        return {}
    ns = etree.QName(root).namespace
    found = {}
    for entry in root.iter(f"{{{ns}}}commentEx"):
        para_id = (entry.get(f"{{{ns}}}paraId") or "").upper()
        parent = entry.get(f"{{{ns}}}paraIdParent")
        done = entry.get(f"{{{ns}}}done", "0") in ("1", "true", "on")
        found[para_id] = (parent.upper() if parent else None, done)
    return found


def read_utc_dates(
    ids: etree._Element | None, ext: etree._Element | None
) -> dict[str, dt.datetime]:
    """Map paraId to the true UTC date Word keeps in commentsExtensible."""
    if ids is None or ext is None:
        return {}
    cid, cex = etree.QName(ids).namespace, etree.QName(ext).namespace
    durable = {
        (e.get(f"{{{cid}}}durableId") or "").upper(): (e.get(f"{{{cid}}}paraId") or "").upper()
        for e in ids.iter(f"{{{cid}}}commentId")
    }
    found = {}
    for entry in ext.iter(f"{{{cex}}}commentExtensible"):
        para_id = durable.get((entry.get(f"{{{cex}}}durableId") or "").upper())
        date = parse_date(entry.get(f"{{{cex}}}dateUtc"))
        if para_id and date is not None:
            found[para_id] = date
    return found


def parse_date(text: str | None) -> dt.datetime | None:
    """Return an ISO date as aware UTC (naive values are taken as UTC), None when unreadable."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
