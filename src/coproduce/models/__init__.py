"""The domain vocabulary: pydantic models only, no I/O."""

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
