"""The review flows against a real Prefect server: run, re-run, deploy, schedule, sign off."""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coproduce import review, runtime
from coproduce.models import CycleEvent
from coproduce.review.record import load_cycle, save_cycle
from coproduce.store import GuidanceRepo
from tests.review.conftest import LEAD, add_people, make_repo, outbox_files

pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]


def started_cycle(root: Path, people: dict[str, int]) -> tuple[GuidanceRepo, str]:
    """Return a repository with people in its register and a draft cycle on its policy."""
    repo = make_repo(root)
    add_people(repo, people)
    closes = dt.date.today() + dt.timedelta(days=40)
    result = review.start_review(
        repo=repo, slug="escalation-policy", closes=closes, audiences=list(people), author=LEAD
    )
    return repo, result.cycle.id


def test_launch_review_invites_everyone_and_a_rerun_sends_nothing(
    prefect_api: runtime.ServerHandle, tmp_path: Path
) -> None:
    from coproduce import tasks

    repo, cycle_id = started_cycle(tmp_path / "repo", {"practitioners": 150, "partners": 2})
    first = tasks.run_flow("launch_review", cycle_id=cycle_id, repo=str(repo.root))
    second = tasks.run_flow("launch_review", cycle_id=cycle_id, repo=str(repo.root))
    assert first == {
        "cycle": cycle_id,
        "state": "open",
        "batches": 3,
        "sent": 152,
        "stale_twin_sections": [],
    }
    assert second["sent"] == 0
    assert len(outbox_files(repo)) == 152
    assert (Path(repo.state_dir) / "reviews" / cycle_id / "materials.json").is_file()


def test_the_review_clock_closes_a_cycle_past_its_deadline(
    prefect_api: runtime.ServerHandle, tmp_path: Path
) -> None:
    from coproduce import tasks

    repo, cycle_id = started_cycle(tmp_path / "repo", {"partners": 1})
    cycle = load_cycle(repo, cycle_id).apply(CycleEvent.LAUNCH, at=dt.datetime.now(dt.UTC))
    past = cycle.model_copy(update={"closes": dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)})
    save_cycle(repo, past, author=LEAD, message="Deadline passed while the clock was down")
    done = tasks.run_flow("review_clock", repo=str(repo.root))
    assert done == {"close": [cycle_id], "remind": []}
    assert load_cycle(repo, cycle_id).state.value == "closed"


def test_await_signoff_records_the_decision_typed_as_run_input(
    prefect_api: runtime.ServerHandle, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client

    from coproduce import tasks
    from coproduce.pack import record_pack
    from tests.pack.scenario import build_scenario
    from tests.pack.test_pack import make_pack

    scenario = build_scenario(tmp_path / "repo")
    repo, cycle_id = scenario.repo, scenario.cycle_id
    built = make_pack(scenario, tmp_path / "packs")
    record_pack(
        repo=repo, manifest=built.manifest, manifest_sha256=built.manifest_sha256, author=LEAD
    )
    outcome: dict[str, Any] = {}
    # The flow runs in a thread of its own with this test's Prefect settings (context
    # variables do not cross into new threads by themselves).
    context = contextvars.copy_context()
    worker = threading.Thread(
        target=lambda: context.run(
            lambda: outcome.update(
                tasks.run_flow("await_signoff", cycle_id=cycle_id, repo=str(repo.root))
            )
        ),
        daemon=True,  # a run left waiting after a failure must not keep the suite alive
    )
    worker.start()

    async def paused_run_id() -> Any:
        from prefect.client.schemas.filters import (
            FlowRunFilter,
            FlowRunFilterState,
            FlowRunFilterStateType,
        )
        from prefect.client.schemas.objects import StateType

        paused = FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED]))
        )
        async with get_client() as client:
            for _ in range(600):  # the session's server holds every run of the suite
                runs = await client.read_flow_runs(flow_run_filter=paused)
                for run in runs:
                    if (
                        run.state
                        and run.state.is_paused()
                        and run.parameters.get("cycle_id") == cycle_id
                    ):
                        keyset = run.state.state_details.run_input_keyset
                        if keyset:
                            try:
                                await client.read_flow_run_input(run.id, keyset["schema"])
                                return run.id
                            except Exception:
                                pass
                await asyncio.sleep(0.2)
        raise AssertionError("the sign-off flow never paused for input")

    run_id = asyncio.run(paused_run_id())
    decision = {
        "outcome": "returned",
        "decided_by": "Safeguarding partnership board",
        "recorded_by": "Ola Secretary",
        "decided": "2027-01-10",
        "minute": "SPE 2027/1",
        "notes": "Revisit the escalation steps",
    }
    assert run_id is not None
    assert tasks.resume_signoff(cycle_id, decision) == [str(run_id)]
    worker.join(timeout=60)
    assert outcome == {
        "cycle": cycle_id, "state": "triaged", "outcome": "returned", "tag": "", "version": ""
    }  # fmt: skip
    assert "minute: SPE 2027/1" in (repo.root / "reviews" / cycle_id / "decision.yaml").read_text()


