"""Email delivery against real SMTP servers on loopback, and the outbox of .eml files."""

from __future__ import annotations

import datetime as dt
import email
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from coproduce.channels.email import (
    OutboxMailer,
    Outgoing,
    SmtpMailer,
    open_mailer,
    outbox_dir,
    send_batch,
)
from coproduce.errors import DeliveryError, InvalidInputError
from coproduce.models import ParticipantRecord
from coproduce.store.register import Register

FROM = "Review team <reviews@example.org>"


def _people(register: Register, count: int) -> list[str]:
    records = [
        ParticipantRecord(
            id=register.new_participant_id(),
            name=f"Person {n}",
            email=f"person{n}@example.org",
            audience="practitioners",
        )
        for n in range(count)
    ]
    register.add_participants(records)
    return [r.id for r in records]


def _outgoing(participant_ids: list[str], *, cycle: str = "c1") -> list[Outgoing]:
    out = []
    for n, pid in enumerate(participant_ids):
        message = EmailMessage()
        message["Subject"] = f"Invitation {n}"
        message["From"] = FROM
        message["To"] = f"person{n}@example.org"
        message["Message-ID"] = f"<invite.{cycle}.{pid}@coproduce>"
        message.set_content(f"Hello {n}")
        out.append(Outgoing(message, cycle, pid, "invite"))
    return out


def _ids(raw: list[bytes]) -> list[str]:
    return [str(email.message_from_bytes(r, policy=policy.default)["Message-ID"]) for r in raw]


def test_a_batch_is_delivered_and_each_message_id_logged_as_sent(register, smtp_server) -> None:
    handler, port = smtp_server()
    batch = _outgoing(_people(register, 3))
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}", mail_from=FROM, rate_per_minute=0)
    report = send_batch(register, batch, mailer)
    assert report.sent == [o.message_id for o in batch]
    assert _ids(handler.received) == report.sent
    assert {m.status for m in register.list_messages(cycle="c1")} == {"sent"}


def test_a_rerun_sends_nothing_already_sent(register, smtp_server) -> None:
    handler, port = smtp_server()
    batch = _outgoing(_people(register, 2))
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}", mail_from=FROM, rate_per_minute=0)
    send_batch(register, batch, mailer)
    again = send_batch(register, batch, mailer)
    assert again.sent == [] and again.skipped == [o.message_id for o in batch]
    assert len(handler.received) == 2


def test_a_resend_after_a_crash_carries_the_same_message_id(register, smtp_server) -> None:
    handler, port = smtp_server()
    (item,) = _outgoing(_people(register, 1))
    # A crash between "queued" and "sent": the log says queued, nothing reached the server.
    register.queue_message(
        message_id=item.message_id, cycle="c1", participant_id=item.participant_id, kind="invite"
    )
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}", mail_from=FROM, rate_per_minute=0)
    report = send_batch(register, [item], mailer)
    assert report.sent == [item.message_id]
    assert _ids(handler.received) == [item.message_id]


def test_a_server_that_refuses_then_recovers_gets_the_message_once(register, smtp_server) -> None:
    handler, port = smtp_server(refuse_first=2)
    (item,) = _outgoing(_people(register, 1))
    waits: list[float] = []
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}", mail_from=FROM, rate_per_minute=0)
    report = send_batch(register, [item], mailer, retries=3, backoff=0.5, sleep=waits.append)
    assert report.sent == [item.message_id]
    assert waits == [0.5, 1.0]
    assert handler.attempts == 3 and len(handler.received) == 1
    entry = register.get_message(item.message_id)
    assert entry is not None and entry.attempts == 3 and entry.status == "sent"


def test_a_server_that_keeps_deferring_is_given_up_after_the_retries(register, smtp_server) -> None:
    handler, port = smtp_server(refuse_first=100)
    (item,) = _outgoing(_people(register, 1))
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}", mail_from=FROM, rate_per_minute=0)
    report = send_batch(register, [item], mailer, retries=2, sleep=lambda s: None)
    assert handler.attempts == 3
    assert "gave up after 3 attempts" in register.get_message(item.message_id).error
    with pytest.raises(DeliveryError, match="1 of 1 messages were not sent"):
        report.raise_for_failures()


