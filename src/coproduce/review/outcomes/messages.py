"""The "you said, we did" email: plain text with an HTML alternative, from overridable templates.

After an approval it gives each item the person's words, the outcome, the reason and, for a
change that is in the approved text, the passage as it now reads with the change shown.
After a return or a rejection it says the board has not yet approved, and when they will
hear next. Young people (a youth audience, or anyone who may be under 18) get the plain
version, with the guidance's words explained, and are never named: not in the greeting, not
in the To header, not to a worker who passes it on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import jinja2

from coproduce.errors import InvalidInputError
from coproduce.invitations import MESSAGE_DOMAIN, select_templates
from coproduce.models import Audience, Outcome, ParticipantRecord
from coproduce.review.outcomes.gather import CycleOutcomes, ParticipantOutcomes
from coproduce.review.outcomes.glossary import terms_in

OUTCOME = "outcome"
NOT_APPROVED = "not-approved"

YOUTH_LABELS: dict[Outcome | None, str] = {
    Outcome.ACCEPTED: "We changed the guide because of what you said.",
    Outcome.PARTLY_ACCEPTED: "We changed part of the guide because of what you said.",
    Outcome.NOT_ACCEPTED: "We did not make this change.",
    Outcome.NOTED: "We will keep this in mind.",
    Outcome.OUT_OF_SCOPE: "This guide is not the right place for this.",
    Outcome.DUPLICATE: "Someone else told us the same thing.",
    None: "We have not decided about this yet.",
}


@dataclass(frozen=True)
class Letter:
    """One person's message, with what the log and the report need to know about it."""

    participant: str
    audience: str
    youth: bool
    kind: str
    message: EmailMessage
    subject: str
    text: str
    html: str


def message_kind(outcomes: CycleOutcomes) -> str:
    """Return the message kind of this decision (one message per person per decision)."""
    decision = outcomes.decision
    what = "approved" if outcomes.approved else decision.outcome.value
    return f"{OUTCOME}-{what}-{decision.decided:%Y%m%d}"


def message_id(kind: str, cycle: str, participant_id: str) -> str:
    """Return the fixed Message-ID of a participant's message of ``kind``."""
    return f"<{kind}.{cycle}.{participant_id}@{MESSAGE_DOMAIN}>"


def long_date(day: dt.date) -> str:
    """Return a date as people write it: "Tuesday 12 January 2027"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def render_context(
    outcomes: CycleOutcomes,
    person: ParticipantOutcomes,
    *,
    record: ParticipantRecord | None,
    organisation: str,
    link: str,
    glossary: dict[str, str],
) -> dict[str, Any]:
    """Return the template context of one person's message (no name when young)."""
    decision = outcomes.decision
    items = [
        {
            "id": i.id,
            "section": i.section,
            "words": i.words,
            "suggestion": i.suggestion,
            "outcome": i.outcome.value if i.outcome else "undecided",
            "label": YOUTH_LABELS[i.outcome] if person.youth else i.label,
            "reason": i.reason,
            "acted_on": bool(i.outcome and i.outcome.acted_on),
            "passages": [
                {
                    "html": p.html,
                    "bare_html": p.bare_html,
                    "text": p.text,
                    "now": p.now,
                    "section": outcomes.headings.get(p.section, p.section),
                }
                for p in i.passages
            ],
        }
        for i in person.items
    ]
    named = record is not None and not person.youth
    quoted = [outcomes.title, *(i.reason for i in person.items)]
    quoted += [p.now for i in person.items for p in i.passages]
    return {
        "name": record.name if named and record is not None else "",
        "youth": person.youth,
        # The invitation layout's worker note names the young person: this message has its own.
        "via_worker": False,
        "for_worker": record is not None and record.via_worker_email is not None,
        "reference": person.participant,
        "title": outcomes.title,
        "organisation": organisation or "The review team",
        "decided_by": decision.decided_by,
        "decided": long_date(decision.decided),
        "version": decision.version or "",
        "decision": decision.outcome.value,
        "approved": outcomes.approved,
        "next_update": long_date(outcomes.next_update) if outcomes.next_update else "",
        "items": items,
        "private": person.private,
        "link": link,
        "glossary": terms_in(quoted, glossary) if person.youth else [],
    }


def build_letter(
    outcomes: CycleOutcomes,
    person: ParticipantOutcomes,
    *,
    record: ParticipantRecord,
    audience: Audience,
    env: jinja2.Environment,
    mail_from: str,
    organisation: str,
    link: str,
    glossary: dict[str, str],
    now: dt.datetime | None = None,
) -> Letter:
    """Return one person's "you said, we did" message (or "not yet approved")."""
    kind = message_kind(outcomes)
    name = OUTCOME if outcomes.approved else NOT_APPROVED
    chosen = audience.model_copy(update={"youth": audience.youth or person.youth})
    templates = select_templates(kind=name, audience=chosen, env=env)
    context = render_context(
        outcomes, person, record=record, organisation=organisation, link=link, glossary=glossary
    )
    try:
        module = templates.text.make_module(vars=context)
        text = str(module)
        subject = " ".join(str(getattr(module, "subject", "") or outcomes.title).split())
        html = templates.html.render(**context, subject=subject)
    except jinja2.TemplateError as e:
        raise InvalidInputError(f"the {name} email template cannot be rendered: {e}") from e
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = mail_from
    to = record.via_worker_email or record.email
    shown = "" if person.youth or record.via_worker_email else record.name
    message["To"] = Address(display_name=shown, addr_spec=str(to))
    message["Message-ID"] = message_id(kind, outcomes.cycle.id, person.participant)
    message["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    message.set_content(_tidy(text))
    message.add_alternative(html, subtype="html")
    return Letter(
        participant=person.participant,
        audience=person.audience,
        youth=person.youth,
        kind=kind,
        message=message,
        subject=subject,
        text=_tidy(text),
        html=html,
    )


def _tidy(text: str) -> str:
    # Template branches leave runs of blank lines; one blank line between paragraphs reads best.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
