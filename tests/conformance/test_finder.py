"""The corpus is found where the project says, and without it conformance tests skip saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import MISSING, find_corpus

SAMPLE_TESTS = """
import pytest

from .conftest import corpus_cases, guidance_versions


@pytest.mark.parametrize("path", corpus_cases(guidance_versions))
def test_listed_at_collection(path):
    assert False


@pytest.mark.parametrize(("a", "b"), corpus_cases(lambda root: [(root, root)], arity=2))
def test_listed_in_pairs(a, b):
    assert False


def test_given_the_corpus(corpus):
    assert False


def test_given_the_word_files(docx_corpus):
    assert False
"""


def test_coproduce_corpus_points_the_finder_at_another_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "MANIFEST.csv").write_text("local_path\n", encoding="utf-8")
    monkeypatch.setenv("COPRODUCE_CORPUS", str(tmp_path))
    assert find_corpus() == tmp_path


def test_a_folder_without_a_manifest_is_not_taken_for_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPRODUCE_CORPUS", str(tmp_path))
    assert find_corpus() != tmp_path


def test_without_a_corpus_every_conformance_test_skips_saying_why(tmp_path: Path) -> None:
    checkout = tmp_path / "main"
    folder = checkout / "tests" / "conformance"
    folder.mkdir(parents=True)
    shutil.copy(Path(__file__).with_name("conftest.py"), folder / "conftest.py")
    (folder / "test_sample.py").write_text(textwrap.dedent(SAMPLE_TESTS), encoding="utf-8")
    (checkout / "pytest.ini").write_text(
        "[pytest]\naddopts = --import-mode=importlib\n", encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "COPRODUCE_CORPUS"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", "tests"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert run.returncode == 0, run.stdout
    assert "4 skipped" in run.stdout
    assert skipped
    assert all(line.endswith(MISSING) for line in skipped), skipped
