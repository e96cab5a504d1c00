"""Launch a review cycle: open it, render its materials once, send invitations in batches."""

from __future__ import annotations

import asyncio
import sys

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from coproduce import tasks


@flow(name="launch-review", persist_result=True, task_runner=ThreadPoolTaskRunner(max_workers=4))
async def launch_review(
    cycle_id: str, repo: str | None = None, author: str | None = None
) -> dict[str, object]:
    """Open ``cycle_id`` and invite every participant not yet invited (safe to re-run)."""
    state = tasks.open_cycle(repo, cycle_id, author)
    materials = tasks.render_materials(repo, cycle_id)
    batches = tasks.plan_invitations(repo, cycle_id)
    # Batches go out side by side: building and writing messages overlaps the register's commits.
    sends = [tasks.send_batch.submit(repo, batch, materials) for batch in batches]
    sent = sum(send.result() for send in sends)
    return {"cycle": cycle_id, "state": state, "batches": len(batches), "sent": sent}


if __name__ == "__main__":
    print(asyncio.run(launch_review(*sys.argv[1:3])))
