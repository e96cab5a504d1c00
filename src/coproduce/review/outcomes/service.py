"""Tell every participant what happened to their feedback, once; or write it all to read first.

``tell_participants`` sends each person who gave feedback one message about the board's
decision, through the register's exactly-once message log: each message has a fixed
Message-ID, a rerun skips everyone already sent it, and people who opted out or were erased
get nothing. ``write_feedback_report`` writes the same messages and the per-audience
summaries to a folder and sends nothing. ``outcomes_for_token`` is what the portal shows on a
personal link.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.errors import InvalidInputError
from coproduce.models import BUILT_IN_AUDIENCES, Audience, SignoffDecision
from coproduce.review.outcomes.gather import (
    CycleOutcomes,
    ParticipantOutcomes,
    gather_outcomes,
    load_decision,
    next_update_of,
)
from coproduce.review.outcomes.glossary import load_glossary
from coproduce.review.outcomes.messages import Letter, build_letter, message_kind
from coproduce.review.outcomes.summary import render_summaries, summarise
from coproduce.templating import template_env

if TYPE_CHECKING:
    from coproduce.workspace import Workspace

BATCH = 100
Progress = Callable[[int, int], None]


@dataclass
class Told:
    """What a run did: who was written to now, who had been already, who may not be."""

    cycle: str
    decision: str
    kind: str
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    opted_out: list[str] = field(default_factory=list)
    not_in_register: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """Return the summary as JSON-ready data (pseudonymous ids only)."""
        return asdict(self)


@dataclass
class Report:
    """A folder written to read before sending: one message per person, and the summaries."""

    folder: Path
    letters: list[Path]
    summaries: list[Path]
    told: Told
    messages: int = 0


def outcomes_of(
    workspace: Workspace, cycle_id: str, decision: SignoffDecision | None = None
) -> CycleOutcomes:
    """Return the cycle's outcomes after ``decision`` (default: the one recorded)."""
    recorded: dt.date | None = None
    if decision is None:
        decision, recorded = load_decision(workspace.repo, cycle_id)
    elif decision.cycle != cycle_id:
        raise InvalidInputError(f"the decision is on review {decision.cycle}, not {cycle_id}")
    else:
        _, recorded = _recorded_next_update(workspace, cycle_id)
    days = workspace.settings.next_update_days
    return gather_outcomes(
        repo=workspace.repo,
        register=workspace.register,
        cycle_id=cycle_id,
        decision=decision,
        next_update=next_update_of(decision, recorded, days=days),
        youth_audiences=frozenset(a.id for a in _audiences(workspace).values() if a.youth),
    )


def prepare_letters(
    workspace: Workspace, outcomes: CycleOutcomes, *, links: bool = True
) -> tuple[list[Letter], Told]:
    """Return the message for everyone who may be written to, and who may not and why.

    With ``links`` each message carries the person's own link to their outcomes page.
    """
    from coproduce.store.tokens import issue_tokens, personal_link, token_expiry

    register = workspace.register
    cycle = outcomes.cycle
    kind = message_kind(outcomes)
    told = Told(cycle=cycle.id, decision=outcomes.decision.outcome.value, kind=kind)
    opted = register.opted_out(cycle.id)
    records = outcomes.records
    wanted: list[ParticipantOutcomes] = []
    for pid, person in sorted(outcomes.people.items()):
        if pid not in records:
            told.not_in_register.append(pid)
        elif pid in opted or records[pid].opted_out:
            told.opted_out.append(pid)
        else:
            wanted.append(person)
    tokens: dict[str, str] = {}
    if links and wanted:
        # The same link as the invitation's (tokens are derived, not random).
        tokens = issue_tokens(
            register,
            participant_ids=[p.participant for p in wanted],
            cycle=cycle.id,
            expires=token_expiry(cycle.closes),
        )
    audiences = _audiences(workspace)
    glossary = load_glossary(workspace.templates)
    env = template_env(overrides=workspace.templates)
    settings = workspace.settings
    letters = []
    for person in wanted:
        token = tokens.get(person.participant)
        link = personal_link(token, base_url=settings.portal_url) + "/outcomes" if token else ""
        audience = audiences.get(person.audience) or Audience(
            id=person.audience, name=person.audience
        )
        letters.append(
            build_letter(
                outcomes,
                person,
                record=records[person.participant],
                audience=audience,
                env=env,
                mail_from=settings.mail_from,
                organisation=settings.organisation_name,
                link=link,
                glossary=glossary,
                now=workspace.clock(),
            )
        )
    return letters, told


