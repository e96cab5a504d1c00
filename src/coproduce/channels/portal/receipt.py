"""The confirmation email after a participant sends: what was received, when, the references.

One message per send, with a Message-ID fixed by the send's nonce, through the message log's
queue and claim (``channels.email.send_batch``): a double click, a resubmitted form or two
workers racing send it once. Young people get the plain-language wording; someone reached
through a worker gets it through the worker. The email names what was sent, never the words.
Nobody who opted out of this cycle's emails gets one.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jinja2

from coproduce.channels.email import Outgoing, send_batch
from coproduce.errors import CoproduceError
from coproduce.invitations import MESSAGE_DOMAIN, Materials, build_message, select_templates
from coproduce.models import BUILT_IN_AUDIENCES, ParticipantRecord, ReviewCycle
from coproduce.store.register import NewMessage
from coproduce.store.tokens import personal_link
from coproduce.templating import template_env
from coproduce.workspace import Workspace

log = logging.getLogger(__name__)

RECEIPT = "receipt"
# A confirmation queued but not sent (its process stopped first) is sent by the next portal
# process to start within this long; an older one is left, logged as queued.
PENDING_WITHIN = dt.timedelta(days=7)


def receipt_id(cycle: str, participant_id: str, nonce: str) -> str:
    """Return the fixed Message-ID of the confirmation of one send."""
    return f"<receipt.{cycle}.{participant_id}.{nonce}@{MESSAGE_DOMAIN}>"


def receipt_of(message_id: str) -> tuple[str, str, str] | None:
    """Return the cycle, participant and nonce a confirmation's Message-ID names, or None.

    (Cycle ids, participant ids and nonces never hold a dot.)
    """
    head, at, domain = message_id.strip("<>").partition("@")
    parts = head.split(".")
    if not at or domain != MESSAGE_DOMAIN or len(parts) != 4 or parts[0] != RECEIPT:
        return None
    return parts[1], parts[2], parts[3]


def queue_receipt(workspace: Workspace, *, cycle: str, participant_id: str, nonce: str) -> None:
    """Log a send's confirmation as queued (in the send's own transaction, when there is
    one), so that a process stopping before its recorder's round leaves it to be sent by the
    next one (``pending_confirmations``) rather than lost."""
    mid = receipt_id(cycle, participant_id, nonce)
    workspace.register.queue_messages([NewMessage(mid, cycle, participant_id, RECEIPT)])


def pending_confirmations(
    workspace: Workspace, *, within: dt.timedelta = PENDING_WITHIN
) -> list[Confirmation]:
    """Return the confirmations queued with their sends in the last ``within`` but never sent.

    A portal process that answered a send and stopped before its recorder's round leaves one;
    each is rebuilt from the register (the person's draft keeps what the send received) and
    the cycle, with the person's link derived again from the token key.
    """
    from coproduce.channels.portal.view import build_view
    from coproduce.store.tokens import derive_token, token_key

    register = workspace.register
    since = dt.datetime.now(dt.UTC) - within
    found: list[Confirmation] = []
    key: bytes | None = None
    for entry in register.queued_messages(kind=RECEIPT, since=since):
        named = receipt_of(entry.message_id)
        if named is None:
            continue
        cycle_id, participant_id, nonce = named
        draft = register.read_draft(participant_id=participant_id, cycle=cycle_id)
        sent = draft.get("sent", {}).get(nonce)  # what the send received, as its page showed
        if not sent:
            continue
        try:
            view = build_view(workspace, cycle_id=cycle_id, participant_id=participant_id)
        except CoproduceError as e:
            log.warning("a queued confirmation email cannot be rebuilt: %s", e)
            continue
        key = key or token_key(register)
        token = derive_token(key, cycle=cycle_id, participant_id=participant_id)
        found.append(Confirmation(view.cycle, view.title, participant_id, sent, nonce, token))
    return found


def build_receipt(
    workspace: Workspace,
    *,
    cycle: ReviewCycle,
    title: str,
    person: ParticipantRecord,
    items: Sequence[dict[str, Any]],
    nonce: str,
    token: str,
    env: jinja2.Environment | None = None,
) -> EmailMessage:
    """Return the confirmation of the sent ``items`` (each: what, reference, received, late)."""
    settings = workspace.settings
    known = [*BUILT_IN_AUDIENCES, *settings.audiences]
    audience = next(a for a in known if a.id == person.audience)
    if person.is_minor and not audience.youth:
        audience = next(a for a in known if a.id == "young-people")  # plain wording for under-18s
    materials = Materials(
        cycle=cycle,
        title=title,
        organisation=settings.organisation_name,
        mail_from=settings.mail_from,
        portal_url=settings.portal_url,
        timezone=settings.timezone,
    )
    env = env or template_env(overrides=workspace.templates)
    return build_message(
        RECEIPT,
        record=person,
        audience=audience,
        materials=materials,
        link=personal_link(token, base_url=settings.portal_url),
        templates=select_templates(kind=RECEIPT, audience=audience, env=env),
        extra={
            "items": list(items),
            "received": items[0]["received"],
            "late": any(i["late"] for i in items),
        },
        message_id=receipt_id(cycle.id, person.id, nonce),
        now=None,
    )


@dataclass(frozen=True)
class Confirmation:
    """One send to confirm: who, on which cycle, what was received (each: what, reference,
    received, late), the send's nonce and the person's link."""

    cycle: ReviewCycle
    title: str
    participant_id: str
    items: Sequence[dict[str, Any]]
    nonce: str
    token: str

    @property
    def message_id(self) -> str:
        return receipt_id(self.cycle.id, self.participant_id, self.nonce)


def send_receipt(
    workspace: Workspace,
    *,
    cycle: ReviewCycle,
    title: str,
    participant_id: str,
    items: Sequence[dict[str, Any]],
    nonce: str,
    token: str,
) -> bool:
    """Send the confirmation of one send, once; return whether this call sent it."""
    confirmation = Confirmation(cycle, title, participant_id, items, nonce, token)
    return bool(send_receipts(workspace, [confirmation]))


def send_receipts(workspace: Workspace, confirmations: Sequence[Confirmation]) -> set[str]:
    """Send each confirmation once, as one batch; return the Message-IDs this call sent.

    Nobody who opted out (of everything, or of this cycle's emails), and nobody erased, gets
    one. A failure is logged, not raised: the feedback is safe whatever happens to the email.
    """
    register = workspace.register
    env = _email_env(workspace.templates)
    people = register.get_participants(c.participant_id for c in confirmations)
    opted: dict[str, set[str]] = {}
    batch: list[Outgoing] = []
    for c in confirmations:
        time.sleep(0)  # let request threads in: this runs beside a busy portal's pages
        person = people.get(c.participant_id)
        if c.cycle.id not in opted:
            opted[c.cycle.id] = register.opted_out(c.cycle.id)
        if not c.items or person is None or person.opted_out or person.id in opted[c.cycle.id]:
            continue
        try:
            message = build_receipt(
                workspace, cycle=c.cycle, title=c.title, person=person, items=c.items,
                nonce=c.nonce, token=c.token, env=env,
            )  # fmt: skip
        except CoproduceError as e:
            log.warning("the confirmation email of a send was not built: %s", e)
            continue
        batch.append(Outgoing(message, c.cycle.id, person.id, RECEIPT))
    if not batch:
        return set()
    try:
        report = send_batch(register, batch, workspace.open_mailer(), mark_together=True)
    except CoproduceError as e:
        log.warning("the confirmation emails of %d sends were not sent: %s", len(batch), e)
        return set()
    for message_id, error in report.failed.items():
        log.warning("the confirmation email %s was not sent: %s", message_id, error)
    return set(report.sent)


@functools.lru_cache(maxsize=8)
def _email_env(overrides: Path | None) -> jinja2.Environment:
    # One per process: compiling the email templates on every round of confirmations cost a
    # busy portal a fifth of a core. Edits to a template are still seen (jinja2 checks the
    # file's time when it is used).
    return template_env(overrides=overrides)
