"""The published versions of a document: ``published/<slug>/v<version>/`` and an index.

The folder sits in the repository's working folder but is not tracked: it ignores itself with
its own ``.gitignore``. Git keeps the source and the record (the tag, and the sha256 of every
published file in the decision); the files are derived from the tag, binary, and (the PDF) not
byte-reproducible, so committing them would grow the history with nothing the tag lacks.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coproduce.files import write_atomically

PUBLISHED = "published"
INDEX = "index.json"
METADATA = "version.json"
README = "README.md"
CURRENT, SUPERSEDED = "current", "superseded"


@dataclass
class Edition:
    """One approved version's files, rendered and waiting in a staging folder to be shelved."""

    slug: str
    title: str
    version: str
    tag: str
    staging: Path
    record: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def folder_name(self) -> str:
        return f"v{self.version}"

    def files(self) -> dict[str, str]:
        """Return {file name: sha256} of the rendered files."""
        from coproduce.pack.manifest import sha256

        return {
            p.name: sha256(p.read_bytes())
            for p in sorted(self.staging.iterdir())
            if p.name not in (METADATA, README)
        }


def published_root(repo_root: Path) -> Path:
    """Return ``published/`` in the repository folder, made and ignoring itself."""
    root = repo_root / PUBLISHED
    root.mkdir(exist_ok=True)
    ignore = root / ".gitignore"
    if not ignore.is_file():
        ignore.write_text("# Published versions: derived from the approval tags, not tracked.\n*\n")
    return root


def new_staging(repo_root: Path, slug: str, version: str) -> Path:
    """Return an empty staging folder beside where ``slug`` version ``version`` will be shelved."""
    shelf = published_root(repo_root) / slug
    shelf.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".v{version}.", dir=shelf))


def shelve(repo_root: Path, edition: Edition, *, at: dt.datetime) -> Path:
    """Move the edition into ``published/<slug>/v<version>/``, mark older ones superseded."""
    shelf = published_root(repo_root) / edition.slug
    target = shelf / edition.folder_name
    files = edition.files()
    metadata = {
        **edition.record,
        "slug": edition.slug,
        "title": edition.title,
        "version": edition.version,
        "tag": edition.tag,
        "status": CURRENT,
        "published": at.isoformat(),
        "files": files,
    }
    _write_json(edition.staging / METADATA, metadata)
    (edition.staging / README).write_text(_readme(metadata), encoding="utf-8")
    if target.exists():  # a repeat of the same approval: the new rendering replaces it
        shutil.rmtree(target)
    edition.staging.rename(target)
    _supersede(shelf, edition.version, at=at)
    return target


def copy_shelf(repo_root: Path, slug: str, destination: Path) -> Path:
    """Copy ``published/<slug>/`` into ``destination/<slug>/`` (the publication directory)."""
    source = published_root(repo_root) / slug
    target = destination / slug
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".v*"))
    return target


def read_index(shelf: Path) -> dict[str, Any]:
    """Return ``published/<slug>/index.json`` (an empty index when none is written yet)."""
    path = shelf / INDEX
    if not path.is_file():
        return {"slug": shelf.name, "current": None, "versions": []}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _supersede(shelf: Path, current: str, *, at: dt.datetime) -> None:
    from coproduce.models.version import parse_version_number

    versions = []
    for folder in sorted(shelf.glob("v*")):
        path = folder / METADATA
        if not folder.is_dir() or not path.is_file():
            continue
        metadata = json.loads(path.read_text(encoding="utf-8"))
        if metadata["version"] != current and metadata.get("status") != SUPERSEDED:
            metadata.update(status=SUPERSEDED, superseded_by=current, superseded=at.isoformat())
            _write_json(path, metadata)
            (folder / README).write_text(_readme(metadata), encoding="utf-8")
        versions.append(
            {
                "version": metadata["version"],
                "status": metadata["status"],
                "tag": metadata["tag"],
                "folder": folder.name,
                "decided": metadata.get("decided"),
                "superseded_by": metadata.get("superseded_by"),
                "files": sorted(metadata["files"]),
            }
        )
    versions.sort(key=lambda v: parse_version_number(v["version"]), reverse=True)
    index = {"slug": shelf.name, "current": current, "versions": versions}
    _write_json(shelf / INDEX, index)


def _readme(metadata: dict[str, Any]) -> str:
    lines = [f"# {metadata['title']}, version {metadata['version']}", ""]
    if metadata["status"] == SUPERSEDED:
        lines += [
            f"**Superseded** by version {metadata['superseded_by']} "
            f"({metadata['superseded'][:10]}). Do not use this version.",
            "",
        ]
    else:
        lines += ["The current approved version.", ""]
    decided = ", ".join(
        str(metadata[k]) for k in ("decided_by", "decided", "minute") if metadata.get(k)
    )
    if decided:
        lines += [f"Approved: {decided}.", ""]
    lines += [f"Git tag: `{metadata['tag']}`.", "", "Files:", ""]
    lines += [f"- `{name}` (sha256 {digest})" for name, digest in metadata["files"].items()]
    return "\n".join(lines) + "\n"


def _write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
