"""What a channel hands to intake: what a participant said, under a pseudonymous id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coproduce.models import Channel

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Submission:
    """What a participant said, as a channel received it (pseudonymous id, never a name)."""

    participant: str
    channel: Channel
    text: str
    section: str | None = None
    quote: str = ""
    suggestion: str | None = None
    question: str | None = None
    received: dt.datetime | None = None
