"""Walk markdown-it block tokens into draft blocks, flattening what the model cannot hold."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from coproduce.document.sections import PREAMBLE, heading_ids
from coproduce.document.segments import Plain
from coproduce.document.spans import BREAK, normalize_spans, spans_from_inline
from coproduce.models import (
    Block,
    Heading,
    ListItem,
    Paragraph,
    Quote,
    Span,
    Table,
    TableCell,
    TableRow,
    spans_text,
)

DraftKind = Literal["heading", "paragraph", "list_item", "quote", "table"]
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@dataclass
class Draft:
    """A block under construction (models are frozen, drafts are not)."""

    kind: DraftKind
    line: int
    spans: list[Span] = field(default_factory=list)
    level: int = 0
    ordered: bool = False
    explicit_id: str | None = None
    table: Table | None = None

    def build(self, *, section: str = PREAMBLE, heading_id: str | None = None) -> Block:
        """Return the finished block in ``section`` (a heading gets ``heading_id``)."""
        if self.kind == "table" and self.table is not None:
            if self.table.section == section:
                return self.table
            return self.table.model_copy(update={"section": section})
        spans = normalize_spans(self.spans)
        if self.kind == "heading":
            return Heading(
                level=self.level,
                id=heading_id or self.explicit_id or "section",
                explicit_id=self.explicit_id is not None,
                spans=spans,
                section=section,
            )
        if self.kind == "list_item":
            level = min(self.level, 8)
            return ListItem(level=level, ordered=self.ordered, spans=spans, section=section)
        if self.kind == "quote":
            return Quote(spans=spans, section=section)
        return Paragraph(spans=spans, section=section)


@dataclass
class _Item:
    level: int
    ordered: bool
    draft: Draft | None = None
    nested_seen: bool = False


@dataclass
class _Container:
    kind: Literal["list", "item", "quote"]
    ordered: bool = False
    item: _Item | None = None


class BlockWalker:
    """Turn a markdown-it token stream into drafts, recording a warning per simplification."""

    def __init__(self, *, lines: Sequence[str], offset: int, md: MarkdownIt) -> None:
        self.lines = lines
        self.offset = offset
        self.md = md
        self.drafts: list[Draft] = []
        self.warnings: list[str] = []
        self.stack: list[_Container] = []

    def headings(self) -> list[Draft]:
        """Return the heading drafts in order."""
        return [d for d in self.drafts if d.kind == "heading"]

    def blocks(self) -> list[Block]:
        """Return the finished blocks, leaving out paragraphs and quotes with no text.

        Heading ids and sections are settled here as assign_sections settles them, so that
        it has nothing left to copy.
        """
        headings = [
            (d.explicit_id, spans_text(normalize_spans(d.spans)))
            for d in self.drafts
            if d.kind == "heading"
        ]
        ids = iter(heading_ids(headings))
        section = PREAMBLE
        built: list[Block] = []
        for draft in self.drafts:
            if draft.kind == "heading":
                section = next(ids)
                block = draft.build(section=section, heading_id=section)
            else:
                block = draft.build(section=section)
            if not (isinstance(block, Paragraph | Quote) and not block.spans):
                built.append(block)
        return built

    def walk(self, tokens: Sequence[Token]) -> None:
        """Consume every token of a parsed body."""
        index = 0
        while index < len(tokens):
            index = self._step(tokens, index)

    def add_plain(self, plain: Plain, *, offset: int) -> None:
        """Add a paragraph or heading read without markdown-it (always at the top level)."""
        spans = [Span(text=plain.text)]
        self.drafts.append(Draft(plain.kind, plain.line + 1 + offset, spans, plain.level))

    def _line(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + 1 + self.offset

    def _warn(self, token: Token, message: str) -> None:
        self.warnings.append(f"line {self._line(token)}: {message}")

    def _outer(self) -> str | None:
        return self.stack[0].kind if self.stack else None

    def _innermost_item(self) -> _Item | None:
        for container in reversed(self.stack):
            if container.item is not None:
                return container.item
        return None

    def _step(self, tokens: Sequence[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self._open_list(token, ordered=kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            self.stack.pop()
        elif kind == "list_item_open":
            self._open_item(token)
        elif kind == "list_item_close":
            self._close_item(token)
        elif kind == "blockquote_open":
            if self._outer() == "list":
                self._warn(token, "quote inside a list item kept as the item's text")
            self.stack.append(_Container("quote"))
        elif kind == "paragraph_open":
            self._add_text(tokens[index + 1], spans_from_inline(tokens[index + 1].children))
            return index + 3
        elif kind == "heading_open":
            self._heading(token, tokens[index + 1])
            return index + 3
        elif kind in ("fence", "code_block"):
            self._warn(token, "code block kept as a paragraph of code")
            self._add_text(token, _code_lines(token.content))
        elif kind == "html_block":
            self._warn(token, "HTML block kept as literal text")
            self._add_text(token, _literal_lines(token.content))
        elif kind == "hr":
            self._warn(token, "thematic break (horizontal rule) left out; it holds no text")
        elif kind == "table_open":
            return self._table(tokens, index)
        return index + 1

    def _open_list(self, token: Token, *, ordered: bool) -> None:
        item = self._innermost_item()
        if self._outer() == "list" and item is not None:
            if item.draft is None:
                self._emit_item(token, item, [])
            item.nested_seen = True
        elif self._outer() == "quote":
            self._warn(token, "list inside a quote kept as quoted paragraphs")
        self.stack.append(_Container("list", ordered=ordered))

    def _open_item(self, token: Token) -> None:
        lists = [c for c in self.stack if c.kind == "list"]
        level = len(lists) - 1
        if level > 8:
            self._warn(token, "list nested more than 9 deep kept at level 8")
        item = _Item(level=level, ordered=lists[-1].ordered if lists else False)
        self.stack.append(_Container("item", item=item))

    def _close_item(self, token: Token) -> None:
        container = self.stack.pop()
        item = container.item
        # An item with no text and no nested list is still an item: keep it, empty.
        if self._outer() == "list" and item is not None and item.draft is None:
            self._emit_item(token, item, [])

    def _emit_item(self, token: Token, item: _Item, spans: list[Span]) -> None:
        draft = Draft("list_item", self._line(token), list(spans), item.level, item.ordered)
        self.drafts.append(draft)
        item.draft = draft
        item.nested_seen = False

    def _add_text(self, token: Token, spans: list[Span]) -> None:
        outer = self._outer()
        if outer is None:
            self.drafts.append(Draft("paragraph", self._line(token), spans))
        elif outer == "quote":
            self.drafts.append(Draft("quote", self._line(token), spans))
        else:
            item = self._innermost_item()
            if item is None:  # text directly in a list cannot happen; keep it anyway
                self.drafts.append(Draft("paragraph", self._line(token), spans))
            elif item.draft is None:
                self._emit_item(token, item, spans)
            elif not item.nested_seen:
                item.draft.spans.extend([BREAK, *spans])
            else:
                self._warn(token, "text after a nested list kept as a further list item")
                self._emit_item(token, item, spans)

    def _heading(self, token: Token, inline: Token) -> None:
        spans = [Span(text=" ") if s == BREAK else s for s in spans_from_inline(inline.children)]
        if self.stack:
            self._warn(token, "heading inside a list or quote kept as text")
            self._add_text(token, spans)
            return
        explicit = token.meta.get("explicit_id") if token.meta else None
        level = int(token.tag[1])
        self.drafts.append(Draft("heading", self._line(token), spans, level, False, explicit))

    def _table(self, tokens: Sequence[Token], index: int) -> int:
        start = tokens[index]
        rows: list[TableRow] = []
        align: list[Literal["left", "center", "right"] | None] = []
        cells: list[TableCell] = []
        row_token = start
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                cells, row_token = [], token
            elif token.type in ("th_open", "td_open"):
                spans = spans_from_inline(tokens[index + 1].children)
                cells.append(TableCell(spans=spans))
                if not rows:
                    match = _ALIGN.search(str(token.attrs.get("style", "")))
                    align.append(match.group(1) if match else None)  # type: ignore[arg-type]
            elif token.type == "tr_close":
                rows.append(TableRow(cells=self._extra_cells(row_token, cells)))
            index += 1
        if self.stack:
            self._warn(start, "table inside a list or quote kept as a table after it")
        table = Table(header=True, align=align, rows=rows)
        self.drafts.append(Draft("table", self._line(start), table=table))
        return index + 1

    def _extra_cells(self, row: Token, cells: list[TableCell]) -> list[TableCell]:
        """Keep the text of cells beyond the header's count (markdown-it drops them)."""
        if not row.map or row.map[0] >= len(self.lines) or not cells:
            return cells
        # Split as markdown-it does: a pipe after a backslash is escaped, whatever precedes.
        parts = _UNESCAPED_PIPE.split(self.lines[row.map[0]].strip())
        if parts and parts[0] == "":
            parts.pop(0)
        if parts and parts[-1] == "":
            parts.pop()
        extra = [p.strip() for p in parts[len(cells) :] if p.strip()]
        if not extra:
            return cells
        self._warn(row, f"{len(extra)} table cell(s) beyond the header kept in the last cell")
        spans = list(cells[-1].spans)
        for text in extra:
            inline = self.md.parseInline(text)[0]
            spans.extend([Span(text=" "), *spans_from_inline(inline.children)])
        return [*cells[:-1], TableCell(spans=normalize_spans(spans))]


def _code_lines(content: str) -> list[Span]:
    spans: list[Span] = []
    for index, line in enumerate(content.rstrip("\n").split("\n")):
        if index:
            spans.append(BREAK)
        if line:
            spans.append(Span(text=line, code=True))
    return spans


def _literal_lines(content: str) -> list[Span]:
    spans: list[Span] = []
    for line in content.split("\n"):
        if line.strip():
            if spans:
                spans.append(BREAK)
            spans.append(Span(text=line.strip()))
    return spans
