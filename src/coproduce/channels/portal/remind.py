"""A reminder sent from the lead's page, through the ``send-reminders`` flow.

While the lead waits, the portal plans the reminder (a manual one when none is due) to say how
many people it reaches; after the response, the reminder is sent as a ``send-reminders`` flow
run (on the embedded server's flow host, or against ``PREFECT_API_URL``), so it shows in
Prefect beside the scheduled ones, with its logs. When Prefect cannot be reached, the portal
sends the same library steps in process rather than drop the reminder, and logs why. Every
message goes through the message log's claims, so two leads clicking at once, or a click
while a scheduled reminder runs, write to each person once.
"""

from __future__ import annotations

import logging

from coproduce.errors import CoproduceError
from coproduce.review import service
from coproduce.review.context import SYSTEM_AUTHOR, outreach_of
from coproduce.review.service import Plan
from coproduce.workspace import Workspace

log = logging.getLogger(__name__)


def plan_reminder(workspace: Workspace, *, cycle_id: str) -> Plan:
    """Return the reminder to send now to those invited who have not responded.

    A cycle that is not open is a StateError (one line the lead reads on the page).
    """
    return service.plan_reminders(
        repo=workspace.repo, cycle_id=cycle_id, outreach=outreach_of(workspace), manual=True
    )


def send_reminder(workspace: Workspace, *, plan: Plan) -> int:
    """Send a planned reminder as a ``send-reminders`` flow run; return how many were sent.

    The flow plans again when it runs (the same people, less anyone who answered meanwhile).
    """
    from coproduce.flowrun import run_flow

    if not plan.batches:
        return 0
    try:
        outcome = run_flow(workspace.repo, "send_reminders", cycle_id=plan.cycle_id, manual=True)
    except CoproduceError as e:
        log.warning("the send-reminders flow could not run (%s); sending from the portal", e)
        return send_in_process(workspace, plan=plan)
    return int(outcome["sent"])


def send_in_process(workspace: Workspace, *, plan: Plan) -> int:
    """Send a planned reminder's batches here and record its rounds; return how many were sent."""
    from coproduce.review.materials import render_materials

    repo, outreach = workspace.repo, outreach_of(workspace)
    sent = 0
    try:
        materials = render_materials(repo=repo, cycle_id=plan.cycle_id) if plan.batches else {}
        for batch in plan.batches:
            sent += len(
                service.deliver(repo=repo, batch=batch, outreach=outreach, materials=materials).sent
            )
        service.record_reminders(
            repo=repo, cycle_id=plan.cycle_id, rounds=plan.rounds, author=SYSTEM_AUTHOR
        )
    except CoproduceError as e:  # the message log knows what went: sending again is safe
        log.warning("a reminder from the portal was not wholly sent: %s", e)
    return sent
