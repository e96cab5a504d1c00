"""Real guidance with real edit histories: reading and writing it must lose nothing."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from coproduce.document import parse_markdown, render_markdown
from coproduce.models import Document, Table

from .conftest import corpus_cases, guidance_versions


def with_front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text if text.startswith("---\n") else f"---\ntitle: X\n---\n{text}"


def source_words(text: str) -> list[str]:
    """Return the words markdown-it itself finds in the body of ``text``."""
    body = text.split("\n---\n", 1)[1]
    md = MarkdownIt("commonmark").enable("table")
    return " ".join(_block_text(md.parse(body))).split()


def _block_text(tokens: list[Token]) -> Iterator[str]:
    for token in tokens:
        if token.type == "inline":
            yield "".join(_inline_text(token.children or []))
        else:
            yield token.content


def _inline_text(children: list[Token]) -> Iterator[str]:
    for token in children:
        if token.type in ("softbreak", "hardbreak"):
            yield " "
        elif token.children:
            yield from _inline_text(token.children)
        else:
            yield token.content


def document_words(document: Document) -> list[str]:
    parts: list[str] = []
    for block in document.blocks:
        if isinstance(block, Table):
            parts.extend(cell.text for row in block.rows for cell in row.cells)
        else:
            parts.append(block.text)
    return " ".join(parts).split()


def test_the_corpus_is_there_to_read(corpus: Path) -> None:
    assert len(list((corpus / "guidance_versions").glob("*/*.md"))) >= 30


@pytest.mark.parametrize(
    "path", corpus_cases(guidance_versions), ids=lambda p: f"{p.parent.name}/{p.stem[:3]}"
)
def test_corpus_versions_round_trip_stably_and_lose_no_words(path: Path) -> None:
    source = with_front_matter(path)
    document = parse_markdown(source, slug="corpus")
    rendered = render_markdown(document)
    again = parse_markdown(rendered, slug="corpus")
    assert again == document
    assert render_markdown(again) == rendered
    assert document_words(document) == source_words(source)
