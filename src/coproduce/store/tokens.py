"""Personal portal tokens: 256 random bits handed out once, stored only as a SHA-256 hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from pydantic import BaseModel
from sqlalchemy import insert, select

from coproduce.errors import InvalidInputError
from coproduce.store.register import Register, participants, tokens

PORTAL_ENV = "COPRODUCE_PORTAL_URL"
DEFAULT_PORTAL_URL = "http://127.0.0.1:8080"
TOKEN_GRACE = dt.timedelta(days=7)
"""How long after a cycle closes its links keep working (late comments are marked late)."""


class TokenEntry(BaseModel):
    """A stored token: only its hash, whose it is, for which cycle, and until when."""

    token_hash: str
    participant_id: str
    cycle: str
    created: dt.datetime
    expires: dt.datetime


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which ``token`` is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_expiry(closes: dt.datetime, *, grace: dt.timedelta = TOKEN_GRACE) -> dt.datetime:
    """Return when a token for a cycle closing at ``closes`` stops working."""
    return closes + grace


def issue_token(
    register: Register, *, participant_id: str, cycle: str, expires: dt.datetime
) -> str:
    """Make a new token for one participant and cycle, store its hash, and return the token."""
    issued = issue_tokens(register, participant_ids=[participant_id], cycle=cycle, expires=expires)
    return issued[participant_id]


def issue_tokens(
    register: Register, *, participant_ids: Iterable[str], cycle: str, expires: dt.datetime
) -> dict[str, str]:
    """Make a new token for each participant, storing the hashes in one transaction."""
    if expires.tzinfo is None:
        raise InvalidInputError("a token expiry must carry a time zone")
    issued = {pid: secrets.token_urlsafe(32) for pid in dict.fromkeys(participant_ids)}
    if not issued:
        return {}
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "token_hash": hash_token(token),
            "participant_id": pid,
            "cycle": cycle,
            "created": now,
            "expires": expires,
        }
        for pid, token in issued.items()
    ]
    with register.transaction() as conn:
        conn.execute(insert(tokens), rows)
    return issued


def read_token(register: Register, token: str) -> TokenEntry | None:
    """Return the stored entry for ``token`` whatever its expiry, or None when unknown."""
    digest = hash_token(token)
    with register.transaction() as conn:
        row = conn.execute(select(tokens).where(tokens.c.token_hash == digest)).first()
    # The lookup is by hash; compare again in constant time so a near-miss teaches nothing.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return TokenEntry.model_validate(row._asdict())


def verify_token(
    register: Register, token: str, *, now: dt.datetime | None = None
) -> tuple[str, str] | None:
    """Return ``(participant_id, cycle)`` for a valid, unexpired token; otherwise None."""
    if not token or len(token) > 200:
        return None
    entry = read_token(register, token)
    if entry is None or (now or dt.datetime.now(dt.UTC)) >= entry.expires:
        return None
    with register.transaction() as conn:
        erased = conn.scalar(
            select(participants.c.erased).where(participants.c.id == entry.participant_id)
        )
    if erased is not None:
        return None
    return entry.participant_id, entry.cycle


def portal_url(environ: Mapping[str, str] | None = None) -> str:
    """Return the comment portal's base URL: COPRODUCE_PORTAL_URL, else the local default."""
    env = os.environ if environ is None else environ
    return (env.get(PORTAL_ENV, "").strip() or DEFAULT_PORTAL_URL).rstrip("/")


def personal_link(token: str, *, base_url: str = DEFAULT_PORTAL_URL) -> str:
    """Return a participant's personal portal link: ``<base>/r/<token>``."""
    return f"{base_url.rstrip('/')}/r/{quote(token, safe='')}"
