"""Audiences: the groups invited to comment, each reached in a form that suits them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Channel = Literal["portal", "docx", "survey", "email", "facilitated"]


class Audience(BaseModel):
    """A group of participants; ``youth`` audiences get youth-friendly materials."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    description: str = ""
    youth: bool = False
    attach_docx: bool = Field(default=True, description="Send the draft as a Word file too.")


BUILT_IN_AUDIENCES: tuple[Audience, ...] = (
    Audience(
        id="practitioners",
        name="Practitioners",
        description="Frontline staff in statutory services who will work to the guidance.",
    ),
    Audience(
        id="partners",
        name="Non-statutory partners",
        description="Youth clubs, charities, schools and other partners.",
    ),
    Audience(
        id="young-people",
        name="Young people",
        description="Young people the guidance affects, invited directly or through a worker.",
        youth=True,
        attach_docx=False,
    ),
)
