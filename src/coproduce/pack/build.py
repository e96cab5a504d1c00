"""Build the sign-off pack for a cycle: every voice with its outcome, every change traced.

``build_pack`` writes a folder and a zip and returns the manifest; ``record_pack`` commits the
manifest's hash under ``reviews/<cycle>/packs/`` and moves the cycle to sign-off (awaiting the
board's decision). The pack refuses to build while any item lacks an outcome, unless asked for
a draft, which says so on its cover.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.errors import InvalidInputError, NotFoundError, StateError
from coproduce.models import CycleState, PackFile, PackManifest, Person, ReviewCycle
from coproduce.models.pack import PackFileKind
from coproduce.pack import chart, consent, cover, log, manifest, trace, tracked
from coproduce.pack.context import cover_context, people_counts
from coproduce.review import record
from coproduce.triage import Triage, load_triage

if TYPE_CHECKING:
    from coproduce.redline import Redline
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import Register

NOT_FOR_DECISION = frozenset({CycleState.DRAFT, CycleState.OPEN})


@dataclass
class PackResult:
    """A built pack: where it is, what it holds, and anything the reader should know."""

    folder: Path
    zip: Path
    manifest: PackManifest
    manifest_sha256: str
    warnings: list[str] = field(default_factory=list)


def check_ready(cycle: ReviewCycle, triage: Triage, *, allow_undecided: bool) -> bool:
    """Return whether the pack is a draft; raise when it may not be built at all."""
    undecided = [i.id for i in triage.undecided]
    if undecided and not allow_undecided:
        shown = ", ".join(undecided[:10]) + (" …" if len(undecided) > 10 else "")
        raise StateError(
            f"{len(undecided)} feedback item(s) have no outcome yet ({shown}): triage them, "
            "or build a draft with --allow-undecided"
        )
    if cycle.state in NOT_FOR_DECISION and not allow_undecided:
        raise StateError(
            f"review {cycle.id} is {cycle.state.value}: close it first, "
            "or build a draft with --allow-undecided"
        )
    return bool(undecided) or cycle.state in NOT_FOR_DECISION


def build_pack(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    out_dir: Path,
    author: Person,
    register: Register | None = None,
    allow_undecided: bool = False,
    proposed: str = "HEAD",
    now: dt.datetime | None = None,
) -> PackResult:
    """Write the sign-off pack of ``cycle_id`` into ``out_dir`` (a folder and a zip)."""
    from coproduce.guidance import reference_for
    from coproduce.redline import redline

    now = record.as_utc(now or record.utcnow()).replace(microsecond=0)
    if not out_dir.is_dir():
        raise NotFoundError(f"output folder does not exist: {out_dir}")
    triage = load_triage(repo, cycle_id, proposed=proposed)
    cycle = triage.cycle
    draft = check_ready(cycle, triage, allow_undecided=allow_undecided)
    result = redline(repo, cycle.slug, base=cycle.base, proposed=proposed, allow_empty=True)
    commits = repo.commits_between(cycle.base, proposed, cycle.slug)
    traced = trace.trace_changes(result.changes, commits)
    participant_ids = {i.participant for i in triage.items}
    people = register.get_participants(participant_ids) if register is not None else {}
    youth = [a.id for a in repo.settings.all_audiences() if a.youth]
    voices = consent.voices(triage.items, triage.dispositions, people, youth_audiences=youth)
    warnings = tracked.add_feedback_comments(
        result, traced, voices, waiting=triage.not_acted_on, date=now
    )
    invited, responded = people_counts(cycle, triage.items, register)
    rows = chart.participation(cycle.audiences, invited, responded, _outcomes_by_audience(voices))
    png = chart.draw_chart(rows, outcome_labels())
    chart_text = chart.describe(rows)
    log_rows = log.log_rows(voices, traced)
    context = cover_context(
        cycle=cycle,
        triage=triage,
        voices=voices,
        traced=traced,
        log_rows=log_rows,
        rows=rows,
        people=people,
        title=result.changes.proposed.meta.title,
        organisation=repo.settings.organisation_name,
        draft=draft,
        proposed_sha=repo.resolve(proposed),
        now=now,
    )
    paper = cover.render_cover(
        context,
        chart_png=png,
        chart_text=chart_text,
        overrides=repo.root / "templates",
        reference=reference_for(repo),
    )
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    name = f"{cycle.id}-{stamp}{'-DRAFT' if draft else ''}"
    final, archive = out_dir / name, out_dir / f"{name}.zip"
    if final.exists() or archive.exists():
        raise InvalidInputError(f"{final} already exists: choose another folder")
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out_dir))
    try:
        files = _write_files(
            work,
            repo=repo,
            cycle=cycle,
            result=result,
            paper=paper,
            png=png,
            log_bytes=log.write_log(log_rows, traced, voices),
            traced=traced,
            voices=voices,
            reference=reference_for(repo),
        )
        text = repo.read_text(cycle.slug, proposed).encode("utf-8")
        pack_manifest = PackManifest(
            cycle=cycle.id,
            slug=cycle.slug,
            base=cycle.base or "",
            proposed=proposed,
            base_commit=repo.resolve(cycle.base) if cycle.base else "",
            proposed_commit=repo.resolve(proposed),
            proposed_text_sha256=manifest.sha256(text),
            generated=now,
            generated_by=author.name,
            draft=draft,
            files=files,
            feedback_total=len(triage.items),
            feedback_by_outcome=triage.by_outcome(),
            participants_by_audience={r.audience: r.responded for r in rows},
            undisposed=[i.id for i in triage.undecided],
            accepted_not_acted_on=[i.id for i in triage.not_acted_on],
        )
        data = manifest.write_manifest(work, pack_manifest)
        work.rename(final)
        manifest.write_zip(final, archive)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)
        archive.unlink(missing_ok=True)
        raise
    if draft:
        why = (
            f"{len(triage.undecided)} item(s) undecided"
            if triage.undecided
            else f"the review is still {cycle.state.value}"
        )
        warnings.insert(0, f"DRAFT — NOT FOR DECISION: {why}")
    return PackResult(final, archive, pack_manifest, manifest.sha256(data), warnings)


def outcome_labels() -> list[str]:
    """Return the outcome labels in chart order, "no outcome yet" last."""
    from coproduce.models import Outcome

    return [o.label for o in Outcome if o is not Outcome.SAFEGUARDING] + ["no outcome yet"]


def _outcomes_by_audience(voices: dict[str, consent.Voice]) -> dict[str, dict[str, int]]:
    # Safeguarding items are one total for the whole pack: by audience, a small group's count
    # could point at a person.
    found: dict[str, dict[str, int]] = {}
    for voice in voices.values():
        if voice.safeguarding:
            continue
        by = found.setdefault(voice.item.audience, {})
        by[voice.outcome_label] = by.get(voice.outcome_label, 0) + 1
    return found


def _write_files(
    folder: Path,
    *,
    repo: GuidanceRepo,
    cycle: ReviewCycle,
    result: Redline,
    paper: cover.Cover,
    png: bytes,
    log_bytes: bytes,
    traced: trace.Trace,
    voices: dict[str, consent.Voice],
    reference: Path,
) -> list[PackFile]:
    from coproduce.document import render_html
    from coproduce.docx import render_docx_bytes

    slug = cycle.slug
    document = result.changes.proposed
    clean_html = render_html(document, overrides=repo.root / "templates")
    outputs: dict[str, tuple[PackFileKind, bytes]] = {
        f"{slug}-tracked-changes.docx": ("tracked-docx", result.to_bytes()),
        f"{slug}-proposed.docx": ("clean-docx", render_docx_bytes(document, reference=reference)),
        f"{slug}-proposed.html": ("clean-html", clean_html.encode("utf-8")),
        "cover-paper.docx": ("cover-paper", paper.docx),
        "cover-paper.html": ("cover-paper-html", paper.html.encode("utf-8")),
        cover.CHART_FILE: ("chart", png),
        "feedback-log.xlsx": ("feedback-log", log_bytes),
        "traceability.json": ("traceability", _trace_json(traced, voices)),
    }
    for name, (_, data) in outputs.items():
        (folder / name).write_bytes(data)
    return [manifest.pack_file(folder, name, kind) for name, (kind, _) in outputs.items()]


def _trace_json(traced: trace.Trace, voices: dict[str, consent.Voice]) -> bytes:
    changes = [
        dict(zip(("change", "section", "what", "summary", "feedback", "commits"), row, strict=True))
        for row in log.change_rows(traced, voices)
    ]
    accepted = [
        dict(zip(("item", "outcome", "audience", "carried_by"), row, strict=True))
        for row in log.accepted_rows(traced, voices)
    ]
    text = json.dumps({"changes": changes, "accepted": accepted}, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")
