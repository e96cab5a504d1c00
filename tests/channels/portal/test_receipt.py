"""The confirmation email: sent once per send through a real SMTP server on loopback, naming
what was received, when, and each reference; plain words for young people; never the words
themselves; never twice for a double submit; never to someone who opted out."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient

from coproduce.channels.portal import Limits, create_app
from coproduce.channels.portal.receipt import send_receipt
from coproduce.review.record import load_cycle
from tests.channels.conftest import RecordingHandler

from .conftest import Launched, PortalClient
from .test_participant import csrf_of, nonce_of


@pytest.fixture
def mailbox(
    launched: Launched, smtp_server: Callable[..., tuple[RecordingHandler, int]]
) -> Iterator[tuple[RecordingHandler, TestClient]]:
    """Return a loopback SMTP server and a portal whose mail goes to it."""
    handler, port = smtp_server()
    workspace = launched.ctx.workspace
    settings = workspace.settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"})
    app = create_app(dataclasses.replace(workspace, settings=settings),
                     limits=Limits(posts_per_token=1000))  # fmt: skip
    with PortalClient(app, base_url="http://127.0.0.1") as client:
        yield handler, client


def send(client: TestClient, link: str, fields: dict[str, str]) -> tuple[str, str]:
    """Fill the form, check, send; return the nonce and the confirmation page."""
    csrf = csrf_of(client.get(link).text)
    check = client.post(link, data={"csrf": csrf, "action": "check", **fields})
    assert check.status_code == 200, check.text
    nonce = nonce_of(check.text)
    sent = client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce})
    assert sent.status_code == 200 and "Feedback received" in sent.text
    return nonce, sent.text


def read(raw: bytes) -> tuple[EmailMessage, str, str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return message, text.get_content(), html.get_content()


def test_a_practitioner_gets_one_email_with_what_was_received_when_and_each_reference(
    mailbox: tuple[RecordingHandler, TestClient], launched: Launched
) -> None:
    handler, client = mailbox
    link = launched.links[launched.practitioner]
    fields = {"comment-escalation": "Say who chairs <it>.", "general-comment": "Clear overall.",
              "consent": "named"}  # fmt: skip
    _, page = send(client, link, fields)
    references = re.findall(r"<td>(FB-\d+)</td>", page)
    assert len(handler.received) == 1
    message, text, html = read(handler.received[0])
    assert message["To"].addresses[0].addr_spec == "pat@example.org"
    assert references[0] in message["Subject"]
    assert message["Message-ID"].startswith(
        f"<receipt.{launched.cycle_id}.{launched.practitioner}."
    )
    for reference in references:
        assert reference in text and reference in html
    assert "Your comment on “Escalation" in text and "Your general comment" in text
    when = re.search(r"on (\d{1,2} \w+ \d{4} at \d\d:\d\d UTC)", page)
    assert when is not None and when.group(1) in text
    assert "Say who chairs" not in text + html and "Clear overall." not in text + html
    assert launched.links[launched.practitioner] in text  # to add something else
    (entry,) = [m for m in launched.register.list_messages(cycle=launched.cycle_id)
                if m.kind == "receipt"]  # fmt: skip
    assert entry.status == "sent" and entry.participant_id == launched.practitioner


def test_a_young_person_gets_plain_words(
    mailbox: tuple[RecordingHandler, TestClient], launched: Launched
) -> None:
    handler, client = mailbox
    send(client, launched.links[launched.young_person],
         {"general-comment": "Listen more.", "comment-purpose": "Say it first."})  # fmt: skip
    (raw,) = handler.received
    message, text, html = read(raw)
    assert message["Subject"].startswith("Thanks, we got what you sent (FB-")
    assert "Hi Yasmin," in text and "We will never use your name." in text
    assert re.search(r"^FB-\d+  Your comment on “Why this matters”\r?$", text, re.M)
    assert re.search(r"^FB-\d+  Your general comment\r?$", text, re.M)
    assert "Childline" in html and "Listen more." not in text + html


def test_a_double_submit_and_a_retry_send_the_email_once(
    mailbox: tuple[RecordingHandler, TestClient], launched: Launched
) -> None:
    handler, client = mailbox
    link = launched.links[launched.practitioner]
    nonce, _ = send(client, link, {"general-comment": "Once.", "consent": "anonymous"})
    csrf = csrf_of(client.get(link).text)
    again = client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce})
    assert again.status_code == 200 and "Feedback received" in again.text
    items = [{"what": "Your general comment", "reference": "FB-0001",
              "received": "1 December 2026 at 10:00 UTC", "late": False}]  # fmt: skip
    retried = send_receipt(  # a second worker handling the same send: the log says sent
        client.app.state.portal.workspace,  # type: ignore[attr-defined]
        cycle=load_cycle(launched.ctx.repo, launched.cycle_id), title="Any title",
        participant_id=launched.practitioner, items=items, nonce=nonce,
        token=link.rsplit("/", 1)[1],
    )  # fmt: skip
    assert retried is False
    assert len(handler.received) == 1


def test_nobody_who_opted_out_of_the_cycles_emails_gets_one(
    mailbox: tuple[RecordingHandler, TestClient], launched: Launched
) -> None:
    handler, client = mailbox
    link = launched.links[launched.practitioner]
    client.post(f"{link}/opt-out", data={"csrf": csrf_of(client.get(link).text)})
    send(client, link, {"general-comment": "Still here.", "consent": "anonymous"})
    assert handler.received == []


def test_a_confirmation_a_stopped_process_never_sent_is_sent_once_by_the_next(
    launched: Launched,
    smtp_server: Callable[..., tuple[RecordingHandler, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The send is answered once journalled and its confirmation logged as queued with it;
    a process that stops before its recorder's round (here: the round never gets the
    confirmation) leaves it queued, and the next process's first round sends it, once."""
    from coproduce.channels.portal.recorder import Recorder

    handler, port = smtp_server()
    workspace = launched.ctx.workspace
    settings = workspace.settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"})
    workspace = dataclasses.replace(workspace, settings=settings)
    link = launched.links[launched.practitioner]
    dropped = Recorder.after_send
    with monkeypatch.context() as patch:  # the first process dies before sending
        patch.setattr(
            Recorder, "after_send", lambda self, cycle, confirmation=None: dropped(self, cycle)
        )
        app = create_app(workspace, limits=Limits(posts_per_token=1000))
        with PortalClient(app, base_url="http://127.0.0.1") as first:
            nonce, page = send(first, link, {"general-comment": "Kept.", "consent": "anonymous"})
    assert handler.received == []
    (entry,) = [m for m in launched.register.list_messages(cycle=launched.cycle_id)
                if m.kind == "receipt"]  # fmt: skip
    assert entry.status == "queued" and nonce in entry.message_id

    app = create_app(workspace, limits=Limits(posts_per_token=1000))
    with PortalClient(app, base_url="http://127.0.0.1") as second:  # starts: its first round
        assert second.app.state.portal.recorder.wait_idle(timeout=60)  # type: ignore[attr-defined]
        (raw,) = handler.received
        message, text, _ = read(raw)
        assert message["Message-ID"] == entry.message_id
        (reference,) = re.findall(r"<td>(FB-\d+)</td>", page)
        assert reference in text and link in text  # the link derived again, not stored
    app = create_app(workspace, limits=Limits(posts_per_token=1000))
    with PortalClient(app, base_url="http://127.0.0.1") as third:
        assert third.app.state.portal.recorder.wait_idle(timeout=60)  # type: ignore[attr-defined]
    assert len(handler.received) == 1  # sent once, never again
    (entry,) = [m for m in launched.register.list_messages(cycle=launched.cycle_id)
                if m.kind == "receipt"]  # fmt: skip
    assert entry.status == "sent"
