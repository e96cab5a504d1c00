"""A launched review of the sample exploitation protocol (with its youth twin), a practitioner
and a young person in the register, their personal links from the invitations the launch
wrote to the outbox, and the portal application over it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from coproduce import review
from coproduce.channels.portal import Limits, create_app
from coproduce.models import ParticipantRecord, Person, Question
from coproduce.resources import sample_guidance_dir
from coproduce.review.context import ReviewContext, open_context
from coproduce.review.materials import render_materials
from coproduce.store import GuidanceRepo

LEAD = Person(name="Sam Lead", email="sam.lead@example.org")
SLUG = "exploitation-protocol"


@dataclass
class Launched:
    """A launched cycle and the links its invitations carry."""

    ctx: ReviewContext
    cycle_id: str
    links: dict[str, str]  # participant id -> the /r/<token> path from their .eml
    emls: dict[str, Path]
    practitioner: str
    young_person: str

    @property
    def register(self):  # type: ignore[no-untyped-def]
        return self.ctx.workspace.register


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's git config and COPRODUCE_* settings out of every test."""
    for name in list(os.environ):
        if name.startswith(("COPRODUCE_", "GIT_")):
            monkeypatch.delenv(name)
    gitconfig = tmp_path / "home.gitconfig"
    gitconfig.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


EDITS = [  # what a lead changed after v1.0, for the "what changed" page
    ("at least every two years", "every year"),
    ("Every day 3pm to 10pm", "Every day 2pm to 11pm"),
    ("as part of supervision and case audit.",
     "as part of supervision and case audit. Young people may read what we write about them."),
]  # fmt: skip


def launch_sample(root: Path, *, edited: bool = False) -> Launched:
    """Launch a review of the sample protocol to a practitioner and a 15-year-old (``edited``:
    of a draft changed since the approved version, by ``EDITS``)."""
    repo = GuidanceRepo.init(root, author=LEAD)
    samples = sample_guidance_dir()
    repo.commit_files(
        {
            f"guidance/{SLUG}.md": (samples / f"{SLUG}.md").read_text(encoding="utf-8"),
            f"guidance/{SLUG}.young-people.md": (samples / f"{SLUG}.young-people.md").read_text(
                encoding="utf-8"
            ),
        },
        author=LEAD,
        message="Add the exploitation protocol",
    )
    repo.approve(SLUG, "1.0", author=LEAD, message="Approved by the board")
    if edited:
        text = repo.read_file(f"guidance/{SLUG}.md", rev="HEAD")
        for old, new in EDITS:
            assert old in text
            text = text.replace(old, new, 1)
        repo.commit_files({f"guidance/{SLUG}.md": text}, author=LEAD, message="Revise the protocol")
    ctx = open_context(repo=repo.root, author=str(LEAD))
    register = ctx.workspace.register
    practitioner, young = register.new_participant_id(), register.new_participant_id()
    register.add_participants(
        [
            ParticipantRecord(id=practitioner, name="Pat Practitioner",
                              email="pat@example.org", audience="practitioners"),
            ParticipantRecord(id=young, name="Yasmin Young", email="yasmin@example.org",
                              audience="young-people", age_band="15"),
        ]
    )  # fmt: skip
    closes = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)
    questions = [
        Question(id="clear", text="Is the escalation route clear?", section="escalation",
                 audiences=["practitioners"]),
        Question(id="trust", text="What would help you trust a worker?",
                 youth_text="What would help you trust a worker?", audiences=["young-people"]),
    ]  # fmt: skip
    cycle_id = review.start_review(
        repo=ctx.repo, slug=SLUG, closes=closes, audiences=["practitioners", "young-people"],
        author=LEAD, outreach=ctx.outreach, questions=questions,
    ).cycle.id  # fmt: skip
    # The launch flow renders the materials (draft, what-changed page) for the invitations.
    materials = render_materials(repo=ctx.repo, cycle_id=cycle_id) if edited else None
    review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD,
                  materials=materials)  # fmt: skip
    links: dict[str, str] = {}
    emls: dict[str, Path] = {}
    for path in sorted((Path(ctx.repo.state_dir) / "outbox").rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        found = re.search(r"https?://[^\s/]+(/r/[A-Za-z0-9_-]+)", body.get_content())
        assert found is not None, f"no personal link in {path.name}"
        who = practitioner if "pat@example.org" in str(message["To"]) else young
        links[who] = found.group(1)
        emls[who] = path
    assert set(links) == {practitioner, young}
    return Launched(ctx, cycle_id, links, emls, practitioner, young)


@pytest.fixture
def launched(tmp_path: Path) -> Iterator[Launched]:
    """Return a launched review of the sample protocol."""
    found = launch_sample(tmp_path / "guidance-repo")
    yield found
    found.ctx.close()


class PortalClient(TestClient):
    """A test client that, after each request, waits for the portal's recorder thread: what a
    send acknowledged is in git, and its confirmation sent, before the test looks."""

    def request(self, *args: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        response = super().request(*args, **kwargs)
        assert self.app.state.portal.recorder.wait_idle(timeout=60)  # type: ignore[attr-defined]
        return response


@pytest.fixture
def client(launched: Launched) -> Iterator[TestClient]:
    """Return a test client of the portal over the launched review."""
    app = create_app(launched.ctx.workspace, limits=Limits(posts_per_token=1000))
    with PortalClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client
