"""Durable intake: acknowledged means committed in the journal; git is written in batches."""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from coproduce import review
from coproduce.errors import InvalidInputError
from coproduce.models import ParticipantRecord
from coproduce.review.context import ReviewContext, open_context
from coproduce.review.feedback import Submission, iter_feedback
from coproduce.review.intake import accept, accept_all
from coproduce.review.recording import record_pending

from .conftest import CLOSES, LEAD, NOW, make_repo


def _setup(root: Path, database_url: str, people: int = 4) -> tuple[ReviewContext, str]:
    repo = make_repo(root)
    config = (repo.root / "coproduce.toml").read_text(encoding="utf-8")
    repo.commit_files(
        {
            "coproduce.toml": re.sub(
                r"(?m)^# database_url = .*$", f'database_url = "{database_url}"', config
            )
        },
        author=LEAD,
        message="Use the shared register",
    )
    ctx = open_context(repo=repo.root, author=str(LEAD))
    register = ctx.outreach.register
    assert register.url == database_url  # set only in coproduce.toml, it reaches the review path
    register.add_participants(
        ParticipantRecord(
            id=f"P-{i:010x}", name=f"Person {i}", email=f"p{i}@example.org",
            audience="practitioners",
        )
        for i in range(people)
    )  # fmt: skip
    cycle_id = review.start_review(
        repo=ctx.repo, slug="escalation-policy", closes=CLOSES, audiences=["practitioners"],
        author=LEAD, outreach=ctx.outreach, now=NOW,
    ).cycle.id  # fmt: skip
    review.open_cycle(repo=ctx.repo, cycle_id=cycle_id, author=LEAD, now=NOW)
    return ctx, cycle_id


@pytest.fixture
def shared(tmp_path: Path, database_url: str) -> tuple[ReviewContext, str]:
    """Return a launched cycle whose register is SQLite, then PostgreSQL (from coproduce.toml)."""
    from coproduce.store.register import Register

    Register(database_url, migrate=True).close()  # coproduce db upgrade
    return _setup(tmp_path / "repo", database_url)


def _comment(n: int, who: str = "P-0000000000") -> Submission:
    return Submission(participant=who, channel="portal", text=f"Comment {n}", section="when")


def test_the_same_key_returns_the_same_receipt_and_stores_nothing_twice(shared) -> None:
    ctx, cycle_id = shared
    register = ctx.outreach.register
    first = accept(repo=ctx.repo, register=register, cycle_id=cycle_id,
                   submission=_comment(1), key="form-nonce-1")  # fmt: skip
    again = accept(repo=ctx.repo, register=register, cycle_id=cycle_id,
                   submission=_comment(1), key="form-nonce-1")  # fmt: skip
    assert (again.reference, again.received) == (first.reference, first.received)
    assert again.duplicate and not first.duplicate
    assert register.count_submissions(cycle=cycle_id) == 1
    assert register.responders(cycle_id) == {"P-0000000000"}
    assert iter_feedback(ctx.repo, cycle_id) == []  # acknowledged before git is written
    assert record_pending(repo=ctx.repo, register=register).count == 1
    assert [i.id for i in iter_feedback(ctx.repo, cycle_id)] == [first.reference]


def _submit_many(root: str, cycle_id: str, start: int, count: int) -> list[str]:
    ctx = open_context(repo=root)
    with ThreadPoolExecutor(max_workers=10) as pool:
        receipts = list(
            pool.map(
                lambda n: (
                    accept(
                        repo=ctx.repo,
                        register=ctx.outreach.register,
                        cycle_id=cycle_id,
                        submission=_comment(n, f"P-{n % 4:010x}"),
                        key=f"nonce-{n}",
                    ).reference
                ),
                range(start, start + count),
            )
        )
    return receipts


