"""Gather feedback from files and facilitators: what ``coproduce feedback`` does, as a library.

Every file is read and checked first, and every problem in every file is reported together;
nothing is recorded unless all of it is clean (``skip_bad_rows`` leaves out bad survey rows
instead). Then each submission goes through ``channels.submit`` once, keyed so a re-import
adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.channels.reply import WORD_SUFFIXES, read_reply_submissions
from coproduce.channels.safeguarding import Contact, Safeguarding, hold_concern, route_concern
from coproduce.channels.submit import Receipt, fields_key, submit, submit_all
from coproduce.channels.survey import SURVEY_SUFFIXES, read_survey
from coproduce.channels.survey_map import MAX_TEXT, ColumnMap, map_rows
from coproduce.errors import CoproduceError, InvalidInputError, NotFoundError
from coproduce.models import HELD_TEXT, Audience, FeedbackItem, Provenance
from coproduce.review import record
from coproduce.review.feedback import (
    ANONYMOUS,
    INTAKE,
    Submission,
    feedback_path,
    iter_feedback,
)

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import Register


@dataclass
class ImportReport:
    """What an import recorded, what it had already, and what it warned about."""

    receipts: list[Receipt] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def recorded(self) -> list[FeedbackItem]:
        return [r.item for r in self.receipts if r.item is not None]

    @property
    def duplicates(self) -> int:
        return sum(r.duplicate for r in self.receipts)


def import_files(
    *,
    repo: GuidanceRepo,
    register: Register | None,
    cycle_id: str,
    paths: list[Path],
    audiences: list[Audience],
    mapping: ColumnMap | None = None,
    default_audience: str | None = None,
    participant: str | None = None,
    skip_bad_rows: bool = False,
    safeguarding: Safeguarding | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import returned Word files and survey exports into a cycle; see the module doc."""
    cycle = record.load_cycle(repo, cycle_id)
    invited = [a for a in audiences if a.id in cycle.audiences]
    report = ImportReport()
    problems: list[str] = []
    queue: list[tuple[Submission, str, Contact | None]] = []
    document = None
    for path in paths:
        suffix = path.suffix.lower()
        try:
            if suffix in WORD_SUFFIXES:
                found = read_reply_submissions(path, cycle_id=cycle_id, participant=participant)
                queue.extend((s, k, None) for s, k in found.submissions)
                report.warnings.extend(found.warnings)
            elif suffix in SURVEY_SUFFIXES:
                if mapping is None:
                    raise InvalidInputError(
                        f'{path.name}: map its columns (--map comment="Your comments" or '
                        "--mapping FILE)"
                    )
                document = document or repo.read_document(cycle.slug, cycle.proposed)
                rows = map_rows(
                    read_survey(path),
                    mapping,
                    document=document,
                    audiences=invited,
                    default_audience=default_audience,
                    name=path.name,
                )
                queue.extend(rows.submissions)
                if rows.problems and skip_bad_rows:
                    report.warnings.extend(f"skipped: {p}" for p in rows.problems)
                else:
                    problems.extend(rows.problems)
            else:
                problems.append(f"{path.name}: not a file feedback comes in (.docx, .csv or .xlsx)")
        except CoproduceError as e:
            problems.extend([f"{path.name}: {e}" if path.name not in str(e) else str(e)])
            problems.extend(f"  {p}" for p in e.problems)
    problems.extend(_check_queue(queue, register, invited, default_audience))
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise InvalidInputError(
            f"nothing imported: {len(problems)} {noun} in the files", problems=problems
        )
    report.receipts.extend(
        submit_all(
            repo=repo,
            register=register,
            cycle_id=cycle_id,
            queue=queue,
            safeguarding=safeguarding,
            now=now,
            progress=None if progress is None else lambda done: progress(done, len(queue)),
        )
    )
    report.warnings.extend(w for r in report.receipts for w in r.warnings)
    return report


