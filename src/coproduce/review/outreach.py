"""The default outreach of a cycle: participants from the register, messages built by
``coproduce.invitations`` from overridable templates, sent through the email channel.

One mailer (one SMTP connection) per batch; each message has a fixed Message-ID and is logged
in the register as queued before it is handed over, so a re-run skips what was sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from coproduce.channels.email import Mailer, Outgoing, send_batch
from coproduce.invitations import Materials, build_invitation, build_reminder
from coproduce.models import Audience, ReviewCycle
from coproduce.review.delivery import Batch
from coproduce.store.register import Register
from coproduce.store.tokens import issue_token, personal_link, token_expiry
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
        portal_url: str = "http://127.0.0.1:8080",
        timezone: str = "Europe/London",
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

    def responded(self, cycle_id: str) -> set[str]:
        """Return the participants who have responded to the cycle."""
        return self.register.responders(cycle_id)

    def deliver(self, batch: Batch, *, cycle: ReviewCycle, materials: Mapping[str, Path]) -> None:
        """Write to every participant in ``batch`` over one mailer; DeliveryError on failure."""
        shared = self._materials(cycle, materials)
        audience = self.audiences[batch.audience]
        env = template_env(overrides=self.templates)
        opted = self.register.opted_out(cycle.id)
        items = []
        for participant_id in batch.participants:
            if participant_id in opted:
                continue
            person = self.register.get_participant(participant_id)
            token = issue_token(
                self.register,
                participant_id=person.id,
                cycle=cycle.id,
                expires=token_expiry(cycle.closes),
            )
            link = personal_link(token, base_url=self.portal_url)
            reminder = REMINDER.match(batch.kind)
            if reminder is None:
                message = build_invitation(
                    record=person, audience=audience, materials=shared, link=link, env=env
                )
            else:
                days = int(reminder.group(1))
                message = build_reminder(
                    record=person,
                    audience=audience,
                    materials=shared,
                    link=link,
                    days=days,
                    env=env,
                )
            items.append(Outgoing(message, cycle.id, person.id, batch.kind))
        send_batch(self.register, items, self.open_mailer()).raise_for_failures()

    def _materials(self, cycle: ReviewCycle, files: Mapping[str, Path]) -> Materials:
        def text(name: str) -> str | None:
            return files[name].read_text(encoding="utf-8") if name in files else None

        docx = files.get("draft-docx")
        return Materials(
            cycle=cycle,
            title=_title(files) or cycle.slug,
            organisation=self.organisation,
            mail_from=self.mail_from,
            draft_docx=docx.read_bytes() if docx is not None else None,
            draft_html=text("draft-html"),
            youth_draft_html=text("youth-html"),
            portal_url=self.portal_url,
            timezone=self.timezone,
        )


def _title(files: Mapping[str, Path]) -> str | None:
    # The rendered materials' manifest records the draft's title.
    for path in files.values():
        manifest = path.parent / "materials.json"
        if manifest.is_file():
            return str(json.loads(manifest.read_text(encoding="utf-8")).get("title") or "")
    return None
