"""Refuse Word files that are corrupt, not .docx, macro-enabled, zip bombs or hostile XML."""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from coproduce.docx.xml import PKG_REL_NS, parse_xml
from coproduce.errors import InvalidInputError

MB = 1024 * 1024
MAX_ENTRIES = 5000
RATIO_FLOOR = MB  # small parts compress wildly (runs of spaces); judge ratios above 1 MB only
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_CHUNK = 64 * 1024

_SIGNATURES = (
    (b"%PDF", "it looks like a PDF"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "it looks like a legacy .doc or a password-protected file",
    ),
    (b"{\\rtf", "it looks like an RTF file"),
    (b"Rar!", "it looks like a RAR archive"),
    (b"\x1f\x8b", "it looks like a gzip archive"),
    (b"7z\xbc\xaf", "it looks like a 7-Zip archive"),
    (b"\x89PNG", "it looks like a PNG image"),
    (b"\xff\xd8\xff", "it looks like a JPEG image"),
)


def check_docx(
    source: Path | bytes,
    *,
    max_bytes: int = 50 * MB,
    max_unzipped: int = 200 * MB,
    max_ratio: int = 100,
) -> None:
    """Raise InvalidInputError unless ``source`` is a safe, macro-free Word .docx package."""
    read_checked(source, max_bytes=max_bytes, max_unzipped=max_unzipped, max_ratio=max_ratio)


def read_checked(
    source: Path | bytes,
    *,
    max_bytes: int = 50 * MB,
    max_unzipped: int = 200 * MB,
    max_ratio: int = 100,
) -> tuple[str, dict[str, etree._Element]]:
    """Check ``source`` as check_docx does; return its main part's name and every XML part,
    parsed (so a reader need not unzip and parse the package a second time)."""
    data = _load(source, max_bytes=max_bytes)
    _sniff(data)
    parsed: dict[str, etree._Element] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_entries(infos, max_unzipped=max_unzipped, max_ratio=max_ratio)
            names = {info.filename for info in infos}
            _check_required(archive, names)
            total = 0
            for info in infos:
                content = _read_limited(archive, info, max_unzipped - total, max_ratio)
                total += len(content)
                if _is_xml(info.filename):
                    parsed[info.filename] = parse_xml(content, part=info.filename)
            return main_document_part(archive, names), parsed
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as e:
        raise InvalidInputError("not a readable Word file: the zip package is corrupt") from e
    except NotImplementedError as e:
        raise InvalidInputError("not a readable Word file: unsupported zip compression") from e


def _load(source: Path | bytes, *, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        try:
            size = source.stat().st_size
            if size > max_bytes:
                raise InvalidInputError(_too_big(size, max_bytes))
            data = source.read_bytes()
        except FileNotFoundError as e:
            raise InvalidInputError(f"no such file: {source}") from e
        except OSError as e:
            raise InvalidInputError(f"cannot read {source}: {e.strerror}") from e
    if len(data) > max_bytes:
        raise InvalidInputError(_too_big(len(data), max_bytes))
    return data


def _too_big(size: int, limit: int) -> str:
    return f"Word file too large: {size / MB:.1f} MB (the limit is {limit / MB:.0f} MB)"


def _sniff(data: bytes) -> None:
    if not data:
        raise InvalidInputError("not a Word .docx file (it is empty)")
    if data.startswith(b"PK\x03\x04"):
        return
    for signature, looks in _SIGNATURES:
        if data.startswith(signature):
            raise InvalidInputError(f"not a Word .docx file ({looks})")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<html", b"<!doctype", b"<w:")):
        raise InvalidInputError("not a Word .docx file (it looks like XML or HTML text)")
    raise InvalidInputError("not a Word .docx file (it is not a zip package)")


def _check_entries(infos: list[zipfile.ZipInfo], *, max_unzipped: int, max_ratio: int) -> None:
    if len(infos) > MAX_ENTRIES:
        raise InvalidInputError(
            f"refused: the package has {len(infos)} parts (limit {MAX_ENTRIES})"
        )
    declared = 0
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0] or "\x00" in name:
            raise InvalidInputError(f"refused: unsafe part name {name!r} in the package")
        if posixpath.basename(name).lower() == "vbaproject.bin":
            raise InvalidInputError("refused: the file contains macros (save it as .docx)")
        declared += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise InvalidInputError(f"refused: {name} expands suspiciously (a zip bomb?)")
    if declared > max_unzipped:
        limit = max_unzipped / MB
        raise InvalidInputError(
            f"refused: the package unpacks to {declared / MB:.0f} MB (limit {limit:.0f} MB)"
        )


def _check_required(archive: zipfile.ZipFile, names: set[str]) -> None:
    if "[Content_Types].xml" not in names:
        raise InvalidInputError("not a Word .docx file: [Content_Types].xml is missing")
    content_types = archive.read("[Content_Types].xml")
    if b"macroenabled" in content_types.lower():
        raise InvalidInputError("refused: the file is macro-enabled (save it as .docx)")
    main = main_document_part(archive, names)
    if main not in names:
        raise InvalidInputError(f"not a Word .docx file: {main} is missing")


def main_document_part(archive: zipfile.ZipFile, names: set[str]) -> str:
    """Return the zip name of the main document part, found through ``_rels/.rels``."""
    if "_rels/.rels" in names:
        rels = parse_xml(archive.read("_rels/.rels"), part="_rels/.rels")
        for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
            if rel.get("Type") == OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
                return posixpath.normpath(rel.get("Target", "").lstrip("/"))
    return "word/document.xml"


def _read_limited(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, max_ratio: int
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > budget:
                raise InvalidInputError(
                    "refused: the package unpacks to too much data (a zip bomb?)"
                )
            if size > RATIO_FLOOR and size > max_ratio * max(info.compress_size, 1):
                raise InvalidInputError(
                    f"refused: {info.filename} expands suspiciously (a zip bomb?)"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))
