"""A decided cycle: the pack scenario's people and outcomes, plus people who may not be told."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from coproduce import review
from coproduce.models import DecisionOutcome, ParticipantRecord, SignoffDecision
from coproduce.review.feedback import Submission, record_feedback
from coproduce.store import GuidanceRepo
from coproduce.store.register import Register
from coproduce.triage import set_outcome
from coproduce.workspace import Workspace, forget_workspaces, open_workspace
from tests.channels.conftest import RecordingHandler, closed_port, smtp_server
from tests.pack.scenario import NAMED, QUIET, UNNAMED, YOUNG, build_scenario
from tests.review.conftest import LEAD

__all__ = ["RecordingHandler", "closed_port", "smtp_server"]

WORKER_YOUNG = "Wren Passedon"
OPTED = "Olive Optedout"
ERASED = "Eric Erased"
YOUNG_NAMES = (YOUNG, YOUNG.split()[0], WORKER_YOUNG, WORKER_YOUNG.split()[0])
DECIDED = dt.date(2026, 12, 18)
SCRIPT = "<script>alert(1)</script>"
OUTCOMES = {
    "named": ("accepted", "We will name the duty manager as first contact."),
    "unnamed": ("accepted", "Added a one working day timescale."),
    "youth": ("partly-accepted", "We now say the policy was written with you."),
    "quiet": ("noted", "Contacts live in the local directory."),
    "harm": ("safeguarding", "Passed to the safeguarding lead the same day."),
    "rejected": ("not-accepted", "Escalation protects young people; it stays."),
    "worker": ("noted", "We will keep this in mind when we write the next version."),
    "opted": ("noted", "Thank you."),
    "erased": ("noted", "Thank you."),
}


@dataclass
class Decided:
    """A cycle in sign-off with every item triaged, and who is who."""

    repo: GuidanceRepo
    cycle_id: str
    ids: dict[str, str]
    people: dict[str, str]

    def workspace(self) -> Workspace:
        """Return the workspace of the repository, as the settings now say."""
        forget_workspaces()
        return open_workspace(repo=self.repo.root, sync=False)

    def decide(
        self, outcome: str = "approved", *, next_update: dt.date | None = None
    ) -> SignoffDecision:
        """Record the board's decision (with ``next_update`` written into decision.yaml)."""
        decision = SignoffDecision(
            cycle=self.cycle_id,
            outcome=DecisionOutcome(outcome),
            decided_by="Safeguarding Partnership Executive",
            recorded_by="Board secretary",
            decided=DECIDED,
            version="1.1" if outcome.startswith("approved") else None,
            conditions=["Add the contact list"] if outcome == "approved-with-changes" else [],
        )
        review.record_decision(repo=self.repo, decision=decision, author=LEAD)
        if next_update is not None:
            path = self.repo.root / "reviews" / self.cycle_id / "decision.yaml"
            text = path.read_text(encoding="utf-8") + f"next_update: '{next_update}'\n"
            self.repo.commit_files(
                {f"reviews/{self.cycle_id}/decision.yaml": text},
                author=LEAD,
                message="Say when participants hear next",
            )
        return decision


def _add(register: Register, name: str, audience: str, band: str, **extra: str) -> str:
    pid = register.new_participant_id()
    register.add_participants(
        [
            ParticipantRecord(
                id=pid,
                name=name,
                email=f"{name.split()[0].lower()}@example.org",
                audience=audience,
                age_band=band,  # type: ignore[arg-type]
                **extra,  # type: ignore[arg-type]
            )
        ]
    )
    return pid


@pytest.fixture
def decided(tmp_path: Path) -> Iterator[Decided]:
    """Return a triaged cycle in sign-off: seven people gave feedback, two may not be told."""
    scenario = build_scenario(tmp_path / "repo", invite=True, close=False, decide=False)
    repo, cycle_id, ids = scenario.repo, scenario.cycle_id, dict(scenario.ids)
    with Register.for_state_dir(Path(repo.state_dir)) as register:
        people = {p.name: p.id for p in register.iter_participants()}
        people[WORKER_YOUNG] = _add(
            register, WORKER_YOUNG, "young-people", "14-15", via_worker_email="worker@example.org"
        )
        people[OPTED] = _add(register, OPTED, "practitioners", "25+")
        people[ERASED] = _add(register, ERASED, "partners", "25+")
        said = {
            "worker": (WORKER_YOUNG, "when", "Tell us what happens next, in plain words " + SCRIPT),
            "opted": (OPTED, "purpose", "Please shorten the purpose"),
            "erased": (ERASED, "when", "Name the escalation lead"),
        }
        for role, (name, section, text) in said.items():
            item = record_feedback(
                repo=repo,
                register=register,
                cycle_id=cycle_id,
                submission=Submission(
                    participant=people[name], channel="portal", text=text, section=section
                ),
            )
            ids[role] = item.id
        register.add_opt_out(people[OPTED])
        register.erase_participant(people[ERASED])
    os.environ.pop("GIT_AUTHOR_DATE", None)
    review.close(repo=repo, cycle_id=cycle_id, author=LEAD)
    for role, (outcome, reason) in OUTCOMES.items():
        set_outcome(repo=repo, feedback_id=ids[role], outcome=outcome, reason=reason, author=LEAD)
    review.finish_triage(repo=repo, cycle_id=cycle_id, author=LEAD)
    review.send_to_board(repo=repo, cycle_id=cycle_id, author=LEAD)
    yield Decided(repo, cycle_id, ids, people)
    forget_workspaces()


@pytest.fixture
def mailbox(
    smtp_server: Callable[..., tuple[RecordingHandler, int]], monkeypatch: pytest.MonkeyPatch
) -> RecordingHandler:
    """Return a real SMTP server on loopback that the workspace sends through."""
    handler, port = smtp_server()
    monkeypatch.setenv("COPRODUCE_SMTP_URL", f"smtp://127.0.0.1:{port}")
    return handler


__all__ += ["NAMED", "QUIET", "UNNAMED", "YOUNG"]
