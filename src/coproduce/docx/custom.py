"""The document's front matter in Word's custom document properties (``docProps/custom.xml``).

A Word file we render carries the whole front matter as one JSON property, so that importing it
back loses nothing the title block cannot show (audiences, extra keys). Word keeps custom
properties through editing and shows them under File > Info > Properties > Advanced.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from coproduce.models import DocumentMeta

PROPERTY = "coproduce-front-matter"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# The format id Word gives user-defined properties.
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
PARTNAME = "/docProps/custom.xml"


def custom_properties_xml(meta: DocumentMeta) -> bytes:
    """Return ``docProps/custom.xml`` holding ``meta`` as one JSON string property."""
    value = json.dumps(meta.model_dump(mode="json", exclude_unset=True), ensure_ascii=False)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">'
        f'<property fmtid="{FMTID}" pid="2" name="{PROPERTY}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property></Properties>"
    ).encode()


def set_front_matter_property(doc: DocxDocument, meta: DocumentMeta) -> None:
    """Add (or replace) the custom properties part of ``doc`` holding ``meta``."""
    package = doc.part.package
    blob = custom_properties_xml(meta)
    for rel in package.rels.values():
        if rel.reltype == RT.CUSTOM_PROPERTIES and not rel.is_external:
            rel.target_part._blob = blob  # our own part, or one from the reference file
            return
    part = Part(PackURI(PARTNAME), CT.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def read_front_matter_property(properties: dict[str, str]) -> dict[str, Any]:
    """Return the front matter stored among a file's custom properties; {} when absent or bad."""
    text = properties.get(PROPERTY)
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
