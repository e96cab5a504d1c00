"""Take in feedback on a cycle and read it back: the one call channels use when embedded.

``record_feedback`` is intake followed at once by the recording step, for one machine with no
workers (the CLI, the demo, tests): it journals the submission (acknowledged means committed in
the register), then writes pending items to ``reviews/<cycle>/feedback/`` in git. With
workers, channels call ``intake.accept`` and the ``record-feedback`` flow writes git.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from coproduce.models import FeedbackItem, load_model
from coproduce.review import record
from coproduce.review.intake import accept, content_key
from coproduce.review.recording import (
    FEEDBACK_DIR,
    INTAKE,
    anchor_submission,
    feedback_path,
    record_pending,
)
from coproduce.review.submission import ANONYMOUS, Submission

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import Register

__all__ = [
    "ANONYMOUS",
    "FEEDBACK_DIR",
    "INTAKE",
    "Submission",
    "anchor_submission",
    "feedback_path",
    "iter_feedback",
    "load_item",
    "record_feedback",
]


def iter_feedback(repo: GuidanceRepo, cycle_id: str) -> list[FeedbackItem]:
    """Return every feedback item recorded on a cycle, in id order."""
    folder = repo.root / record.REVIEWS / cycle_id / FEEDBACK_DIR
    items = []
    for path in sorted(folder.glob("FB-*.yaml")):
        data = record.load_yaml(path.read_text(encoding="utf-8"))
        items.append(load_model(FeedbackItem, data, what=str(path.relative_to(repo.root))))
    return items


def load_item(repo: GuidanceRepo, cycle_id: str, feedback_id: str) -> FeedbackItem:
    """Return one recorded feedback item."""
    path = repo.root / feedback_path(cycle_id, feedback_id)
    data = record.load_yaml(path.read_text(encoding="utf-8"))
    return load_model(FeedbackItem, data, what=feedback_path(cycle_id, feedback_id))


def record_feedback(
    *,
    repo: GuidanceRepo,
    register: Register | None,
    cycle_id: str,
    submission: Submission,
    key: str | None = None,
    now: dt.datetime | None = None,
) -> FeedbackItem:
    """Journal one submission, record it in git, and return the item it became.

    ``key`` defaults to the submission's own, else a hash of its content, so repeating the
    same call stores nothing twice. Raises StateError for a cycle that was never launched; an
    unknown participant or section, or empty text, is an InvalidInputError.
    """
    if register is None:  # anonymous routes (facilitated notes) still journal in the register
        from coproduce.workspace import open_workspace

        register = open_workspace(repo=repo.root, sync=False).register
    receipt = accept(
        repo=repo,
        register=register,
        cycle_id=cycle_id,
        submission=submission,
        key=key or submission.key or content_key(cycle_id, submission),
        now=now,
    )
    record_pending(repo=repo, register=register, cycle_id=cycle_id)
    return load_item(repo, cycle_id, receipt.reference)
