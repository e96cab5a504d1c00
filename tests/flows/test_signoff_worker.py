"""The suspended await-signoff run under a real Prefect worker: deployed to a process work
pool, it suspends (no process held); ``coproduce signoff`` resumes it with the board's
decision, and the worker records the decision, tags and publishes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coproduce import runtime
from coproduce.pack import record_pack
from coproduce.review import load_cycle
from tests.pack.scenario import SLUG, build_scenario
from tests.pack.test_pack import make_pack
from tests.review.conftest import LEAD

pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]
POOL = "signoff-test"


@pytest.fixture
def worker(prefect_api: runtime.ServerHandle, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Create a process work pool and run ``prefect worker start`` on it; stop it after."""
    env = {**os.environ, **prefect_api.env(), "PREFECT_WORKER_QUERY_SECONDS": "1"}
    prefect = runtime.prefect_command()
    subprocess.run(
        [*prefect, "work-pool", "create", POOL, "--type", "process", "--overwrite"],
        env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - held open for the worker
    process = subprocess.Popen(
        [*prefect, "worker", "start", "--pool", POOL],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        # A worker may ignore SIGTERM while polling: escalate, and take its flow processes too.
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout=wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


def deploy_await_signoff() -> str:
    """Deploy flows/await_signoff.py to the work pool; return the deployment's name."""
    from prefect import flow

    from coproduce.tasks import flows_dir

    loaded: Any = flow.from_source(
        source=str(flows_dir()), entrypoint="await_signoff.py:await_signoff"
    )
    loaded.deploy(name="await-signoff-worker", work_pool_name=POOL, print_next_steps=False)
    return "await-signoff/await-signoff-worker"


async def wait_for(run_id: uuid.UUID, predicate: Any, *, seconds: float = 300) -> Any:
    """Return the flow run once ``predicate(run)`` holds (polling the API)."""
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            run = await client.read_flow_run(run_id)
            if await predicate(client, run):
                return run
            await asyncio.sleep(0.5)
    raise AssertionError(f"flow run {run_id} never reached the awaited state")


async def suspended_with_form(client: Any, run: Any) -> bool:
    """Return whether the run is suspended and its input form (schema) is stored."""
    if run.state is None or not run.state.is_paused():
        return False
    keyset = run.state.state_details.run_input_keyset
    if not keyset:
        return False
    try:
        await client.read_flow_run_input(run.id, keyset["schema"])
    except Exception:
        return False
    return True


async def finished(client: Any, run: Any) -> bool:
    return run.state is not None and run.state.is_final()


def test_signoff_resumes_the_suspended_run_and_the_worker_records_the_decision(
    prefect_api: runtime.ServerHandle,
    worker: subprocess.Popen[bytes],
    tmp_path: Path,
    checkout: Path,
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.deployments import run_deployment

    s = build_scenario(tmp_path / "repo")
    built = make_pack(s, tmp_path / "packs")
    record_pack(
        repo=s.repo, manifest=built.manifest, manifest_sha256=built.manifest_sha256, author=LEAD
    )
    name = deploy_await_signoff()
    run: Any = run_deployment(
        name, parameters={"cycle_id": s.cycle_id, "repo": str(s.repo.root)}, timeout=0
    )
    waiting = asyncio.run(wait_for(run.id, suspended_with_form))
    assert waiting.state.name == "Suspended"
    assert worker.poll() is None, (tmp_path / "worker.log").read_text()

    env = {k: v for k, v in os.environ.items() if not k.startswith("COPRODUCE_")}
    env.update(prefect_api.env(), COPRODUCE_AUTHOR="Ola Secretary <ola@example.org>")
    command = [
        sys.executable, "-c", "from coproduce.cli import main; main()", "--repo",
        str(s.repo.root), "signoff", s.cycle_id, "--decision", "approved", "--by",
        "Safeguarding Partnership Executive", "--minute", "SPE 2026/14", "--version", "1.1",
        "--pack", str(built.folder),
    ]  # fmt: skip
    signed = subprocess.run(
        command, env=env, cwd=checkout, capture_output=True, text=True, timeout=400
    )
    assert signed.returncode == 0, signed.stderr
    done = asyncio.run(wait_for(run.id, finished))
    assert done.state.is_completed(), (tmp_path / "worker.log").read_text()

    async def task_names() -> list[str]:
        async with get_client() as client:
            tasks = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))
            )
        return [t.name for t in tasks]

    assert any(n.startswith("sign-off") for n in asyncio.run(task_names()))
    assert load_cycle(s.repo, s.cycle_id).state.value == "approved"
    assert s.repo.resolve(f"{SLUG}/v1.1")
    published = s.repo.root / "published" / SLUG / "v1.1" / f"{SLUG}-v1.1.docx"
    assert published.is_file()
    assert f"{SLUG}/v1.1" in signed.stdout or "Handed the decision" in signed.stdout


def test_a_refused_decision_fails_its_task_once_without_retrying(
    prefect_api: runtime.ServerHandle, tmp_path: Path
) -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client

    from coproduce import tasks
    from tests.flows.test_flows import started_cycle

    repo, cycle_id = started_cycle(tmp_path / "repo", {"partners": 1})  # a draft: refused
    answer = {"outcome": "approved", "decided_by": "Board", "recorded_by": "Ola", "minute": "M"}

    @flow(name="refused-signoff")
    def decide() -> dict[str, Any]:
        state: Any = tasks.sign_off(str(repo.root), cycle_id, answer, return_state=True)
        return {
            "failed": state.is_failed(),
            "message": state.message,
            "task_run": state.state_details.task_run_id,
        }

    done = decide()
    assert done["failed"] and "cannot approve review" in done["message"]

    async def run_count() -> int:
        async with get_client() as client:
            task_run = await client.read_task_run(done["task_run"])
        return task_run.run_count

    assert asyncio.run(run_count()) == 1
