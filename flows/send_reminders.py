"""Send the reminder due on a review cycle (or, when asked, one now) in batches."""

from __future__ import annotations

import asyncio
import sys

from prefect import flow

from coproduce import tasks


@flow(name="send-reminders", persist_result=True)
async def send_reminders(
    cycle_id: str, repo: str | None = None, manual: bool = False
) -> dict[str, object]:
    """Send the due reminder round to everyone invited and record it (safe to re-run)."""
    plan = tasks.plan_reminders(repo, cycle_id, manual)
    materials = tasks.render_materials(repo, cycle_id) if plan.batches else {}
    sent = sum(tasks.send_batch(repo, batch, materials) for batch in plan.batches)
    rounds = tasks.record_reminders(repo, cycle_id, plan.rounds) if plan.rounds else []
    return {"cycle": cycle_id, "kind": plan.kind, "sent": sent, "rounds": rounds}


if __name__ == "__main__":
    print(asyncio.run(send_reminders(*sys.argv[1:3], manual="--manual" in sys.argv)))
