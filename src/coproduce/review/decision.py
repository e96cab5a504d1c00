"""Check a board decision before anything is written, and work out what it will write.

Every refusal is one line naming what is wrong (the pack file that changed, the commit not
listed as an amendment, the version already taken); nothing is written until all checks pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from coproduce.errors import ConflictError, InvalidInputError, NotFoundError
from coproduce.models import (
    CycleState,
    DecisionOutcome,
    Document,
    ReviewCycle,
    SignoffDecision,
    approved_tag,
    load_model,
    next_state,
)
from coproduce.review import record
from coproduce.review.service import DECISION_EVENTS

if TYPE_CHECKING:
    from coproduce.pack.seal import SealedPack
    from coproduce.store import GuidanceRepo

DECISIONS = ("approved", "returned", "rejected")


@dataclass
class DecisionPlan:
    """A checked decision: the record to commit and, for an approval, the text and tag."""

    cycle: ReviewCycle
    decision: SignoffDecision
    pack: SealedPack
    approved_commit: str | None = None
    approved_text: str | None = None
    document: Document | None = None
    tag: str | None = None
    publish_directory: Path | None = None

    @property
    def relpath(self) -> str:
        return f"guidance/{self.cycle.slug}.md"


def parse_outcome(value: str) -> DecisionOutcome:
    """Return the outcome ``value`` names; one clear line when it names none."""
    try:
        return DecisionOutcome(value)
    except ValueError:
        raise InvalidInputError(
            f"unknown decision {value!r}: choose one of {', '.join(DECISIONS)}"
        ) from None


def plan_decision(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    answer: dict[str, Any],
    pack: Path | None = None,
    today: dt.date | None = None,
) -> DecisionPlan:
    """Check ``answer`` (the decision's fields) against the cycle, its pack and the document."""
    from coproduce.pack.seal import seal_pack

    cycle = record.load_cycle(repo, cycle_id)
    outcome = parse_outcome(str(answer["outcome"]))
    next_state(cycle.state, DECISION_EVENTS[outcome.value], cycle_id=cycle.id)
    sealed = seal_pack(repo, cycle.id, pack)
    settings = repo.settings
    decided = answer.get("decided") or today or dt.datetime.now(ZoneInfo(settings.timezone)).date()
    fields: dict[str, Any] = {
        **answer,
        "cycle": cycle.id,
        "decided": decided,
        "pack_manifest_sha256": sealed.record.manifest_sha256,
        "proposed_commit": sealed.record.proposed_commit,
    }
    if outcome.approves:
        fields["version"] = answer.get("version") or _draft_number(repo, cycle, sealed)
        fields["tag"] = approved_tag(cycle.slug, fields["version"])
        fields["next_update"] = None
    elif not answer.get("next_update"):
        fields["next_update"] = _as_date(decided) + dt.timedelta(days=settings.next_update_days)
    decision = _load_decision(fields)
    plan = DecisionPlan(cycle=cycle, decision=decision, pack=sealed)
    if outcome.approves:
        _plan_approval(repo, plan)
    return plan


def _load_decision(fields: dict[str, Any]) -> SignoffDecision:
    """Return the decision; a single problem is one line (no "top level" jargon)."""
    try:
        return load_model(SignoffDecision, fields, what="the decision")
    except InvalidInputError as e:
        if len(e.problems) != 1:
            raise
        problem = e.problems[0].removeprefix("(top level): ").removeprefix("Value error, ")
        raise InvalidInputError(f"the decision is not valid: {problem}") from e


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _draft_number(repo: GuidanceRepo, cycle: ReviewCycle, sealed: SealedPack) -> str:
    from coproduce.versioning import standing_meta

    proposed = sealed.record.proposed_commit
    meta = repo.read_document(cycle.slug, proposed).meta
    return standing_meta(repo, cycle.slug, meta, rev=proposed).version


def _plan_approval(repo: GuidanceRepo, plan: DecisionPlan) -> None:
    from coproduce.approval import check_new_number

    decision, slug = plan.decision, plan.cycle.slug
    number = str(decision.version)  # an approval's model requires one
    check_new_number(repo, slug=slug, number=number)
    if repo.backend.dirty_paths([plan.relpath]):
        raise ConflictError(
            f"{plan.relpath} has changes not yet committed: commit them (an amendment the "
            "board approved) or undo them before signing off"
        )
    amendments = _amendments(repo, plan, decision.amendments)
    plan.approved_commit = amendments[-1] if amendments else decision.proposed_commit
    plan.decision = decision.model_copy(update={"amendments": amendments})
    text = repo.read_text(slug, "HEAD")
    document = repo.read_document(slug, "HEAD")
    meta = document.meta.model_copy(update={"status": "approved", "version": number})
    plan.document = document.model_copy(update={"meta": meta})
    plan.approved_text = set_front_matter(text, meta) if meta != document.meta else text
    plan.tag = decision.tag
    plan.publish_directory = publish_directory(repo)


def _amendments(repo: GuidanceRepo, plan: DecisionPlan, amendments: Sequence[str]) -> list[str]:
    """Return the amendments as full shas, oldest first (the last one is the approved text).

    Every commit that changed the document since the pack's proposed commit must be listed as
    an amendment, and every amendment must be such a commit.
    """
    proposed = plan.decision.proposed_commit
    changed = repo.backend.log(f"{proposed}..HEAD", paths=[plan.relpath])  # newest first
    shas = [e.sha for e in changed]
    listed = []
    for given in amendments:
        try:
            sha = repo.resolve(given)
        except NotFoundError as e:
            raise NotFoundError(f"--amendment {given}: no such commit") from e
        if sha not in shas:
            raise InvalidInputError(
                f"--amendment {given}: not a commit changing {plan.relpath} after the pack's "
                f"proposed commit {proposed[:12]}"
            )
        listed.append(sha)
    for entry in changed:
        if entry.sha not in listed:
            raise ConflictError(
                f"{plan.relpath} changed after the pack was built (commit {entry.sha[:12]} "
                f'"{entry.message}"): list it with --amendment if the board approved it, or '
                "build a new pack"
            )
    return shas[::-1]


def set_front_matter(text: str, meta: Any) -> str:
    """Return ``text`` with its front matter replaced by ``meta`` and its body byte for byte."""
    from coproduce.document.frontmatter import dump_front_matter, split_front_matter

    _, body, _ = split_front_matter(text)
    return dump_front_matter(meta) + ("\n" + body if body and not body.startswith("\n") else body)


def publish_directory(repo: GuidanceRepo) -> Path | None:
    """Return the configured publication directory; one line when it does not exist."""
    configured = repo.settings.publish_directory
    if configured is None:
        return None
    folder = repo.root / configured
    if not folder.is_dir():
        raise NotFoundError(f"publish.directory {folder} does not exist: create it or unset it")
    return folder


def expected_state(outcome: DecisionOutcome) -> CycleState:
    """Return the state a cycle in sign-off moves to on ``outcome``."""
    return next_state(CycleState.IN_SIGNOFF, DECISION_EVENTS[outcome.value])
