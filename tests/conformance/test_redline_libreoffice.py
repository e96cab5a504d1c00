"""LibreOffice's Accept All and Reject All of redlines of every corpus pair give both versions.

LibreOffice joins adjacent revisions into ranges and reads paragraph marks its own way, so it
catches what pandoc and our reader do not: paragraphs joined on Reject All, empty paragraphs
left by moves. One LibreOffice process reads every file (see tests/docx/lo_views.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from coproduce.document import parse_markdown
from coproduce.docx import read_docx
from coproduce.docx.tracked import render_tracked_bytes
from coproduce.docx.writer import render_docx_bytes
from coproduce.models import Document
from coproduce.redline.change import compute_changes

from .conftest import find_corpus, guidance_versions

LO_VIEWS = Path(__file__).resolve().parents[1] / "docx" / "lo_views.py"
WHEN = dt.datetime(2026, 3, 4, 10, 30, tzinfo=dt.UTC)
WORD_PAIRS = [
    ("WC002-Unmodified", "WC002-DeleteInMiddle"),
    ("WC002-Unmodified", "WC002-DiffInMiddle"),
    ("WC002-Unmodified", "WC002-InsertInMiddle"),
    ("WC004-Large", "WC004-Large-Mod"),
    ("WC006-Table", "WC006-Table-Delete-Row"),
    ("WC027-Twenty-Paras-Before", "WC027-Twenty-Paras-After-1"),
    ("WC027-Twenty-Paras-Before", "WC027-Twenty-Paras-After-2"),
    ("WC027-Twenty-Paras-Before", "WC027-Twenty-Paras-After-3"),
]


def corpus_pairs(corpus: Path) -> list[tuple[str, Document, Document]]:
    """Return every consecutive pair of each history, DfE first to last, and the Word pairs."""

    def load(path: Path) -> Document:
        text = f"---\ntitle: {path.parent.name}\n---\n" + path.read_text(encoding="utf-8")
        return parse_markdown(text, slug="corpus")

    pairs = []
    for folder, group in itertools.groupby(guidance_versions(corpus), key=lambda p: p.parent):
        files = list(group)
        steps = list(itertools.pairwise(files))
        if folder.name.startswith("dfe"):
            steps.append((files[0], files[-1]))
        pairs.extend(
            (f"{folder.name[:12]}-{a.name[:3]}-{b.name[:3]}", load(a), load(b)) for a, b in steps
        )
    word = corpus / "docx" / "open-xml-powertools" / "WC-compare-pairs"
    for old, new in WORD_PAIRS:
        base = read_docx(word / f"{old}.docx", slug="corpus").document
        proposed = read_docx(word / f"{new}.docx", slug="corpus").document
        pairs.append((new, base, proposed.model_copy(update={"meta": base.meta})))
    return pairs


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[list[str]]]]:
    """Return, per pair, LibreOffice's views of the redline and of both clean renders."""
    corpus = find_corpus()
    if corpus is None:
        pytest.skip("conformance corpus not found")
    if shutil.which("soffice") is None or not Path("/usr/bin/python3").exists():
        pytest.skip("LibreOffice (soffice) with python3-uno is not installed")
    folder = tmp_path_factory.mktemp("lo-corpus")
    files: dict[str, dict[str, Path]] = {}
    for n, (name, base, proposed) in enumerate(corpus_pairs(corpus)):
        paths = {k: folder / f"{n:02d}-{k}.docx" for k in ("tracked", "base", "proposed")}
        changes = compute_changes(base, proposed)
        paths["tracked"].write_bytes(render_tracked_bytes(changes, author="Ana Lead", date=WHEN))
        paths["base"].write_bytes(render_docx_bytes(base, modified=WHEN))
        paths["proposed"].write_bytes(render_docx_bytes(proposed, modified=WHEN))
        files[name] = paths
    everything = [str(p) for paths in files.values() for p in paths.values()]
    done = subprocess.run(
        ["/usr/bin/python3", str(LO_VIEWS), str(folder), *everything],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    read = json.loads(done.stdout)
    return {
        name: {
            "accepted": [read[str(p["tracked"])]["accept"], read[str(p["proposed"])]["accept"]],
            "rejected": [read[str(p["tracked"])]["reject"], read[str(p["base"])]["accept"]],
        }
        for name, p in files.items()
    }


def without_final_mark(paragraphs: list[str], clean: list[str]) -> list[str]:
    """Drop the empty paragraph Word keeps after a final table, which a tracked file spells out."""
    if len(paragraphs) == len(clean) + 1 and paragraphs[-1] == "":
        return paragraphs[:-1]
    return paragraphs


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_accepts_and_rejects_every_corpus_redline_exactly(views) -> None:
    wrong = [
        f"{name} ({view})"
        for name, pair in views.items()
        for view, (got, want) in pair.items()
        if without_final_mark(got, want) != want
    ]
    assert wrong == []


def test_every_pair_is_checked() -> None:
    corpus = find_corpus()
    if corpus is None:
        pytest.skip("conformance corpus not found")
    assert len(corpus_pairs(corpus)) == 39
