"""Launch a review cycle: open it, render its materials once, send invitations in batches.

Youth twin sections whose parent section changed after them are flagged (a warning in the
run's log and ``stale_twin_sections`` in the result). Run: ``python flows/launch_review.py
CYCLE [REPO]`` (against PREFECT_API_URL, else the embedded server).
"""

from __future__ import annotations

import sys

from prefect import flow

from coproduce import tasks


@flow(name="launch-review", persist_result=True)
async def launch_review(
    cycle_id: str, repo: str | None = None, author: str | None = None
) -> dict[str, object]:
    """Open ``cycle_id`` and invite every participant not yet invited (safe to re-run)."""
    tasks.check_worker(repo)
    state = tasks.open_cycle(repo, cycle_id, author)
    materials = tasks.render_materials(repo, cycle_id)
    stale = tasks.stale_twin_sections(repo, cycle_id)
    batches = tasks.plan_invitations(repo, cycle_id)
    # One batch after another: the mail rate limit holds per connection, and sending batches
    # side by side measured no faster (the work is Python, one thread at a time).
    sent = sum(tasks.send_batch(repo, batch, materials) for batch in batches)
    return {
        "cycle": cycle_id,
        "state": state,
        "batches": len(batches),
        "sent": sent,
        "stale_twin_sections": stale,
    }


if __name__ == "__main__":
    tasks.run_script(launch_review, *sys.argv[1:3])
