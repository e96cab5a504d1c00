"""Invitations and reminders: per-audience emails from templates users can override.

Each message is plain text with an HTML alternative, a personal portal link, the focused
questions and the deadline; practitioners and partners also get the draft as a Word file.
Young people get a shorter, plain-language version, sent to them or through a named worker.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address, BaseHeader
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from coproduce.channels.email import Outgoing
from coproduce.defaults import DEFAULT_TIMEZONE
from coproduce.docx.properties import PARTICIPANT_PLACEHOLDER, stamp_participant
from coproduce.errors import InvalidInputError
from coproduce.models import Audience, ParticipantRecord, ReviewCycle
from coproduce.store.register import Register
from coproduce.store.tokens import DEFAULT_PORTAL_URL, issue_tokens, personal_link, token_expiry
from coproduce.templating import template_env

_PLACEHOLDER = PARTICIPANT_PLACEHOLDER.encode()
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
MESSAGE_DOMAIN = "coproduce"


@dataclass(frozen=True)
class Materials:
    """What every invitation of one cycle shares: the draft, its title, who sends it."""

    cycle: ReviewCycle
    title: str
    organisation: str
    mail_from: str
    draft_docx: bytes | None = None
    draft_html: str | None = None
    youth_draft_html: str | None = None
    portal_url: str = DEFAULT_PORTAL_URL
    timezone: str = DEFAULT_TIMEZONE
    has_changes: bool = False


@dataclass(frozen=True)
class TemplatePair:
    """The text and HTML templates chosen for one kind of message to one audience."""

    text: jinja2.Template
    html: jinja2.Template


def select_templates(
    *, kind: str, audience: Audience, env: jinja2.Environment | None = None
) -> TemplatePair:
    """Return the templates of ``kind`` (invite, reminder, closed) for ``audience``, users'
    first."""
    env = env or template_env()
    try:
        return TemplatePair(
            text=env.select_template(_names(kind, audience, "txt")),
            html=env.select_template(_names(kind, audience, "html")),
        )
    except jinja2.TemplateError as e:
        raise InvalidInputError(f"the {kind} email template cannot be rendered: {e}") from e


def invitation_id(cycle: str, participant_id: str) -> str:
    """Return the fixed Message-ID of a participant's invitation to a cycle."""
    return f"<invite.{cycle}.{participant_id}@{MESSAGE_DOMAIN}>"


def reminder_id(cycle: str, participant_id: str, days: int) -> str:
    """Return the fixed Message-ID of the reminder sent ``days`` before a cycle closes."""
    return f"<reminder-{days}.{cycle}.{participant_id}@{MESSAGE_DOMAIN}>"


