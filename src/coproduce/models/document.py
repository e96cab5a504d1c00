"""A guidance document: its front-matter metadata and its blocks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coproduce.models.block import Block, Heading

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
DocumentStatus = Literal["draft", "consultation", "approved", "superseded", "withdrawn"]


class DocumentMeta(BaseModel):
    """Front matter of ``guidance/<slug>.md``; unknown keys are kept, in order."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    title: str = Field(min_length=1)
    owner: str = ""
    status: DocumentStatus = "draft"
    version: str = Field(default="0.1", pattern=r"^\d+\.\d+$")
    review_date: dt.date | None = None
    statutory_basis: list[str] = Field(default_factory=list)
    audiences: list[str] = Field(default_factory=list)


class Document(BaseModel):
    """A guidance document in the canonical block model."""

    slug: str = Field(pattern=SLUG_PATTERN)
    meta: DocumentMeta
    blocks: list[Block] = Field(default_factory=list)

    def iter_headings(self) -> list[Heading]:
        """Return the document's headings in order."""
        return [b for b in self.blocks if isinstance(b, Heading)]

    def section_ids(self) -> list[str]:
        """Return the ids of every section, in document order."""
        return [h.id for h in self.iter_headings()]

    def section_blocks(self, section_id: str) -> list[Block]:
        """Return the blocks of one section (its heading and body), empty when unknown."""
        return [b for b in self.blocks if b.section == section_id]

    def word_count(self) -> int:
        """Return the number of words in the document body."""
        return sum(len(b.text.split()) for b in self.blocks)


def slugify(text: str) -> str:
    """Return a lowercase, hyphenated id for ``text`` (ASCII letters and digits only)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "section"


def is_slug(text: str) -> bool:
    """Return whether ``text`` is a valid document slug."""
    return re.match(SLUG_PATTERN, text) is not None
