"""``coproduce commit``: commit edits to a document with the feedback they act on named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from coproduce.errors import InvalidInputError
from coproduce.models import Person
from coproduce.review import record
from coproduce.review.feedback import feedback_path
from coproduce.store.edits import commit_edits
from coproduce.triage.service import CLOSED_RECORD

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo


def commit_for_feedback(
    repo: GuidanceRepo,
    slug: str,
    *,
    message: str,
    feedback: Sequence[str],
    author: Person,
) -> str:
    """Commit the edits to ``slug`` naming ``feedback`` (items of its cycles); return the sha."""
    cycles = [
        c.id for c in record.iter_cycles(repo) if c.slug == slug and c.state not in CLOSED_RECORD
    ]
    unknown = [
        f for f in feedback if not any((repo.root / feedback_path(c, f)).is_file() for c in cycles)
    ]
    if unknown:
        where = ", ".join(cycles) or "none open"
        raise InvalidInputError(
            f"no such feedback on a review of {slug} (reviews: {where})",
            problems=[f"{f} is not an item of those reviews" for f in unknown],
        )
    trailers = {"Review-Cycle": cycles} if feedback and len(cycles) == 1 else None
    return commit_edits(
        repo, slug, author=author, message=message, feedback=feedback, trailers=trailers
    )
