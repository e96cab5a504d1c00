"""Email delivery: SMTP from one URL, or an outbox folder of .eml files; each message sent once.

Every message carries a fixed Message-ID that is queued in the register, then claimed by the
one run that will send it, and marked sent once the relay took it. Two runs side by side split
the work between them; a rerun skips what was sent. A process killed after the relay accepted
a message and before it was marked sent leaves it to be resent once, when its claim is taken
back, under the same Message-ID (mail clients and relays treat it as the same message).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import smtplib
import socket
import ssl
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from coproduce.errors import DeliveryError, InvalidInputError
from coproduce.store.register import NewMessage, Register
from coproduce.store.register.messages import new_owner

LEASE = dt.timedelta(minutes=15)
"""How long a run's claim on a message lasts before another run may take it back."""
OUTBOX_DIR = "outbox"
Security = Literal["none", "tls", "starttls"]


class TemporaryDeliveryError(DeliveryError):
    """A failure worth retrying: a 4xx reply, a dropped or refused connection, a timeout."""

    def __init__(self, message: str, *, connection: bool = False) -> None:
        super().__init__(message)
        self.connection = connection


class Mailer(Protocol):
    """Something that delivers one message or raises DeliveryError (temporary or not)."""

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message``."""

    def close(self) -> None:
        """Release any connection."""


@dataclass(frozen=True)
class Outgoing:
    """A message ready to go, with what the log records about it."""

    message: EmailMessage
    cycle: str
    participant_id: str
    kind: str

    @property
    def message_id(self) -> str:
        value = self.message["Message-ID"]
        if not value:
            raise InvalidInputError(f"a {self.kind} message for {self.participant_id} has no id")
        return str(value).strip()

    def log_entry(self) -> NewMessage:
        """Return what the register's message log records when this message is queued."""
        return NewMessage(self.message_id, self.cycle, self.participant_id, self.kind)


class OutboxMailer:
    """Write each message to ``<folder>/<Message-ID>.eml``; one id, one file, however often."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._made = False

    def path_for(self, message_id: str) -> Path:
        """Return the file a message with ``message_id`` is written to."""
        safe = re.sub(r"[^A-Za-z0-9._@+-]", "_", message_id.strip().strip("<>")) or "message"
        return self.folder / f"{safe}.eml"

    def send(self, message: EmailMessage) -> None:
        """Write ``message`` atomically as an .eml file."""
        target = self.path_for(str(message["Message-ID"] or ""))
        try:
            if not self._made:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._made = True
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes(policy=policy.SMTP))
            os.replace(temp, target)
        except OSError as e:
            raise DeliveryError(f"cannot write {target}: {e.strerror or e}") from e

    def close(self) -> None:
        """Do nothing: the outbox holds no connection."""


class SmtpMailer:
    """Send through an SMTP relay over one kept-open connection, at most N messages a minute."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: Security = "none",
        username: str | None = None,
        password: str | None = None,
        mail_from: str,
        rate_per_minute: int = 60,
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.username, self.password = username, password
        self.mail_from = mail_from
        self.interval = 60.0 / rate_per_minute if rate_per_minute > 0 else 0.0
        self.timeout = timeout
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.sleep: Callable[[float], None] = time.sleep
        self._smtp: smtplib.SMTP | None = None
        self._local_name: str | None = None  # looked up once: getfqdn() can take a second
        self._last_send = float("-inf")

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        mail_from: str,
        rate_per_minute: int = 60,
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> SmtpMailer:
        """Build a mailer from ``smtp://user:pass@host:port``, ``smtps://…``, ``?starttls=true``."""
        parts = urlsplit(url)
        problems: list[str] = []
        if parts.scheme not in ("smtp", "smtps"):
            problems.append(f"scheme must be smtp or smtps, not {parts.scheme or '(none)'!r}")
        if not parts.hostname:
            problems.append("no host name")
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(query) - {"starttls"})
        if unknown:
            problems.append(f"unknown options: {', '.join(unknown)} (only starttls is known)")
        starttls = query.get("starttls", ["false"])[-1].lower()
        if starttls not in ("true", "false", "1", "0", "yes", "no"):
            problems.append(f"starttls must be true or false, not {starttls!r}")
        use_starttls = starttls in ("true", "1", "yes")
        if use_starttls and parts.scheme == "smtps":
            problems.append("smtps already uses TLS; starttls=true is for smtp:// only")
        try:
            port = parts.port
        except ValueError:
            problems.append("the port is not a number from 1 to 65535")
            port = None
        if problems:
            safe = _masked(url)
            raise InvalidInputError(f"SMTP URL {safe} is not valid", problems=problems)
        security: Security = "tls" if parts.scheme == "smtps" else "none"
        if use_starttls:
            security = "starttls"
        default_port = {"tls": 465, "starttls": 587, "none": 25}[security]
        return cls(
            host=str(parts.hostname),
            port=port or default_port,
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            mail_from=mail_from,
            rate_per_minute=rate_per_minute,
            timeout=timeout,
            ssl_context=ssl_context,
        )

    def send(self, message: EmailMessage) -> None:
        """Send ``message``, mapping SMTP replies to temporary or permanent DeliveryErrors."""
        if not message["From"]:
            message["From"] = self.mail_from
        wait = self._last_send + self.interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        mid = str(message["Message-ID"] or "(no Message-ID)")
        try:
            smtp = self._connection()
            self._last_send = time.monotonic()
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as e:
            self.close()
            codes = [code for code, _ in e.recipients.values()]
            text = "; ".join(f"{c} {_text(m)}" for c, m in e.recipients.values())
            if codes and all(400 <= c < 500 for c in codes):
                raise TemporaryDeliveryError(f"{mid}: recipient deferred: {text}") from e
            raise DeliveryError(f"{mid}: recipient refused: {text}") from e
        except smtplib.SMTPResponseException as e:
            self.close()
            reply = f"{e.smtp_code} {_text(e.smtp_error)}"
            if e.smtp_code < 0 or 400 <= e.smtp_code < 500:
                raise TemporaryDeliveryError(f"{mid}: server said {reply}") from e
            raise DeliveryError(f"{mid}: server refused it: {reply}") from e
        except smtplib.SMTPNotSupportedError as e:
            self.close()
            raise DeliveryError(f"{self.host}:{self.port} cannot do what was asked: {e}") from e
        except ssl.SSLCertVerificationError as e:
            self.close()
            raise DeliveryError(f"{self.host}:{self.port}: TLS certificate refused: {e}") from e
        except (smtplib.SMTPException, OSError) as e:
            self.close()
            raise TemporaryDeliveryError(
                f"{mid}: cannot reach {self.host}:{self.port}: {e}", connection=True
            ) from e

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        if self._local_name is None:
            self._local_name = socket.getfqdn()
        smtp: smtplib.SMTP
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self._local_name,
                timeout=self.timeout,
                context=self.ssl_context,
            )
        else:
            smtp = smtplib.SMTP(
                self.host, self.port, local_hostname=self._local_name, timeout=self.timeout
            )
        try:
            smtp.ehlo()
            if self.security == "starttls":
                smtp.starttls(context=self.ssl_context)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp


