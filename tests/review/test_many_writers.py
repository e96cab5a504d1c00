"""Two runs side by side (two processes, one register, one SMTP relay): one message each."""

from __future__ import annotations

import email
import email.policy
import multiprocessing
import os
import re
import socket
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from coproduce import review
from coproduce.models import ParticipantRecord
from coproduce.review.context import open_context
from coproduce.store.register import Register

from .conftest import CLOSES, LEAD, NOW, make_repo

PEOPLE = 120
SECRET = "s" * 40


class Counting:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def relay():
    handler = Counting()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _prepare(tmp_path: Path, database_url: str, port: int) -> tuple[str, str]:
    Register(database_url, migrate=True).close()
    repo = make_repo(tmp_path / "repo")
    config = (repo.root / "coproduce.toml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^# database_url = .*$", f'database_url = "{database_url}"', config)
    config = re.sub(r"(?m)^# smtp_url = .*$", f'smtp_url = "smtp://127.0.0.1:{port}"', config)
    repo.commit_files({"coproduce.toml": config}, author=LEAD, message="Shared register, relay")
    os.environ["COPRODUCE_SECRET_KEY"] = SECRET
    ctx = open_context(repo=repo.root, author=str(LEAD))
    ctx.outreach.register.add_participants(
        ParticipantRecord(id=f"P-{i:010x}", name=f"Person {i}", email=f"p{i}@example.org",
                          audience="practitioners")
        for i in range(PEOPLE)
    )  # fmt: skip
    cycle_id = review.start_review(
        repo=ctx.repo, slug="escalation-policy", closes=CLOSES, audiences=["practitioners"],
        author=LEAD, outreach=ctx.outreach, now=NOW,
    ).cycle.id  # fmt: skip
    return str(repo.root), cycle_id


def _launch(root: str, cycle_id: str) -> int:
    os.environ["COPRODUCE_SECRET_KEY"] = SECRET
    ctx = open_context(repo=root, author=str(LEAD))
    return len(review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach,
                             author=LEAD, now=NOW).sent)  # fmt: skip


def _remind(root: str, cycle_id: str) -> int:
    os.environ["COPRODUCE_SECRET_KEY"] = SECRET
    ctx = open_context(repo=root, author=str(LEAD))
    done = review.remind(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD,
                         now=NOW, manual=True)  # fmt: skip
    return len(done.sent)


def _side_by_side(target, root: str, cycle_id: str) -> list[int]:  # type: ignore[no-untyped-def]
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        return pool.starmap(target, [(root, cycle_id), (root, cycle_id)])


def _by_recipient(messages: list[bytes], kind: str) -> Counter[str]:
    parsed = [email.message_from_bytes(m) for m in messages]
    return Counter(str(m["To"]) for m in parsed if str(m["Message-ID"]).startswith(f"<{kind}"))


def _links(messages: list[bytes]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for raw in messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        for link in re.findall(r"/r/([A-Za-z0-9_-]{20,})", text):
            found.setdefault(str(message["To"]), set()).add(link)
    return found


def test_two_launches_and_two_reminder_runs_at_once_send_each_person_one_message(
    tmp_path: Path, database_url: str, relay, monkeypatch
) -> None:
    monkeypatch.setenv("COPRODUCE_SECRET_KEY", SECRET)
    handler, port = relay
    root, cycle_id = _prepare(tmp_path, database_url, port)

    sent = _side_by_side(_launch, root, cycle_id)
    invites = _by_recipient(handler.received, "invite")
    assert sum(sent) == PEOPLE and len(invites) == PEOPLE and set(invites.values()) == {1}

    reminded = _side_by_side(_remind, root, cycle_id)
    reminders = _by_recipient(handler.received, "reminder")
    assert sum(reminded) == PEOPLE and len(reminders) == PEOPLE and set(reminders.values()) == {1}

    links = _links(handler.received)  # one personal link per person, in invite and reminder
    assert len(links) == PEOPLE and all(len(tokens) == 1 for tokens in links.values())
    history = os.popen(f"git -C {root} log --format=%s").read().splitlines()
    assert history.count(f"Launch review {cycle_id}") == 1
