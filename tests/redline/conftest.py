"""Builders for the redline tests: short ways to write blocks and documents."""

from __future__ import annotations

import pytest

from coproduce.models import (
    Document,
    DocumentMeta,
    Heading,
    ListItem,
    Paragraph,
    Quote,
    Span,
    Table,
    TableCell,
    TableRow,
    slugify,
)


class Make:
    """Make blocks and documents from plain strings."""

    @staticmethod
    def p(text: str, **fmt: object) -> Paragraph:
        return Paragraph(spans=[Span(text=text, **fmt)])  # type: ignore[arg-type]

    @staticmethod
    def spans(*parts: str | tuple[str, dict[str, object]]) -> Paragraph:
        spans = [Span(text=p) if isinstance(p, str) else Span(text=p[0], **p[1]) for p in parts]  # type: ignore[arg-type]
        return Paragraph(spans=spans)

    @staticmethod
    def h(text: str, level: int = 2) -> Heading:
        return Heading(level=level, id=slugify(text), spans=[Span(text=text)])

    @staticmethod
    def li(text: str, level: int = 0, ordered: bool = False) -> ListItem:
        return ListItem(level=level, ordered=ordered, spans=[Span(text=text)])

    @staticmethod
    def q(text: str) -> Quote:
        return Quote(spans=[Span(text=text)])

    @staticmethod
    def table(*rows: list[str]) -> Table:
        return Table(
            rows=[TableRow(cells=[TableCell(spans=[Span(text=c)]) for c in r]) for r in rows]
        )

    @staticmethod
    def doc(*blocks: object, title: str = "Missing from care protocol", **meta: object) -> Document:
        return Document(
            slug="missing-protocol",
            meta=DocumentMeta(title=title, **meta),  # type: ignore[arg-type]
            blocks=list(blocks),  # type: ignore[arg-type]
        )


@pytest.fixture
def make() -> type[Make]:
    """Return the block and document builders."""
    return Make