def outbox_dir(state_dir: Path) -> Path:
    """Return the outbox folder of a state directory (``.coproduce/outbox``)."""
    return Path(state_dir) / OUTBOX_DIR


def open_mailer(
    *, smtp_url: str | None, state_dir: Path, mail_from: str, rate_per_minute: int = 60
) -> Mailer:
    """Return an SMTP mailer when a URL is configured, else the outbox of ``state_dir``."""
    url = (smtp_url or "").strip()
    if url:
        return SmtpMailer.from_url(url, mail_from=mail_from, rate_per_minute=rate_per_minute)
    return OutboxMailer(outbox_dir(state_dir))


@dataclass
class BatchReport:
    """What a batch did with each Message-ID."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    deferred: list[str] = field(default_factory=list)

    def raise_for_failures(self) -> None:
        """Raise DeliveryError listing every message that failed or was left for later."""
        problems = [f"{mid}: {why}" for mid, why in self.failed.items()]
        problems += [f"{mid}: not tried (the server could not be reached)" for mid in self.deferred]
        if problems:
            raise DeliveryError(
                f"{len(problems)} of {len(problems) + len(self.sent)} messages were not sent",
                problems=problems,
            )


def send_batch(
    register: Register,
    messages: Iterable[Outgoing],
    mailer: Mailer,
    *,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    owner: str | None = None,
    lease: dt.timedelta = LEASE,
    mark_together: bool = False,
) -> BatchReport:
    """Send each message once: queue the batch, claim it, send only what this run claimed.

    The whole batch is queued in one transaction, then claimed (messages sent already, or
    claimed by another run, are skipped); each claimed message is marked sent (or failed) on
    its own, so a crash leaves at most the one in flight unmarked. With ``mark_together``
    (a busy portal's confirmations) those sent are marked in one write at the end instead: a
    crash before it leaves the batch claimed, and sent again once the lease runs out.
    """
    report = BatchReport()
    pending = list(messages)
    delivered: dict[str, int] = {}
    try:
        status = register.queue_messages(item.log_entry() for item in pending)
        mine = register.claim_messages(
            (i.message_id for i in pending if status.get(i.message_id) != "sent"),
            owner=owner or new_owner(),
            lease=lease,
        )
        handled: set[str] = set()
        for index, item in enumerate(pending):
            mid = item.message_id
            if mid not in mine or mid in handled:
                report.skipped.append(mid)
                continue
            handled.add(mid)
            outcome = _deliver(
                register, item, mailer, retries=retries, backoff=backoff, sleep=sleep,
                delivered=delivered if mark_together else None,
            )  # fmt: skip
            if outcome is None:
                report.sent.append(mid)
                continue
            report.failed[mid] = str(outcome)
            if isinstance(outcome, TemporaryDeliveryError) and outcome.connection:
                # The server is gone: hand the rest back, untried, for the next run.
                report.deferred = [
                    p.message_id for p in pending[index + 1 :] if p.message_id in mine
                ]
                register.release_messages(report.deferred)
                break
    finally:
        mailer.close()
        if delivered:
            register.mark_all_sent(delivered)
    return report


def _deliver(
    register: Register,
    item: Outgoing,
    mailer: Mailer,
    *,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
    delivered: dict[str, int] | None = None,
) -> DeliveryError | None:
    mid = item.message_id
    for attempt in range(retries + 1):
        tried = attempt + 1
        try:
            mailer.send(item.message)
        except TemporaryDeliveryError as e:
            if attempt < retries:
                sleep(backoff * 2**attempt)
                continue
            register.mark_failed(mid, error=f"gave up after {tried} attempts: {e}", attempts=tried)
            return e
        except DeliveryError as e:
            register.mark_failed(mid, error=str(e), attempts=tried)
            return e
        if delivered is not None:  # marked with the rest of the batch, in one write
            delivered[mid] = tried
            return None
        # One write per message records the attempts with the outcome.
        register.mark_sent(mid, attempts=tried)
        return None
    return None  # unreachable: the loop always returns


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _masked(url: str) -> str:
    return re.sub(r"//([^:@/]*):[^@/]*@", r"//\1:***@", url)
