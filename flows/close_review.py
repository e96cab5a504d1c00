"""Close a review cycle and tell everyone invited that it has closed (safe to re-run:
closing a cycle already closed changes nothing, and nobody is told twice).

Run: ``python flows/close_review.py CYCLE [REPO]`` (against PREFECT_API_URL, else the
embedded server).
"""

from __future__ import annotations

import sys

from prefect import flow

from coproduce import tasks


@flow(name="close-review")
async def close_review(
    cycle_id: str, repo: str | None = None, author: str | None = None, notify: bool = True
) -> dict[str, object]:
    """Close ``cycle_id`` and send the closed notices; return its state and notices sent."""
    tasks.check_worker(repo)
    state = tasks.close_cycle(repo, cycle_id, author)
    sent = 0
    if notify and state == "closed":
        batches = tasks.plan_closed_notices(repo, cycle_id)
        if batches:
            materials = tasks.render_materials(repo, cycle_id)
            sent = sum(tasks.send_batch(repo, batch, materials) for batch in batches)
    return {"cycle": cycle_id, "state": state, "notified": sent}


if __name__ == "__main__":
    tasks.run_script(close_review, *sys.argv[1:3])
