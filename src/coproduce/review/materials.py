"""Render a cycle's materials once: the draft as .docx and .html, and the youth twin's page.

Files go to ``<state>/reviews/<cycle>/`` with a ``materials.json`` manifest written last, so
a crash mid-render re-renders and a finished render is never repeated (the draft a cycle
sends is fixed at its ``proposed`` commit).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coproduce.review import record

if TYPE_CHECKING:
    from coproduce.models import Document
    from coproduce.store import GuidanceRepo

MANIFEST = "materials.json"


def materials_dir(repo: GuidanceRepo, cycle_id: str) -> Path:
    """Return the state folder of one cycle's rendered materials."""
    return Path(repo.state_dir) / "reviews" / cycle_id


def render_materials(*, repo: GuidanceRepo, cycle_id: str) -> dict[str, Path]:
    """Render (once) and return the cycle's materials by name: draft-docx, draft-html, youth."""
    folder = materials_dir(repo, cycle_id)
    manifest = folder / MANIFEST
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        files = {k: folder / v for k, v in data["files"].items()}
        if all(p.is_file() for p in files.values()):
            return files
    from coproduce.document import render_html
    from coproduce.docx import write_docx

    cycle = record.load_cycle(repo, cycle_id)
    folder.mkdir(parents=True, exist_ok=True)
    document = repo.read_document(cycle.slug, rev=cycle.proposed)
    names = {"draft-docx": f"{cycle.slug}.docx", "draft-html": f"{cycle.slug}.html"}
    write_docx(document, folder / names["draft-docx"])
    (folder / names["draft-html"]).write_text(render_html(document), encoding="utf-8")
    info: dict[str, Any] = {
        "proposed": cycle.proposed,
        "title": document.meta.title,
        "stale_sections": [],
    }
    twin = repo.read_twin(cycle.slug, rev=cycle.proposed)
    if twin is not None and "young-people" in cycle.audiences:
        names["youth-html"] = f"{cycle.slug}.young-people.html"
        (folder / names["youth-html"]).write_text(render_html(twin), encoding="utf-8")
        info["stale_sections"] = find_stale_sections(
            repo=repo, slug=cycle.slug, rev=cycle.proposed, parent=document, twin=twin
        )
    info["files"] = names
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(info, indent=2), encoding="utf-8")
    tmp.replace(manifest)
    return {k: folder / v for k, v in names.items()}


def find_stale_sections(
    *, repo: GuidanceRepo, slug: str, rev: str, parent: Document, twin: Document
) -> list[str]:
    """Return the twin sections whose parent section changed after the twin last did."""
    from coproduce.document import map_twin, stale_sections
    from coproduce.store.paths import document_relpath, twin_relpath

    mapping = map_twin(parent, twin)
    # Order commits, not clock times: two commits in one second must still be told apart.
    commits = repo.backend.log(rev, paths=[document_relpath(slug), twin_relpath(slug)])
    rank = {c.sha: dt.datetime.fromtimestamp(n, dt.UTC) for n, c in enumerate(reversed(commits))}
    parent_changed = {}
    for section in parent.section_ids():
        history = repo.section_history(slug, section)
        if history and history[0].commit in rank:
            parent_changed[section] = rank[history[0].commit]
    twin_commits = repo.backend.log(rev, paths=[twin_relpath(slug)])
    twin_changed = {}
    if twin_commits and twin_commits[0].sha in rank:
        # The twin's history is taken per file: its last commit dates every twin section.
        twin_changed = {s: rank[twin_commits[0].sha] for s in twin.section_ids()}
    return stale_sections(mapping, parent_changed, twin_changed)


def read_manifest(*, repo: GuidanceRepo, cycle_id: str) -> dict[str, Any] | None:
    """Return the materials manifest of a cycle, or None before they are rendered."""
    path = materials_dir(repo, cycle_id) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
