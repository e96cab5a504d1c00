"""Check that the pack a board decides on is the pack that was built and recorded.

A pack's folder is checked against its manifest, its manifest against the hash git recorded
when it was built, and the manifest's proposed text against the commit it names. The first
difference found is the one line the refusal gives, naming the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.errors import InvalidInputError, NotFoundError, StateError
from coproduce.models import PackManifest, PackRecord, load_model
from coproduce.pack.manifest import MANIFEST, sha256, verify_pack
from coproduce.pack.record import PACKS_DIR
from coproduce.review import record

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo


@dataclass(frozen=True)
class SealedPack:
    """A recorded, unchanged pack: its record in git and, when its folder was given, the rest."""

    record: PackRecord
    folder: Path | None = None
    manifest: PackManifest | None = None

    @property
    def clean_docx(self) -> Path | None:
        """Return the pack's clean proposed ``.docx``, when its folder was given."""
        if self.folder is None or self.manifest is None:
            return None
        found = [f.path for f in self.manifest.files if f.kind == "clean-docx"]
        return self.folder / found[0] if found else None


def iter_pack_records(repo: GuidanceRepo, cycle_id: str) -> list[PackRecord]:
    """Return every pack recorded for ``cycle_id``, oldest first."""
    folder = repo.root / record.REVIEWS / cycle_id / PACKS_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.yaml")):
        data = record.load_yaml(path.read_text(encoding="utf-8"))
        found.append(load_model(PackRecord, data, what=str(path.relative_to(repo.root))))
    return found


def seal_pack(repo: GuidanceRepo, cycle_id: str, folder: Path | None = None) -> SealedPack:
    """Return the pack the decision is on; raise with one line if it changed after it was built.

    Without ``folder``, the latest complete pack recorded for the cycle is taken.
    """
    records = [r for r in iter_pack_records(repo, cycle_id) if not r.draft]
    if folder is None:
        if not records:
            raise StateError(
                f"no sign-off pack of {cycle_id} is recorded: build one with "
                f"coproduce pack {cycle_id}"
            )
        return SealedPack(record=records[-1])
    manifest = _read_manifest(folder)
    problems = verify_pack(folder)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidInputError(
            f"the pack in {folder} changed after it was built: {problems[0]}{more}"
        )
    if manifest.cycle != cycle_id:
        raise InvalidInputError(f"the pack in {folder} is for {manifest.cycle}, not {cycle_id}")
    if manifest.draft:
        raise StateError(f"the pack in {folder} is a DRAFT, not for decision: build a full pack")
    digest = sha256((folder / MANIFEST).read_bytes())
    matching = [r for r in records if r.manifest_sha256 == digest]
    if not matching:
        raise InvalidInputError(
            f"{MANIFEST} in {folder} changed after the pack was built: no pack of {cycle_id} "
            "was recorded with it"
        )
    _check_proposed_text(repo, manifest)
    return SealedPack(record=matching[-1], folder=folder, manifest=manifest)


def _read_manifest(folder: Path) -> PackManifest:
    path = folder / MANIFEST
    if not path.is_file():
        raise NotFoundError(f"no {MANIFEST} in {folder}: is it a sign-off pack folder?")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"{path} is not valid JSON: {e}") from e
    return load_model(PackManifest, data, what=str(path))


def _check_proposed_text(repo: GuidanceRepo, manifest: PackManifest) -> None:
    relpath = f"guidance/{manifest.slug}.md"
    try:
        text = repo.read_text(manifest.slug, manifest.proposed_commit)
    except NotFoundError as e:
        raise InvalidInputError(
            f"{relpath} is not at the pack's proposed commit {manifest.proposed_commit[:12]}"
        ) from e
    if manifest.proposed_text_sha256 and sha256(text.encode("utf-8")) != (
        manifest.proposed_text_sha256
    ):
        raise InvalidInputError(
            f"{relpath} at the pack's proposed commit differs from the text the pack was built "
            "from (its manifest was changed)"
        )
