"""Move a cycle's feedback anchors onto a newer text when the proposed version moves on.

Each anchored item is found again in the text at ``rev`` (by quote, then by the text around it,
then fuzzily); it is marked ``reanchored`` when it moved, ``orphaned`` when it cannot be placed
(kept and shown, never dropped). Changed items are committed together in one commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coproduce.anchor import reanchor
from coproduce.models import FeedbackItem
from coproduce.review import record
from coproduce.review.feedback import INTAKE, feedback_path, iter_feedback

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo


def reanchor_items(*, repo: GuidanceRepo, cycle_id: str, rev: str = "HEAD") -> list[FeedbackItem]:
    """Re-anchor every item of a cycle onto its document at ``rev``; return those that changed."""
    with record.cycle_lock(repo, cycle_id):
        cycle = record.load_cycle(repo, cycle_id)
        document = repo.read_document(cycle.slug, rev)
        changed = []
        for item in iter_feedback(repo, cycle_id):
            if item.anchor is None:
                continue
            placed = reanchor(document, item.anchor)
            if placed != item.anchor:
                changed.append(item.model_copy(update={"anchor": placed}))
        if changed:
            files: dict[str, str | bytes | None] = {
                feedback_path(cycle_id, item.id): record.dump_yaml(
                    item.model_dump(mode="json", exclude_none=True)
                )
                for item in changed
            }
            repo.commit_files(
                files,
                author=INTAKE,
                message=f"Re-anchor {len(changed)} feedback items of {cycle_id} onto {rev}",
                trailers={"Review-Cycle": [cycle_id]},
            )
    return changed