def tell_participants(
    *,
    workspace: Workspace,
    cycle_id: str,
    decision: SignoffDecision | None = None,
    progress: Progress | None = None,
) -> Told:
    """Send each participant who gave feedback one message about the board's decision.

    ``decision`` defaults to the one recorded in ``reviews/<cycle>/decision.yaml``. A rerun
    sends nothing twice; people who opted out or were erased get nothing. Raises
    DeliveryError naming every message that could not be sent (the rest are sent).
    """
    from coproduce.channels.email import Outgoing, send_batch
    from coproduce.errors import DeliveryError

    outcomes = outcomes_of(workspace, cycle_id, decision)
    letters, told = prepare_letters(workspace, outcomes)
    register = workspace.register
    done_before = register.messaged(cycle_id, kind=told.kind)
    todo = [letter for letter in letters if letter.participant not in done_before]
    told.already = sorted(x.participant for x in letters if x.participant in done_before)
    problems: list[str] = []
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        items = [Outgoing(x.message, cycle_id, x.participant, x.kind) for x in chunk]
        report = send_batch(register, items, workspace.open_mailer())
        sent = set(report.sent)
        for letter, item in zip(chunk, items, strict=True):
            if item.message_id in sent:
                told.sent.append(letter.participant)
            elif item.message_id in report.skipped:
                told.already.append(letter.participant)
        problems += [f"{mid}: {why}" for mid, why in report.failed.items()]
        problems += [f"{mid}: not tried (server unreachable)" for mid in report.deferred]
        if progress is not None:
            progress(min(start + BATCH, len(todo)), len(todo))
    if problems:
        raise DeliveryError(
            f"{len(problems)} of {len(todo)} messages were not sent (run again to retry them)",
            problems=problems,
        )
    return told


def write_feedback_report(
    *,
    workspace: Workspace,
    cycle_id: str,
    out_dir: Path,
    decision: SignoffDecision | None = None,
) -> Report:
    """Write every participant's message and the per-audience summaries into ``out_dir``.

    Nothing is sent and nothing is committed. The folder holds personal data (the messages
    to adults greet them by name), so it gets a ``.gitignore`` that keeps it out of git.
    """
    outcomes = outcomes_of(workspace, cycle_id, decision)
    letters, told = prepare_letters(workspace, outcomes, links=False)
    told.already = sorted(workspace.register.messaged(cycle_id, kind=told.kind))
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(f"{folder} is a file, not a folder")
    people = folder / "participants"
    people.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("# personal data: never commit\n*\n", encoding="utf-8")
    written = []
    for letter in letters:
        stem = people / letter.participant
        for suffix, data in ((".txt", letter.text), (".html", letter.html)):
            path = stem.with_suffix(suffix)
            path.write_text(data, encoding="utf-8")
            written.append(path)
        eml = stem.with_suffix(".eml")
        eml.write_bytes(letter.message.as_bytes())
        written.append(eml)
    summaries = summarise(outcomes, list(_audiences(workspace).values()))
    pages = render_summaries(
        outcomes,
        summaries,
        organisation=workspace.settings.organisation_name,
        overrides=workspace.templates,
    )
    made = []
    for suffix, text in pages.items():
        path = folder / f"summary.{suffix}"
        path.write_text(text, encoding="utf-8")
        made.append(path)
    # One page per audience too, for a partner who passes on only their group's.
    (folder / "summaries").mkdir(exist_ok=True)
    for one in summaries:
        pages = render_summaries(
            outcomes,
            [one],
            organisation=workspace.settings.organisation_name,
            overrides=workspace.templates,
        )
        for suffix, text in pages.items():
            path = folder / "summaries" / f"{one.audience.id}.{suffix}"
            path.write_text(text, encoding="utf-8")
            made.append(path)
    index = {**told.as_dict(), "messages": len(letters), "young_people": _young(letters)}
    (folder / "report.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return Report(folder=folder, letters=written, summaries=made, told=told, messages=len(letters))


def outcomes_for_token(
    *, workspace: Workspace, token: str
) -> tuple[CycleOutcomes, ParticipantOutcomes] | None:
    """Return the cycle's outcomes and the link holder's own, once the board has decided.

    A link keeps showing this after it stopped taking comments (and to someone who opted out
    of mail: it is not mail); an unknown link, an erased person, someone who gave no
    feedback, or a cycle with no decision yet gives None.
    """
    from coproduce.errors import NotFoundError
    from coproduce.store.tokens import read_token

    if not token or len(token) > 200:
        return None
    entry = read_token(workspace.register, token)
    if entry is None:
        return None
    try:
        outcomes = outcomes_of(workspace, entry.cycle)
    except NotFoundError:
        return None
    person = outcomes.people.get(entry.participant_id)
    if person is None or entry.participant_id not in outcomes.records:
        return None  # no feedback, or erased
    return outcomes, person


def _recorded_next_update(workspace: Workspace, cycle_id: str) -> tuple[object, dt.date | None]:
    from coproduce.errors import NotFoundError

    try:
        return load_decision(workspace.repo, cycle_id)
    except NotFoundError:
        return None, None


def _audiences(workspace: Workspace) -> dict[str, Audience]:
    return {a.id: a for a in (*BUILT_IN_AUDIENCES, *workspace.settings.audiences)}


def _young(letters: list[Letter]) -> int:
    return sum(1 for letter in letters if letter.youth)
