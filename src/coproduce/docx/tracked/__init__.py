"""Write a change set as a Word document with native revision marks (ECMA-376 §17.13.5).

Every block is first rendered the way the clean writer renders it (``build.BlockWriter``), once
for the proposed version and, where the tracked body needs it, once for the base version, in the
same document so that both sets of list numbering exist. The tracked body is then assembled
from those renders: paragraph properties come from the proposed render, with the base
properties kept in ``w:pPrChange`` where they differ; runs are rebuilt from the word diff and
wrapped in ``w:ins``/``w:del``. Accept All therefore gives the clean render of the proposed
version and Reject All the base.

Modules: ``marks`` (revision ids, dates, settings), ``renders`` (clean renders handed out in
order), ``elements`` (small element helpers), ``writer`` (the body, block by block),
``settle`` (paragraph marks at the end of the body or before a table) and ``document`` (the
public entry points).
"""

from coproduce.docx.tracked.document import (
    render_tracked_bytes,
    save_tracked_docx,
    write_tracked_docx,
)
from coproduce.docx.tracked.marks import format_date
from coproduce.docx.tracked.writer import TrackedWriter

__all__ = [
    "TrackedWriter",
    "format_date",
    "render_tracked_bytes",
    "save_tracked_docx",
    "write_tracked_docx",
]
