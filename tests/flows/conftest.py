"""One real Prefect server per test session, on loopback, with its database in a tmp dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from coproduce import runtime


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[runtime.ServerHandle]:
    """Start the embedded server once (scheduler looping every second) and point prefect at it."""
    state = tmp_path_factory.mktemp("prefect-state")
    saved = dict(os.environ)
    os.environ.pop("PREFECT_API_URL", None)
    os.environ["PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS"] = "1"
    handle = runtime.ensure_server(state_dir=state)
    runtime.activate(handle)
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    try:
        with temporary_settings(
            updates={PREFECT_API_URL: handle.api_url, PREFECT_HOME: str(handle.home)}
        ):
            yield handle
    finally:
        runtime.stop_server(state_dir=state)
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="session")
def checkout() -> Path:
    """Return the checkout root (where flows/ and prefect.yaml live)."""
    return Path(__file__).resolve().parents[2]
