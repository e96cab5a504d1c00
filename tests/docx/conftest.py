"""Shared builders for the docx tests: a rich sample document."""

from __future__ import annotations

import datetime as dt

from coproduce.docx.sections import assign_sections
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
)


def _s(text: str, **fmt: object) -> Span:
    return Span(text=text, **fmt)  # type: ignore[arg-type]


def rich_document() -> Document:
    """Return a guidance document using every block kind and inline format we write."""
    blocks = [
        Paragraph(spans=[_s("Read this before the partnership meeting.")]),
        Heading(level=1, id="section", spans=[_s("Purpose")]),
        Paragraph(
            spans=[
                _s("Practitioners "),
                _s("must", bold=True),
                _s(" act on "),
                _s("any", italic=True),
                _s(" concern; "),
                _s("both", bold=True, italic=True),
                _s(" matter. Run "),
                _s("coproduce status", code=True),
                _s(" or read "),
                _s("the partnership site", link="https://partnership.example.org/guide"),
                _s("."),
            ]
        ),
        ListItem(spans=[_s("Listen to the young person")]),
        ListItem(level=1, ordered=True, spans=[_s("write down their words")]),
        ListItem(level=1, ordered=True, spans=[_s("note the time")]),
        ListItem(spans=[_s("Tell the designated lead")]),
        Heading(level=2, id="section", spans=[_s("Who to call")]),
        ListItem(ordered=True, spans=[_s("The duty desk")]),
        ListItem(ordered=True, spans=[_s("The out-of-hours team")]),
        Quote(spans=[_s("Nobody asked me what would help.")]),
        Table(
            align=["left", "center"],
            rows=[
                TableRow(cells=[TableCell(spans=[_s("Agency")]), TableCell(spans=[_s("When")])]),
                TableRow(cells=[TableCell(spans=[_s("Police")]), TableCell(spans=[_s("Always")])]),
                TableRow(
                    cells=[
                        TableCell(spans=[_s("Youth club")]),
                        TableCell(spans=[_s("Same day"), _s("\n"), _s("by phone")]),
                    ]
                ),
            ],
        ),
        Heading(level=3, id="section", spans=[_s("Purpose")]),
        Paragraph(spans=[_s("First line"), _s("\n"), _s("second line")]),
    ]
    meta = DocumentMeta(
        title="Child exploitation protocol",
        owner="Safeguarding partnership",
        status="consultation",
        version="2.1",
        review_date=dt.date(2027, 3, 31),
        statutory_basis=["Children Act 1989 s.47", "Working Together 2023"],
    )
    return Document(
        slug="exploitation",
        meta=meta,
        blocks=assign_sections(blocks, bookmarks=[None, "contacts", None]),
    )
