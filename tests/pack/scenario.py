"""A review cycle with real feedback, outcomes and commits naming it, in a real repository."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from coproduce import review
from coproduce.models import ParticipantRecord, Person
from coproduce.review.feedback import Submission, record_feedback
from coproduce.store import GuidanceRepo
from coproduce.store.register import Register
from coproduce.triage import set_outcome
from coproduce.triage.commit import commit_for_feedback
from tests.review.conftest import LEAD, make_repo

SLUG = "escalation-policy"
NAMED = "Priya Consenting"
UNNAMED = "Oliver Noconsent"
YOUNG = "Kayla Young"
QUIET = "Morgan Withheld"
PEOPLE = [
    # name, audience, age band, consent to be named, publish words, organisation type
    (NAMED, "practitioners", "25+", True, "yes", "statutory health"),
    (UNNAMED, "practitioners", "25+", False, "yes", "local authority"),
    (YOUNG, "young-people", "16-17", True, "yes", ""),
    (QUIET, "partners", "25+", True, "no", "youth charity"),
]
QUIET_WORDS = "Please put the youth club contact in the escalation list"
SAFEGUARDING_WORDS = "Something happened to my friend at the park last week"
YOUTH_WORDS = "Ask us before you decide what happens to us"


@dataclass
class Scenario:
    """The repository, the cycle id and the feedback ids of the scenario by role."""

    repo: GuidanceRepo
    cycle_id: str
    ids: dict[str, str]


def add_register(repo: GuidanceRepo) -> dict[str, str]:
    """Add the four people to the register; return their ids by name."""
    ids: dict[str, str] = {}
    with Register.for_state_dir(Path(repo.state_dir)) as register:
        records = []
        for name, audience, band, named, words, kind in PEOPLE:
            pid = register.new_participant_id()
            ids[name] = pid
            extra = {"publish_words": words}
            if kind:
                extra["organisation_type"] = kind
            records.append(
                ParticipantRecord(
                    id=pid,
                    name=name,
                    email=f"{name.split()[0].lower()}@example.org",
                    audience=audience,
                    age_band=band,  # type: ignore[arg-type]
                    consent_named=named,
                    extra=extra,
                )
            )
        register.add_participants(records)
    return ids


def build_scenario(
    root: Path, *, decide: bool = True, close: bool = True, invite: bool = False
) -> Scenario:
    """Return a cycle with six items, edits naming two of them, and (by default) outcomes;
    with ``invite``, invitations go to everyone's outbox when it opens."""
    repo = make_repo(root)
    people = add_register(repo)
    now = dt.datetime.now(dt.UTC)
    started = review.start_review(
        repo=repo,
        slug=SLUG,
        closes=(now + dt.timedelta(days=30)).date(),
        audiences=["practitioners", "partners", "young-people"],
        author=LEAD,
    )
    cycle_id = started.cycle.id
    if invite:
        from coproduce.review.context import open_context

        ctx = open_context(repo=repo.root, author=str(LEAD))
        try:
            review.launch(repo=repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD)
        finally:
            ctx.close()
    else:
        review.open_cycle(repo=repo, cycle_id=cycle_id, author=LEAD)
    said = {
        "named": (NAMED, "when", "Escalate when a plan", "Say who to call first."),
        "unnamed": (UNNAMED, "purpose", "raise a concern", "Add timescales for a response."),
        "youth": (YOUNG, "when", "", YOUTH_WORDS),
        "quiet": (QUIET, "purpose", "", QUIET_WORDS),
        "harm": (YOUNG, "purpose", "", SAFEGUARDING_WORDS),
        "rejected": (UNNAMED, "when", "", "Remove the escalation step entirely."),
    }
    ids: dict[str, str] = {}
    with Register.for_state_dir(Path(repo.state_dir)) as register:
        for role, (name, section, quote, text) in said.items():
            item = record_feedback(
                repo=repo,
                register=register,
                cycle_id=cycle_id,
                submission=Submission(
                    participant=people[name], channel="portal", text=text, section=section,
                    quote=quote,
                ),
            )  # fmt: skip
            ids[role] = item.id
    edit(repo, "Escalate when a plan", "Escalate within one working day when a plan")
    commit_for_feedback(
        repo, SLUG, message="Add a timescale", feedback=[ids["unnamed"]], author=EDITOR
    )
    edit(repo, "This policy says", "This policy, written with young people, says")
    commit_for_feedback(
        repo, SLUG, message="Credit young people", feedback=[ids["youth"]], author=EDITOR
    )
    edit(repo, "raise a concern", "raise a concern in writing")
    commit_for_feedback(repo, SLUG, message="Tidy wording", feedback=[], author=EDITOR)
    os.environ.pop("GIT_AUTHOR_DATE", None)
    if close:
        review.close(repo=repo, cycle_id=cycle_id, author=LEAD)
    if decide:
        outcomes = {
            "named": ("accepted", "We will name the duty manager as first contact."),
            "unnamed": ("accepted", "Added a one working day timescale."),
            "youth": ("partly-accepted", "We now say the policy was written with you."),
            "quiet": ("noted", "Contacts live in the local directory."),
            "harm": ("safeguarding", "Passed to the safeguarding lead the same day."),
            "rejected": ("not-accepted", "Escalation protects young people; it stays."),
        }
        for role, (outcome, reason) in outcomes.items():
            set_outcome(
                repo=repo, feedback_id=ids[role], outcome=outcome, reason=reason, author=LEAD
            )
    return Scenario(repo, cycle_id, ids)


EDITS = [0]
EDITOR = Person(name="Alex Editor", email="alex.editor@example.org")


def edit(repo: GuidanceRepo, old: str, new: str) -> None:
    """Change text in the working tree of the policy (as someone editing by hand would).

    Each edit's commit gets its own minute: the redline tells commits apart by author and time.
    """
    EDITS[0] += 1
    when = dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=EDITS[0])
    os.environ["GIT_AUTHOR_DATE"] = when.isoformat()
    path = repo.document_path(SLUG)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
