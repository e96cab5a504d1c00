"""The manifest of a sign-off pack: what it holds and what it could not account for."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

PackFileKind = Literal[
    "tracked-docx", "clean-docx", "cover-paper", "feedback-log", "you-said-we-did", "other"
]


class PackFile(BaseModel):
    """One file in the pack."""

    path: str
    kind: PackFileKind
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    bytes: int = Field(ge=0)


class PackManifest(BaseModel):
    """What a sign-off pack contains, generated from which versions, with which gaps."""

    cycle: str
    slug: str
    base: str
    proposed: str
    generated: dt.datetime
    generated_by: str
    files: list[PackFile] = Field(default_factory=list)
    feedback_total: int = Field(default=0, ge=0)
    feedback_by_outcome: dict[str, int] = Field(default_factory=dict)
    participants_by_audience: dict[str, int] = Field(default_factory=dict)
    undisposed: list[str] = Field(
        default_factory=list, description="Feedback ids with no outcome: the pack says so loudly."
    )

    @property
    def complete(self) -> bool:
        return not self.undisposed
