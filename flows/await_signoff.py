"""Wait for the board's decision on a cycle in sign-off, typed in the Prefect UI or the CLI.

Deployed, the run suspends (no process is held for the weeks a board takes) and re-runs from
the top on resume; the explicit pause key hands it the stored decision. Run directly
(``python flows/await_signoff.py CYCLE [REPO]``), it pauses in-process instead. The decision
is recorded by ``coproduce.review.signoff`` (an approval tags and publishes), on the worker.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from prefect import flow, pause_flow_run, suspend_flow_run
from prefect.context import get_run_context
from prefect.input import RunInput
from pydantic import Field

from coproduce import tasks
from coproduce.errors import StateError
from coproduce.models import DecisionOutcome

DECIDED = {"approved", "rejected", "cancelled"}


class BoardDecision(RunInput):
    """The board's decision as the board secretary records it."""

    outcome: DecisionOutcome
    decided_by: str = Field(description="The body that decided, e.g. the partnership executive.")
    recorded_by: str
    decided: dt.date
    minute: str = Field(default="", description="The minute reference, e.g. SPE 2026/14.")
    version: str | None = None
    conditions: list[str] = Field(default_factory=list)
    notes: str = ""
    amendments: list[str] = Field(
        default_factory=list, description="Commits after the pack's proposed commit, approved."
    )
    next_update: dt.date | None = Field(
        default=None, description="When participants will hear next (returned or rejected)."
    )
    pack: str | None = Field(default=None, description="The pack folder the board read.")


@flow(name="await-signoff", persist_result=True)
async def await_signoff(
    cycle_id: str, repo: str | None = None, timeout_days: int = 120
) -> dict[str, str]:
    """Wait for the decision on ``cycle_id`` and record it; return the cycle's new state."""
    tasks.check_worker(repo)
    state = tasks.cycle_state(repo, cycle_id)
    if state in DECIDED:
        return {"cycle": cycle_id, "state": state}
    if state != "in-signoff":
        raise StateError(f"review {cycle_id} is {state}, not in sign-off")
    form = BoardDecision.with_initial_data(
        description=f"Record the board's decision on review **{cycle_id}**.",
        decided=dt.date.today(),
    )
    key, timeout = f"signoff-{cycle_id}", timeout_days * 86400
    deployed = get_run_context().flow_run.deployment_id is not None  # type: ignore[union-attr]
    # Both are typed for their sync form too, which hides what an awaited call returns.
    wait: Any = suspend_flow_run if deployed else pause_flow_run
    answer: BoardDecision = await wait(wait_for_input=form, key=key, timeout=timeout)
    fields = answer.model_dump(mode="json", exclude={"pack"}, exclude_none=True)
    done = tasks.sign_off(repo, cycle_id, fields, pack=answer.pack)
    return {
        "cycle": cycle_id,
        "state": done["state"],
        "outcome": done["outcome"],
        "tag": done["tag"] or "",
        "version": done["version"] or "",
    }


if __name__ == "__main__":
    tasks.run_script(await_signoff, *sys.argv[1:3])
