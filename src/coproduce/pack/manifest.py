"""The pack's manifest (sha256 of every file, of the proposed text and both commits), the zip,
and verification of a pack someone hands back."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.models import PackFile, PackManifest, load_model
from coproduce.models.pack import PackFileKind

MANIFEST = "manifest.json"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def sha256(data: bytes) -> str:
    """Return the hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def pack_file(folder: Path, name: str, kind: PackFileKind) -> PackFile:
    """Return the manifest entry of one written file."""
    data = (folder / name).read_bytes()
    return PackFile(path=name, kind=kind, sha256=sha256(data), bytes=len(data))


def write_manifest(folder: Path, manifest: PackManifest) -> bytes:
    """Write ``manifest.json`` into the pack folder; return its bytes."""
    data = (manifest.model_dump_json(indent=2) + "\n").encode("utf-8")
    (folder / MANIFEST).write_bytes(data)
    return data


def write_zip(folder: Path, target: Path) -> None:
    """Zip the pack folder (manifest included) with fixed dates, so equal packs zip equally."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder)}", _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())


def verify_pack(folder: Path) -> list[str]:
    """Return every way the pack folder differs from its manifest (empty when it verifies)."""
    path = folder / MANIFEST
    if not path.is_file():
        raise NotFoundError(f"no {MANIFEST} in {folder}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"{path} is not valid JSON: {e}") from e
    manifest = load_model(PackManifest, data, what=str(path))
    problems = []
    listed = set()
    for entry in manifest.files:
        listed.add(entry.path)
        target = folder / entry.path
        if not target.is_file():
            problems.append(f"{entry.path}: missing")
            continue
        if sha256(target.read_bytes()) != entry.sha256:
            problems.append(f"{entry.path}: sha256 differs from the manifest")
    for extra in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(extra.relative_to(folder))
        if name != MANIFEST and name not in listed:
            problems.append(f"{name}: not in the manifest")
    return problems
