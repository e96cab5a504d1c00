"""Markdown ⇄ block model, HTML rendering and youth-twin mapping for guidance documents."""

from coproduce.document.html import render_blocks_html, render_html, render_spans_html
from coproduce.document.reader import parse_markdown, parse_markdown_with_warnings
from coproduce.document.sections import assign_sections
from coproduce.document.spans import normalize_spans
from coproduce.document.twin import TwinMap, TwinPair, map_twin, stale_sections
from coproduce.document.writer import render_markdown

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
