"""The manifest of a sign-off pack: what it holds and what it could not account for."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

PackFileKind = Literal[
    "tracked-docx",
    "clean-docx",
    "clean-html",
    "cover-paper",
    "cover-paper-html",
    "chart",
    "feedback-log",
    "traceability",
    "you-said-we-did",
    "other",
]
SHA256 = r"^[0-9a-f]{64}$"


class PackFile(BaseModel):
    """One file in the pack."""

    path: str
    kind: PackFileKind
    sha256: str = Field(pattern=SHA256)
    bytes: int = Field(ge=0)


class PackManifest(BaseModel):
    """What a sign-off pack contains, generated from which versions, with which gaps."""

    cycle: str
    slug: str
    base: str
    proposed: str
    base_commit: str = Field(default="", description="Full sha the base revision named.")
    proposed_commit: str = Field(default="", description="Full sha the proposed revision named.")
    proposed_text_sha256: str = Field(
        default="", description="sha256 of guidance/<slug>.md at the proposed commit."
    )
    generated: dt.datetime
    generated_by: str
    draft: bool = Field(default=False, description="Built with items still undecided.")
    files: list[PackFile] = Field(default_factory=list)
    feedback_total: int = Field(default=0, ge=0)
    feedback_by_outcome: dict[str, int] = Field(default_factory=dict)
    participants_by_audience: dict[str, int] = Field(default_factory=dict)
    undisposed: list[str] = Field(
        default_factory=list, description="Feedback ids with no outcome: the pack says so loudly."
    )
    accepted_not_acted_on: list[str] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.undisposed


class PackRecord(BaseModel):
    """What git keeps of a built pack (``reviews/<cycle>/packs/<id>.yaml``): hashes, no files."""

    id: str = Field(pattern=r"^[0-9]{8}T[0-9]{6}Z$")
    cycle: str
    manifest_sha256: str = Field(pattern=SHA256)
    base_commit: str
    proposed_commit: str
    draft: bool = False
    generated: dt.datetime
    generated_by: str
    files: dict[str, str] = Field(default_factory=dict, description="path -> sha256")
