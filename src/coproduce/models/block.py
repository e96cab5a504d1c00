"""Blocks: the units a guidance document is made of, and the inline spans inside them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """A run of text with one set of inline formatting; ``text`` of "\\n" is a hard line break."""

    model_config = ConfigDict(frozen=True)

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None

    def same_format(self, other: Span) -> bool:
        """Return whether ``other`` carries the same formatting as this span."""
        return (self.bold, self.italic, self.code, self.link) == (
            other.bold,
            other.italic,
            other.code,
            other.link,
        )


def spans_text(spans: list[Span]) -> str:
    """Return the plain text of a list of spans."""
    return "".join(s.text for s in spans)


class _BlockBase(BaseModel):
    model_config = ConfigDict(frozen=True)

    section: str = Field(
        default="preamble",
        description="Id of the section (nearest heading at or above) this block belongs to.",
    )


class Heading(_BlockBase):
    """A section heading; ``id`` is stable and unique in the document."""

    kind: Literal["heading"] = "heading"
    level: int = Field(ge=1, le=6)
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    explicit_id: bool = False
    spans: list[Span]

    @property
    def text(self) -> str:
        return spans_text(self.spans)


class Paragraph(_BlockBase):
    """A plain paragraph of body text."""

    kind: Literal["paragraph"] = "paragraph"
    spans: list[Span]

    @property
    def text(self) -> str:
        return spans_text(self.spans)


class ListItem(_BlockBase):
    """One item of a bulleted or numbered list; ``level`` 0 is the outermost."""

    kind: Literal["list_item"] = "list_item"
    level: int = Field(default=0, ge=0, le=8)
    ordered: bool = False
    spans: list[Span]

    @property
    def text(self) -> str:
        return spans_text(self.spans)


class Quote(_BlockBase):
    """A quoted paragraph."""

    kind: Literal["quote"] = "quote"
    spans: list[Span]

    @property
    def text(self) -> str:
        return spans_text(self.spans)


class TableCell(BaseModel):
    """One cell of a table."""

    model_config = ConfigDict(frozen=True)

    spans: list[Span] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return spans_text(self.spans)


class TableRow(BaseModel):
    """One row of a table."""

    model_config = ConfigDict(frozen=True)

    cells: list[TableCell]


class Table(_BlockBase):
    """A table; the first row is the header row when ``header`` is set (always, from GFM)."""

    kind: Literal["table"] = "table"
    header: bool = True
    align: list[Literal["left", "center", "right"] | None] = Field(default_factory=list)
    rows: list[TableRow] = Field(min_length=1)

    @property
    def text(self) -> str:
        return "\n".join(" | ".join(c.text for c in r.cells) for r in self.rows)


Block = Annotated[
    Heading | Paragraph | ListItem | Quote | Table,
    Field(discriminator="kind"),
]
TextBlock = Heading | Paragraph | ListItem | Quote
