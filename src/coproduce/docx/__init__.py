"""OOXML in and out: the only package that imports python-docx or lxml."""

from coproduce.docx.reader import DocxImport, read_docx
from coproduce.docx.safety import check_docx
from coproduce.docx.writer import render_docx_bytes, write_docx

__all__ = ["DocxImport", "check_docx", "read_docx", "render_docx_bytes", "write_docx"]
