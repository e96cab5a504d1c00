"""The one way conformance tests find the shared corpus, and skip saying why when it is missing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
MISSING = "conformance corpus not found: set COPRODUCE_CORPUS or put it at ../shared/corpus"


def find_corpus() -> Path | None:
    """Return the shared corpus: COPRODUCE_CORPUS, else ../shared/corpus beside the checkout."""
    configured = os.environ.get("COPRODUCE_CORPUS")
    for candidate in (
        Path(configured) if configured else None,
        CHECKOUT.parent / "shared" / "corpus",
    ):
        if candidate is not None and (candidate / "MANIFEST.csv").is_file():
            return candidate
    return None


def corpus_cases(make: Callable[[Path], Iterable[Any]], *, arity: int = 1) -> list[Any]:
    """Return parametrize values that ``make`` lists from the corpus, at collection time.

    Without a corpus, return one case that is skipped saying why (an empty parameter set
    would be skipped too, but with a reason that does not name the corpus).
    """
    found = find_corpus()
    if found is None:
        skip = pytest.mark.skip(reason=MISSING)
        return [pytest.param(*[None] * arity, marks=skip, id="no-corpus")]
    return list(make(found))


def guidance_versions(root: Path) -> list[Path]:
    """Return every versioned document of the corpus at ``root``, by folder then version."""
    return sorted((root / "guidance_versions").glob("*/v*.md"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Return the shared corpus folder, or skip saying where it was looked for."""
    found = find_corpus()
    if found is None:
        pytest.skip(MISSING)
    return found


@pytest.fixture(scope="session")
def docx_corpus(corpus: Path) -> Path:
    """Return the corpus folder of Word files with tracked changes and comments."""
    return corpus / "docx"
