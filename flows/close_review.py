"""Close a review cycle at its deadline (closing a cycle already closed changes nothing).

Run: ``python flows/close_review.py CYCLE [REPO]`` (against PREFECT_API_URL, else the
embedded server).
"""

from __future__ import annotations

import sys

from prefect import flow

from coproduce import tasks


@flow(name="close-review")
async def close_review(
    cycle_id: str, repo: str | None = None, author: str | None = None
) -> dict[str, str]:
    """Close ``cycle_id``; return the state it is in afterwards."""
    tasks.check_worker(repo)
    return {"cycle": cycle_id, "state": tasks.close_cycle(repo, cycle_id, author)}


if __name__ == "__main__":
    tasks.run_script(close_review, *sys.argv[1:3])
