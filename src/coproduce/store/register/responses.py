"""Who responded to a cycle and who asked for no more mail (about one cycle, or at all)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, Table, func, insert, select

from coproduce.store.register.base import RegisterBase
from coproduce.store.register.schema import ALL_CYCLES, opt_outs, responses, utcnow


class ResponseLog(RegisterBase):
    """The responses and opt_outs tables: one row per participant and cycle, first one wins."""

    def add_response(
        self, *, cycle: str, participant_id: str, at: dt.datetime | None = None
    ) -> None:
        """Record that a participant responded to a cycle (the first response counts)."""
        self._insert_once(responses, participant_id=participant_id, cycle=cycle, at=at or utcnow())

    def responders(self, cycle: str) -> set[str]:
        """Return the ids of participants who responded to ``cycle``."""
        return self._ids(select(responses.c.participant_id).where(responses.c.cycle == cycle))

    def late_responders(self, cycle: str, *, after: dt.datetime) -> set[str]:
        """Return the ids of participants whose first response to ``cycle`` came after ``after``."""
        query = select(responses.c.participant_id).where(
            (responses.c.cycle == cycle) & (responses.c.at > after)
        )
        return self._ids(query)

    def add_opt_out(self, participant_id: str, *, cycle: str | None = None) -> None:
        """Record that a participant wants no more mail (about ``cycle``, or at all)."""
        self._insert_once(
            opt_outs, participant_id=participant_id, cycle=cycle or ALL_CYCLES, at=utcnow()
        )

    def opted_out(self, cycle: str) -> set[str]:
        """Return the ids of participants who opted out of ``cycle`` or of all mail."""
        where = opt_outs.c.cycle.in_([cycle, ALL_CYCLES])
        return self._ids(select(opt_outs.c.participant_id).where(where))

    def _ids(self, query: Select[tuple[str]]) -> set[str]:
        with self.reading() as conn:
            return set(conn.scalars(query).all())

    def _insert_once(
        self, table: Table, *, participant_id: str, cycle: str, at: dt.datetime
    ) -> None:
        key = (table.c.participant_id == participant_id) & (table.c.cycle == cycle)
        with self.transaction() as conn:
            if conn.scalar(select(func.count()).select_from(table).where(key)) == 0:
                conn.execute(
                    insert(table).values(participant_id=participant_id, cycle=cycle, at=at)
                )
