"""Two uvicorn worker processes share the register: concurrent people, double clicks sent to
either process, and nothing lost or stored twice, in the journal or in git."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from coproduce.models import ParticipantRecord
from coproduce.review import record
from coproduce.review.feedback import iter_feedback
from coproduce.store.tokens import issue_tokens, token_expiry
from tests.channels.conftest import free_port

from .browser import running_portal
from .conftest import Launched

pytestmark = pytest.mark.slow
PEOPLE = 8
ROUNDS = 3


def _field(name: str, html: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found is not None, html[:500]
    return found.group(1)


def test_two_workers_lose_nothing_and_store_nothing_twice(launched: Launched) -> None:
    register = launched.register
    people = [register.new_participant_id() for _ in range(PEOPLE)]
    register.add_participants(
        ParticipantRecord(id=pid, name=f"Person {i}", email=f"p{i}@example.org",
                          audience="practitioners")
        for i, pid in enumerate(people)
    )  # fmt: skip
    cycle = record.load_cycle(launched.ctx.repo, launched.cycle_id)
    tokens = issue_tokens(register, participant_ids=people, cycle=cycle.id,
                          expires=token_expiry(cycle.closes))  # fmt: skip

    def take_part(pid: str, base: str) -> list[str]:
        link = f"{base}/r/{tokens[pid]}"
        references = []
        with httpx.Client(timeout=60) as client:
            for n in range(ROUNDS):
                csrf = _field("csrf", client.get(link).text)
                check = client.post(link, follow_redirects=True, data={
                    "csrf": csrf, "general-comment": f"{pid} round {n}",
                    "consent": "anonymous", "action": "check",
                })  # fmt: skip
                nonce = _field("nonce", check.text)
                form = {"csrf": csrf, "nonce": nonce}
                with ThreadPoolExecutor(2) as clicks:  # a double click
                    sent = list(clicks.map(
                        lambda data: client.post(f"{link}/send", follow_redirects=True,
                                                 data=data),
                        [form, form],
                    ))  # fmt: skip
                found = {tuple(re.findall(r"<td>(FB-\d+)</td>", s.text)) for s in sent}
                assert len(found) == 1, "both clicks must show the same receipt"
                references.extend(found.pop())
        return references

    with (
        running_portal(launched.ctx.repo.root, free_port(), workers=2) as base,
        ThreadPoolExecutor(PEOPLE) as pool,
    ):
        results = list(pool.map(lambda pid: take_part(pid, base), people))
    references = [r for refs in results for r in refs]
    assert len(references) == len(set(references)) == PEOPLE * ROUNDS
    assert register.count_submissions(cycle=cycle.id) == PEOPLE * ROUNDS
    assert register.count_submissions(cycle=cycle.id, pending=True) == 0
    items = list(iter_feedback(launched.ctx.repo, cycle.id))
    assert sorted(i.id for i in items) == sorted(references)
    assert sorted(i.text for i in items) == sorted(
        f"{pid} round {n}" for pid in people for n in range(ROUNDS)
    )
