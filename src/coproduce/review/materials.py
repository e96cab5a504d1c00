"""Render a cycle's materials once: the draft as .docx and .html, and the youth twin's page.

Files go to ``<state>/reviews/<cycle>/`` with a ``materials.json`` manifest written last, so
a crash mid-render re-renders and a finished render is never repeated (the draft a cycle
sends is fixed at its ``proposed`` commit).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coproduce.review import record
from coproduce.review.twin import find_stale_sections

if TYPE_CHECKING:
    from coproduce.models import Document, ReviewCycle
    from coproduce.store import GuidanceRepo

MANIFEST = "materials.json"


def materials_dir(repo: GuidanceRepo, cycle_id: str) -> Path:
    """Return the state folder of one cycle's rendered materials."""
    return Path(repo.state_dir) / "reviews" / cycle_id


def render_materials(*, repo: GuidanceRepo, cycle_id: str) -> dict[str, Path]:
    """Render (once) and return the cycle's materials by name.

    draft-docx, draft-html, youth-html (when a twin exists) and changes-html (the redline from
    the approved base, which the portal serves as the invitations' "what changed" link).
    """
    folder = materials_dir(repo, cycle_id)
    manifest = folder / MANIFEST
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        files = {k: folder / v for k, v in data["files"].items()}
        if all(p.is_file() for p in files.values()):
            return files
    from coproduce.document import render_html

    cycle = record.load_cycle(repo, cycle_id)
    folder.mkdir(parents=True, exist_ok=True)
    from coproduce.versioning import standing_document

    # The draft says where it stands (e.g. "1.2 draft"), whatever its front matter still says.
    document = standing_document(repo, cycle.slug, rev=cycle.proposed)
    names = {"draft-docx": f"{cycle.slug}.docx", "draft-html": f"{cycle.slug}.html"}
    write_draft(document, folder / names["draft-docx"], cycle=cycle)
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
    changes = _render_changes(repo, cycle.slug, cycle.base, cycle.proposed)
    if changes is not None:
        names["changes-html"] = "changes.html"
        (folder / names["changes-html"]).write_text(changes, encoding="utf-8")
    info["files"] = names
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(info, indent=2), encoding="utf-8")
    tmp.replace(manifest)
    return {k: folder / v for k, v in names.items()}


def write_draft(document: Document, target: Path, *, cycle: ReviewCycle) -> None:
    """Write the cycle's Word draft, carrying the cycle, version and a participant placeholder
    in its custom properties (each invitation stamps its own participant id in)."""
    from coproduce.docx import render_docx_bytes
    from coproduce.docx.properties import PARTICIPANT_PLACEHOLDER, add_custom_properties

    data = add_custom_properties(
        render_docx_bytes(document),
        {
            "cycle": cycle.id,
            "version": cycle.proposed,
            "base": cycle.base or "",
            "participant": PARTICIPANT_PLACEHOLDER,
        },
    )
    target.write_bytes(data)


def _render_changes(repo: GuidanceRepo, slug: str, base: str | None, proposed: str) -> str | None:
    """Return the HTML redline from the approved base to the draft, None when nothing changed.

    A first version (no base) is shown whole, as new.
    """
    from coproduce.errors import InvalidInputError
    from coproduce.redline import redline

    if base is None:
        from coproduce.models import Document
        from coproduce.redline.change import compute_changes
        from coproduce.redline.html import render_redline_html

        draft = repo.read_document(slug, rev=proposed)
        empty = Document(slug=slug, meta=draft.meta, blocks=[])
        return render_redline_html(compute_changes(empty, draft))
    try:
        return redline(repo, slug, base=base, proposed=proposed).html()
    except InvalidInputError:  # identical versions: there is nothing to show
        return None


def read_manifest(*, repo: GuidanceRepo, cycle_id: str) -> dict[str, Any] | None:
    """Return the materials manifest of a cycle, or None before they are rendered."""
    path = materials_dir(repo, cycle_id) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
