"""Hostile input on every route: forged CSRF, guessed links, script in every field, oversized
bodies, floods. Each is refused (or made harmless) and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from coproduce import review
from coproduce.channels.portal import Limits, create_app
from coproduce.review.feedback import iter_feedback
from coproduce.store.tokens import issue_tokens

from .conftest import LEAD, Launched, PortalClient
from .test_participant import csrf_of, nonce_of

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _no_live_markup(html: str) -> None:
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_every_page_carries_a_csp_with_no_inline_script_and_the_security_headers(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    pages = ("/healthz", link, "/r/not-a-token", f"{link}/upload",
             f"/c/{launched.cycle_id}/changes", "/lead/login")  # fmt: skip
    for path in pages:
        headers = client.get(path).headers
        assert "script-src" not in headers["content-security-policy"]
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
    for path in pages[1:]:
        page = client.get(path).text
        assert "<script" not in page and " style=" not in page and "<style" not in page


def test_a_forged_or_missing_csrf_token_is_refused_and_nothing_is_saved(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    other = csrf_of(client.get(launched.links[launched.young_person]).text)
    for csrf in (None, "forged", other):
        data = {"general-comment": "Forged", "action": "save"}
        if csrf is not None:
            data["csrf"] = csrf
        response = client.post(link, data=data)
        assert response.status_code == 403
    assert "Forged" not in client.get(link).text
    draft = launched.register.read_draft(
        participant_id=launched.practitioner, cycle=launched.cycle_id
    )
    assert draft == {}


def test_a_guessed_link_and_an_expired_one_get_the_same_page(
    client: TestClient, launched: Launched
) -> None:
    guessed = client.get("/r/" + "A" * 43)
    issue_tokens(
        launched.register,
        participant_ids=[launched.practitioner],
        cycle=launched.cycle_id,
        expires=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    expired = client.get(launched.links[launched.practitioner])
    assert guessed.status_code == expired.status_code == 404
    assert guessed.text == expired.text
    assert "This link does not work" in guessed.text
    posted = client.post("/r/" + "A" * 43, data={"csrf": "x", "general-comment": "hello"})
    assert posted.status_code == 404


def test_guessing_links_from_one_address_is_slowed_to_a_stop(launched: Launched) -> None:
    app = create_app(launched.ctx.workspace, limits=Limits(unknown_links_per_client=5))
    with PortalClient(app) as client:
        codes = [client.get(f"/r/guess{i}").status_code for i in range(8)]
    assert codes[:5] == [404] * 5 and set(codes[5:]) == {429}


def test_too_many_posts_on_one_link_are_refused(launched: Launched) -> None:
    app = create_app(launched.ctx.workspace, limits=Limits(posts_per_token=3))
    link = launched.links[launched.practitioner]
    with PortalClient(app) as client:
        csrf = csrf_of(client.get(link).text)
        codes = [
            client.post(
                link, data={"csrf": csrf, "action": "save"}, follow_redirects=False
            ).status_code
            for _ in range(5)
        ]
    assert codes == [303, 303, 303, 429, 429]


def test_script_in_every_field_is_shown_as_text_on_every_page(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    page = client.get(link).text
    fields = set(re.findall(r'<textarea[^>]* name="([^"]+)"', page))
    assert {"comment-escalation", "suggest-escalation", "answer-clear", "general-comment"} <= fields
    data = dict.fromkeys(fields, SCRIPT)
    data.update(csrf=csrf_of(page), consent="named", action="preview")
    preview = client.post(link, data=data)
    assert preview.status_code == 200
    _no_live_markup(preview.text)
    data["action"] = "check"
    check = client.post(link, data=data)
    _no_live_markup(check.text)
    sent = client.post(f"{link}/send", data={"csrf": data["csrf"], "nonce": nonce_of(check.text)})
    assert sent.status_code == 200 and "Feedback received" in sent.text
    assert "<script" not in sent.text
    items = list(iter_feedback(launched.ctx.repo, launched.cycle_id))
    assert items and all(SCRIPT in (i.suggestion or i.text) for i in items)


def test_a_hostile_consent_value_is_an_error_not_a_choice(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    csrf = csrf_of(client.get(link).text)
    page = client.post(link, data={"csrf": csrf, "consent": SCRIPT, "action": "check"})
    assert page.status_code == 400 and "Choose how we may use your words" in page.text
    assert "<script" not in page.text


@pytest.mark.parametrize("chunked", [False, True])
def test_an_oversized_body_is_refused_and_changes_nothing(
    client: TestClient, launched: Launched, chunked: bool
) -> None:
    link = launched.links[launched.practitioner]
    csrf = csrf_of(client.get(link).text)
    body = f"csrf={csrf}&action=save&general-comment=".encode() + b"x" * 400_000
    if chunked:
        response = client.post(
            link,
            content=iter([body[i : i + 65536] for i in range(0, len(body), 65536)]),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    else:
        response = client.post(
            link, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
        )
    assert response.status_code == 413
    assert (
        launched.register.read_draft(participant_id=launched.practitioner, cycle=launched.cycle_id)
        == {}
    )


def test_a_comment_over_the_limit_is_a_clear_error(client: TestClient, launched: Launched) -> None:
    link = launched.links[launched.practitioner]
    csrf = csrf_of(client.get(link).text)
    page = client.post(
        link, data={"csrf": csrf, "general-comment": "y" * 20_001, "action": "check"}
    )
    assert page.status_code == 400 and "20,000 characters or fewer" in page.text


def test_no_one_sees_a_confirmation_that_is_not_theirs(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    csrf = csrf_of(client.get(link).text)
    data = {"csrf": csrf, "general-comment": "Mine.", "consent": "anonymous", "action": "check"}
    nonce = nonce_of(client.post(link, data=data).text)
    client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce})
    other = launched.links[launched.young_person]
    response = client.get(f"{other}/sent/{nonce}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == other


def test_a_closed_cycles_link_says_when_it_closed_and_takes_nothing(
    client: TestClient, launched: Launched
) -> None:
    review.close(repo=launched.ctx.repo, cycle_id=launched.cycle_id, author=LEAD)
    link = launched.links[launched.practitioner]
    page = client.get(link)
    assert page.status_code == 410 and "This review has closed" in page.text
    posted = client.post(link, data={"csrf": "x", "general-comment": "Late"})
    assert posted.status_code == 410
    assert launched.register.count_submissions(cycle=launched.cycle_id) == 0


def test_late_feedback_when_the_lead_allows_it_is_taken_and_marked_late(
    client: TestClient, launched: Launched
) -> None:
    review.close(repo=launched.ctx.repo, cycle_id=launched.cycle_id, author=LEAD)
    launched.register.set_late_allowed(launched.cycle_id, True)
    link = launched.links[launched.practitioner]
    page = client.get(link)
    assert page.status_code == 200 and "we will mark it as late" in page.text
    data = {"csrf": csrf_of(page.text), "general-comment": "Late but keen.",
            "consent": "anonymous", "action": "check"}  # fmt: skip
    check = client.post(link, data=data)
    sent = client.post(f"{link}/send", data={"csrf": data["csrf"], "nonce": nonce_of(check.text)})
    assert "marked as late" in sent.text
    (item,) = iter_feedback(launched.ctx.repo, launched.cycle_id)
    assert item.late


def test_an_unknown_page_and_a_wrong_method_answer_plainly(client: TestClient) -> None:
    missing = client.get("/admin")
    assert missing.status_code == 404 and "<h1>" in missing.text
    assert client.put("/healthz").status_code == 405
