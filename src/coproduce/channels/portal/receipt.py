"""The confirmation email after a participant sends: what was received, when, the references.

One message per send, with a Message-ID fixed by the send's nonce, through the message log's
queue and claim (``channels.email.send_batch``): a double click, a resubmitted form or two
workers racing send it once. Young people get the plain-language wording; someone reached
through a worker gets it through the worker. The email names what was sent, never the words.
Nobody who opted out of this cycle's emails gets one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

from coproduce.channels.email import Outgoing, send_batch
from coproduce.errors import CoproduceError
from coproduce.invitations import MESSAGE_DOMAIN, Materials, build_message, select_templates
from coproduce.models import BUILT_IN_AUDIENCES, ParticipantRecord, ReviewCycle
from coproduce.store.tokens import personal_link
from coproduce.templating import template_env
from coproduce.workspace import Workspace

log = logging.getLogger(__name__)

RECEIPT = "receipt"


def receipt_id(cycle: str, participant_id: str, nonce: str) -> str:
    """Return the fixed Message-ID of the confirmation of one send."""
    return f"<receipt.{cycle}.{participant_id}.{nonce}@{MESSAGE_DOMAIN}>"


def build_receipt(
    workspace: Workspace,
    *,
    cycle: ReviewCycle,
    title: str,
    person: ParticipantRecord,
    items: Sequence[dict[str, Any]],
    nonce: str,
    token: str,
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
    env = template_env(overrides=workspace.templates)
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
    """Send the confirmation of one send, once; return whether this call sent it.

    A failure is logged, not raised: the feedback is safe whatever happens to the email.
    """
    register = workspace.register
    try:
        person = register.get_participant(participant_id)
        if not items or person.opted_out or participant_id in register.opted_out(cycle.id):
            return False
        message = build_receipt(
            workspace, cycle=cycle, title=title, person=person, items=items, nonce=nonce,
            token=token,
        )  # fmt: skip
        outgoing = Outgoing(message, cycle.id, participant_id, RECEIPT)
        report = send_batch(register, [outgoing], workspace.open_mailer())
        report.raise_for_failures()
    except CoproduceError as e:
        log.warning("the confirmation email of a send was not sent: %s", e)
        return False
    return outgoing.message_id in report.sent
