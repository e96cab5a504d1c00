"""A reminder sent from the lead's page: the steps ``coproduce review remind`` runs.

The ``send_reminders`` flow plans the reminder (a manual one when none is due), renders the
materials, sends each batch and records the round. The portal runs the same library steps
in process (it imports no Prefect, as it records feedback in process): the plan while the
lead waits, the sending after the response. Every message goes through the message log's
claims, so two leads clicking at once, or a click while a scheduled reminder runs, write to
each person once.
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
    """Send a planned reminder's batches and record its rounds; return how many were sent."""
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
