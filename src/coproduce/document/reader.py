"""Read guidance Markdown (YAML front matter, CommonMark, GFM tables) into a Document.

Decisions worth knowing:

- A list item holding several paragraphs becomes one ListItem whose paragraphs are joined by
  a hard break; text that follows a nested list inside an item becomes a further ListItem at
  the item's level (with a warning), so the words keep their order.
- A blockquote gives one Quote per paragraph; lists and headings inside it are flattened to
  Quotes. Quotes and headings inside a list item are kept as the item's text.
- Code blocks and HTML blocks become paragraphs (code spans, or literal text) with a warning;
  a thematic break has no text and is only warned about. Nothing with text is dropped.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from coproduce.document.blocks import BlockWalker
from coproduce.document.frontmatter import load_front_matter, load_meta, split_front_matter
from coproduce.document.sections import (
    assign_sections,
    check_explicit_id,
    split_explicit_id,
)
from coproduce.document.segments import Stretch, split_body
from coproduce.errors import InvalidInputError
from coproduce.models import Document, load_model, spans_text


@cache
def markdown_parser() -> MarkdownIt:
    """Return the shared markdown-it parser: CommonMark, GFM tables, `{#id}` on headings."""
    md = MarkdownIt("commonmark").enable("table")
    md.core.ruler.after("block", "heading_ids", _take_heading_ids)
    return md


def _take_heading_ids(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and index + 1 < len(tokens):
            inline = tokens[index + 1]
            content, explicit = split_explicit_id(inline.content)
            if explicit is not None:
                inline.content = content.rstrip()
                token.meta["explicit_id"] = explicit


def parse_markdown(text: str, *, slug: str) -> Document:
    """Return the Document a guidance Markdown file holds; raise InvalidInputError if bad."""
    document, _warnings = parse_markdown_with_warnings(text, slug=slug)
    return document


def parse_markdown_with_warnings(text: str, *, slug: str) -> tuple[Document, list[str]]:
    """Return the Document and a warning per construct kept in a simpler form."""
    yaml_text, body, offset = split_front_matter(text)
    data: dict[str, Any] | None = None if yaml_text is None else load_front_matter(yaml_text)
    walker = _walk(body, offset)
    problems = _id_problems(walker)
    if data is None:
        first_h1 = next((h for h in walker.headings() if h.level == 1), None)
        title = spans_text(first_h1.spans).strip() if first_h1 is not None else ""
        if not title:
            problems.insert(0, "no front matter, and no level-1 heading to take a title from")
            noun = "problem" if len(problems) == 1 else "problems"
            raise InvalidInputError(
                f"document is not valid ({len(problems)} {noun})", problems=problems
            )
        data = {"title": title}
    meta = load_meta(data, extra_problems=problems)
    blocks = assign_sections(walker.blocks())
    document = load_model(Document, {"slug": slug, "meta": meta, "blocks": blocks}, what="document")
    return document, walker.warnings


def _walk(body: str, offset: int) -> BlockWalker:
    """Return a walker that has read the whole body; plain prose skips markdown-it."""
    md = markdown_parser()
    segments = split_body(body)
    if segments is None:
        walker = BlockWalker(lines=body.splitlines(), offset=offset, md=md)
        walker.walk(md.parse(body))
        return walker
    walker = BlockWalker(lines=[], offset=offset, md=md)
    for segment in segments:
        if isinstance(segment, Stretch):
            walker.lines, walker.offset = segment.lines, offset + segment.start
            walker.walk(md.parse("\n".join(segment.lines)))
        else:
            walker.add_plain(segment, offset=offset)
    return walker


def _id_problems(walker: BlockWalker) -> list[str]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    for draft in walker.headings():
        if draft.explicit_id is None:
            continue
        problem = check_explicit_id(draft.explicit_id, line=draft.line)
        if problem is not None:
            problems.append(problem)
            draft.explicit_id = None
        elif draft.explicit_id in seen:
            problems.append(
                f"line {draft.line}: heading id {draft.explicit_id!r} is already used "
                f"on line {seen[draft.explicit_id]}"
            )
        else:
            seen[draft.explicit_id] = draft.line
    return problems
