"""The lead's view: Argon2 passwords, signed HttpOnly SameSite cookies, lockout, and the
responses by audience and section with late items; nothing without a lead's session."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from coproduce.channels.portal.passwords import hash_password
from coproduce.cli import main

from .conftest import Launched
from .test_participant import csrf_of, nonce_of

EMAIL = "sam.lead@example.org"
PASSWORD = "correct horse battery staple"


def log_in(client: TestClient, password: str = PASSWORD, email: str = EMAIL):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get("/lead/login").text)
    return client.post("/lead/login", data={"csrf": csrf, "email": email, "password": password})


def test_add_lead_stores_only_an_argon2_hash(launched: Launched, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(launched.ctx.repo.root)
    try:
        main(["portal", "add-lead", "Sam.Lead@example.org", "--password", PASSWORD])
    except SystemExit as e:
        assert e.code in (0, None)
    lead = launched.register.get_lead(EMAIL)
    assert lead is not None and lead.password_hash.startswith("$argon2id$")
    assert PASSWORD not in lead.password_hash


def test_a_short_password_is_refused(launched: Launched, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(launched.ctx.repo.root)
    try:
        main(["portal", "add-lead", EMAIL, "--password", "short"])
    except SystemExit as e:
        assert e.code != 0
    assert "at least 12 characters" in capsys.readouterr().err
    assert launched.register.get_lead(EMAIL) is None


def test_lead_pages_need_a_session(client: TestClient, launched: Launched) -> None:
    for path in ("/lead", f"/lead/c/{launched.cycle_id}"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/lead/login"
    response = client.post(f"/lead/c/{launched.cycle_id}/late", data={"allow": "yes"},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert not launched.register.late_allowed(launched.cycle_id)


def test_a_lead_logs_in_with_a_signed_httponly_samesite_cookie(
    client: TestClient, launched: Launched
) -> None:
    launched.register.add_lead(EMAIL, hash_password(PASSWORD))
    csrf = csrf_of(client.get("/lead/login").text)
    response = client.post("/lead/login", follow_redirects=False,
                           data={"csrf": csrf, "email": EMAIL, "password": PASSWORD})  # fmt: skip
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/lead" in cookie
    assert client.get("/lead").status_code == 200
    client.cookies.set("coproduce_lead", client.cookies["coproduce_lead"][:-3] + "AAA",
                       path="/lead")  # fmt: skip
    assert client.get("/lead", follow_redirects=False).status_code == 303


def test_a_forged_login_form_is_refused(client: TestClient, launched: Launched) -> None:
    launched.register.add_lead(EMAIL, hash_password(PASSWORD))
    client.get("/lead/login")
    response = client.post("/lead/login", data={"csrf": "forged", "email": EMAIL,
                                                 "password": PASSWORD})  # fmt: skip
    assert response.status_code == 403 and "coproduce_lead" not in client.cookies


def test_five_wrong_passwords_lock_the_lead_out_even_with_the_right_one(
    client: TestClient, launched: Launched
) -> None:
    launched.register.add_lead(EMAIL, hash_password(PASSWORD))
    codes = [log_in(client, "wrong password!").status_code for _ in range(5)]
    assert codes == [400] * 5
    locked = log_in(client)
    assert locked.status_code == 400 and "pauses for 15 minutes" in locked.text
    assert "coproduce_lead" not in client.cookies


def test_the_lead_sees_responses_by_audience_and_section_and_late_items(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.young_person]
    csrf = csrf_of(client.get(link).text)
    said = "<b>Say it is not our fault</b>"
    check = client.post(link, data={"csrf": csrf, "comment-purpose": said, "action": "check"})
    client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce_of(check.text)})
    launched.register.add_lead(EMAIL, hash_password(PASSWORD))
    log_in(client)
    page = client.get(f"/lead/c/{launched.cycle_id}").text
    assert "&lt;b&gt;Say it is not our fault&lt;/b&gt;" in page
    assert re.search(r"<td>young-people</td><td>1</td><td>1</td>", page)
    assert "<td>purpose</td><td>young-people: 1</td>" in page
    assert "Yasmin" not in page and "yasmin@example.org" not in page
    lead_csrf = csrf_of(page)
    client.post(f"/lead/c/{launched.cycle_id}/late", data={"csrf": lead_csrf, "allow": "yes"})
    assert launched.register.late_allowed(launched.cycle_id)
    forged = client.post(f"/lead/c/{launched.cycle_id}/late", data={"csrf": "x", "allow": "no"})
    assert forged.status_code == 403 and launched.register.late_allowed(launched.cycle_id)


def reminders_in_outbox(launched: Launched) -> list[str]:
    outbox = Path(launched.ctx.repo.state_dir) / "outbox"
    return sorted(p.name for p in outbox.glob("reminder-*.eml"))


def test_with_prefect_unreachable_a_lead_still_reminds_those_who_have_not_responded_once(
    client: TestClient,
    launched: Launched,
    monkeypatch,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    # The send-reminders flow run (tests/channels/portal/test_remind_flow.py) cannot start:
    # the portal sends the same steps itself and says why in its log.
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    link = launched.links[launched.young_person]
    csrf = csrf_of(client.get(link).text)
    check = client.post(link, data={"csrf": csrf, "general-comment": "Hi.", "action": "check"})
    client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce_of(check.text)})
    launched.register.add_lead(EMAIL, hash_password(PASSWORD))
    log_in(client)
    page = client.get(f"/lead/c/{launched.cycle_id}").text
    assert "1 person was invited and has not responded yet." in page
    lead_csrf = csrf_of(page)
    done = client.post(f"/lead/c/{launched.cycle_id}/remind", data={"csrf": lead_csrf})
    assert done.status_code == 200 and "Sending a reminder to 1 person" in done.text
    assert "the send-reminders flow could not run" in caplog.text
    assert "127.0.0.1:9/api" in caplog.text
    (sent,) = reminders_in_outbox(launched)
    assert launched.practitioner in sent
    logged = [m for m in launched.register.list_messages(cycle=launched.cycle_id)
              if m.kind.startswith("reminder-")]  # fmt: skip
    assert [(m.participant_id, m.status) for m in logged] == [(launched.practitioner, "sent")]
    again = client.post(f"/lead/c/{launched.cycle_id}/remind", data={"csrf": lead_csrf})
    assert "nothing more to send" in again.text
    assert len(reminders_in_outbox(launched)) == 1


def test_a_reminder_needs_a_session_and_its_csrf_token(
    client: TestClient, launched: Launched
) -> None:
    path = f"/lead/c/{launched.cycle_id}/remind"
    anonymous = client.post(path, data={"csrf": "x"}, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/lead/login"
    launched.register.add_lead(EMAIL, hash_password(PASSWORD))
    log_in(client)
    forged = client.post(path, data={"csrf": "forged"})
    assert forged.status_code == 403
    assert reminders_in_outbox(launched) == []
    unknown = client.post(
        "/lead/c/no-such-cycle/remind", data={"csrf": csrf_of(client.get("/lead").text)}
    )
    assert unknown.status_code == 404
