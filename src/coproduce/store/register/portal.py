"""The comment portal's rows: drafts kept against a link, late-feedback switches, leads.

A draft is whatever a participant has typed so far (JSON), one row per person and cycle, so a
refresh, a closed tab or another worker process loses nothing. Leads are stored by email with
a password hash only (the portal hashes; the register never sees a password).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, delete, select, update

from coproduce.store.register.base import RegisterBase
from coproduce.store.register.schema import (
    participants,
    portal_drafts,
    portal_late,
    portal_leads,
    utcnow,
)

# Built once: every page a personal link opens reads the person's draft.
_DRAFT = select(portal_drafts.c.data).where(
    (portal_drafts.c.participant_id == bindparam("pid"))
    & (portal_drafts.c.cycle == bindparam("cycle"))
)


class LeadEntry(BaseModel):
    """A lead who may log in to the portal: email, password hash, failed tries, lockout."""

    email: str
    password_hash: str
    failures: int
    locked_until: dt.datetime | None
    added: dt.datetime


class PortalLog(RegisterBase):
    """The portal_drafts, portal_late and portal_leads tables."""

    def _upsert(self, table: Any, keys: list[str], row: dict[str, Any]) -> None:
        def build(insert: Any) -> Any:
            statement = insert(table).values({k: bindparam(k, type_=table.c[k].type) for k in row})
            changes = {k: statement.excluded[k] for k in row if k not in keys}
            return statement.on_conflict_do_update(index_elements=keys, set_=changes)

        statement = self.prepared(f"upsert:{table.name}:{','.join(keys)}:{','.join(row)}", build)
        with self.transaction() as conn:
            conn.execute(statement, row)

    def read_draft(self, *, participant_id: str, cycle: str) -> dict[str, Any]:
        """Return a participant's saved draft for a cycle (empty when none)."""
        with self.reading() as conn:
            data = conn.scalar(_DRAFT, {"pid": participant_id, "cycle": cycle})
        return dict(data) if data else {}

    def save_draft(self, *, participant_id: str, cycle: str, data: dict[str, Any]) -> None:
        """Keep a participant's draft for a cycle (replacing the one before)."""
        row = {"participant_id": participant_id, "cycle": cycle, "data": data, "updated": utcnow()}
        self._upsert(portal_drafts, ["participant_id", "cycle"], row)

    def late_allowed(self, cycle: str) -> bool:
        """Return whether a lead allowed feedback on ``cycle`` after it closed."""
        with self.reading() as conn:
            allowed = conn.scalar(select(portal_late.c.allowed).where(portal_late.c.cycle == cycle))
        return bool(allowed)

    def set_late_allowed(self, cycle: str, allowed: bool) -> None:
        """Allow, or stop, feedback on ``cycle`` after it closed."""
        self._upsert(portal_late, ["cycle"], {"cycle": cycle, "allowed": allowed, "at": utcnow()})

    def set_consent_named(self, participant_id: str, named: bool) -> None:
        """Record whether a participant agreed to be named (the model refuses it for minors)."""
        with self.transaction() as conn:
            conn.execute(
                update(participants)
                .where(participants.c.id == participant_id)
                .values(consent_named=named)
            )

    def add_lead(self, email: str, password_hash: str) -> None:
        """Add a lead (or replace their password, clearing any lockout)."""
        row = {
            "email": email.strip().lower(),
            "password_hash": password_hash,
            "failures": 0,
            "locked_until": None,
            "added": utcnow(),
        }
        self._upsert(portal_leads, ["email"], row)

    def get_lead(self, email: str) -> LeadEntry | None:
        """Return a lead by email, or None."""
        key = email.strip().lower()
        with self.reading() as conn:
            row = conn.execute(select(portal_leads).where(portal_leads.c.email == key)).first()
        return None if row is None else LeadEntry.model_validate(row._asdict())

    def note_login(self, email: str, *, ok: bool, lock_after: int, lock_for: dt.timedelta) -> None:
        """Count a failed login (locking after ``lock_after``), or clear the count on success."""
        key = email.strip().lower()
        with self.transaction() as conn:
            if ok:
                values: dict[str, Any] = {"failures": 0, "locked_until": None}
            else:
                failures = (
                    conn.scalar(select(portal_leads.c.failures).where(portal_leads.c.email == key))
                    or 0
                ) + 1
                locked = utcnow() + lock_for if failures >= lock_after else None
                values = {"failures": 0 if locked else failures, "locked_until": locked}
            conn.execute(update(portal_leads).where(portal_leads.c.email == key).values(**values))

    def remove_lead(self, email: str) -> None:
        """Remove a lead."""
        with self.transaction() as conn:
            conn.execute(delete(portal_leads).where(portal_leads.c.email == email.strip().lower()))
