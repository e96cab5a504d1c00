"""Send the reminder due on a review cycle (or, when asked, one now) in batches.

Run: ``python flows/send_reminders.py CYCLE [REPO] [--manual]`` (against PREFECT_API_URL,
else the embedded server).
"""

from __future__ import annotations

import sys

from prefect import flow

from coproduce import tasks


@flow(name="send-reminders", persist_result=True)
async def send_reminders(
    cycle_id: str, repo: str | None = None, manual: bool = False
) -> dict[str, object]:
    """Send the due reminder round to everyone invited and record it (safe to re-run)."""
    tasks.check_worker(repo)
    plan = tasks.plan_reminders(repo, cycle_id, manual)
    materials = tasks.render_materials(repo, cycle_id) if plan.batches else {}
    sent = sum(tasks.send_batch(repo, batch, materials) for batch in plan.batches)
    rounds = tasks.record_reminders(repo, cycle_id, plan.rounds) if plan.rounds else []
    return {"cycle": cycle_id, "kind": plan.kind, "sent": sent, "rounds": rounds}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--manual"]
    tasks.run_script(send_reminders, *args[:2], manual="--manual" in sys.argv)
