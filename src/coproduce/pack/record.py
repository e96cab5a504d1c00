"""Record a built pack in git and move its cycle on to await the board's decision."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from coproduce.models import CycleEvent, CycleState, PackManifest, PackRecord, Person, ReviewCycle
from coproduce.review import record

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo

PACKS_DIR = "packs"
# The transition table's path to "awaiting decision" (in sign-off) from each state it allows.
TO_SIGNOFF: dict[CycleState, tuple[CycleEvent, ...]] = {
    CycleState.CLOSED: (CycleEvent.COMPLETE_TRIAGE, CycleEvent.ISSUE_PACK),
    CycleState.TRIAGED: (CycleEvent.ISSUE_PACK,),
    CycleState.IN_SIGNOFF: (CycleEvent.ISSUE_PACK,),
}


def pack_record_path(cycle_id: str, pack_id: str) -> str:
    """Return the repository path of a pack's record."""
    return f"{record.REVIEWS}/{cycle_id}/{PACKS_DIR}/{pack_id}.yaml"


def record_pack(
    *,
    repo: GuidanceRepo,
    manifest: PackManifest,
    manifest_sha256: str,
    author: Person,
    now: dt.datetime | None = None,
) -> ReviewCycle:
    """Commit the pack's hashes; a complete pack also moves the cycle to sign-off."""
    now = record.as_utc(now or record.utcnow())
    entry = PackRecord(
        id=manifest.generated.strftime("%Y%m%dT%H%M%SZ"),
        cycle=manifest.cycle,
        manifest_sha256=manifest_sha256,
        base_commit=manifest.base_commit,
        proposed_commit=manifest.proposed_commit,
        draft=manifest.draft,
        generated=manifest.generated,
        generated_by=manifest.generated_by,
        files={f.path: f.sha256 for f in manifest.files},
    )
    text = record.dump_yaml(entry.model_dump(mode="json"))
    relpath = pack_record_path(manifest.cycle, entry.id)
    with record.cycle_lock(repo, manifest.cycle):
        cycle = record.load_cycle(repo, manifest.cycle)
        events = () if manifest.draft else TO_SIGNOFF.get(cycle.state, ())
        for event in events:
            cycle = cycle.apply(event, at=now, actor=author.name, note=f"pack {entry.id}")
        kind = "draft pack" if manifest.draft else "sign-off pack"
        short = manifest_sha256[:12]
        record.save_cycle(
            repo,
            cycle,
            author=author,
            extra={relpath: text},
            message=f"Record {kind} {entry.id} of {manifest.cycle} (manifest {short})",
        )
        return cycle
