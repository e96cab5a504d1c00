"""The parts of a checked .docx that the reader needs, parsed safely, found by relationship."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from coproduce.docx.safety import read_checked
from coproduce.docx.xml import PKG_REL_NS, qn

_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# Word's comment companion parts, by the last word of their relationship type.
_COMPANIONS = {
    "commentsExtended": "comments_extended",
    "commentsIds": "comments_ids",
    "commentsExtensible": "comments_extensible",
}


@dataclass
class WordPackage:
    """A .docx opened for reading: main part, its relationships and the related parts."""

    document: etree._Element
    hyperlinks: dict[str, str] = field(default_factory=dict)
    styles: etree._Element | None = None
    numbering: etree._Element | None = None
    footnotes: etree._Element | None = None
    endnotes: etree._Element | None = None
    comments: etree._Element | None = None
    comments_extended: etree._Element | None = None
    comments_ids: etree._Element | None = None
    comments_extensible: etree._Element | None = None
    core: etree._Element | None = None
    custom: dict[str, str] = field(default_factory=dict)


def open_package(source: Path | bytes) -> WordPackage:
    """Check ``source`` with the hostile-file checks, then return the parts the readers use.

    Every reader of a Word file comes through here, so the checks always apply; the parts the
    check parsed are the ones returned, so nothing is unzipped or parsed twice.
    """
    main, parts = read_checked(source)

    def load(name: str | None) -> etree._Element | None:
        return parts.get(name) if name is not None else None

    document = load(main)
    if document is None:  # pragma: no cover - read_checked already guarantees the part
        raise FileNotFoundError(main)
    package = WordPackage(document=document)
    package_rels = load("_rels/.rels")
    package.core = load(_package_target(package_rels, _CORE, ""))
    package.custom = _read_custom(load(_package_target(package_rels, CUSTOM, "")))
    rels = load(
        posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    )
    base = posixpath.dirname(main)
    for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship") if rels is not None else ():
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if kind == "hyperlink":
            package.hyperlinks[rel.get("Id", "")] = target
            continue
        if rel.get("TargetMode") == "External":
            continue
        part = posixpath.normpath(posixpath.join(base, target)).lstrip("/")
        if target.startswith("/"):
            part = target.lstrip("/")
        if kind in ("styles", "numbering", "footnotes", "endnotes", "comments"):
            setattr(package, kind, load(part))
        elif kind in _COMPANIONS:
            setattr(package, _COMPANIONS[kind], load(part))
    return package


def _package_target(rels: etree._Element | None, kind: str, base: str) -> str | None:
    if rels is None:
        return None
    for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type") == kind:
            return posixpath.normpath(posixpath.join(base, rel.get("Target", "").lstrip("/")))
    return None


def core_title(package: WordPackage) -> str:
    """Return the core-properties title, or '' when there is none."""
    if package.core is None:
        return ""
    title = package.core.find(qn("dc:title"))
    return (title.text or "").strip() if title is not None else ""


def _read_custom(root: etree._Element | None) -> dict[str, str]:
    """Return the custom document properties as name -> text value (any vt: type)."""
    if root is None:
        return {}
    found = {}
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name")
        value = next(iter(prop), None)
        if name and value is not None:
            found[name] = (value.text or "").strip()
    return found
