"""After the board's decision, tell every participant what happened to their feedback.

Safe to re-run: each person gets one message per decision (the register's message log skips
anyone already sent it); people who opted out or were erased get nothing.

Run: ``python flows/tell_participants.py CYCLE [REPO]`` (against PREFECT_API_URL, else the
embedded server).
"""

from __future__ import annotations

import sys

from prefect import flow

from coproduce import tasks


@flow(name="tell-participants")
async def tell_participants(cycle_id: str, repo: str | None = None) -> dict[str, object]:
    """Send "you said, we did" (or "not yet approved") for the decision recorded on the cycle."""
    tasks.check_worker(repo)
    return tasks.tell_participants(repo, cycle_id)


if __name__ == "__main__":
    tasks.run_script(tell_participants, *sys.argv[1:3])
