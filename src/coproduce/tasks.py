"""Thin Prefect tasks around the review service: the only library module importing prefect.

Tasks that send carry business-key cache keys and persist their results, so a retried,
resumed or re-run flow finds them Cached and sends nothing twice. The ledger in the state
directory is the second guard: losing Prefect's database loses no cycle and resends no mail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext

from coproduce import review
from coproduce.defaults import DEFAULT_TIMEZONE
from coproduce.errors import CoproduceError, NotFoundError
from coproduce.review.context import open_context
from coproduce.review.delivery import Batch

RETRIES = 3
DELAYS: list[float] = [1, 2, 4]
KEEP = dt.timedelta(days=120)


def batch_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """Return the business key of a send: kind, cycle, audience, batch number, recipients."""
    batch: Batch = parameters["batch"]
    return f"send-{batch.key}"


def check_worker(repo: str | None) -> str:
    """Fail the run at once, with one clear line, when this worker cannot do the work safely.

    On a shared Prefect server the register must be the shared database (not a SQLite file
    only this machine sees) and the guidance checkout is found now, on the worker, from the
    ``repo`` parameter or COPRODUCE_REPO — not fixed when the flow was deployed.
    """
    from coproduce.workspace import open_workspace

    try:
        workspace = open_workspace(repo=repo)
        workspace.check_worker(shared_server=_shared_server())
    except CoproduceError as e:
        get_run_logger().error(f"cannot run here: {e}")
        raise
    return str(workspace.repo.root)


def _shared_server() -> bool:
    from prefect.settings import get_current_settings

    from coproduce.runtime import is_shared_api

    return is_shared_api(get_current_settings().api.url)


@task(name="record-feedback", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def record_feedback(repo: str | None, cycle_id: str | None = None) -> dict[str, list[str]]:
    """Write journalled feedback not yet in git, in batches; return the ids by cycle."""
    from coproduce.review.recording import record_pending

    ctx = open_context(repo=repo)
    done = record_pending(repo=ctx.repo, register=ctx.outreach.register, cycle_id=cycle_id)
    if done.count:
        get_run_logger().info(f"recorded {done.count} feedback item(s) in git")
    return done.items


@task(name="open-cycle", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def open_cycle(repo: str | None, cycle_id: str, author: str | None = None) -> str:
    """Open a draft cycle (a no-op when it is already open); return its state."""
    from coproduce.channels.safeguarding import require_lead_for_youth
    from coproduce.review.record import load_cycle

    ctx = open_context(repo=repo, author=author)
    try:
        require_lead_for_youth(
            ctx.settings.safeguarding_lead_email,
            load_cycle(ctx.repo, cycle_id).audiences,
            ctx.settings.all_audiences(),
        )
        return review.open_cycle(repo=ctx.repo, cycle_id=cycle_id, author=ctx.author).state.value
    finally:
        ctx.close()


@task(name="render-materials", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def render_materials(repo: str | None, cycle_id: str) -> dict[str, str]:
    """Render the cycle's draft materials once into the state directory; return their paths."""
    from coproduce.review.materials import render_materials as render

    ctx = open_context(repo=repo)
    try:
        return {k: str(v) for k, v in render(repo=ctx.repo, cycle_id=cycle_id).items()}
    finally:
        ctx.close()