def test_a_permanent_refusal_is_not_retried_and_the_batch_goes_on(register, smtp_server) -> None:
    _, port = smtp_server(refuse_recipient="550 5.1.1 No such user")
    batch = _outgoing(_people(register, 2))
    waits: list[float] = []
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}", mail_from=FROM, rate_per_minute=0)
    report = send_batch(register, batch, mailer, sleep=waits.append)
    assert waits == []
    assert list(report.failed) == [o.message_id for o in batch]
    assert all("550" in why for why in report.failed.values())
    assert {m.status for m in register.list_messages()} == {"failed"}


def test_an_unreachable_server_leaves_the_rest_of_the_batch_queued(register, closed_port) -> None:
    batch = _outgoing(_people(register, 3))
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{closed_port}", mail_from=FROM, timeout=2)
    report = send_batch(register, batch, mailer, retries=1, sleep=lambda s: None)
    assert list(report.failed) == [batch[0].message_id]
    assert report.deferred == [o.message_id for o in batch[1:]]
    with pytest.raises(DeliveryError) as caught:
        report.raise_for_failures()
    assert len(caught.value.problems) == 3


def test_the_rate_limit_spaces_messages_out(register, smtp_server) -> None:
    handler, port = smtp_server()
    batch = _outgoing(_people(register, 4))
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}", mail_from=FROM, rate_per_minute=600)
    started = time.monotonic()
    send_batch(register, batch, mailer)
    assert time.monotonic() - started >= 0.3  # 3 gaps of 0.1 s
    assert len(handler.received) == 4


def test_smtps_delivers_over_tls(register, smtp_server, certificate) -> None:
    handler, port = smtp_server(ssl_context=certificate.server_context())
    (item,) = _outgoing(_people(register, 1))
    mailer = SmtpMailer.from_url(
        f"smtps://127.0.0.1:{port}", mail_from=FROM, ssl_context=certificate.client_context()
    )
    assert send_batch(register, [item], mailer).sent == [item.message_id]
    assert len(handler.received) == 1


def test_starttls_with_a_login_delivers(register, smtp_server, certificate) -> None:
    handler, port = smtp_server(
        tls_context=certificate.server_context(),
        require_starttls=True,
        login=("relay-user", "p@ss word"),
    )
    (item,) = _outgoing(_people(register, 1))
    url = f"smtp://relay-user:p%40ss%20word@127.0.0.1:{port}?starttls=true"
    mailer = SmtpMailer.from_url(url, mail_from=FROM, ssl_context=certificate.client_context())
    assert send_batch(register, [item], mailer).sent == [item.message_id]
    assert len(handler.received) == 1


def test_a_wrong_password_is_a_permanent_failure(register, smtp_server, certificate) -> None:
    handler, port = smtp_server(
        tls_context=certificate.server_context(),
        require_starttls=True,
        login=("relay-user", "right"),
    )
    (item,) = _outgoing(_people(register, 1))
    url = f"smtp://relay-user:wrong@127.0.0.1:{port}?starttls=true"
    mailer = SmtpMailer.from_url(url, mail_from=FROM, ssl_context=certificate.client_context())
    report = send_batch(register, [item], mailer, sleep=lambda s: None)
    assert "535" in report.failed[item.message_id]
    assert handler.received == []


def test_smtp_urls_give_host_port_security_and_credentials() -> None:
    plain = SmtpMailer.from_url("smtp://relay.example.org", mail_from=FROM)
    tls = SmtpMailer.from_url("smtps://u:p%2Fq@relay.example.org", mail_from=FROM)
    starttls = SmtpMailer.from_url("smtp://relay.example.org?starttls=true", mail_from=FROM)
    assert (plain.host, plain.port, plain.security) == ("relay.example.org", 25, "none")
    assert (tls.port, tls.security, tls.username, tls.password) == (465, "tls", "u", "p/q")
    assert (starttls.port, starttls.security) == (587, "starttls")


