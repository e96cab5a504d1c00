"""The build-pack flow against a real Prefect server: the pack, its record, the state move."""

from __future__ import annotations

from pathlib import Path

import pytest

from coproduce import runtime
from coproduce.pack import verify_pack
from coproduce.review import load_cycle
from tests.pack.scenario import build_scenario
from tests.review.conftest import isolated_env

__all__ = ["isolated_env"]
pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]


def test_the_flow_builds_the_pack_records_it_and_awaits_the_decision(
    prefect_api: runtime.ServerHandle, tmp_path: Path
) -> None:
    from coproduce import tasks

    s = build_scenario(tmp_path / "repo")
    out = tmp_path / "packs"
    out.mkdir()
    done = tasks.run_flow(
        "build_pack", cycle_id=s.cycle_id, out_dir=str(out), repo=str(s.repo.root)
    )
    assert done["state"] == "in-signoff"
    assert verify_pack(Path(done["folder"])) == []
    assert load_cycle(s.repo, s.cycle_id).state.value == "in-signoff"
    recorded = list((s.repo.root / "reviews" / s.cycle_id / "packs").glob("*.yaml"))
    assert done["manifest_sha256"] in recorded[0].read_text(encoding="utf-8")
