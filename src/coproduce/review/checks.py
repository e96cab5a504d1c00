"""What a lead should hear before invitations go out: warnings that do not stop a launch."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from coproduce.models import ReviewCycle

if TYPE_CHECKING:
    from coproduce.config import Settings
    from coproduce.store import GuidanceRepo

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})


def launch_warnings(
    *, repo: GuidanceRepo, cycle: ReviewCycle, settings: Settings, youth: frozenset[str]
) -> list[str]:
    """Return the warnings to show before a cycle's invitations are sent."""
    warnings = []
    host = urlsplit(settings.portal_url).hostname or ""
    if settings.smtp_url and host in LOOPBACK_HOSTS:
        warnings.append(
            f"the portal address is {settings.portal_url}, which only this computer can open, "
            "but mail goes out over SMTP: participants' links will not work (set [portal] url "
            "in coproduce.toml or COPRODUCE_PORTAL_URL)"
        )
    invited_youth = [a for a in cycle.audiences if a in youth]
    if invited_youth and repo.read_twin(cycle.slug, rev=cycle.proposed) is None:
        warnings.append(
            f"young people are invited ({', '.join(invited_youth)}) but {cycle.slug} has no "
            f"youth-friendly version (guidance/{cycle.slug}.young-people.md): they will get "
            "the full text"
        )
    if cycle.base is None:
        warnings.append(
            f"{cycle.slug} has never been approved: participants see the whole draft as new"
        )
    return warnings
