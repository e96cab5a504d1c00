"""Record feedback: write journalled submissions to ``reviews/<cycle>/feedback/`` in git.

Every channel (portal, Word replies, surveys, facilitators) journals what it receives in the
register and acknowledges it at once; this flow writes what is pending to git in batches, one
commit per cycle per batch, and marks it recorded. Scheduled every minute (prefect.yaml,
``coproduce serve``); safe to run at any time and side by side. Run once: ``python
flows/record_feedback.py [CYCLE] [REPO]``.
"""

from __future__ import annotations

import sys

from prefect import flow

from coproduce import tasks


@flow(name="record-feedback", persist_result=True)
async def record_feedback(
    cycle_id: str | None = None, repo: str | None = None
) -> dict[str, list[str]]:
    """Record every pending submission (of one cycle, or all); return the ids by cycle."""
    tasks.check_worker(repo)
    return tasks.record_feedback(repo, cycle_id)


if __name__ == "__main__":
    tasks.run_script(record_feedback, *sys.argv[1:3])
