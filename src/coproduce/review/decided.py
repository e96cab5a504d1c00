"""What a recorded decision did: its result, its tag, its published files.

A decision is recorded once; asked again, the same decision reports what it did, and an
approval interrupted after its commit gets its tag and its files then.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coproduce.models import Person, SignoffDecision, SignoffResult, load_model
from coproduce.review import record
from coproduce.review.decision import DecisionPlan, expected_state, parse_outcome
from coproduce.review.service import DECISION_EVENTS

if TYPE_CHECKING:
    from coproduce.publish import Edition
    from coproduce.store import GuidanceRepo


def publish(
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


def add_tag(repo: GuidanceRepo, decision: SignoffDecision, *, slug: str, author: Person) -> str:
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


def repeat_result(
    repo: GuidanceRepo, cycle_id: str, answer: dict[str, Any]
) -> SignoffResult | None:
    """Return the result of this decision when it is already recorded (completing an approval)."""
    path = repo.root / decision_path(cycle_id)
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
        add_tag(repo, stored, slug=cycle.slug, author=person)
    result = result_of(repo, stored, slug=cycle.slug)
    result.repeated = True
    if outcome.approves:
        _republish(repo, stored, result, slug=cycle.slug)
    return result


def recorded_result(repo: GuidanceRepo, cycle_id: str) -> SignoffResult | None:
    """Return what the cycle's recorded decision did (None when none is recorded); no writes."""
    from coproduce.publish.shelf import METADATA, PUBLISHED

    path = repo.root / decision_path(cycle_id)
    if not path.is_file():
        return None
    stored = load_model(
        SignoffDecision, record.load_yaml(path.read_text(encoding="utf-8")), what=str(path)
    )
    slug = record.load_cycle(repo, cycle_id).slug
    result = result_of(repo, stored, slug=slug)
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
    publish(repo, edition, result, directory=publish_directory(repo), now=record.utcnow())


def result_of(repo: GuidanceRepo, decision: SignoffDecision, *, slug: str) -> SignoffResult:
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


def edition_record(plan: DecisionPlan) -> dict[str, Any]:
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


def decision_path(cycle_id: str) -> str:
    return f"{record.REVIEWS}/{cycle_id}/{record.DECISION_FILE}"
