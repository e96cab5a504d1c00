"""Flows start as Prefect flow runs; an API that does not answer is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from coproduce.errors import StateError
from coproduce.flowrun import run_flow
from coproduce.models import Person
from coproduce.store import GuidanceRepo


def test_a_prefect_api_that_does_not_answer_is_one_clear_error_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    repo = GuidanceRepo.init(tmp_path / "repo", author=Person(name="Sam Lead"))
    head = repo.resolve("HEAD")
    with pytest.raises(StateError) as raised:
        run_flow(repo, "send_reminders", cycle_id="2026-q4-anything", manual=True)
    message = str(raised.value)
    assert "http://127.0.0.1:9/api" in message and "does not answer" in message
    assert "\n" not in message
    assert repo.resolve("HEAD") == head
    assert not (Path(repo.state_dir) / "prefect").exists()
