"""Disclosures of harm in feedback: spotted, held outside git, sent at once to the safeguarding
lead with what was said and the route back to the person.

A held concern is written to ``<state>/safeguarding/<cycle>/<feedback id>.json`` (owner-only,
never in git) before the lead is emailed, so a failed send loses nothing and can be retried.
Git records only that the item is held.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coproduce.channels.email import Mailer
from coproduce.errors import DeliveryError, InvalidInputError
from coproduce.models import Audience

if TYPE_CHECKING:
    from coproduce.config import Settings

FOLDER = "safeguarding"
# First-person phrases: the topic words of safeguarding guidance ("exploitation", "grooming")
# are what practitioners comment on, and would hold back ordinary feedback.
BUILT_IN_PHRASES: tuple[str, ...] = (
    "hurts me",
    "hurt me",
    "hurting me",
    "hits me",
    "hit me",
    "beats me",
    "beat me",
    "touched me",
    "touches me",
    "abused me",
    "abusing me",
    "abuses me",
    "raped me",
    "i was raped",
    "groomed me",
    "grooming me",
    "forced me",
    "forces me",
    "made me carry",
    "made me sell",
    "makes me sell",
    "threatened me",
    "threatens me",
    "scared to go home",
    "not safe at home",
    "unsafe at home",
    "afraid to go home",
    "kill myself",
    "end my life",
    "hurt myself",
    "hurting myself",
    "i self harm",
    "i self-harm",
    "someone is hurting",
    "i owe them",
    "he owes them",
    "she owes them",
    "they owe them",
    "made me hold",
    "made to hold",
    "makes me hold",
    "scared of what happens",
    "scared of what will happen",
    "my friend is being",
    "a friend of mine is being",
    "i am being exploited",
    "i'm being exploited",
)


@dataclass(frozen=True)
class Contact:
    """The route back to the person: from the register, a facilitator, or a survey column."""

    how: str
    name: str = ""
    email: str = ""


@dataclass
class Safeguarding:
    """What routing a disclosure needs: the lead's address, a mailer, where to hold concerns."""

    lead_email: str | None
    mail_from: str
    state_dir: Path
    open_mailer: Callable[[], Mailer]
    phrases: list[str] = field(default_factory=list)

    def looks_like_disclosure(self, text: str) -> bool:
        """Return whether ``text`` contains any built-in or configured phrase."""
        return _pattern(tuple(self.phrases)).search(_normal(text)) is not None


def _normal(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").lower().split())


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    if extra not in _PATTERNS:
        phrases = sorted({_normal(p) for p in (*BUILT_IN_PHRASES, *extra) if p.strip()})
        body = "|".join(re.escape(p) for p in phrases)
        _PATTERNS[extra] = re.compile(rf"(?<![\w']){body}(?![\w'])" if body else r"(?!)")
    return _PATTERNS[extra]


def hold_concern(
    safeguarding: Safeguarding,
    *,
    cycle_id: str,
    feedback_id: str,
    text: str,
    audience: str,
    contact: Contact,
) -> Path:
    """Write a concern outside git (owner-only) and return its path."""
    folder = Path(safeguarding.state_dir) / FOLDER / cycle_id
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{feedback_id}.json"
    data = {
        "cycle": cycle_id,
        "feedback": feedback_id,
        "audience": audience,
        "text": text,
        "contact": contact.__dict__,
        "sent_to": None,
    }
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    return path


def route_concern(safeguarding: Safeguarding, held: Path) -> str:
    """Email a held concern to the safeguarding lead; return the address it went to.

    InvalidInputError when no lead is configured; DeliveryError when the send fails (the
    concern stays held, marked unsent, for the lead to be told again).
    """
    data = json.loads(held.read_text(encoding="utf-8"))
    if not safeguarding.lead_email:
        raise InvalidInputError(
            f"no safeguarding lead configured: concern {data['feedback']} is held in {held}; "
            "set organisation.safeguarding_lead_email and run `coproduce feedback flag` again"
        )
    message = _message(safeguarding, data)
    mailer = safeguarding.open_mailer()
    try:
        mailer.send(message)
    except DeliveryError as e:
        raise DeliveryError(
            f"concern {data['feedback']} is held in {held} but was not sent: {e}"
        ) from e
    finally:
        mailer.close()
    data["sent_to"] = safeguarding.lead_email
    held.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return safeguarding.lead_email


def require_lead_for_youth(
    safeguarding_lead: str | None, audiences: Iterable[str], known: Iterable[Audience]
) -> None:
    """Refuse (one line) a launch that invites young people with no safeguarding lead set."""
    youth = {a.id for a in known if a.youth}
    invited = [a for a in audiences if a in youth]
    if invited and not safeguarding_lead:
        raise InvalidInputError(
            f"cannot launch: young people are invited ({', '.join(invited)}) and no safeguarding"
            " lead is configured (set organisation.safeguarding_lead_email)"
        )


def _message(safeguarding: Safeguarding, data: dict[str, Any]) -> EmailMessage:
    contact: dict[str, str] = data["contact"]
    route = (
        f"{contact.get('how')}: {contact.get('name') or '(no name)'}"
        f" <{contact.get('email') or 'no address'}>"
        if contact.get("email") or contact.get("name")
        else f"{contact.get('how')} (no route back to the person is recorded)"
    )
    message = EmailMessage()
    message["Subject"] = f"Safeguarding concern in feedback {data['feedback']} ({data['cycle']})"
    message["From"] = safeguarding.mail_from
    message["To"] = str(safeguarding.lead_email)
    message["Message-ID"] = make_msgid(idstring=f"concern-{data['cycle']}-{data['feedback']}")
    message.set_content(
        "Feedback given in a guidance review may be a disclosure of harm. It has been held back"
        " from every report and log.\n\n"
        f"Review cycle: {data['cycle']}\nFeedback: {data['feedback']}\n"
        f"Audience: {data['audience']}\nRoute back to the person: {route}\n\n"
        f"What was said:\n\n{data['text']}\n"
    )
    return message


def safeguarding_from(settings: Settings) -> Safeguarding:
    """Return the safeguarding route the settings describe (lead, mail, state folder)."""
    from coproduce.channels.email import open_mailer

    state_dir = Path(settings.state_dir)
    return Safeguarding(
        lead_email=settings.safeguarding_lead_email,
        mail_from=settings.mail_from,
        state_dir=state_dir,
        open_mailer=lambda: open_mailer(
            smtp_url=settings.smtp_url,
            state_dir=state_dir,
            mail_from=settings.mail_from,
            rate_per_minute=settings.mail_rate_per_minute,
        ),
        phrases=list(settings.disclosure_phrases),
    )
