"""Record the board's decision on a cycle in sign-off; an approval tags and publishes.

``sign_off`` is the one entry point: the ``coproduce signoff`` command, the await-signoff
flow (resumed with the board's decision) and any script call it. An approval commits the
decision with the front matter (``status: approved``, the version), puts the annotated tag
``<slug>/v<version>`` on that commit, and publishes the clean Word, HTML and PDF files to
``published/<slug>/v<version>/`` (and the publication directory, when one is configured). A
return sends the cycle back to triage; a rejection ends it. Everything is checked, and the
files rendered, before anything is committed; the same decision recorded twice changes
nothing (an approval interrupted after its commit gets its tag and files on the repeat).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coproduce.models import DecisionOutcome, Person, SignoffDecision, SignoffResult
from coproduce.review import record
from coproduce.review.decided import (
    add_tag,
    decision_path,
    edition_record,
    publish,
    recorded_result,
    repeat_result,
    result_of,
)
from coproduce.review.decision import DecisionPlan, plan_decision
from coproduce.review.service import DECISION_EVENTS

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo

__all__ = ["check_sign_off", "decision_answer", "recorded_result", "sign_off", "sign_off_answer"]


def decision_answer(
    *,
    outcome: str | DecisionOutcome,
    decided_by: str,
    recorded_by: str,
    minute: str = "",
    decided: dt.date | None = None,
    version: str | None = None,
    notes: str = "",
    conditions: Sequence[str] = (),
    amendments: Sequence[str] = (),
    next_update: dt.date | None = None,
) -> dict[str, Any]:
    """Return the decision's fields as the flow's typed input and ``plan_decision`` take them."""
    answer: dict[str, Any] = {
        "outcome": str(outcome),
        "decided_by": decided_by,
        "recorded_by": recorded_by,
        "minute": minute,
        "notes": notes,
        "conditions": list(conditions),
        "amendments": list(amendments),
    }
    for key, value in (("decided", decided), ("version", version), ("next_update", next_update)):
        if value is not None:
            answer[key] = value
    return answer


def check_sign_off(
    *, repo: GuidanceRepo, cycle_id: str, answer: dict[str, Any], pack: Path | None = None
) -> DecisionPlan | SignoffResult:
    """Check a decision without writing anything: its plan, or the result of the same one made."""
    done = repeat_result(repo, cycle_id, answer)
    return (
        done
        if done is not None
        else plan_decision(repo=repo, cycle_id=cycle_id, answer=answer, pack=pack)
    )


def sign_off(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    outcome: str | DecisionOutcome,
    decided_by: str,
    author: Person,
    minute: str = "",
    decided: dt.date | None = None,
    version: str | None = None,
    notes: str = "",
    conditions: Sequence[str] = (),
    amendments: Sequence[str] = (),
    next_update: dt.date | None = None,
    pack: Path | None = None,
    now: dt.datetime | None = None,
) -> SignoffResult:
    """Record the board's decision on ``cycle_id``; return what it did (see the module doc)."""
    answer = decision_answer(
        outcome=outcome,
        decided_by=decided_by,
        recorded_by=author.name,
        minute=minute,
        decided=decided,
        version=version,
        notes=notes,
        conditions=conditions,
        amendments=amendments,
        next_update=next_update,
    )
    return sign_off_answer(repo=repo, cycle_id=cycle_id, answer=answer, author=author, pack=pack,
                           now=now)  # fmt: skip


def sign_off_answer(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    answer: dict[str, Any],
    author: Person,
    pack: Path | None = None,
    now: dt.datetime | None = None,
) -> SignoffResult:
    """Record a decision given as its fields (the flow's typed input, ``decision_answer``)."""
    checked = check_sign_off(repo=repo, cycle_id=cycle_id, answer=answer, pack=pack)
    if isinstance(checked, SignoffResult):
        return checked
    return _apply(repo, checked, author=author, now=record.as_utc(now or record.utcnow()))


def _apply(repo: GuidanceRepo, plan: DecisionPlan, *, author: Person, now: dt.datetime) -> Any:
    from coproduce.publish.render import discard, render_edition

    decision = plan.decision
    edition = None
    if plan.document is not None and plan.tag is not None:
        edition = render_edition(repo, plan.document, tag=plan.tag, record=edition_record(plan))
        decision = decision.model_copy(update={"published": edition.files()})
    try:
        with record.cycle_lock(repo, plan.cycle.id):
            cycle = record.load_cycle(repo, plan.cycle.id)
            event = DECISION_EVENTS[decision.outcome.value]
            moved = cycle.apply(event, at=now, actor=author.name, note=_history_note(decision))
            extra = {decision_path(cycle.id): _dump(decision)}
            if plan.approved_text is not None and plan.approved_text != repo.read_text(
                cycle.slug, "HEAD"
            ):
                extra[plan.relpath] = plan.approved_text
            record.save_cycle(
                repo,
                moved,
                author=author,
                extra=extra,
                message=_commit_message(decision, cycle.slug),
            )
            if decision.outcome.approves:
                add_tag(repo, decision, slug=cycle.slug, author=author)
    except BaseException:
        if edition is not None:
            discard(edition)
        raise
    result = result_of(repo, decision, slug=plan.cycle.slug)
    if edition is not None:
        publish(repo, edition, result, directory=plan.publish_directory, now=now)
    return result


def _history_note(decision: SignoffDecision) -> str:
    parts = [decision.outcome.value, decision.decided_by]
    if decision.minute:
        parts.append(decision.minute)
    if decision.notes:
        parts.append(decision.notes)
    return "; ".join(parts)


def _commit_message(decision: SignoffDecision, slug: str) -> str:
    if decision.outcome.approves:
        return f"Approve {slug} version {decision.version}: board decision on {decision.cycle}"
    return f"Record board decision on {decision.cycle}: {decision.outcome.value}"


def _dump(decision: SignoffDecision) -> str:
    return record.dump_yaml(decision.model_dump(mode="json", exclude_none=True))
