"""Leads' sessions: a signed, HttpOnly, SameSite=Strict cookie naming the lead and its expiry.

The cookie holds ``email|expiry|nonce`` and an HMAC over them under the portal's key; nothing
is kept server-side, so every worker process reads it alike. Forms in the lead's view carry a
CSRF token derived from the session; the login form's comes from a short-lived cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from fastapi import Request, Response

SESSION_COOKIE = "coproduce_lead"
LOGIN_COOKIE = "coproduce_login"
SESSION_SECONDS = 8 * 3600


@dataclass(frozen=True)
class LeadSession:
    """A logged-in lead: who, until when, and the value their forms' CSRF tokens derive from."""

    email: str
    expires: int
    value: str


def _sign(key: bytes, data: str) -> str:
    mac = hmac.new(key, f"coproduce-session\0{data}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def start_session(response: Response, key: bytes, email: str, *, secure: bool) -> None:
    """Set the session cookie of ``email`` on ``response``."""
    expires = int(time.time()) + SESSION_SECONDS
    raw = f"{email}|{expires}|{secrets.token_urlsafe(12)}"
    data = base64.urlsafe_b64encode(raw.encode()).decode("ascii")
    response.set_cookie(
        SESSION_COOKIE, f"{data}.{_sign(key, data)}", max_age=SESSION_SECONDS,
        httponly=True, samesite="strict", secure=secure, path="/lead",
    )  # fmt: skip


def end_session(response: Response, *, secure: bool) -> None:
    """Clear the session cookie."""
    response.delete_cookie(
        SESSION_COOKIE, path="/lead", httponly=True, samesite="strict", secure=secure
    )


def read_session(request: Request, key: bytes) -> LeadSession | None:
    """Return the request's valid, unexpired session, or None."""
    value = request.cookies.get(SESSION_COOKIE, "")
    data, _, signature = value.partition(".")
    if not data or not hmac.compare_digest(_sign(key, data), signature):
        return None
    try:
        email, expires, _nonce = base64.urlsafe_b64decode(data.encode()).decode().split("|")
        until = int(expires)
    except (ValueError, UnicodeDecodeError):
        return None
    if until < time.time():
        return None
    return LeadSession(email=email, expires=until, value=value)


def login_nonce(request: Request) -> str:
    """Return the login form's cookie value (a new one when absent)."""
    found = request.cookies.get(LOGIN_COOKIE, "")
    return found if 16 <= len(found) <= 64 else secrets.token_urlsafe(24)


def set_login_nonce(response: Response, nonce: str, *, secure: bool) -> None:
    """Set the login form's cookie (its CSRF token derives from it)."""
    response.set_cookie(
        LOGIN_COOKIE, nonce, max_age=3600, httponly=True, samesite="strict",
        secure=secure, path="/lead",
    )  # fmt: skip
