"""Markdown ⇄ block model, HTML rendering and youth-twin mapping for guidance documents.

Names are loaded on first use (PEP 562): reading a document, the commonest need, then costs
no start-up time for the HTML, Markdown-writing and twin modules.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coproduce.document.html import render_blocks_html, render_html, render_spans_html
    from coproduce.document.reader import parse_markdown, parse_markdown_with_warnings
    from coproduce.document.sections import assign_sections
    from coproduce.document.spans import normalize_spans
    from coproduce.document.twin import TwinMap, TwinPair, map_twin, stale_sections
    from coproduce.document.writer import render_markdown

_MODULE_OF = {
    "TwinMap": "twin",
    "TwinPair": "twin",
    "assign_sections": "sections",
    "map_twin": "twin",
    "normalize_spans": "spans",
    "parse_markdown": "reader",
    "parse_markdown_with_warnings": "reader",
    "render_blocks_html": "html",
    "render_html": "html",
    "render_markdown": "writer",
    "render_spans_html": "html",
    "stale_sections": "twin",
}

__all__ = [
    "TwinMap",
    "TwinPair",
    "assign_sections",
    "map_twin",
    "normalize_spans",
    "parse_markdown",
    "parse_markdown_with_warnings",
    "render_blocks_html",
    "render_html",
    "render_markdown",
    "render_spans_html",
    "stale_sections",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` and return it from there."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
