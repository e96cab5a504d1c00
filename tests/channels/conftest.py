"""Real SMTP servers on loopback (aiosmtpd), a self-signed certificate, and a register."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from coproduce.channels.safeguarding import Safeguarding
from coproduce.store import GuidanceRepo
from coproduce.store.register import Register


@dataclass
class RecordingHandler:
    """Accept mail after refusing the first ``refuse_first`` DATA commands with ``reply``."""

    refuse_first: int = 0
    reply: str = "451 4.3.0 Try again later"
    refuse_recipient: str | None = None
    attempts: int = 0
    received: list[bytes] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_recipient is not None:
            return self.refuse_recipient
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.refuse_first > 0:
            self.refuse_first -= 1
            return self.reply
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., tuple[RecordingHandler, int]]]:
    """Start real SMTP servers on loopback; each call returns (handler, port)."""
    controllers: list[Controller] = []

    def start(
        *,
        refuse_first: int = 0,
        refuse_recipient: str | None = None,
        login: tuple[str, str] | None = None,
        **kwargs: Any,
    ) -> tuple[RecordingHandler, int]:
        handler = RecordingHandler(refuse_first=refuse_first, refuse_recipient=refuse_recipient)
        if login is not None:
            kwargs.update(auth_required=True, authenticator=password_checker(*login))
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return handler, port

    yield start
    for controller in controllers:
        controller.stop()


@dataclass
class Certificate:
    """A self-signed certificate for 127.0.0.1 and the contexts both sides need."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture
def certificate(tmp_path: Path) -> Certificate:
    """Make a self-signed certificate for 127.0.0.1 (skip when ``cryptography`` is absent)."""
    pytest.importorskip("cryptography", reason="needs the cryptography package")
    return make_certificate(tmp_path)


def make_certificate(folder: Path) -> Certificate:
    """Write a self-signed certificate and key for 127.0.0.1 into ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert=cert_path, key=key_path)


def password_checker(user: str, password: str) -> Callable[..., AuthResult]:
    """Return an aiosmtpd authenticator accepting exactly one user and password."""

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return check


@pytest.fixture
def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    return free_port()


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Register]:
    """Return an empty register in a fresh state directory."""
    with Register.for_state_dir(tmp_path / "state", environ={}) as reg:
        yield reg


@dataclass
class OpenCycle:
    """A guidance repository with a launched cycle, its register, and the materials sent."""

    repo: GuidanceRepo
    register: Register
    cycle_id: str
    draft: Path
    people: dict[str, list[str]]


@pytest.fixture
def open_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCycle]:
    """Launch a review of the escalation policy to practitioners, partners and young people."""
    from coproduce import review
    from coproduce.review.materials import render_materials
    from tests.review.conftest import CLOSES, LEAD, NOW, add_people, make_repo

    for name in list(os.environ):
        if name.startswith(("COPRODUCE_", "GIT_")):
            monkeypatch.delenv(name)
    (tmp_path / "home.gitconfig").write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "home.gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    repo = make_repo(tmp_path / "guidance-repo")
    ids = add_people(repo, {"practitioners": 2, "partners": 1, "young-people": 1})
    people = {"practitioners": ids[:2], "partners": ids[2:3], "young-people": ids[3:]}
    register = Register.for_state_dir(Path(repo.state_dir))
    cycle_id = review.start_review(
        repo=repo,
        slug="escalation-policy",
        closes=CLOSES,
        audiences=["practitioners", "partners", "young-people"],
        author=LEAD,
        now=NOW,
    ).cycle.id
    review.open_cycle(repo=repo, cycle_id=cycle_id, author=LEAD, now=NOW)
    draft = render_materials(repo=repo, cycle_id=cycle_id)["draft-docx"]
    yield OpenCycle(repo, register, cycle_id, draft, people)
    register.close()


@pytest.fixture
def lead_mailbox(
    smtp_server: Callable[..., tuple[RecordingHandler, int]], tmp_path: Path
) -> Iterator[tuple[RecordingHandler, Callable[[Path], Safeguarding]]]:
    """Return a real loopback SMTP mailbox and a way to route concerns to it."""
    from coproduce.channels.email import SmtpMailer

    handler, port = smtp_server()

    def route(state_dir: Path, phrases: list[str] | None = None) -> Safeguarding:
        return Safeguarding(
            lead_email="safeguarding.lead@example.org",
            mail_from="coproduce <noreply@example.org>",
            state_dir=state_dir,
            open_mailer=lambda: SmtpMailer.from_url(
                f"smtp://127.0.0.1:{port}", mail_from="noreply@example.org"
            ),
            phrases=phrases or [],
        )

    yield handler, route


@pytest.fixture(scope="session")
def corpus_responses() -> Path:
    """Return the corpus's real public responses, or skip saying where they were looked for."""
    from tests.conformance.conftest import MISSING, find_corpus

    found = find_corpus()
    if found is None:
        pytest.skip(MISSING)
    return found / "responses"
