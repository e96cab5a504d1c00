"""The lead's triage pages: a page per section where each item gets an outcome and a reason,
recorded through the triage service the CLI uses; every problem shown at once, nothing saved
until all are sound; a lead's session and a CSRF token for everything."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from coproduce.channels.portal.passwords import hash_password
from coproduce.review.feedback import Submission, record_feedback
from coproduce.triage import iter_dispositions, load_triage

from .conftest import Launched
from .test_lead import EMAIL, PASSWORD, log_in
from .test_participant import csrf_of


@pytest.fixture
def items(launched: Launched) -> list[str]:
    """Record three items: two on the escalation section, one on the whole draft."""
    said = [("escalation", "Say who chairs."), ("escalation", "Name <b>a deadline</b>."),
            (None, "Clear overall.")]  # fmt: skip
    ids = []
    for number, (section, text) in enumerate(said):
        item = record_feedback(
            repo=launched.ctx.repo, register=launched.register, cycle_id=launched.cycle_id,
            submission=Submission(participant=launched.practitioner, channel="portal",
                                  section=section, text=text),
            key=f"portal:triage-test:{number}",
        )  # fmt: skip
        ids.append(item.id)
    launched.register.add_lead(EMAIL, hash_password(PASSWORD))
    return ids


def test_the_overview_lists_sections_with_what_is_left_to_decide(
    client: TestClient, launched: Launched, items: list[str]
) -> None:
    log_in(client)
    page = client.get(f"/lead/c/{launched.cycle_id}/triage")
    assert page.status_code == 200
    assert "3 items still need an outcome" in page.text
    assert re.search(rf'href="/lead/c/{launched.cycle_id}/triage/escalation">Escalation</a>'
                     r"</td><td>2</td><td>2</td>", page.text)  # fmt: skip
    assert f'href="/lead/c/{launched.cycle_id}/triage/_">The whole document</a>' in page.text


def test_a_lead_sets_outcomes_and_reasons_for_a_section_in_one_commit(
    client: TestClient, launched: Launched, items: list[str]
) -> None:
    log_in(client)
    path = f"/lead/c/{launched.cycle_id}/triage/escalation"
    page = client.get(path).text
    assert "Name &lt;b&gt;a deadline&lt;/b&gt;." in page  # escaped
    first, second, _ = items
    head = launched.ctx.repo.resolve("HEAD")
    saved = client.post(path, data={
        "csrf": csrf_of(page),
        f"outcome-{first}": "accepted", f"reason-{first}": "We now name the chair.",
        f"outcome-{second}": "duplicate", f"reason-{second}": "Same point.",
        f"duplicate-{second}": first.lower(),
    })  # fmt: skip
    assert saved.status_code == 200 and "Saved 2 outcomes." in saved.text
    found = iter_dispositions(launched.ctx.repo, launched.cycle_id)
    assert found[first].outcome.value == "accepted" and found[first].decided_by == EMAIL
    assert found[second].duplicate_of == first
    assert launched.ctx.repo.resolve("HEAD~1") == head  # one commit for the section
    assert load_triage(launched.ctx.repo, launched.cycle_id).state_of(first).startswith("accepted")
    again = client.post(path, data={"csrf": csrf_of(saved.text), f"outcome-{first}": "accepted",
                                     f"reason-{first}": "We now name the chair."})  # fmt: skip
    assert "Nothing had changed" in again.text


def test_every_problem_is_shown_at_once_and_nothing_is_saved(
    client: TestClient, launched: Launched, items: list[str]
) -> None:
    log_in(client)
    path = f"/lead/c/{launched.cycle_id}/triage/escalation"
    first, second, _ = items
    head = launched.ctx.repo.resolve("HEAD")
    page = client.post(path, data={
        "csrf": csrf_of(client.get(path).text),
        f"outcome-{first}": "accepted", f"reason-{first}": "",
        f"outcome-{second}": "duplicate", f"reason-{second}": "Same.",
    })  # fmt: skip
    assert page.status_code == 400
    summary = re.search(r'<ul class="error-summary__list">(.*?)</ul>', page.text, re.S)
    assert summary is not None and summary.group(1).count("<li>") == 2
    assert f'href="#reason-{first}"' in summary.group(1)
    assert "write a reason" in summary.group(1) and "duplicate" in summary.group(1)
    assert iter_dispositions(launched.ctx.repo, launched.cycle_id) == {}
    assert launched.ctx.repo.resolve("HEAD") == head


def test_triage_needs_a_session_and_its_csrf_token(
    client: TestClient, launched: Launched, items: list[str]
) -> None:
    path = f"/lead/c/{launched.cycle_id}/triage/escalation"
    for url in (f"/lead/c/{launched.cycle_id}/triage", path):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/lead/login"
    log_in(client)
    forged = client.post(path, data={"csrf": "forged", f"outcome-{items[0]}": "noted",
                                     f"reason-{items[0]}": "x"})  # fmt: skip
    assert forged.status_code == 403
    assert iter_dispositions(launched.ctx.repo, launched.cycle_id) == {}
    assert client.get(f"/lead/c/{launched.cycle_id}/triage/no-such-section").status_code == 404