def test_a_batch_is_journalled_in_order_in_one_go_and_repeats_are_duplicates(shared) -> None:
    ctx, cycle_id = shared
    register = ctx.outreach.register
    first = accept(
        repo=ctx.repo, register=register, cycle_id=cycle_id, submission=_comment(0), key="k0"
    )
    items = [(_comment(1), "k1"), (_comment(0), "k0"), (_comment(2), "k2"), (_comment(1), "k1")]
    receipts = accept_all(repo=ctx.repo, register=register, cycle_id=cycle_id, items=items)
    assert [r.duplicate for r in receipts] == [False, True, False, True]
    assert (
        receipts[1].reference == first.reference and receipts[3].reference == receipts[0].reference
    )
    assert register.count_submissions(cycle=cycle_id) == 3
    refused = [(_comment(3), "k3"), (Submission(participant="P-0000000000", channel="portal",
               text="  "), "k4")]  # fmt: skip
    with pytest.raises(InvalidInputError, match="empty"):
        accept_all(repo=ctx.repo, register=register, cycle_id=cycle_id, items=refused)
    assert register.find_submission("k3") is None  # checked first: nothing journalled


def test_200_concurrent_submissions_from_four_processes_get_200_ids_all_in_git(shared) -> None:
    ctx, cycle_id = shared
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        batches = pool.starmap(
            _submit_many, [(str(ctx.repo.root), cycle_id, p * 50, 50) for p in range(4)]
        )
    references = [r for batch in batches for r in batch]
    assert len(references) == 200 and len(set(references)) == 200
    done = record_pending(repo=ctx.repo, register=ctx.outreach.register, batch=150)
    assert done.count == 200 and len(done.commits) == 2  # one commit per batch, not per item
    items = iter_feedback(ctx.repo, cycle_id)
    assert sorted(i.id for i in items) == sorted(references)
    assert sorted(i.text for i in items) == sorted(f"Comment {n}" for n in range(200))
    assert record_pending(repo=ctx.repo, register=ctx.outreach.register).count == 0


KILLED_CHILD = """
import os, signal, sys
from coproduce.review.context import open_context
from coproduce.review.feedback import Submission
from coproduce.errors import InvalidInputError
from coproduce.review.intake import accept, accept_all
ctx = open_context(repo=sys.argv[1])
receipt = accept(repo=ctx.repo, register=ctx.outreach.register, cycle_id=sys.argv[2],
    submission=Submission(participant="P-0000000001", channel="portal", text="Killed after",
    section="when"), key="killed-1")
print(receipt.reference, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # dies between the journal and git
"""


def test_a_process_killed_between_journal_and_git_loses_nothing(shared) -> None:
    ctx, cycle_id = shared
    child = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, str(ctx.repo.root), cycle_id],
        capture_output=True, text=True, env={**os.environ}, timeout=120,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL
    reference = child.stdout.strip()
    assert reference.startswith("FB-")
    assert record_pending(repo=ctx.repo, register=ctx.outreach.register).count == 1
    assert [(i.id, i.text) for i in iter_feedback(ctx.repo, cycle_id)] == [
        (reference, "Killed after")
    ]


def test_a_crash_after_the_commit_and_before_the_mark_records_nothing_twice(
    shared, monkeypatch
) -> None:
    ctx, cycle_id = shared
    register = ctx.outreach.register
    for n in range(3):
        accept(repo=ctx.repo, register=register, cycle_id=cycle_id,
               submission=_comment(n), key=f"k{n}")  # fmt: skip

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process stopping right after git committed

    with monkeypatch.context() as patched:
        patched.setattr(type(register), "mark_recorded", crash)
        with pytest.raises(KeyboardInterrupt):
            record_pending(repo=ctx.repo, register=register)
    head = ctx.repo.resolve("HEAD")
    assert register.count_submissions(pending=True) == 3
    done = record_pending(repo=ctx.repo, register=register)
    assert done.count == 3 and done.commits == [head]  # same files: no second commit
    assert ctx.repo.resolve("HEAD") == head
    assert len(iter_feedback(ctx.repo, cycle_id)) == 3
    data = yaml.safe_load((ctx.repo.root / "reviews" / cycle_id / "feedback" / "FB-0001.yaml")
                          .read_text())  # fmt: skip
    assert data["participant"] == "P-0000000000" and "name" not in data
