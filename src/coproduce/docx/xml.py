"""Safe lxml parsing and the OOXML namespaces shared by the docx package."""

from __future__ import annotations

from lxml import etree

from coproduce.errors import InvalidInputError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_NS = "http://www.w3.org/XML/1998/namespace"

NAMESPACES = {
    "w": W_NS,
    "r": R_NS,
    "mc": MC_NS,
    "wp": WP_NS,
    "v": V_NS,
    "o": O_NS,
    "cp": CP_NS,
    "dc": DC_NS,
    "xml": XML_NS,
}

_MARKUP_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def qn(tag: str) -> str:
    """Return the Clark name (``{uri}local``) of a prefixed tag such as ``w:p``."""
    prefix, local = tag.split(":", 1)
    return f"{{{NAMESPACES[prefix]}}}{local}"


def local_name(element: etree._Element) -> str:
    """Return the tag of ``element`` without its namespace ('' for comments and PIs)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def safe_parser() -> etree.XMLParser:
    """Return a parser that loads no DTD, resolves no entity and never reaches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def has_markup_declaration(data: bytes) -> bool:
    """Return whether ``data`` (any common encoding) contains a DOCTYPE or ENTITY declaration."""
    for encoded in (data, _as_utf8(data)):
        upper = encoded.upper()
        if any(marker in upper for marker in _MARKUP_DECLARATIONS):
            return True
    return False


def _as_utf8(data: bytes) -> bytes:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return b""
    return b""


def parse_xml(data: bytes, *, part: str) -> etree._Element:
    """Parse one package part safely, refusing DTDs and entity declarations."""
    if has_markup_declaration(data):
        raise InvalidInputError(
            f"not a safe Word file: {part} declares a DTD or entities, which Word never writes"
        )
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as e:
        raise InvalidInputError(f"not a readable Word file: {part} is not well-formed XML") from e
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InvalidInputError(f"not a safe Word file: {part} declares a DTD")
    return root
