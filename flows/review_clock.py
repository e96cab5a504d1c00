"""The review clock: close cycles past their deadline (telling everyone invited) and send due
reminders.

Scheduled (see prefect.yaml and ``coproduce serve``); every sweep looks at all open cycles,
so a clock that was down catches up on its next run. Run once: ``python flows/review_clock.py
[REPO]`` (against PREFECT_API_URL, else the embedded server).
"""

from __future__ import annotations

import sys

from prefect import flow

from coproduce import tasks


@flow(name="review-clock", persist_result=True)
async def review_clock(repo: str | None = None) -> dict[str, list[str]]:
    """Sweep every open cycle once; return the ids closed and reminded."""
    tasks.check_worker(repo)
    due = tasks.plan_sweep(repo)
    for cycle_id in due["close"]:
        if tasks.close_cycle(repo, cycle_id) == "closed":
            notices = tasks.plan_closed_notices(repo, cycle_id)
            if notices:
                materials = tasks.render_materials(repo, cycle_id)
                for batch in notices:
                    tasks.send_batch(repo, batch, materials)
    for cycle_id in due["remind"]:
        plan = tasks.plan_reminders(repo, cycle_id)
        materials = tasks.render_materials(repo, cycle_id)
        for batch in plan.batches:
            tasks.send_batch(repo, batch, materials)
        tasks.record_reminders(repo, cycle_id, plan.rounds)
    return due


if __name__ == "__main__":
    tasks.run_script(review_clock, *sys.argv[1:2])
