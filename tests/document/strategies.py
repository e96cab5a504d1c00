"""Hypothesis strategies for Documents in the form parse_markdown produces."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from coproduce.document import assign_sections, normalize_spans
from coproduce.models import (
    Block,
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
)

ALPHABET = list("abzAZ09 ") + list("*_`[]#|\\<>!&;.():-+={}~\"'/%@^$?,") + list("é’—\u00a0\t")
LINKS = [
    "https://example.org/a",
    "/relative/path",
    "mailto:someone@example.org",
    "https://example.org/q?x=1&y=(2)",
    "#escalation",
]
words = st.text(alphabet=ALPHABET, min_size=1, max_size=8)
ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True).filter(lambda s: s != "preamble")


@st.composite
def spans(draw: st.DrawFn, *, breaks: bool = True, min_size: int = 1) -> list[Span]:
    """Draw a normalized span list with at least ``min_size`` spans."""
    span = st.builds(
        Span,
        text=words,
        bold=st.booleans(),
        italic=st.booleans(),
        code=st.booleans(),
        link=st.none() | st.sampled_from(LINKS),
    )
    items = st.one_of(span, st.just(Span(text="\n"))) if breaks else span
    drawn = normalize_spans(draw(st.lists(items, min_size=min_size, max_size=6)))
    if len(drawn) < min_size:
        drawn = normalize_spans([*drawn, Span(text="x")])
    return drawn


@st.composite
def tables(draw: st.DrawFn) -> Table:
    width = draw(st.integers(1, 3))
    cell = st.builds(TableCell, spans=spans(breaks=False, min_size=0))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=3))
    align = draw(
        st.lists(st.sampled_from([None, "left", "center", "right"]), min_size=width, max_size=width)
    )
    return Table(align=align, rows=[TableRow(cells=r) for r in rows])


def blocks() -> st.SearchStrategy[Block]:
    return st.one_of(
        st.builds(
            Heading,
            level=st.integers(1, 6),
            id=ids,
            explicit_id=st.booleans(),
            spans=spans(breaks=False, min_size=0),
        ),
        st.builds(Paragraph, spans=spans()),
        st.builds(
            ListItem,
            level=st.integers(0, 3),
            ordered=st.booleans(),
            spans=spans(min_size=0),
        ),
        st.builds(Quote, spans=spans()),
        tables(),
    )


metas = st.builds(
    DocumentMeta,
    title=st.text(alphabet=ALPHABET, min_size=1, max_size=12),
    owner=st.text(alphabet=ALPHABET, max_size=12),
    status=st.sampled_from(["draft", "consultation", "approved"]),
    version=st.from_regex(r"[0-9]{1,2}\.[0-9]{1,2}", fullmatch=True),
    review_date=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    statutory_basis=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=10), max_size=2),
)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """Draw a Document exactly as parse_markdown would produce it."""
    drawn = draw(st.lists(blocks(), max_size=8))
    seen: set[str] = set()
    unique: list[Block] = []
    for block in drawn:
        if isinstance(block, Heading) and block.explicit_id:
            if block.id in seen:
                block = block.model_copy(update={"explicit_id": False})
            seen.add(block.id)
        unique.append(block)
    return Document(slug="sample", meta=draw(metas), blocks=assign_sections(unique))
