"""Close a review cycle at its deadline (closing a cycle already closed changes nothing)."""

from __future__ import annotations

import asyncio
import sys

from prefect import flow

from coproduce import tasks


@flow(name="close-review")
async def close_review(
    cycle_id: str, repo: str | None = None, author: str | None = None
) -> dict[str, str]:
    """Close ``cycle_id``; return the state it is in afterwards."""
    return {"cycle": cycle_id, "state": tasks.close_cycle(repo, cycle_id, author)}


if __name__ == "__main__":
    print(asyncio.run(close_review(*sys.argv[1:3])))
