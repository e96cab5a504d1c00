"""pandoc as an independent reader: the text it sees in a Word file, as plain text or words."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

_MARKER = re.compile(r"^\s*(?:(?:[-*\u2022\u25e6\u25aa]|\(?[0-9a-zA-Z]{1,4}[.)])\s+)+")


def pandoc_plain(path: Path, *, mode: str = "accept") -> str:
    """Return pandoc's plain-text reading of a .docx with tracked changes accepted or rejected."""
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed")
    args = ["pandoc", f"--track-changes={mode}", "-t", "plain", "--wrap=none", str(path)]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pandoc_paragraphs(path: Path, mode: str) -> list[str]:
    """Return pandoc's plain reading as paragraphs: list markers, rules and blanks dropped.

    pandoc keeps a list item whose paragraph was inserted (on reject) or deleted (on accept)
    as an empty, numbered item, and ignores ``w:pPrChange``; markers and numbers are
    therefore left out, and list levels are checked by LibreOffice and our own reader.
    """
    out = pandoc_plain(path, mode=mode)
    lines = [ln for ln in out.splitlines() if not re.fullmatch(r"[\s-]*-[\s-]*", ln)]
    paragraphs = []
    for chunk in "\n".join(lines).split("\n\n"):
        text = " ".join(_MARKER.sub("", ln).strip() for ln in chunk.splitlines())
        if text.strip():
            paragraphs.append(" ".join(text.split()))
    return paragraphs


def words(text: str) -> list[str]:
    """Return the lower-case words of ``text``, ignoring punctuation and layout."""
    return re.findall(r"\w+", text.lower())


def paragraph_words(paragraphs: list[str]) -> list[str]:
    """Return the words of ``paragraphs`` as written, paragraph breaks ignored."""
    return " ".join(paragraphs).split()
