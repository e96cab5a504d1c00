"""The portal's recorder thread: a send is answered once journalled; a burst of sends becomes
one git commit and one batch of confirmation emails; what is waiting is written when the
portal stops; a failed round leaves the journal to the next one."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence

from coproduce.channels.portal.receipt import Confirmation
from coproduce.channels.portal.recorder import Recorder
from coproduce.review.feedback import iter_feedback
from coproduce.review.intake import accept
from coproduce.review.record import load_cycle
from coproduce.review.submission import Submission
from coproduce.workspace import Workspace

from .conftest import Launched


def journal(launched: Launched, n: int) -> str:
    receipt = accept(
        repo=launched.ctx.repo, register=launched.register, cycle_id=launched.cycle_id,
        submission=Submission(participant=launched.practitioner, text=f"Comment {n}",
                              channel="portal"),
        key=f"test:{n}",
    )  # fmt: skip
    return receipt.reference


def commit_subjects(launched: Launched) -> list[str]:
    out = subprocess.run(["git", "log", "--format=%s"], cwd=launched.ctx.repo.root,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout.splitlines()


def confirmation(launched: Launched, reference: str) -> Confirmation:
    cycle = load_cycle(launched.ctx.repo, launched.cycle_id)
    items = [{"what": "Your general comment", "reference": reference,
              "received": "1 December 2026 at 10:00 UTC", "late": False}]  # fmt: skip
    token = launched.links[launched.practitioner].rsplit("/", 1)[1]
    return Confirmation(cycle, "Title", launched.practitioner, items, reference, token)


def test_a_burst_of_sends_is_one_commit_and_one_batch_of_emails(launched: Launched) -> None:
    batches: list[int] = []

    def send(workspace: Workspace, confirmations: Sequence[Confirmation]) -> None:
        batches.append(len(confirmations))

    recorder = Recorder(launched.ctx.workspace, pause=0.5, send=send)
    references = [journal(launched, n) for n in range(3)]
    started = time.monotonic()
    for reference in references:
        recorder.after_send(launched.cycle_id, confirmation(launched, reference))
    assert time.monotonic() - started < 0.3  # the sends did not wait for git
    assert recorder.wait_idle(timeout=60)
    assert sorted(i.id for i in iter_feedback(launched.ctx.repo, launched.cycle_id)) == references
    assert commit_subjects(launched)[0] == f"Record 3 feedback items on {launched.cycle_id}"
    assert batches == [3]


def test_what_is_waiting_is_recorded_and_confirmed_when_the_portal_stops(
    launched: Launched,
) -> None:
    recorder = Recorder(launched.ctx.workspace, pause=30)  # the round would come much later
    reference = journal(launched, 1)
    recorder.after_send(launched.cycle_id, confirmation(launched, reference))
    recorder.flush()
    assert [i.id for i in iter_feedback(launched.ctx.repo, launched.cycle_id)] == [reference]
    (entry,) = [m for m in launched.register.list_messages(cycle=launched.cycle_id)
                if m.kind == "receipt"]  # fmt: skip
    assert entry.status == "sent"


def test_a_round_that_fails_leaves_the_journal_for_the_next(launched: Launched) -> None:
    def broken(workspace: Workspace, confirmations: Sequence[Confirmation]) -> None:
        raise RuntimeError("the mail server fell over")

    recorder = Recorder(launched.ctx.workspace, pause=0.05, send=broken)
    first = journal(launched, 1)
    recorder.after_send(launched.cycle_id, confirmation(launched, first))
    assert recorder.wait_idle(timeout=60)  # the thread lives on after the failure
    second = journal(launched, 2)
    recorder.after_send(launched.cycle_id)
    assert recorder.wait_idle(timeout=60)
    assert sorted(i.id for i in iter_feedback(launched.ctx.repo, launched.cycle_id)) == [
        first,
        second,
    ]