def test_a_bad_smtp_url_lists_every_problem_and_hides_the_password() -> None:
    with pytest.raises(InvalidInputError) as caught:
        SmtpMailer.from_url("smtps://u:secret@:99999?starttls=maybe&tls=1", mail_from=FROM)
    assert "secret" not in caught.value.render()
    assert len(caught.value.problems) == 4


def test_without_smtp_messages_go_to_the_outbox_one_file_each(register, tmp_path: Path) -> None:
    state = tmp_path / "state"
    mailer = open_mailer(smtp_url=None, state_dir=state, mail_from=FROM)
    assert isinstance(mailer, OutboxMailer) and mailer.folder == outbox_dir(state)
    batch = _outgoing(_people(register, 2))
    send_batch(register, batch, mailer)
    send_batch(register, batch, mailer)
    files = sorted(outbox_dir(state).glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert str(parsed["Message-ID"]) in {o.message_id for o in batch}
    assert files[0].name.startswith("invite.c1.P-")


def test_the_smtp_url_comes_from_settings_which_read_the_environment(tmp_path: Path) -> None:
    from coproduce.config import load_settings

    settings = load_settings(None, {"COPRODUCE_SMTP_URL": "smtp://relay.example.org:2525"})
    mailer = open_mailer(smtp_url=settings.smtp_url, state_dir=tmp_path, mail_from=FROM)
    assert isinstance(mailer, SmtpMailer) and mailer.port == 2525
    assert isinstance(open_mailer(smtp_url=None, state_dir=tmp_path, mail_from=FROM), OutboxMailer)


class Crash(BaseException):
    """The process dying: not an error anything in the library catches."""


class CrashingOutbox(OutboxMailer):
    """A real outbox that dies right after handing over its ``crash_after``-th message."""

    def __init__(self, folder: Path, *, crash_after: int | None = None) -> None:
        super().__init__(folder)
        self.crash_after = crash_after
        self.handed_over: list[str] = []

    def send(self, message: EmailMessage) -> None:
        super().send(message)
        self.handed_over.append(str(message["Message-ID"]))
        if len(self.handed_over) == self.crash_after:
            raise Crash


def test_every_message_of_a_batch_is_logged_as_queued_before_the_first_is_handed_over(
    register, tmp_path: Path
) -> None:
    batch = _outgoing(_people(register, 4))
    seen: list[set[str]] = []

    class Watching(OutboxMailer):
        def send(self, message: EmailMessage) -> None:
            seen.append({m.message_id for m in register.list_messages(cycle="c1")})
            super().send(message)

    send_batch(register, batch, Watching(tmp_path / "outbox"))
    assert seen[0] == {o.message_id for o in batch}


def test_a_crash_mid_batch_leaves_only_the_message_in_flight_unmarked(
    register, tmp_path: Path
) -> None:
    batch = _outgoing(_people(register, 5))
    ids = [o.message_id for o in batch]
    crashing = CrashingOutbox(tmp_path / "outbox", crash_after=3)
    with pytest.raises(Crash):
        send_batch(register, batch, crashing, owner=_dead_owner())
    status = {m.message_id: m.status for m in register.list_messages(cycle="c1")}
    assert [status[i] for i in ids] == ["sent", "sent", "sending", "sending", "sending"]
    rerun = CrashingOutbox(tmp_path / "outbox")  # a new run: the crashed one's process is gone
    report = send_batch(register, batch, rerun)
    assert report.skipped == ids[:2] and report.sent == ids[2:]
    assert rerun.handed_over == ids[2:]  # the one in flight again, under the same Message-ID
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 5


def test_a_message_listed_twice_in_one_batch_is_sent_once(register, tmp_path: Path) -> None:
    (item,) = _outgoing(_people(register, 1))
    mailer = CrashingOutbox(tmp_path / "outbox")
    report = send_batch(register, [item, item], mailer)
    assert report.sent == [item.message_id] and report.skipped == [item.message_id]
    assert mailer.handed_over == [item.message_id]


def _dead_owner() -> str:
    """Return a claim owner naming this machine and a process that has ended."""
    import socket
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return f"{socket.gethostname()}/{child.pid}/crashed"


def test_a_run_sends_nothing_another_live_run_has_claimed(register, tmp_path: Path) -> None:
    batch = _outgoing(_people(register, 3))
    ids = [o.message_id for o in batch]
    register.queue_messages(o.log_entry() for o in batch)
    assert register.claim_messages(ids[:2], owner="other-host/1/run", lease=dt.timedelta(hours=1))
    mailer = CrashingOutbox(tmp_path / "outbox")
    report = send_batch(register, batch, mailer)
    assert mailer.handed_over == ids[2:] and report.skipped == ids[:2]


def test_an_expired_claim_is_taken_back_and_a_sent_message_never_is(register, tmp_path) -> None:
    batch = _outgoing(_people(register, 2))
    ids = [o.message_id for o in batch]
    register.queue_messages(o.log_entry() for o in batch)
    register.claim_messages(ids, owner="other-host/1/run", lease=dt.timedelta(seconds=-1))
    register.mark_sent(ids[0])
    mailer = CrashingOutbox(tmp_path / "outbox")
    report = send_batch(register, batch, mailer)
    assert mailer.handed_over == [ids[1]] and report.skipped == [ids[0]]


KILLED_SENDER = """
import os, signal, sys
from pathlib import Path
from coproduce.channels.email import OutboxMailer, send_batch
from coproduce.store.register import Register
import importlib.util
# Loaded by path: a dependency's stray top-level "tests" package would win an import by name.
spec = importlib.util.spec_from_file_location(
    "killed_sender_tests", Path(sys.argv[3]) / "tests" / "channels" / "test_email.py"
)
helpers = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = helpers
spec.loader.exec_module(helpers)
_outgoing_for = helpers._outgoing_for

class DiesMidBatch(OutboxMailer):
    def send(self, message):
        super().send(message)
        with open(sys.argv[2], "a") as log:
            log.write(str(message["Message-ID"]) + "\\n")
        if sum(1 for _ in open(sys.argv[2])) == 3:
            os.kill(os.getpid(), signal.SIGKILL)  # handed over, not yet marked sent

register = Register(sys.argv[1])
send_batch(register, _outgoing_for(register, 5), DiesMidBatch(Path(sys.argv[2]).parent / "box"))
"""


def _outgoing_for(register: Register, count: int) -> list[Outgoing]:
    """Return the batch the killed sender and the rerun both send (same people, same ids)."""
    ids = sorted(p.id for p in register.iter_participants())
    if len(ids) < count:
        _people(register, count - len(ids))
        ids = sorted(p.id for p in register.iter_participants())
    return _outgoing(ids[:count])


def test_a_sender_killed_between_claim_and_send_loses_nothing_and_resends_at_most_one(
    register, tmp_path: Path
) -> None:
    import subprocess
    import sys

    log = tmp_path / "handed-over.log"
    batch = _outgoing_for(register, 5)
    child = subprocess.run(
        [sys.executable, "-c", KILLED_SENDER, register.url, str(log), str(Path.cwd())],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert child.returncode == -9, child.stderr
    assert len(log.read_text().splitlines()) == 3
    mailer = CrashingOutbox(tmp_path / "rerun")
    report = send_batch(register, batch, mailer)  # at once: the dead run's claims are taken back
    ids = [o.message_id for o in batch]
    assert report.sent == ids[2:] and report.skipped == ids[:2]
    handed = log.read_text().splitlines() + mailer.handed_over
    assert sorted(set(handed)) == sorted(ids)
    assert len(handed) - len(set(handed)) == 1  # only the message in flight at the kill, once
    assert {m.status for m in register.list_messages(cycle="c1")} == {"sent"}
