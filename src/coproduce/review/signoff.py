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

from coproduce.models import (
    DecisionOutcome,
    Person,
    SignoffDecision,
    SignoffResult,
    load_model,
)
from coproduce.review import record
from coproduce.review.decision import DecisionPlan, expected_state, parse_outcome, plan_decision
from coproduce.review.service import DECISION_EVENTS

if TYPE_CHECKING:
    from coproduce.publish import Edition
    from coproduce.store import GuidanceRepo


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
    done = _repeat(repo, cycle_id, answer)
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
        edition = render_edition(repo, plan.document, tag=plan.tag, record=_edition_record(plan))
        decision = decision.model_copy(update={"published": edition.files()})
    try:
        with record.cycle_lock(repo, plan.cycle.id):
            cycle = record.load_cycle(repo, plan.cycle.id)
            event = DECISION_EVENTS[decision.outcome.value]
            moved = cycle.apply(event, at=now, actor=author.name, note=_history_note(decision))
            extra = {_decision_path(cycle.id): _dump(decision)}
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
                _tag(repo, decision, slug=cycle.slug, author=author)
    except BaseException:
        if edition is not None:
            discard(edition)
        raise
    result = _result(repo, decision, slug=plan.cycle.slug)
    if edition is not None:
        _publish(repo, edition, result, directory=plan.publish_directory, now=now)
    return result


def _publish(
    repo: GuidanceRepo,
    edition: Edition,
    result: SignoffResult,
    *,
    directory: Path | None,
    now: dt.datetime,
) -> None:
    from coproduce.publish import copy_shelf, shelve

    files = edition.files()
    folder = shelve(repo.root, edition, at=now)
    result.published = [str(folder / name) for name in files]
    result.notes_for_reader = list(edition.notes)
    if directory is not None:
        result.publication_copy = str(copy_shelf(repo.root, edition.slug, directory) / folder.name)


def _tag(repo: GuidanceRepo, decision: SignoffDecision, *, slug: str, author: Person) -> str:
    version = str(decision.version)
    return repo.approve(
        slug, version, author=author, message=tag_message(decision, slug), rev="HEAD"
    )


def tag_message(decision: SignoffDecision, slug: str) -> str:
    """Return the approval tag's message: decision, body, date, minute, pack and cycle."""
    amendments = " ".join(decision.amendments) or "none"
    lines = [
        f"Approve {slug} version {decision.version}",
        "",
        f"Decision: {decision.outcome.value}",
        f"Body: {decision.decided_by}",
        f"Date: {decision.decided.isoformat()}",
        f"Minute: {decision.minute or '(none given)'}",
        f"Cycle: {decision.cycle}",
        f"Pack manifest sha256: {decision.pack_manifest_sha256}",
        f"Proposed commit: {decision.proposed_commit}",
        f"Amendments: {amendments}",
        f"Recorded by: {decision.recorded_by}",
    ]
    if decision.notes:
        lines.append(f"Note: {decision.notes}")
    lines += [f"Condition: {c}" for c in decision.conditions]
    return "\n".join(lines) + "\n"


def _repeat(repo: GuidanceRepo, cycle_id: str, answer: dict[str, Any]) -> SignoffResult | None:
    """Return the result of this decision when it is already recorded (completing an approval)."""
    path = repo.root / _decision_path(cycle_id)
    if not path.is_file():
        return None
    stored = load_model(
        SignoffDecision, record.load_yaml(path.read_text(encoding="utf-8")), what=str(path)
    )
    outcome = parse_outcome(str(answer["outcome"]))
    cycle = record.load_cycle(repo, cycle_id)
    same = (
        stored.outcome is outcome
        and stored.decided_by == answer["decided_by"]
        and stored.minute == answer.get("minute", "")
        and str(answer.get("decided") or stored.decided) == stored.decided.isoformat()
        and (answer.get("version") or stored.version) == stored.version
        and cycle.state is expected_state(outcome)
        and bool(cycle.history)
        and cycle.history[-1].event is DECISION_EVENTS[outcome.value]
    )
    if not same:
        return None
    if (
        outcome.approves
        and stored.tag
        and repo.backend.commit_sha(f"refs/tags/{stored.tag}") is None
    ):
        person = Person(name=stored.recorded_by, email="")
        _tag(repo, stored, slug=cycle.slug, author=person)
    result = _result(repo, stored, slug=cycle.slug)
    result.repeated = True
    if outcome.approves:
        _republish(repo, stored, result, slug=cycle.slug)
    return result


