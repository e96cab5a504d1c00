"""The tell-participants flow against a real Prefect server: everyone told once, rerun safe."""

from __future__ import annotations

import pytest

from coproduce import runtime
from tests.review.conftest import isolated_env
from tests.review.outcomes.conftest import (
    Decided,
    RecordingHandler,
    closed_port,
    decided,
    mailbox,
    smtp_server,
)

__all__ = ["closed_port", "decided", "isolated_env", "mailbox", "smtp_server"]
pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]


def test_the_flow_tells_everyone_once_and_a_second_run_sends_nothing(
    prefect_api: runtime.ServerHandle, decided: Decided, mailbox: RecordingHandler
) -> None:
    from coproduce import tasks
    from coproduce.workspace import forget_workspaces

    decided.decide("approved")
    forget_workspaces()  # the flow opens the workspace with the relay now configured
    first = tasks.run_flow(
        "tell_participants", cycle_id=decided.cycle_id, repo=str(decided.repo.root)
    )
    assert first["decision"] == "approved" and len(first["sent"]) == 5
    again = tasks.run_flow(
        "tell_participants", cycle_id=decided.cycle_id, repo=str(decided.repo.root)
    )
    assert again["sent"] == [] and len(again["already"]) == 5
    assert len(mailbox.received) == 5
