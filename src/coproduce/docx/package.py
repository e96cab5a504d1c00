"""The parts of a checked .docx that the reader needs, parsed safely, found by relationship."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from coproduce.docx.safety import check_docx, main_document_part
from coproduce.docx.xml import PKG_REL_NS, parse_xml, qn

_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


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
    core: etree._Element | None = None
    custom: etree._Element | None = None


def open_package(source: Path | bytes) -> WordPackage:
    """Check ``source`` with check_docx, then parse the parts the reader uses."""
    check_docx(source)
    data = source if isinstance(source, bytes) else source.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        main = main_document_part(archive, names)

        def load(name: str | None) -> etree._Element | None:
            if name is None or name not in names:
                return None
            return parse_xml(archive.read(name), part=name)

        document = load(main)
        if document is None:  # pragma: no cover - check_docx already guarantees the part
            raise FileNotFoundError(main)
        package = WordPackage(document=document)
        package_rels = load("_rels/.rels")
        package.core = load(_package_target(package_rels, _CORE, ""))
        package.custom = load(_package_target(package_rels, _CUSTOM, ""))
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