def recorded_result(repo: GuidanceRepo, cycle_id: str) -> SignoffResult | None:
    """Return what the cycle's recorded decision did (None when none is recorded); no writes."""
    from coproduce.publish.shelf import METADATA, PUBLISHED

    path = repo.root / _decision_path(cycle_id)
    if not path.is_file():
        return None
    stored = load_model(
        SignoffDecision, record.load_yaml(path.read_text(encoding="utf-8")), what=str(path)
    )
    slug = record.load_cycle(repo, cycle_id).slug
    result = _result(repo, stored, slug=slug)
    folder = repo.root / PUBLISHED / slug / f"v{stored.version}"
    if stored.outcome.approves and (folder / METADATA).is_file():
        result.published = [str(folder / name) for name in stored.published]
    return result


def _republish(
    repo: GuidanceRepo, stored: SignoffDecision, result: SignoffResult, *, slug: str
) -> None:
    from coproduce.publish.shelf import METADATA, PUBLISHED

    folder = repo.root / PUBLISHED / slug / f"v{stored.version}"
    if (folder / METADATA).is_file():
        result.published = [str(folder / name) for name in stored.published]
        return
    from coproduce.publish.render import render_edition
    from coproduce.review.decision import publish_directory

    document = repo.read_document(slug, str(stored.tag))
    edition = render_edition(repo, document, tag=str(stored.tag), record=_record_fields(stored))
    _publish(repo, edition, result, directory=publish_directory(repo), now=record.utcnow())


def _result(repo: GuidanceRepo, decision: SignoffDecision, *, slug: str) -> SignoffResult:
    cycle = record.load_cycle(repo, decision.cycle)
    tagged = repo.resolve(decision.tag) if decision.outcome.approves and decision.tag else None
    approved = None
    if decision.outcome.approves:
        approved = decision.amendments[-1] if decision.amendments else decision.proposed_commit
    return SignoffResult(
        cycle=decision.cycle,
        slug=slug,
        outcome=decision.outcome,
        state=cycle.state.value,
        decided_by=decision.decided_by,
        decided=decision.decided,
        minute=decision.minute,
        notes=decision.notes,
        version=decision.version,
        tag=decision.tag if tagged else None,
        commit=tagged,
        approved_commit=approved,
        proposed_commit=decision.proposed_commit,
        amendments=decision.amendments,
        next_update=decision.next_update,
        pack_manifest_sha256=decision.pack_manifest_sha256,
    )


def _edition_record(plan: DecisionPlan) -> dict[str, Any]:
    return {**_record_fields(plan.decision), "approved_commit": plan.approved_commit}


def _record_fields(decision: SignoffDecision) -> dict[str, Any]:
    return {
        "cycle": decision.cycle,
        "decided_by": decision.decided_by,
        "decided": decision.decided.isoformat(),
        "minute": decision.minute,
        "pack_manifest_sha256": decision.pack_manifest_sha256,
        "amendments": decision.amendments,
    }


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


def _decision_path(cycle_id: str) -> str:
    return f"{record.REVIEWS}/{cycle_id}/{record.DECISION_FILE}"


def _dump(decision: SignoffDecision) -> str:
    return record.dump_yaml(decision.model_dump(mode="json", exclude_none=True))
