"""The Python example in the README runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coproduce.docx.comments import read_comments
from coproduce.guidance import create_repository
from coproduce.models import Person
from coproduce.resources import sample_guidance_dir
from coproduce.store import GuidanceRepo

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_redline_example_writes_a_commented_word_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (block,) = python_blocks()
    lead = Person(name="Alex Morgan", email="alex.morgan@example.org")
    created = create_repository(path=tmp_path / "demo", sample=True, author=str(lead))
    draft = (sample_guidance_dir() / "demo" / "exploitation-protocol.draft.md").read_text()
    GuidanceRepo.open(created.root).write_document(
        draft, slug="exploitation-protocol", author=lead, message="Draft v1.1"
    )
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), {})
    comments = read_comments(tmp_path / "changes.docx")
    assert [c.author for c in comments] == ["Alex Morgan"]
    assert comments[0].anchored_text == "within one working day"