def build_invitation(
    *,
    record: ParticipantRecord,
    audience: Audience,
    materials: Materials,
    link: str,
    env: jinja2.Environment | None = None,
    templates: TemplatePair | None = None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """Return a participant's invitation: text, HTML alternative, and the draft when suited.

    Pass ``templates`` (from ``select_templates``) when building many: they are chosen once.
    """
    message = build_message(
        "invite",
        record=record,
        audience=audience,
        materials=materials,
        link=link,
        templates=templates or select_templates(kind="invite", audience=audience, env=env),
        extra={"days_left": None},
        message_id=invitation_id(materials.cycle.id, record.id),
        now=now,
    )
    found = _attachments(audience, materials, participant_id=record.id)
    if found:
        # The outer boundary must clash with nothing: the bodies, their boundary, the drafts.
        inside = [str(p.get_payload()) for p in message.walk() if not p.is_multipart()]
        drafts = [content for *_, content in found if isinstance(content, str)]
        message.make_mixed(boundary=_boundary(str(message.get_boundary()), *inside, *drafts))
    for name, maintype, subtype, content in found:
        if isinstance(content, bytes) and name.endswith(".docx"):
            message.attach(_attachment_part.__wrapped__(name, maintype, subtype, content))
        else:
            message.attach(_copy_part(_attachment_part(name, maintype, subtype, content)))
    return message


def build_reminder(
    *,
    record: ParticipantRecord,
    audience: Audience,
    materials: Materials,
    link: str,
    days: int,
    env: jinja2.Environment | None = None,
    templates: TemplatePair | None = None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """Return the reminder sent ``days`` before close to someone who has not yet responded."""
    moment = now or dt.datetime.now(dt.UTC)
    left = max(0, (materials.cycle.closes - moment).days)
    return build_message(
        "reminder",
        record=record,
        audience=audience,
        materials=materials,
        link=link,
        templates=templates or select_templates(kind="reminder", audience=audience, env=env),
        extra={"days_left": left},
        message_id=reminder_id(materials.cycle.id, record.id, days),
        now=moment,
    )


def closed_notice_id(cycle: str, participant_id: str) -> str:
    """Return the fixed Message-ID of the notice that a cycle has closed."""
    return f"<closed.{cycle}.{participant_id}@{MESSAGE_DOMAIN}>"


def build_closed_notice(
    *,
    record: ParticipantRecord,
    audience: Audience,
    materials: Materials,
    env: jinja2.Environment | None = None,
    templates: TemplatePair | None = None,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """Return the short notice that the review has closed (a youth version for young people)."""
    return build_message(
        "closed",
        record=record,
        audience=audience,
        materials=materials,
        link="",
        templates=templates or select_templates(kind="closed", audience=audience, env=env),
        extra={"days_left": 0},
        message_id=closed_notice_id(materials.cycle.id, record.id),
        now=now,
    )


def prepare_invitations(
    register: Register,
    *,
    materials: Materials,
    audiences: Iterable[Audience],
    env: jinja2.Environment | None = None,
) -> list[Outgoing]:
    """Return invitations for everyone in the cycle's audiences not yet invited nor opted out."""
    cycle = materials.cycle
    by_id = _audiences_of(cycle, audiences)
    skip = register.opted_out(cycle.id) | register.messaged(cycle.id, kind="invite")
    records = [r for r in register.iter_participants(audiences=by_id) if r.id not in skip]
    links = _new_links(register, records, materials)
    env = env or template_env()
    chosen = {a: select_templates(kind="invite", audience=by_id[a], env=env) for a in by_id}
    return [
        Outgoing(
            build_invitation(
                record=record,
                audience=by_id[record.audience],
                materials=materials,
                link=links[record.id],
                templates=chosen[record.audience],
            ),
            cycle.id,
            record.id,
            "invite",
        )
        for record in records
    ]


def prepare_reminders(
    register: Register,
    *,
    materials: Materials,
    audiences: Iterable[Audience],
    days: int,
    env: jinja2.Environment | None = None,
) -> list[Outgoing]:
    """Return reminders for those invited who have not responded and have not opted out."""
    cycle = materials.cycle
    by_id = _audiences_of(cycle, audiences)
    kind = f"reminder-{days}"
    invited = register.messaged(cycle.id, kind="invite")
    skip = register.responders(cycle.id) | register.opted_out(cycle.id)
    skip |= register.messaged(cycle.id, kind=kind)
    records = [
        r
        for r in register.iter_participants(audiences=by_id)
        if r.id in invited and r.id not in skip
    ]
    links = _new_links(register, records, materials)
    env = env or template_env()
    chosen = {a: select_templates(kind="reminder", audience=by_id[a], env=env) for a in by_id}
    return [
        Outgoing(
            build_reminder(
                record=record,
                audience=by_id[record.audience],
                materials=materials,
                link=links[record.id],
                days=days,
                templates=chosen[record.audience],
            ),
            cycle.id,
            record.id,
            kind,
        )
        for record in records
    ]


def build_message(
    kind: str,
    *,
    record: ParticipantRecord,
    audience: Audience,
    materials: Materials,
    link: str,
    templates: TemplatePair,
    extra: dict[str, Any],
    message_id: str,
    now: dt.datetime | None,
) -> EmailMessage:
    """Return one message to ``record`` from the ``templates`` of ``kind``: text and HTML.

    ``extra`` adds to what every template sees (name, title, organisation, link, deadline);
    the text template may set ``subject``.
    """
    context = {**_context(record, audience, materials, link), **extra}
    try:
        module = templates.text.make_module(vars=context)
        text = str(module)
        subject = _one_line(str(getattr(module, "subject", "") or materials.title))
        html = templates.html.render(**context, subject=subject)
    except jinja2.TemplateError as e:
        raise InvalidInputError(f"the {kind} email template cannot be rendered: {e}") from e
    message = EmailMessage()
    message["Subject"] = _header("Subject", subject)
    message["From"] = _header("From", materials.mail_from)
    to = record.via_worker_email or record.email
    message["To"] = Address(
        display_name="" if record.via_worker_email else record.name, addr_spec=to
    )
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    message.set_content(text)
    message.make_alternative(boundary=_boundary(text, html))
    message.add_alternative(html, subtype="html")
    return message


def _context(
    record: ParticipantRecord, audience: Audience, materials: Materials, link: str
) -> dict[str, Any]:
    cycle = materials.cycle
    questions = [
        q.text
        for q in cycle.questions
        if not audience.youth and (not q.audiences or audience.id in q.audiences)
    ]
    if audience.youth:
        # Young people get the plain wording where there is one, otherwise the question as written.
        questions = [
            q.youth_text or q.text
            for q in cycle.questions
            if not q.audiences or audience.id in q.audiences
        ]
    closes = cycle.closes.astimezone(ZoneInfo(materials.timezone))
    if (closes.hour, closes.minute) == (0, 0):
        # "Friday at midnight" is read both ways; say the last minute of the day before.
        closes -= dt.timedelta(minutes=1)
    first_name = record.name.split()[0] if record.name.split() else record.name
    names = [name for name, *_ in _attachments(audience, materials)]
    return {
        "name": record.name,
        "first_name": first_name,
        "young_person": record.name,
        "via_worker": record.via_worker_email is not None,
        "audience": audience,
        "title": materials.title,
        "organisation": materials.organisation or "The review team",
        "link": link,
        "questions": questions,
        "deadline": _long_date(closes),
        "deadline_short": f"{closes.day} {closes:%B}",
        "docx_attachment": next((n for n in names if n.endswith(".docx")), None),
        "html_attachment": next((n for n in names if n.endswith(".html")), None),
        "changes_link": changes_link(materials) if not audience.youth else None,
        "base_version": _version_of(cycle.base),
    }


def changes_link(materials: Materials) -> str | None:
    """Return the portal address of the cycle's "what changed" page, None when nothing did."""
    if not materials.has_changes:
        return None
    return f"{materials.portal_url.rstrip('/')}/c/{materials.cycle.id}/changes"


def _version_of(tag: str | None) -> str | None:
    # "exploitation-protocol/v1.0" -> "v1.0"; any other base is shown as it is; a first
    # version has none.
    return tag.rsplit("/", 1)[-1] if tag else None


def _attachments(
    audience: Audience, materials: Materials, *, participant_id: str | None = None
) -> list[tuple[str, str, str, bytes | str]]:
    slug = materials.cycle.slug
    found: list[tuple[str, str, str, bytes | str]] = []
    if materials.draft_docx is not None and audience.attach_docx and not audience.youth:
        draft = materials.draft_docx
        if participant_id is not None and _PLACEHOLDER in draft:
            # Each person's copy names them, so a returned file says whose reply it is.
            draft = stamp_participant(draft, participant_id)
        found.append((f"{slug}-draft.docx", *DOCX_TYPE, draft))
    # Young people get their own version; with none, the full text rather than nothing.
    html = materials.draft_html
    if audience.youth and materials.youth_draft_html is not None:
        html = materials.youth_draft_html
    if html is not None:
        found.append((f"{slug}-draft.html", "text", "html", html))
    return found


@functools.lru_cache(maxsize=16)
def _attachment_part(name: str, maintype: str, subtype: str, content: bytes | str) -> EmailMessage:
    # Encoding the draft (base64 of the .docx) is the same for every message of a cycle: do it
    # once and give each message a copy of the finished part.
    part = EmailMessage()
    if isinstance(content, str):
        part.set_content(content, subtype=subtype, filename=name)
    else:
        part.set_content(content, maintype=maintype, subtype=subtype, filename=name)
    return part


@functools.lru_cache(maxsize=256)
def _header(name: str, value: str) -> BaseHeader:
    # Parsing an address or subject is the dearest part of a message's headers; the sender and
    # most subjects are the same in every message of a cycle, and parsed headers are immutable.
    if len(value.splitlines()) > 1:
        raise InvalidInputError(f"the {name} header cannot span lines: {value!r}")
    return policy.default.header_factory(name, value)


def _boundary(*texts: str) -> str:
    # Chosen here, in the form the email package uses, so that writing each message does not
    # compile a fresh pattern and scan the whole encoded draft for it. Only parts sent as they
    # are can hold it: base64 and quoted-printable never contain "==". Like the email package,
    # this uses the plain random generator: a boundary is no secret, only checked not to clash.
    while True:
        candidate = f"{'=' * 15}{random.randrange(sys.maxsize):019d}=="
        if not any(candidate in text for text in texts):
            return candidate


def _copy_part(prototype: EmailMessage) -> EmailMessage:
    # raw_items and set_raw pass the already parsed headers across without parsing them again.
    part = EmailMessage(policy=prototype.policy)
    for name, value in prototype.raw_items():
        part.set_raw(name, value)
    part.set_payload(prototype.get_payload())
    return part


def _names(kind: str, audience: Audience, ext: str) -> list[str]:
    names = [f"email/{kind}-{audience.id}.{ext}.j2"]
    if audience.youth:
        names.append(f"email/{kind}-young-people.{ext}.j2")
    names.append(f"email/{kind}.{ext}.j2")
    return names


def _audiences_of(cycle: ReviewCycle, audiences: Iterable[Audience]) -> dict[str, Audience]:
    known = {a.id: a for a in audiences}
    missing = [a for a in cycle.audiences if a not in known]
    if missing:
        raise InvalidInputError(f"cycle {cycle.id} names unknown audiences: {', '.join(missing)}")
    return {a: known[a] for a in cycle.audiences}


def _new_links(
    register: Register, records: list[ParticipantRecord], materials: Materials
) -> dict[str, str]:
    cycle = materials.cycle
    issued = issue_tokens(
        register,
        participant_ids=[r.id for r in records],
        cycle=cycle.id,
        expires=token_expiry(cycle.closes),
    )
    return {pid: personal_link(t, base_url=materials.portal_url) for pid, t in issued.items()}


def _long_date(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{moment:%A} {moment.day} {moment:%B %Y} at {hour}{minutes}{suffix}"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
