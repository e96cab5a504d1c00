"""Open what every review step needs: the repository, its settings, who acts, the outreach."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.errors import CoproduceError
from coproduce.models import BUILT_IN_AUDIENCES, Person
from coproduce.review.outreach import RegisterOutreach

if TYPE_CHECKING:
    from coproduce.config import Settings
    from coproduce.store import GuidanceRepo
    from coproduce.workspace import Workspace

SYSTEM_AUTHOR = Person(name="coproduce", email="coproduce@localhost")


@dataclass
class ReviewContext:
    """The repository a review step works on, with its settings, actor and outreach."""

    repo: GuidanceRepo
    settings: Settings
    author: Person
    outreach: RegisterOutreach
    workspace: Workspace

    @property
    def audiences(self) -> list[str]:
        """Return the ids of the built-in audiences and the installation's own."""
        return [a.id for a in (*BUILT_IN_AUDIENCES, *self.settings.audiences)]

    def close(self) -> None:
        """Do nothing: the workspace keeps its register open for the process's next step."""


def open_context(*, repo: str | Path | None = None, author: str | None = None) -> ReviewContext:
    """Open the workspace (``repo``, COPRODUCE_REPO or the working directory) for review work."""
    from coproduce.store import resolve_author
    from coproduce.workspace import open_workspace

    workspace = open_workspace(repo=Path(repo) if repo else None)
    settings = workspace.settings
    if author:
        person = resolve_author(author, settings, repo=workspace.repo)  # a bad --author errs
    else:
        try:
            person = resolve_author(None, settings, repo=workspace.repo)
        except CoproduceError:  # a scheduled run has no person: it acts as coproduce
            person = SYSTEM_AUTHOR
    return ReviewContext(
        repo=workspace.repo,
        settings=settings,
        author=person,
        outreach=outreach_of(workspace),
        workspace=workspace,
    )


def outreach_of(workspace: Workspace) -> RegisterOutreach:
    """Return the outreach of a workspace: its register, mailer, audiences and templates."""
    settings = workspace.settings
    return RegisterOutreach(
        register=workspace.register,
        open_mailer=workspace.open_mailer,
        audiences=[*BUILT_IN_AUDIENCES, *settings.audiences],
        mail_from=settings.mail_from,
        organisation=settings.organisation_name,
        portal_url=settings.portal_url,
        timezone=settings.timezone,
        templates=workspace.templates,
    )
