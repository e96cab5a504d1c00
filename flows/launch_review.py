"""Launch a review cycle: open it, render its materials once, send invitations in batches."""

from __future__ import annotations

import asyncio
import sys

from prefect import flow

from coproduce import tasks


@flow(name="launch-review", persist_result=True)
async def launch_review(
    cycle_id: str, repo: str | None = None, author: str | None = None
) -> dict[str, object]:
    """Open ``cycle_id`` and invite every participant not yet invited (safe to re-run)."""
    state = tasks.open_cycle(repo, cycle_id, author)
    materials = tasks.render_materials(repo, cycle_id)
    batches = tasks.plan_invitations(repo, cycle_id)
    # One batch after another: the mail rate limit holds per connection, and sending batches
    # side by side measured no faster (the work is Python, one thread at a time).
    sent = sum(tasks.send_batch(repo, batch, materials) for batch in batches)
    return {"cycle": cycle_id, "state": state, "batches": len(batches), "sent": sent}


if __name__ == "__main__":
    print(asyncio.run(launch_review(*sys.argv[1:3])))