@task(name="check-youth-twin", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def stale_twin_sections(repo: str | None, cycle_id: str) -> list[str]:
    """Return the youth twin sections whose parent moved on, warning in the run's log."""
    from coproduce.review.report import stale_twin_sections as find

    ctx = open_context(repo=repo)
    try:
        cycle = review.load_cycle(ctx.repo, cycle_id)
        stale = find(repo=ctx.repo, cycle=cycle)
    finally:
        ctx.close()
    if stale:
        get_run_logger().warning(stale_twin_warning(cycle.slug, stale))
    return stale


def stale_twin_warning(slug: str, sections: list[str]) -> str:
    """Return the one-line warning about youth twin sections older than their parent."""
    return (
        f"youth version of {slug} is out of date in {len(sections)} section(s): "
        f"{', '.join(sections)} (the parent changed after them; update "
        f"guidance/{slug}.young-people.md)"
    )


@task(name="plan-invitations", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def plan_invitations(repo: str | None, cycle_id: str) -> list[Batch]:
    """Return the invitation batches still to send."""
    ctx = open_context(repo=repo)
    try:
        plan = review.plan_invitations(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach)
        return plan.batches
    finally:
        ctx.close()


@task(name="plan-reminders", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def plan_reminders(repo: str | None, cycle_id: str, manual: bool = False) -> review.Plan:
    """Return the reminder batches due now (one manual round when asked and none is due)."""
    ctx = open_context(repo=repo)
    try:
        return review.plan_reminders(
            repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, manual=manual
        )
    finally:
        ctx.close()


@task(
    name="send-batch",
    cache_key_fn=batch_cache_key,
    persist_result=True,
    cache_expiration=KEEP,
    task_run_name="send-{batch.kind}-{batch.audience}-{batch.number}",
    retries=RETRIES,
    retry_delay_seconds=DELAYS,
)
def send_batch(repo: str | None, batch: Batch, materials: Mapping[str, str]) -> int:
    """Send one batch of messages; return how many went out now."""
    ctx = open_context(repo=repo)
    try:
        done = review.deliver(
            repo=ctx.repo,
            batch=batch,
            outreach=ctx.outreach,
            materials={k: Path(v) for k, v in materials.items()},
        )
        return len(done.sent)
    finally:
        ctx.close()


@task(name="record-reminders", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def record_reminders(repo: str | None, cycle_id: str, rounds: list[int]) -> list[int]:
    """Record reminder rounds as sent in the cycle; return every round recorded."""
    ctx = open_context(repo=repo)
    try:
        cycle = review.record_reminders(
            repo=ctx.repo, cycle_id=cycle_id, rounds=rounds, author=ctx.author
        )
        return cycle.reminders_sent
    finally:
        ctx.close()


@task(name="close-cycle", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def close_cycle(repo: str | None, cycle_id: str, author: str | None = None) -> str:
    """Close an open cycle (a cycle already past open is left as it is); return its state."""
    ctx = open_context(repo=repo, author=author)
    try:
        cycle = review.close(repo=ctx.repo, cycle_id=cycle_id, author=ctx.author, strict=False)
        return cycle.state.value
    finally:
        ctx.close()


@task(
    name="plan-closed-notices", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS
)
def plan_closed_notices(repo: str | None, cycle_id: str) -> list[Batch]:
    """Return the "review closed" notice batches still to send."""
    ctx = open_context(repo=repo)
    try:
        plan = review.service.plan_closed_notices(
            repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach
        )
        return plan.batches
    finally:
        ctx.close()


@task(name="plan-sweep", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def plan_sweep(repo: str | None) -> dict[str, list[str]]:
    """Return the open cycles past their close date and those with reminders due."""
    ctx = open_context(repo=repo)
    try:
        return review.plan_sweep(repo=ctx.repo)
    finally:
        ctx.close()


@task(name="cycle-state", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def cycle_state(repo: str | None, cycle_id: str) -> str:
    """Return the state a cycle is in."""
    ctx = open_context(repo=repo)
    try:
        return review.load_cycle(ctx.repo, cycle_id).state.value
    finally:
        ctx.close()


def transient_only(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a failed task unless a user error failed it (the same input fails the same way)."""
    return not isinstance(state.data, CoproduceError)


@task(
    name="sign-off",
    cache_policy=NO_CACHE,
    retries=RETRIES,
    retry_delay_seconds=DELAYS,
    retry_condition_fn=transient_only,
)
def sign_off(
    repo: str | None, cycle_id: str, answer: dict[str, Any], pack: str | None = None
) -> dict[str, Any]:
    """Record the board's decision (an approval tags and publishes); return what it did.

    A retry after a crash finds the decision recorded and only completes it (tag, files).
    """
    from coproduce.review.signoff import sign_off_answer

    ctx = open_context(repo=repo, author=answer.get("recorded_by"))
    try:
        result = sign_off_answer(
            repo=ctx.repo,
            cycle_id=cycle_id,
            answer=answer,
            author=ctx.author,
            pack=Path(pack) if pack else None,
        )
    finally:
        ctx.close()
    for line in result.notes_for_reader:
        get_run_logger().warning(line)
    return result.model_dump(mode="json")


@task(name="build-pack", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def build_pack(
    repo: str | None,
    cycle_id: str,
    out_dir: str,
    allow_undecided: bool = False,
    author: str | None = None,
) -> dict[str, Any]:
    """Build the sign-off pack of a cycle; return where it is, its manifest and its hash."""
    from coproduce.pack import build_pack as build

    ctx = open_context(repo=repo, author=author)
    try:
        result = build(
            repo=ctx.repo,
            cycle_id=cycle_id,
            out_dir=Path(out_dir),
            author=ctx.author,
            register=ctx.outreach.register,
            allow_undecided=allow_undecided,
        )
    finally:
        ctx.close()
    for line in result.warnings:
        get_run_logger().warning(line)
    return {
        "folder": str(result.folder),
        "zip": str(result.zip),
        "manifest": result.manifest.model_dump(mode="json"),
        "manifest_sha256": result.manifest_sha256,
    }


@task(name="record-pack", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def record_pack(repo: str | None, built: dict[str, Any], author: str | None = None) -> str:
    """Record a built pack's hash in git and move its cycle on; return the cycle's state."""
    from coproduce.models import PackManifest
    from coproduce.pack import record_pack as record

    ctx = open_context(repo=repo, author=author)
    try:
        cycle = record(
            repo=ctx.repo,
            manifest=PackManifest.model_validate(built["manifest"]),
            manifest_sha256=built["manifest_sha256"],
            author=ctx.author,
        )
        return cycle.state.value
    finally:
        ctx.close()


@task(name="tell-participants", cache_policy=NO_CACHE, retries=RETRIES, retry_delay_seconds=DELAYS)
def tell_participants(repo: str | None, cycle_id: str) -> dict[str, object]:
    """Tell each participant what happened to their feedback (once); return who was told.

    Safe to retry: the register's message log skips everyone already sent this message.
    """
    from coproduce.review.outcomes import tell_participants as tell

    ctx = open_context(repo=repo)
    try:
        told = tell(workspace=ctx.workspace, cycle_id=cycle_id)
    finally:
        ctx.close()
    get_run_logger().info(
        f"told {len(told.sent)} participant(s) about the {told.decision} decision"
        f" ({len(told.already)} already told, {len(told.opted_out)} opted out)"
    )
    return told.as_dict()


# Running and serving the flows in flows/ (loaded by path: nothing imports flows/). ---------

FLOWS = (
    "launch_review",
    "send_reminders",
    "close_review",
    "review_clock",
    "await_signoff",
    "record_feedback",
    "build_pack",
    "tell_participants",
)
CLOCK_CRON = "0 * * * *"
RECORD_INTERVAL_S = 60


def flows_dir() -> Path:
    """Return the folder of flow files (shipped as package data, see coproduce.resources)."""
    from coproduce.resources import flows_dir as folder

    return folder()


def entrypoint(name: str) -> str:
    """Return the entrypoint (``<file>:<function>``) of one of coproduce's flows."""
    if name not in FLOWS:
        raise NotFoundError(f"no flow {name!r} (known: {', '.join(FLOWS)})")
    return f"{flows_dir() / f'{name}.py'}:{name}"


def run_flow(name: str, **parameters: Any) -> Any:
    """Run one flow in this process against the configured Prefect API; return its result."""
    import asyncio
    import inspect

    from prefect.flows import load_flow_from_entrypoint

    flow: Any = load_flow_from_entrypoint(entrypoint(name))
    outcome = flow(**parameters)
    return asyncio.run(outcome) if inspect.iscoroutine(outcome) else outcome


def build_deployments(
    *, repo: str, cron: str = CLOCK_CRON, timezone: str = DEFAULT_TIMEZONE
) -> list[Any]:
    """Return a deployment per flow for ``repo``; the review clock runs on ``cron``."""
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule
    from prefect.deployments.runner import RunnerDeployment

    deployments = []
    for name in FLOWS:
        schedule: list[Any] | None = None
        if name == "review_clock":
            schedule = [CronSchedule(cron=cron, timezone=timezone)]
        elif name == "record_feedback":
            schedule = [IntervalSchedule(interval=dt.timedelta(seconds=RECORD_INTERVAL_S))]
        deployments.append(
            RunnerDeployment.from_entrypoint(
                entrypoint(name),
                name=name.replace("_", "-"),
                parameters={"repo": repo},
                schedules=schedule,
                tags=["coproduce"],
            )
        )
    return deployments


def serve_flows(*, repo: str, cron: str = CLOCK_CRON, timezone: str = DEFAULT_TIMEZONE) -> None:
    """Serve every flow's deployment (with the review clock's schedule) until interrupted."""
    from prefect import serve

    serve(*build_deployments(repo=repo, cron=cron, timezone=timezone), print_starting_message=True)


def resume_signoff(cycle_id: str, decision: dict[str, Any]) -> list[str]:
    """Hand the decision to the paused await-signoff runs of ``cycle_id``; return their ids."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.flow_runs import resume_flow_run

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["await-signoff"])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED]))
            ),
        )
    waiting = [r for r in runs if r.parameters.get("cycle_id") == cycle_id]
    for run in waiting:
        resume_flow_run(run.id, run_input=decision)
    return [str(r.id) for r in waiting]


def wait_for_run(run_id: str, *, timeout_s: float, poll_s: float = 0.5) -> str | None:
    """Return the final state type of flow run ``run_id``, or None if it is not final in time."""
    import time
    import uuid

    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while True:
            run = client.read_flow_run(uuid.UUID(run_id))
            if run.state is not None and run.state.is_final():
                return run.state.type.value
            if time.monotonic() >= deadline:
                return None
            time.sleep(poll_s)


@contextlib.contextmanager
def script_api(repo: str | None = None) -> Iterator[str]:
    """Point a ``python flows/<name>.py`` run at the configured API, else the embedded server.

    prefect reads its settings once, when first imported (before a flow file's ``__main__``
    runs), so setting PREFECT_API_URL in os.environ then is not seen; the embedded server's
    address is applied as temporary settings instead (and to os.environ, for child processes).
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_HOME,
        get_current_settings,
        temporary_settings,
    )

    from coproduce import runtime
    from coproduce.workspace import open_workspace

    configured = get_current_settings().api.url
    if configured:
        yield configured
        return
    workspace = open_workspace(repo=repo, sync=False)
    idle = workspace.settings.prefect_idle_minutes
    handle = runtime.ensure_server(state_dir=workspace.state_dir, idle_minutes=idle)
    runtime.activate(handle)
    updates: dict[Any, Any] = {PREFECT_API_URL: handle.api_url}
    if handle.home is not None:
        updates[PREFECT_HOME] = str(handle.home)
    with temporary_settings(updates=updates):
        try:
            yield handle.api_url
        finally:
            flush()


def run_script(flow: Any, *args: Any, **parameters: Any) -> Any:
    """Run a flow as ``python flows/<name>.py`` does: print its result; a user error is one line."""
    import asyncio
    import inspect
    import sys

    bound = inspect.signature(flow.fn).bind_partial(*args, **parameters)
    try:
        with script_api(bound.arguments.get("repo")):
            outcome = flow(*args, **parameters)
            result = asyncio.run(outcome) if inspect.iscoroutine(outcome) else outcome
    except CoproduceError as e:
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(1) from e
    print(result)
    return result


def flush(timeout: float = 5.0) -> None:
    """Send this process's pending Prefect logs and events now (before its server stops)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)
