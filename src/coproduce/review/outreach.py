"""The default outreach of a cycle: participants from the register, messages built by
``coproduce.invitations`` from overridable templates, sent through the email channel.

One mailer (one SMTP connection) per batch; each message has a fixed Message-ID and is logged
in the register as queued before it is handed over, so a re-run skips what was sent. A batch
costs the register a handful of transactions (participants, tokens, queue) plus one small
commit per message sent; templates and the draft are loaded once per process, not per batch.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import jinja2

from coproduce.channels.email import Mailer, Outgoing, send_batch
from coproduce.defaults import DEFAULT_PORTAL_URL, DEFAULT_TIMEZONE
from coproduce.invitations import (
    Materials,
    build_closed_notice,
    build_invitation,
    build_reminder,
    select_templates,
)
from coproduce.models import Audience, ReviewCycle
from coproduce.review.delivery import CLOSED, Batch
from coproduce.store.register import Register
from coproduce.store.tokens import issue_tokens, personal_link, token_expiry
from coproduce.templating import template_env

REMINDER = re.compile(r"^reminder-(\d+)$")


class RegisterOutreach:
    """Participants from the register; messages through a mailer opened per batch."""

    def __init__(
        self,
        *,
        register: Register,
        open_mailer: Callable[[], Mailer],
        audiences: Iterable[Audience],
        mail_from: str = "coproduce <noreply@localhost>",
        organisation: str = "",
        portal_url: str = DEFAULT_PORTAL_URL,
        timezone: str = DEFAULT_TIMEZONE,
        templates: Path | None = None,
    ) -> None:
        self.register = register
        self.open_mailer = open_mailer
        self.audiences = {a.id: a for a in audiences}
        self.mail_from = mail_from
        self.organisation = organisation
        self.portal_url = portal_url
        self.timezone = timezone
        self.templates = templates

    def recipients(self, audience: str) -> list[str]:
        """Return the ids of the audience's participants who have not opted out of all mail."""
        records = self.register.iter_participants(audiences=[audience])
        return [r.id for r in records if not r.opted_out]

    def sent_to(self, cycle_id: str, kind: str) -> set[str]:
        """Return the participants the message log shows as sent ``kind`` in this cycle."""
        return self.register.messaged(cycle_id, kind=kind)

    def sent_kinds(self, cycle_id: str) -> dict[str, int]:
        """Return how many participants the message log shows as sent each kind in the cycle."""
        seen: dict[str, set[str]] = {}
        for entry in self.register.list_messages(cycle=cycle_id):
            if entry.status == "sent":
                seen.setdefault(entry.kind, set()).add(entry.participant_id)
        return {kind: len(ids) for kind, ids in seen.items()}

    def responded(self, cycle_id: str) -> set[str]:
        """Return the participants who have responded to the cycle."""
        return self.register.responders(cycle_id)

    def deliver(
        self, batch: Batch, *, cycle: ReviewCycle, materials: Mapping[str, Path]
    ) -> list[str]:
        """Write to the participants in ``batch`` this run claims; return those written to.

        Those who opted out, or were erased, since the batch was planned are left out, and so
        are those another run is writing to (or has written to) at the same time.
        """
        shared = self._materials(cycle, materials)
        audience = self.audiences[batch.audience]
        env = _environment(self.templates)
        opted = self.register.opted_out(cycle.id)
        people = self.register.get_participants(p for p in batch.participants if p not in opted)
        todo = [p for p in batch.participants if p in people]
        # A closed notice carries no link: no new token for it.
        wanted = [] if batch.kind == CLOSED else todo
        tokens = issue_tokens(
            self.register,
            participant_ids=wanted,
            cycle=cycle.id,
            expires=token_expiry(cycle.closes),
        )
        reminder = REMINDER.match(batch.kind)
        kind = "reminder" if reminder else batch.kind if batch.kind == CLOSED else "invite"
        chosen = select_templates(kind=kind, audience=audience, env=env)
        items = []
        for participant_id in todo:
            person = people[participant_id]
            token = tokens.get(participant_id)
            link = personal_link(token, base_url=self.portal_url) if token else ""
            if kind == CLOSED:
                message = build_closed_notice(
                    record=person, audience=audience, materials=shared, templates=chosen
                )
            elif reminder is None:
                message = build_invitation(
                    record=person, audience=audience, materials=shared, link=link, templates=chosen
                )
            else:
                message = build_reminder(
                    record=person,
                    audience=audience,
                    materials=shared,
                    link=link,
                    days=int(reminder.group(1)),
                    templates=chosen,
                )
            items.append(Outgoing(message, cycle.id, person.id, batch.kind))
        report = send_batch(self.register, items, self.open_mailer())
        report.raise_for_failures()
        sent = set(report.sent)
        return [item.participant_id for item in items if item.message_id in sent]

    def _materials(self, cycle: ReviewCycle, files: Mapping[str, Path]) -> Materials:
        def text(name: str) -> str | None:
            return _read(files[name]).decode("utf-8") if name in files else None

        docx = files.get("draft-docx")
        return Materials(
            cycle=cycle,
            title=_title(files) or cycle.slug,
            organisation=self.organisation,
            mail_from=self.mail_from,
            draft_docx=_read(docx) if docx is not None else None,
            draft_html=text("draft-html"),
            youth_draft_html=text("youth-html"),
            portal_url=self.portal_url,
            timezone=self.timezone,
            has_changes="changes-html" in files,
        )


def _environment(templates: Path | None) -> jinja2.Environment:
    # One environment per template folder, so each template is compiled once per process rather
    # than once per batch. jinja2 reloads a template whose file changed; a file added to the
    # user's folder changes the folder's mtime, which gives a fresh environment.
    marks = tuple(_mtime(d) for d in (templates, templates / "email")) if templates else ()
    return _cached_environment(templates, marks)


@functools.lru_cache(maxsize=8)
def _cached_environment(
    templates: Path | None, marks: tuple[int | None, ...]
) -> jinja2.Environment:
    return template_env(overrides=templates)


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _read(path: Path) -> bytes:
    stat = path.stat()
    return _read_version(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read_version(path: Path, mtime_ns: int, size: int) -> bytes:
    # Keyed by modification time and size: every batch of a cycle shares one copy of the draft.
    return path.read_bytes()


def _title(files: Mapping[str, Path]) -> str | None:
    # The rendered materials' manifest records the draft's title.
    for path in files.values():
        manifest = path.parent / "materials.json"
        if manifest.is_file():
            return str(json.loads(manifest.read_text(encoding="utf-8")).get("title") or "")
    return None
