"""Git access to the guidance repository: documents, versions, approvals, section history."""

from coproduce.store.author import parse_person, resolve_author
from coproduce.store.history import section_history
from coproduce.store.message import compose_message, feedback_ids, parse_trailers
from coproduce.store.repo import GuidanceRepo

__all__ = [
    "GuidanceRepo",
    "compose_message",
    "feedback_ids",
    "parse_person",
    "parse_trailers",
    "resolve_author",
    "section_history",
]