def _check_queue(
    queue: list[tuple[Submission, str, Contact | None]],
    register: Register | None,
    invited: list[Audience],
    default_audience: str | None,
) -> list[str]:
    """Return what would stop a submission being recorded, so nothing is half imported."""
    problems: list[str] = []
    ids = {a.id for a in invited}
    if default_audience is not None and default_audience not in ids:
        problems.append(
            f"--audience {default_audience!r} was not invited to this cycle "
            f"(invited: {', '.join(sorted(ids))})"
        )
    for participant in sorted({s.participant for s, _, _ in queue} - {ANONYMOUS}):
        try:
            if register is None:
                raise NotFoundError("no register")
            if register.get_participant(participant).audience not in ids:
                problems.append(f"participant {participant} was not invited to this cycle")
        except NotFoundError:
            problems.append(f"participant {participant} is not in the register")
    for submission, _, _ in queue:
        if len(submission.text) > MAX_TEXT:
            problems.append(
                f"a comment of {len(submission.text)} characters is over the limit ({MAX_TEXT})"
            )
    return problems


def add_facilitated(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    text: str,
    audience: str,
    provenance: Provenance,
    section: str | None = None,
    quote: str = "",
    safeguarding: Safeguarding | None = None,
    now: dt.datetime | None = None,
) -> Receipt:
    """Record group feedback a facilitator gathered: the audience's voice, never one person's."""
    submission = Submission(
        participant=ANONYMOUS,
        channel="facilitated",
        text=text,
        section=section,
        quote=quote,
        audience=audience,
        provenance=provenance,
    )
    key = fields_key(
        {
            "text": text.strip(),
            "audience": audience,
            "section": section,
            "quote": quote,
            "provenance": provenance.model_dump(mode="json"),
        }
    )
    contact = Contact(how=f"facilitated by {provenance.facilitator}", name=provenance.group)
    return submit(
        repo=repo,
        register=None,
        cycle_id=cycle_id,
        submission=submission,
        key=key,
        safeguarding=safeguarding,
        contact=contact,
        now=now,
    )


def find_item(repo: GuidanceRepo, feedback_id: str) -> FeedbackItem:
    """Return the feedback item with this id, in whichever cycle holds it."""
    for cycle_id in record.iter_cycle_ids(repo):
        if (repo.root / feedback_path(cycle_id, feedback_id)).is_file():
            return next(i for i in iter_feedback(repo, cycle_id) if i.id == feedback_id)
    raise NotFoundError(f"no feedback item {feedback_id}")


def flag_concern(
    *,
    repo: GuidanceRepo,
    register: Register | None,
    feedback_id: str,
    safeguarding: Safeguarding,
) -> tuple[FeedbackItem, str | None]:
    """Hold an item as a safeguarding concern (a lead's manual flag) and send it to the lead.

    Returns the held item and the address it went to (None when sending failed; the concern
    stays held outside git and the error is raised after the item is held).
    """
    item = find_item(repo, feedback_id)
    if item.safeguarding_concern:
        return item, None
    from coproduce.channels.submit import contact_of

    said = " ".join(filter(None, [item.text, item.suggestion or ""]))
    held = hold_concern(
        safeguarding,
        cycle_id=item.cycle,
        feedback_id=item.id,
        text=said,
        audience=item.audience,
        contact=contact_of(register, item.participant),
    )
    changed = item.model_copy(
        update={"text": HELD_TEXT, "suggestion": None, "safeguarding_concern": True}
    )
    data = changed.model_dump(mode="json", exclude_none=True)
    with record.cycle_lock(repo, item.cycle):
        repo.commit_files(
            {feedback_path(item.cycle, item.id): record.dump_yaml(data)},
            author=INTAKE,
            message=f"Hold feedback {item.id} as a safeguarding concern",
            trailers={"Review-Cycle": [item.cycle], "Feedback": [item.id]},
        )
    return changed, route_concern(safeguarding, held)
