"""What keeps the portal safe whoever calls it: security headers with a Content-Security-Policy
that allows no inline script, a limit on request bodies, CSRF tokens, and rate limits.

The middlewares are plain ASGI (no per-request task switching), so they cost little.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # Personal links carry their token in the path: never send it on to another site.
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Add the security headers to every response (static files may be cached)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k, v)
                    for k, v in HEADERS
                    if k not in names and not (static and k == b"cache-control")
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, declared or streamed; a path ending
    in ``/upload`` (a file handed in) may carry up to ``upload_limit``."""

    def __init__(self, app: ASGIApp, *, limit: int, upload_limit: int | None = None) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit or limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"].endswith("/upload") else self.limit
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > limit):
                await _too_large(send)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await _too_large(send)


class BodyTooLarge(Exception):
    """A streamed body went over the limit."""


async def _too_large(send: Send) -> None:
    body = b"That was too much to send at once. Go back and send less."
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def csrf_token(key: bytes, subject: str) -> str:
    """Return the CSRF token of ``subject`` (a link's hash or a lead's session) under ``key``."""
    mac = hmac.new(key, f"coproduce-csrf\0{subject}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def csrf_ok(key: bytes, subject: str, given: object) -> bool:
    """Return whether ``given`` is the CSRF token of ``subject`` (compared in constant time)."""
    return isinstance(given, str) and hmac.compare_digest(csrf_token(key, subject), given)


@dataclass
class RateLimit:
    """At most ``limit`` events per ``window`` seconds for each key (in this process)."""

    limit: int
    window: float = 60.0

    def __post_init__(self) -> None:
        self._counts: dict[str, tuple[float, int]] = {}
        self._guard = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for ``key``; return False when it is over the limit."""
        now = time.monotonic()
        with self._guard:
            if len(self._counts) > 100_000:  # forget old windows rather than grow without end
                self._counts = {k: v for k, v in self._counts.items() if now - v[0] < self.window}
            start, count = self._counts.get(key, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            self._counts[key] = (start, count + 1)
            return count < self.limit


async def read_form(request: Request) -> dict[str, Any]:
    """Return the request's form fields (parsed in the event loop, before the route runs).

    A plain form (every page's but the upload's) is read with the standard library's parser,
    as the multipart library would read it (the last of a repeated field wins) for a fifth of
    its CPU time; a file upload goes through Starlette's multipart parser.
    """
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        body = (await request.body()).decode("latin-1")
        return dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
    return dict(await request.form())


Form = dict[str, Any]
FORM: Any = Depends(read_form)
