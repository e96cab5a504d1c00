"""Custom document properties that let a returned Word file say which cycle and person it is.

The draft of a cycle is rendered once with its cycle, version and a participant placeholder of
the same width as a real id. ``stamp_participant`` then gives each invitation its own copy by
rewriting those twelve bytes and the two CRCs of the stored (uncompressed) properties part:
no re-zipping per message, so a launch to thousands costs what it did before.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

from lxml import etree

from coproduce.errors import InvalidInputError

PART = "docProps/custom.xml"
PARTICIPANT_PLACEHOLDER = "P-0000000000"
PROPERTY_PREFIX = "coproduce."
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)


def _existing(xml: bytes) -> dict[str, str]:
    # Our own renders' properties part: parsed with entities and network access off.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml, parser)
    return {
        str(prop.get("name")): "".join(prop.itertext())
        for prop in root
        if prop.get("name") and not str(prop.get("name")).startswith(PROPERTY_PREFIX)
    }


def add_custom_properties(data: bytes, properties: dict[str, str]) -> bytes:
    """Return the .docx ``data`` with ``properties`` as custom properties (names prefixed
    ``coproduce.``), the properties part stored last and uncompressed so it can be stamped.

    Properties the file already carries (such as the front matter our renders store) are kept.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        kept = _existing(source.read(PART)) if PART in source.namelist() else {}
    wanted = {**kept, **{PROPERTY_PREFIX + k: v for k, v in sorted(properties.items())}}
    rows = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(wanted.items(), start=2)
    )
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'docPropsVTypes">{rows}</Properties>'
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename == PART:
                continue
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = _with_override(content)
            elif info.filename == "_rels/.rels":
                content = _with_relationship(content)
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
        target.writestr(PART, custom.encode("utf-8"), compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def stamp_participant(data: bytes, participant_id: str) -> bytes:
    """Return a copy of a draft made by ``add_custom_properties`` naming ``participant_id``."""
    if len(participant_id) != len(PARTICIPANT_PLACEHOLDER):
        raise InvalidInputError(f"not a participant id: {participant_id!r}")
    data_at, size, local_crc, central_crc = _stamp_layout(data)
    body = data[data_at : data_at + size]
    at = body.find(PARTICIPANT_PLACEHOLDER.encode())
    if at < 0:
        raise InvalidInputError("the draft has no participant placeholder to stamp")
    body = body[:at] + participant_id.encode("ascii") + body[at + len(PARTICIPANT_PLACEHOLDER) :]
    crc = struct.pack("<I", zlib.crc32(body))
    out = bytearray(data)
    out[data_at : data_at + size] = body
    out[local_crc : local_crc + 4] = crc
    out[central_crc : central_crc + 4] = crc
    return bytes(out)


@functools.lru_cache(maxsize=4)
def _stamp_layout(data: bytes) -> tuple[int, int, int, int]:
    """Return (data offset, size, local CRC offset, central CRC offset) of the stored part."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            info = archive.getinfo(PART)
        except KeyError as e:
            raise InvalidInputError("the draft carries no custom properties to stamp") from e
        if info.compress_type != zipfile.ZIP_STORED:
            raise InvalidInputError("the draft's custom properties are compressed")
    local = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[local + 26 : local + 30])
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(PART.encode()))
    return local + 30 + name_length + extra_length, info.file_size, local + 14, central + 16


def _with_override(content: bytes) -> bytes:
    if f'PartName="/{PART}"'.encode() in content:
        return content
    override = f'<Override PartName="/{PART}" ContentType="{_CUSTOM_TYPE}"/>'.encode()
    return content.replace(b"</Types>", override + b"</Types>")


def _with_relationship(content: bytes) -> bytes:
    if _CUSTOM_REL.encode() in content:
        return content
    rel = f'<Relationship Id="rIdCoproduceCustom" Type="{_CUSTOM_REL}" Target="{PART}"/>'
    return content.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
