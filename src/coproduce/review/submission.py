"""What a channel hands to intake: what a participant said, under a pseudonymous id."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from coproduce.models import Channel, FeedbackKind, Provenance

ANONYMOUS = "anonymous"
SubmissionKind = FeedbackKind | Literal["file"]
FILE: Literal["file"] = "file"


@dataclass(frozen=True)
class Submission:
    """What a participant said, as a channel received it (pseudonymous id, never a name).

    ``audience`` names the voice of an anonymous or facilitated submission (a named
    participant's audience comes from the register). ``prefix``/``suffix`` are the text around
    the quote and ``version`` the commit it was made on, when that is not the cycle's proposed
    text: the anchor is then found again (``reanchored``) or ``orphaned``. ``concern`` marks a
    possible disclosure of harm: git gets only HELD_TEXT. A ``file`` submission carries a
    whole returned Word file (``file``): the journal keeps it, a reader turns it into items,
    and git records only that it came (``reviews/<cycle>/files/``), never its contents.
    """

    participant: str
    channel: Channel
    text: str
    section: str | None = None
    quote: str = ""
    suggestion: str | None = None
    question: str | None = None
    received: dt.datetime | None = None
    kind: SubmissionKind = "comment"
    audience: str | None = None
    prefix: str = ""
    suffix: str = ""
    version: str | None = None
    provenance: Provenance | None = None
    consent_to_quote: bool | None = None
    concern: bool = False
    key: str | None = None
    response: str | None = None
    file: bytes | None = None

    def payload(self) -> dict[str, Any]:
        """Return what the journal keeps of it (JSON-ready; the participant and time aside)."""
        found: dict[str, Any] = {
            "text": self.text.strip(),
            "section": self.section,
            "quote": self.quote,
            "suggestion": self.suggestion,
            "question": self.question,
            "kind": self.kind,
            "audience": self.audience,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "version": self.version,
            "provenance": None
            if self.provenance is None
            else self.provenance.model_dump(mode="json"),
            "consent_to_quote": self.consent_to_quote,
            "concern": self.concern,
            "response": self.response,
        }
        if self.file is not None:
            found["file"] = base64.b64encode(self.file).decode("ascii")
            found["file_sha256"] = hashlib.sha256(self.file).hexdigest()
            found["file_bytes"] = len(self.file)
        return found

    @classmethod
    def from_payload(
        cls, payload: dict[str, Any], *, participant: str, channel: str, key: str
    ) -> Submission:
        """Return the submission a journal entry holds."""
        provenance = payload.get("provenance")
        return cls(
            participant=participant,
            channel=channel,  # type: ignore[arg-type]
            text=payload["text"],
            section=payload.get("section"),
            quote=payload.get("quote", ""),
            suggestion=payload.get("suggestion"),
            question=payload.get("question"),
            kind=payload.get("kind", "comment"),
            audience=payload.get("audience"),
            prefix=payload.get("prefix", ""),
            suffix=payload.get("suffix", ""),
            version=payload.get("version"),
            provenance=None if provenance is None else Provenance.model_validate(provenance),
            consent_to_quote=payload.get("consent_to_quote"),
            concern=bool(payload.get("concern", False)),
            key=key,
            response=payload.get("response"),
            file=base64.b64decode(payload["file"]) if payload.get("file") else None,
        )