@pytest.fixture(scope="module")
def served(
    prefect_api: runtime.ServerHandle, tmp_path_factory: pytest.TempPathFactory, checkout: Path
) -> Iterator[GuidanceRepo]:
    """Run ``coproduce serve`` on a repository with people in it; return that repository."""
    root = tmp_path_factory.mktemp("served")
    repo = make_repo(root / "repo")
    add_people(repo, {"partners": 1})
    env = {**os.environ, **prefect_api.env(), "COPRODUCE_REPO": str(repo.root)}
    log = open(root / "serve.log", "wb")  # noqa: SIM115 - held open for the subprocess
    server = subprocess.Popen(
        [sys.executable, "-c", "from coproduce.cli import main; main()", "serve"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=checkout,
    )
    try:
        yield repo
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


async def wait_for_deployment(name: str) -> Any:
    """Return the deployment once ``coproduce serve`` has registered it."""
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        for _ in range(300):
            try:
                return await client.read_deployment_by_name(name)
            except Exception:
                await asyncio.sleep(0.2)
    raise AssertionError(f"deployment {name} never appeared")


def test_served_deployments_run_launch_review_through_the_api(
    served: GuidanceRepo, tmp_path: Path
) -> None:
    from prefect.deployments import run_deployment

    repo, cycle_id = started_cycle(tmp_path / "repo", {"practitioners": 2})
    asyncio.run(wait_for_deployment("launch-review/launch-review"))
    run = run_deployment(
        "launch-review/launch-review",
        parameters={"cycle_id": cycle_id, "repo": str(repo.root)},
        timeout=90,
    )
    assert run.state is not None and run.state.is_completed(), run.state
    assert len(outbox_files(repo)) == 2
    assert load_cycle(repo, cycle_id).state.value == "open"


def test_serve_schedules_the_review_clock(served: GuidanceRepo) -> None:
    from prefect.client.orchestration import get_client

    async def scheduled_clock_runs() -> int:
        deployment = await wait_for_deployment("review-clock/review-clock")
        async with get_client() as client:
            for _ in range(100):
                runs = await client.read_flow_runs()
                found = [
                    r
                    for r in runs
                    if r.deployment_id == deployment.id
                    and r.state is not None
                    and r.state.is_scheduled()
                ]
                if found:
                    return len(found)
                await asyncio.sleep(0.3)
        return 0

    assert asyncio.run(scheduled_clock_runs()) >= 1


def test_the_served_review_clock_closes_a_cycle_past_its_deadline(served: GuidanceRepo) -> None:
    from prefect.deployments import run_deployment

    repo = served
    cycle_id = review.start_review(
        repo=repo,
        slug="escalation-policy",
        closes=dt.date.today() + dt.timedelta(days=40),
        audiences=["partners"],
        author=LEAD,
    ).cycle.id
    cycle = load_cycle(repo, cycle_id).apply(CycleEvent.LAUNCH, at=dt.datetime.now(dt.UTC))
    past = cycle.model_copy(update={"closes": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)})
    save_cycle(repo, past, author=LEAD, message="Deadline passed")
    deployment = asyncio.run(wait_for_deployment("review-clock/review-clock"))
    # As the schedule would: no parameters, so the sweep runs on the repository served.
    run = run_deployment("review-clock/review-clock", timeout=90)
    assert deployment.parameters == {"repo": str(repo.root)}
    assert run.state is not None and run.state.is_completed(), run.state
    assert run.deployment_id == deployment.id
    closed = load_cycle(repo, cycle_id)
    assert closed.state.value == "closed"
    assert closed.history[-1].event is CycleEvent.CLOSE
