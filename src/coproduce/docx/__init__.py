"""OOXML in and out: the only package that imports python-docx or lxml.

Names are loaded on first use (PEP 562), so that a redline does not pay for the importer and
the clean writer's templates, nor an import for the tracked writer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coproduce.docx.reader import DocxImport, read_docx
    from coproduce.docx.replies import ReplyFile, read_reply
    from coproduce.docx.safety import check_docx
    from coproduce.docx.writer import render_docx_bytes, write_docx

_MODULE_OF = {
    "DocxImport": "reader",
    "check_docx": "safety",
    "read_docx": "reader",
    "ReplyFile": "replies",
    "read_reply": "replies",
    "render_docx_bytes": "writer",
    "write_docx": "writer",
}

__all__ = [
    "DocxImport",
    "ReplyFile",
    "check_docx",
    "read_docx",
    "read_reply",
    "render_docx_bytes",
    "write_docx",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
