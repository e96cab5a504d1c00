"""Write a Document as guidance Markdown that reads back as the same Document."""

from __future__ import annotations

from collections.abc import Sequence

from coproduce.document.frontmatter import dump_front_matter
from coproduce.document.inline_writer import Context, render_inline_lines
from coproduce.models import Block, Document, Heading, ListItem, Quote, Span, Table

_ALIGN_ROW = {None: "---", "left": ":--", "center": ":-:", "right": "--:"}


def render_markdown(document: Document) -> str:
    """Return ``document`` as Markdown with YAML front matter; parsing it gives it back."""
    parts = [dump_front_matter(document.meta)]
    body = render_blocks_markdown(document.blocks)
    if body:
        parts.append("\n" + body)
    return "".join(parts)


def render_blocks_markdown(blocks: Sequence[Block]) -> str:
    """Return the Markdown body for ``blocks``, one blank line between blocks."""
    chunks: list[str] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if isinstance(block, ListItem):
            end = _run_end(blocks, index, ListItem)
            chunks.append(_render_list(list(blocks[index:end])))  # type: ignore[arg-type]
            index = end
        elif isinstance(block, Quote):
            end = _run_end(blocks, index, Quote)
            chunks.append(_render_quotes(list(blocks[index:end])))  # type: ignore[arg-type]
            index = end
        else:
            chunks.append(_render_block(block))
            index += 1
    return "\n".join(chunks)


def _run_end(blocks: Sequence[Block], start: int, kind: type) -> int:
    end = start
    while end < len(blocks) and isinstance(blocks[end], kind):
        end += 1
    return end


def _render_block(block: Block) -> str:
    if isinstance(block, Heading):
        return _render_heading(block)
    if isinstance(block, Table):
        return _render_table(block)
    return _join_lines(render_inline_lines(block.spans), first="", rest="")


def _join_lines(lines: list[str], *, first: str, rest: str) -> str:
    """Return lines joined by hard breaks, the first prefixed ``first``, others ``rest``."""
    out = []
    for index, line in enumerate(lines):
        prefix = first if index == 0 else rest
        tail = "\\" if index < len(lines) - 1 else ""
        out.append(prefix + line + tail)
    return "\n".join(out) + "\n"


def _render_heading(heading: Heading) -> str:
    spans = [Span(text=" ") if s.text == "\n" else s for s in heading.spans]
    text = " ".join(render_inline_lines(spans, context="heading"))
    marker = "#" * heading.level
    id_part = f" {{#{heading.id}}}" if heading.explicit_id else ""
    return f"{marker} {text}{id_part}".rstrip() + "\n"


def _render_list(items: list[ListItem]) -> str:
    """Return nested Markdown lists; a change of kind at one level starts a new list."""
    lines: list[str] = []
    indents: list[int] = []  # content column of the open item at each level
    counters: list[tuple[bool, int]] = []  # (ordered, next number) of the list at each level
    previous_level, previous_has_text = -1, False
    for item in items:
        level = min(item.level, len(indents))
        del indents[level:]
        del counters[level + 1 :]
        if len(counters) > level and counters[level][0] != item.ordered:
            del counters[level:]
        if len(counters) <= level:
            counters.append((item.ordered, 1))
        ordered, number = counters[level]
        counters[level] = (ordered, number + 1)
        marker = f"{number}. " if item.ordered else "- "
        base = indents[level - 1] if level else 0
        pad = " " * base
        indents.append(base + len(marker))
        content = render_inline_lines(item.spans) if item.spans else []
        if not content:
            # An empty item straight after its parent's text would read as a setext
            # underline or as more of that text; a blank line keeps it a list item.
            if level > previous_level and previous_has_text:
                lines.append("")
            lines.append(pad + marker.rstrip())
            previous_level, previous_has_text = level, False
            continue
        previous_level, previous_has_text = level, True
        lines.append(
            _join_lines(content, first=pad + marker, rest=" " * (base + len(marker))).rstrip("\n")
        )
    return "\n".join(lines) + "\n"


def _render_quotes(quotes: list[Quote]) -> str:
    paragraphs = [
        _join_lines(render_inline_lines(q.spans), first="> ", rest="> ").rstrip("\n")
        for q in quotes
    ]
    return "\n>\n".join(paragraphs) + "\n"


def _render_table(table: Table) -> str:
    width = max(len(row.cells) for row in table.rows)
    align = list(table.align[:width]) + [None] * (width - len(table.align))
    lines = []
    for index, row in enumerate(table.rows):
        cells = [_render_cell(cell.spans) for cell in row.cells]
        cells += [""] * (width - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("| " + " | ".join(_ALIGN_ROW[a] for a in align) + " |")
    return "\n".join(lines) + "\n"


def _render_cell(spans: list[Span]) -> str:
    context: Context = "cell"
    flat = [Span(text=" ") if s.text == "\n" else s for s in spans]
    return " ".join(render_inline_lines(flat, context=context))
