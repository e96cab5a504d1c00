"""The "what changed since the last approved version" page: the redline every invitation links
to, served without a personal link, escaped, for launched cycles only."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coproduce.channels.portal import create_app

from .conftest import Launched, PortalClient, launch_sample


@pytest.fixture
def edited(tmp_path: Path) -> Iterator[Launched]:
    """Return a launched review of a draft changed since v1.0."""
    found = launch_sample(tmp_path / "edited-repo", edited=True)
    yield found
    found.ctx.close()


def changes_link_in(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"https?://[^\s/]+(/c/[^\s]+/changes)", body.get_content())
    assert found is not None, "the invitation has no what-changed link"
    return found.group(1)


def test_the_invitations_what_changed_link_shows_the_redline_from_the_approved_version(
    edited: Launched,
) -> None:
    link = changes_link_in(edited.emls[edited.practitioner])
    assert link == f"/c/{edited.cycle_id}/changes"
    with PortalClient(create_app(edited.ctx.workspace), base_url="http://127.0.0.1") as client:
        page = client.get(link)
    assert page.status_code == 200
    assert "<h1>What changed since version 1.0</h1>" in page.text
    deleted = re.findall(r"<del[^>]*>(.*?)</del>", page.text, re.S)
    inserted = re.findall(r"<ins[^>]*>(.*?)</ins>", page.text, re.S)
    assert any("two years" in d for d in deleted) and any("year" in i for i in inserted)
    assert any("Young people may read what we write about them." in i for i in inserted)
    assert "Sam Lead" in page.text  # who made the changes, as the redline says
    assert "<style" not in page.text and " style=" not in page.text and "<script" not in page.text


def test_a_draft_the_same_as_its_approved_version_says_nothing_changed(
    launched: Launched, client: TestClient
) -> None:
    page = client.get(f"/c/{launched.cycle_id}/changes")
    assert page.status_code == 200 and "nothing has changed yet" in page.text


def test_an_unknown_or_unlaunched_cycle_has_no_page(launched: Launched, client: TestClient) -> None:
    for cycle in ("no-such-cycle", "..", "%2e%2e", "<script>"):
        page = client.get(f"/c/{cycle}/changes")
        assert page.status_code == 404 and "<script>" not in page.text
