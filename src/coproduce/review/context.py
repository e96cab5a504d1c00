"""Open what every review step needs: the repository, its settings, who acts, the outreach."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.errors import CoproduceError
from coproduce.models import BUILT_IN_AUDIENCES, Person
from coproduce.review.outreach import RegisterOutreach

if TYPE_CHECKING:
    from coproduce.config import Settings
    from coproduce.store import GuidanceRepo

SYSTEM_AUTHOR = Person(name="coproduce", email="coproduce@localhost")


@dataclass
class ReviewContext:
    """The repository a review step works on, with its settings, actor and outreach."""

    repo: GuidanceRepo
    settings: Settings
    author: Person
    outreach: RegisterOutreach

    @property
    def audiences(self) -> list[str]:
        """Return the ids of the built-in audiences and the installation's own."""
        return [a.id for a in (*BUILT_IN_AUDIENCES, *self.settings.audiences)]

    def close(self) -> None:
        """Release the register's connections."""
        self.outreach.register.close()


def open_context(*, repo: str | Path | None = None, author: str | None = None) -> ReviewContext:
    """Open the repository (``repo``, COPRODUCE_REPO or the working directory) for review work."""
    from coproduce.channels.email import open_mailer
    from coproduce.config import load_settings
    from coproduce.store import GuidanceRepo, resolve_author
    from coproduce.store.register import Register

    explicit = Path(repo) if repo else None
    guidance = GuidanceRepo.find(explicit=explicit, cwd=Path.cwd())
    settings = load_settings(guidance.root, os.environ)
    if author:
        person = resolve_author(author, settings, repo=guidance)  # a bad --author is an error
    else:
        try:
            person = resolve_author(None, settings, repo=guidance)
        except CoproduceError:  # a scheduled run has no person: it acts as coproduce
            person = SYSTEM_AUTHOR
    state_dir = Path(guidance.state_dir)
    outreach = RegisterOutreach(
        register=Register.for_state_dir(state_dir),
        open_mailer=lambda: open_mailer(
            smtp_url=settings.smtp_url,
            state_dir=state_dir,
            mail_from=settings.mail_from,
            rate_per_minute=settings.mail_rate_per_minute,
        ),
        audiences=[*BUILT_IN_AUDIENCES, *settings.audiences],
        mail_from=settings.mail_from,
        organisation=settings.organisation_name,
        portal_url=settings.portal_url,
        timezone=settings.timezone,
        templates=guidance.root / "templates",
    )
    return ReviewContext(repo=guidance, settings=settings, author=person, outreach=outreach)
