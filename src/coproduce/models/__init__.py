"""The domain vocabulary: pydantic models only, no I/O.

Names load on first use (PEP 562): a command that needs the document models does not build
the cycle, feedback or pack models too.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coproduce.models.audience import BUILT_IN_AUDIENCES, Audience, Channel
    from coproduce.models.block import (
        Block,
        Heading,
        ListItem,
        Paragraph,
        Quote,
        Span,
        Table,
        TableCell,
        TableRow,
        TextBlock,
        spans_text,
    )
    from coproduce.models.cycle import (
        TRANSITIONS,
        CycleEvent,
        CycleState,
        Question,
        ReviewCycle,
        Transition,
        next_commands,
        next_state,
    )
    from coproduce.models.decision import DecisionOutcome, SignoffDecision, SignoffResult
    from coproduce.models.document import Document, DocumentMeta, is_slug, slugify
    from coproduce.models.feedback import (
        HELD_TEXT,
        Anchor,
        AnchorStatus,
        Disposition,
        FeedbackItem,
        FeedbackKind,
        Outcome,
        Provenance,
    )
    from coproduce.models.pack import PackFile, PackManifest, PackRecord
    from coproduce.models.participant import Participant, ParticipantRecord
    from coproduce.models.validation import describe_errors, load_model
    from coproduce.models.version import Person, SectionChange, Version, approved_tag

_WHERE = {
    "Anchor": "feedback",
    "AnchorStatus": "feedback",
    "Audience": "audience",
    "BUILT_IN_AUDIENCES": "audience",
    "Block": "block",
    "Channel": "audience",
    "CycleEvent": "cycle",
    "CycleState": "cycle",
    "DecisionOutcome": "decision",
    "Disposition": "feedback",
    "Document": "document",
    "DocumentMeta": "document",
    "FeedbackItem": "feedback",
    "FeedbackKind": "feedback",
    "HELD_TEXT": "feedback",
    "Heading": "block",
    "ListItem": "block",
    "Outcome": "feedback",
    "PackFile": "pack",
    "PackManifest": "pack",
    "PackRecord": "pack",
    "Paragraph": "block",
    "Participant": "participant",
    "ParticipantRecord": "participant",
    "Person": "version",
    "Provenance": "feedback",
    "Question": "cycle",
    "Quote": "block",
    "ReviewCycle": "cycle",
    "SectionChange": "version",
    "SignoffDecision": "decision",
    "SignoffResult": "decision",
    "Span": "block",
    "TRANSITIONS": "cycle",
    "Table": "block",
    "TableCell": "block",
    "TableRow": "block",
    "TextBlock": "block",
    "Transition": "cycle",
    "Version": "version",
    "approved_tag": "version",
    "describe_errors": "validation",
    "is_slug": "document",
    "load_model": "validation",
    "next_commands": "cycle",
    "next_state": "cycle",
    "slugify": "document",
    "spans_text": "block",
}

__all__ = [
    "BUILT_IN_AUDIENCES",
    "HELD_TEXT",
    "TRANSITIONS",
    "Anchor",
    "AnchorStatus",
    "Audience",
    "Block",
    "Channel",
    "CycleEvent",
    "CycleState",
    "DecisionOutcome",
    "Disposition",
    "Document",
    "DocumentMeta",
    "FeedbackItem",
    "FeedbackKind",
    "Heading",
    "ListItem",
    "Outcome",
    "PackFile",
    "PackManifest",
    "PackRecord",
    "Paragraph",
    "Participant",
    "ParticipantRecord",
    "Person",
    "Provenance",
    "Question",
    "Quote",
    "ReviewCycle",
    "SectionChange",
    "SignoffDecision",
    "SignoffResult",
    "Span",
    "Table",
    "TableCell",
    "TableRow",
    "TextBlock",
    "Transition",
    "Version",
    "approved_tag",
    "describe_errors",
    "is_slug",
    "load_model",
    "next_commands",
    "next_state",
    "slugify",
    "spans_text",
]


def __getattr__(name: str) -> Any:
    """Import the model module that defines ``name`` and return it (once; then cached here)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
