import os
from pathlib import Path

import pytest


def corpus_dir() -> Path | None:
    """Return the shared conformance corpus, from COPRODUCE_CORPUS or beside the checkout."""
    configured = os.environ.get("COPRODUCE_CORPUS")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(__file__).resolve().parents[3] / "shared" / "corpus")
    return next((p for p in candidates if p.is_dir()), None)


@pytest.fixture(scope="session")
def corpus() -> Path:
    found = corpus_dir()
    if found is None:
        pytest.skip("no corpus: set COPRODUCE_CORPUS or place it at ../shared/corpus")
    return found
