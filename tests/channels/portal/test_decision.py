"""The board's decision recorded from the lead's page: the same checks and record as
``coproduce signoff``; every problem shown at once; a refused decision writes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coproduce.channels.portal.app import create_app
from coproduce.channels.portal.passwords import hash_password
from coproduce.pack import record_pack
from coproduce.review import load_cycle
from coproduce.store.register import Register
from coproduce.workspace import open_workspace
from tests.channels.portal.conftest import PortalClient
from tests.pack.scenario import SLUG, Scenario, build_scenario
from tests.pack.test_pack import make_pack
from tests.review.conftest import LEAD

from .test_lead import EMAIL, PASSWORD, log_in
from .test_participant import csrf_of


@pytest.fixture
def awaiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Scenario, TestClient]]:
    """Return a cycle whose recorded pack awaits the board, and the portal logged in."""
    monkeypatch.setattr("coproduce.publish.pdf.soffice", lambda: None)  # no PDF: faster
    s = build_scenario(tmp_path / "repo")
    built = make_pack(s, tmp_path / "packs")
    record_pack(repo=s.repo, manifest=built.manifest, manifest_sha256=built.manifest_sha256,
                author=LEAD)  # fmt: skip
    with Register.for_state_dir(Path(s.repo.state_dir)) as register:
        register.add_lead(EMAIL, hash_password(PASSWORD))
    with PortalClient(create_app(open_workspace(repo=s.repo.root))) as client:
        log_in(client)
        yield s, client


def test_a_lead_records_an_approval_that_tags_and_publishes(
    awaiting: tuple[Scenario, TestClient],
) -> None:
    s, client = awaiting
    path = f"/lead/c/{s.cycle_id}/decision"
    page = client.get(path)
    assert page.status_code == 200 and "What did the board decide?" in page.text
    done = client.post(path, data={
        "csrf": csrf_of(page.text), "outcome": "approved", "version": "1.1",
        "decided_by": "Safeguarding Partnership Executive", "minute": "SPE 2026/14",
        "decided": "2027-01-10",
    })  # fmt: skip
    assert done.status_code == 200, done.text[-2000:]
    assert "Recorded: approved by Safeguarding Partnership Executive" in done.text
    assert re.search(r"tagged \S+/v1\.1 and published", done.text)
    assert load_cycle(s.repo, s.cycle_id).state.value == "approved"
    assert "What did the board decide?" not in done.text  # nothing more to decide


def test_every_problem_is_shown_at_once_and_nothing_is_recorded(
    awaiting: tuple[Scenario, TestClient],
) -> None:
    s, client = awaiting
    path = f"/lead/c/{s.cycle_id}/decision"
    head = s.repo.resolve("HEAD")
    page = client.get(path)
    bad = client.post(path, data={"csrf": csrf_of(page.text), "decided": "next Tuesday",
                                  "decided_by": "<script>alert(1)</script>"})  # fmt: skip
    assert bad.status_code == 400
    for message in ("Choose what the board decided", "Give the minute reference",
                    "Enter the date of the decision as a date"):  # fmt: skip
        assert message in bad.text
    assert "<script>alert(1)</script>" not in bad.text  # escaped where it is shown again
    assert s.repo.resolve("HEAD") == head


def test_a_decision_on_text_changed_after_the_pack_is_refused_on_the_page(
    awaiting: tuple[Scenario, TestClient],
) -> None:
    s, client = awaiting
    text = s.repo.document_path(SLUG).read_text(encoding="utf-8")
    late = s.repo.commit_files(
        {f"guidance/{SLUG}.md": text.replace("\n\n", "\n\nA late sentence.\n\n", 1)},
        author=LEAD,
        message="A late edit",
    )
    path = f"/lead/c/{s.cycle_id}/decision"
    page = client.get(path)
    refused = client.post(path, data={
        "csrf": csrf_of(page.text), "outcome": "approved", "version": "1.1",
        "decided_by": "Safeguarding Partnership Executive", "minute": "SPE 2026/14",
    })  # fmt: skip
    assert refused.status_code == 400 and late[:7] in refused.text
    assert s.repo.resolve("HEAD") == late
    assert load_cycle(s.repo, s.cycle_id).state.value == "in-signoff"


def test_the_decision_page_needs_a_lead_and_the_form_s_token(
    awaiting: tuple[Scenario, TestClient],
) -> None:
    s, client = awaiting
    path = f"/lead/c/{s.cycle_id}/decision"
    forged = client.post(path, data={"csrf": "forged", "outcome": "rejected",
                                     "decided_by": "X", "minute": "Y"})  # fmt: skip
    assert forged.status_code == 403
    client.cookies.clear()
    assert client.get(path, follow_redirects=False).status_code == 303
    assert load_cycle(s.repo, s.cycle_id).state.value == "in-signoff"
