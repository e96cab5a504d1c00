"""The demo's participants: they open the link in their invitation and answer on the portal.

The portal is served for real (uvicorn on a loopback port) and every participant goes through
the pages a person would: open the draft, write a comment or change the wording, choose how
their words may be used, check their answers, send, and read the confirmation's reference.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import html
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coproduce.errors import CoproduceError

if TYPE_CHECKING:
    import httpx

    from coproduce.workspace import Workspace

LINK = re.compile(r"https?://[^\s\"'<>]+/r/([A-Za-z0-9_\-]+)")
REFERENCE = re.compile(r"\bFB-\d{4,}\b")


@dataclass(frozen=True)
class Invitation:
    """What a participant's invitation gave them: their personal link's token, and the draft."""

    token: str
    draft: bytes | None


def read_invitation(outbox: Path, address: str, cycle_id: str) -> Invitation:
    """Return the token and attached Word draft of the invitation sent to ``address``."""
    for path in sorted(outbox.glob(f"invite.{cycle_id}.*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address.lower() not in str(message["To"]).lower():
            continue
        body = message.get_body(preferencelist=("plain",))
        found = LINK.search(body.get_content() if body is not None else "")
        if found is None:
            raise CoproduceError(f"the invitation in {path.name} has no personal link")
        draft = None
        for part in message.iter_attachments():
            if str(part.get_filename() or "").endswith(".docx"):
                draft = part.get_content()
        return Invitation(token=found.group(1), draft=draft)
    raise CoproduceError(f"no invitation to {address} in {outbox}")


@contextlib.contextmanager
def serving(workspace: Workspace) -> Iterator[str]:
    """Serve the portal on a free loopback port for the block; yield its base URL."""
    import uvicorn

    from coproduce.channels.portal.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        create_app(workspace), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="demo-portal", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise CoproduceError("the portal did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True  # the portal records what it journalled as it stops
        thread.join(timeout=30)


def answer(
    client: httpx.Client,
    token: str,
    *,
    section: str | None,
    comment: str,
    quote: str = "",
    suggestion: str | None = None,
    consent: str = "anonymous",
) -> list[str]:
    """Go through a participant's pages once; return the references the confirmation shows."""
    page = _ok(client.get(f"/r/{token}"))
    form: dict[str, Any] = {"csrf": _field(page, "csrf"), "consent": consent, "action": "check"}
    if section is not None and f'name="comment-{section}"' not in page.text:
        section = None  # a young person's page shows the youth version's own sections
    if section is None:
        form["general-comment"] = comment
    else:
        form[f"comment-{section}"] = comment
    if section is not None and suggestion:
        current = _textarea(page, f"suggest-{section}")
        if quote and quote in current:
            form[f"suggest-{section}"] = current.replace(quote, suggestion, 1)
    check = _ok(client.post(f"/r/{token}", data=form, follow_redirects=True))
    if "/check" not in str(check.url):
        raise CoproduceError(f"the portal did not accept the answers: {_first_error(check.text)}")
    sent = _ok(
        client.post(
            f"/r/{token}/send",
            data={"csrf": _field(check.text, "csrf"), "nonce": _field(check.text, "nonce")},
            follow_redirects=True,
        )
    )
    return sorted(set(REFERENCE.findall(sent.text)))


def _ok(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        raise CoproduceError(
            f"the portal answered {response.status_code} ({_first_error(response.text)})"
        )
    return response


def _field(page: Any, name: str) -> str:
    text = page if isinstance(page, str) else page.text
    found = re.search(rf'name="{name}" value="([^"]*)"', text)
    if found is None:
        raise CoproduceError(f"the portal's page has no {name} field")
    return html.unescape(found.group(1))


def _textarea(page: Any, name: str) -> str:
    found = re.search(
        rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page.text, re.S
    )
    return html.unescape(found.group(1)).strip() if found else ""


def _first_error(text: str) -> str:
    found = re.search(r'class="error-message"[^>]*>(.*?)</p>', text, re.S)
    if found is None:
        return "no reason shown"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("Error:", "").strip()
