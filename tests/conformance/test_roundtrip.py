"""Markdown -> docx -> import -> Markdown keeps the same text and structure.

Run on the sample guidance and on every version of the real documents in the corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coproduce.document import parse_markdown, render_markdown
from coproduce.docx import read_docx, render_docx_bytes
from coproduce.models import Document, Table
from coproduce.resources import sample_guidance_dir

from .conftest import corpus_cases, guidance_versions

FRONT = "---\ntitle: {title}\n---\n"


def structure(document: Document) -> list[tuple[str, str, int]]:
    """Return (kind, text, level) per block: what a round trip must keep."""
    rows = []
    for block in document.blocks:
        level = getattr(block, "level", 0)
        text = block.text if not isinstance(block, Table) else block.text.replace("\n", " / ")
        rows.append((block.kind, " ".join(text.split()), level))
    return rows


def round_trip(document: Document, tmp_path: Path) -> Document:
    path = tmp_path / f"{document.slug}.docx"
    path.write_bytes(render_docx_bytes(document))
    result = read_docx(path, slug=document.slug)
    return parse_markdown(render_markdown(result.document), slug=document.slug)


def test_the_sample_guidance_survives_word_and_back(tmp_path: Path) -> None:
    source = (sample_guidance_dir() / "exploitation-protocol.md").read_text(encoding="utf-8")
    document = parse_markdown(source, slug="exploitation-protocol")
    back = round_trip(document, tmp_path)
    assert structure(back) == structure(document)
    assert back.meta.title == document.meta.title
    assert back.meta.version == document.meta.version
    assert back.section_ids() == document.section_ids()
    # An explicit id equal to the one the heading text gives is indistinguishable in Word.
    assert [
        b.model_copy(update={"explicit_id": False}) if b.kind == "heading" else b
        for b in back.blocks
    ] == [
        b.model_copy(update={"explicit_id": False}) if b.kind == "heading" else b
        for b in document.blocks
    ]


@pytest.mark.parametrize(
    "path", corpus_cases(guidance_versions), ids=lambda p: f"{p.parent.name}/{p.stem}"
)
def test_real_documents_survive_word_and_back(path: Path, tmp_path: Path) -> None:
    text = FRONT.format(title=path.parent.name) + path.read_text(encoding="utf-8")
    document = parse_markdown(text, slug="corpus-doc")
    back = round_trip(document, tmp_path)
    assert structure(back) == structure(document)
