from __future__ import annotations

import os
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]


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


@pytest.fixture(scope="session")
def corpus() -> Path:
    found = find_corpus()
    if found is None:
        pytest.skip(
            "conformance corpus not found: set COPRODUCE_CORPUS or put it at ../shared/corpus"
        )
    return found


def guidance_version_files() -> list[Path]:
    """Return every versioned document in the corpus (empty when there is no corpus)."""
    found = find_corpus()
    if found is None:
        return []
    return sorted((found / "guidance_versions").glob("*/v*.md"))
