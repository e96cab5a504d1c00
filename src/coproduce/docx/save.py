"""Save python-docx documents reproducibly: fixed zip dates, to bytes, a path or a stream."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import BinaryIO

from docx.document import Document as DocxDocument
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter

from coproduce.errors import InvalidInputError

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _ZipWriter:
    """The writer python-docx's PackageWriter expects, with fixed entry dates (reproducible)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, uri: PackURI, blob: bytes) -> None:
        entry = zipfile.ZipInfo(uri.membername, date_time=_FIXED_ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o600 << 16
        self._zip.writestr(entry, blob)

    def close(self) -> None:
        self._zip.close()


def save_bytes(doc: DocxDocument) -> bytes:
    """Return the saved package with every entry dated 1980-01-01, zipped once."""
    package = doc.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer = _ZipWriter(buffer)
    # The same three steps as PackageWriter.write, which cannot be handed another zip writer.
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)  # type: ignore[arg-type]
    writer.close()
    return buffer.getvalue()


def write_bytes(data: bytes, target: Path | BinaryIO) -> None:
    """Write a saved package to a path or a binary stream; a path that fails is named."""
    if isinstance(target, Path):
        try:
            target.write_bytes(data)
        except OSError as e:
            raise InvalidInputError(f"cannot write {target}: {e.strerror}") from e
    else:
        target.write(data)
