"""Personal portal tokens: one per person per cycle, stored only as a SHA-256 hash.

A token is derived from a secret key (HMAC-SHA256 of the cycle and the participant id), so
the invitation and every reminder carry the same link whichever worker sends them, and the
register never holds a usable token. The key is COPRODUCE_SECRET_KEY (required when the
register is shared), else a file made once beside the embedded SQLite register.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote

from pydantic import BaseModel
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url

from coproduce.defaults import DEFAULT_PORTAL_URL
from coproduce.errors import CoproduceError, InvalidInputError
from coproduce.store.register import Register, participants, tokens

PORTAL_ENV = "COPRODUCE_PORTAL_URL"
KEY_FILE = "secret.key"
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
    """Return the participant's token for the cycle, storing its hash (once) with ``expires``."""
    issued = issue_tokens(register, participant_ids=[participant_id], cycle=cycle, expires=expires)
    return issued[participant_id]


def issue_tokens(
    register: Register, *, participant_ids: Iterable[str], cycle: str, expires: dt.datetime
) -> dict[str, str]:
    """Return each participant's token for the cycle, storing the hashes in one transaction.

    Issuing again gives the same tokens (and moves their expiry, when a cycle is extended).
    """
    if expires.tzinfo is None:
        raise InvalidInputError("a token expiry must carry a time zone")
    key = token_key(register)
    issued = {pid: derive_token(key, cycle=cycle, participant_id=pid) for pid in participant_ids}
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
    insert = pg_insert if register.dialect == "postgresql" else sqlite_insert
    statement = insert(tokens)
    statement = statement.on_conflict_do_update(
        index_elements=[tokens.c.participant_id, tokens.c.cycle],
        set_={"token_hash": statement.excluded.token_hash, "expires": statement.excluded.expires},
    )
    with register.transaction() as conn:
        conn.execute(statement, rows)
    return issued


def derive_token(key: bytes, *, cycle: str, participant_id: str) -> str:
    """Return the token of ``participant_id`` in ``cycle`` under ``key`` (43 URL-safe chars)."""
    mac = hmac.new(key, f"coproduce-token\0{cycle}\0{participant_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def token_key(register: Register) -> bytes:
    """Return the key tokens are derived from: the register's, else the embedded key file."""
    if register.token_key:
        return register.token_key
    parsed = make_url(register.url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise CoproduceError(
            "set COPRODUCE_SECRET_KEY (the same on every worker and portal process) to issue"
            " personal links from a shared register"
        )
    register.token_key = read_key_file(Path(str(parsed.database)).parent / KEY_FILE)
    return register.token_key


def read_key_file(path: Path) -> bytes:
    """Return the key in ``path``, creating it (owner-only, 32 random bytes) the first time."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        data = path.read_bytes()
        if len(data) < 32:
            raise CoproduceError(f"{path} is not a coproduce key (too short)") from None
        return data
    with os.fdopen(fd, "wb") as handle:
        data = secrets.token_bytes(32)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return data


def read_token(register: Register, token: str) -> TokenEntry | None:
    """Return the stored entry for ``token`` whatever its expiry, or None when unknown."""
    digest = hash_token(token)
    with register.reading() as conn:
        row = conn.execute(select(tokens).where(tokens.c.token_hash == digest)).first()
    # The lookup is by hash; compare again in constant time so a near-miss teaches nothing.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return TokenEntry.model_validate(row._asdict())


# Built once: every page a personal link opens runs it (building it costs more than running it).
_VALID_TOKEN = (
    select(tokens.c.token_hash, tokens.c.participant_id, tokens.c.cycle, tokens.c.expires)
    .join(participants, participants.c.id == tokens.c.participant_id)
    .where((tokens.c.token_hash == bindparam("digest")) & participants.c.erased.is_(None))
)


def verify_token(
    register: Register, token: str, *, now: dt.datetime | None = None
) -> tuple[str, str] | None:
    """Return ``(participant_id, cycle)`` for a valid, unexpired token; otherwise None."""
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    with register.reading() as conn:  # one query: the token, and its holder not erased
        row = conn.execute(_VALID_TOKEN, {"digest": digest}).first()
    # The lookup is by hash; compare again in constant time so a near-miss teaches nothing.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    expires = row.expires if row.expires.tzinfo else row.expires.replace(tzinfo=dt.UTC)
    if (now or dt.datetime.now(dt.UTC)) >= expires:
        return None
    return row.participant_id, row.cycle


def portal_url(environ: Mapping[str, str] | None = None) -> str:
    """Return the comment portal's base URL from ``environ``'s COPRODUCE_PORTAL_URL, or the
    local default (settings read it for the application; this serves tests and tools)."""
    env = environ or {}
    return (env.get(PORTAL_ENV, "").strip() or DEFAULT_PORTAL_URL).rstrip("/")


def personal_link(token: str, *, base_url: str = DEFAULT_PORTAL_URL) -> str:
    """Return a participant's personal portal link: ``<base>/r/<token>``."""
    return f"{base_url.rstrip('/')}/r/{quote(token, safe='')}"
