"""Benchmark: launch a review to 1,000 participants through Prefect (outbox, then SMTP).

Measures the embedded Prefect server's start-up, the time until every invitation is in the
outbox, throughput to a loopback aiosmtpd server, and Prefect's per-task overhead (the same
launch run as plain service calls). Writes bench/out/launch.json.

    .venv/bin/python bench/launch_bench.py [--participants 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

from coproduce import review, runtime
from coproduce.models import ParticipantRecord, Person
from coproduce.review.context import open_context
from coproduce.review.materials import render_materials
from coproduce.store import GuidanceRepo
from coproduce.store.register import Register

LEAD = Person(name="Bench Lead", email="bench.lead@example.org")
OUT = Path(__file__).resolve().parent / "out" / "launch.json"
POLICY = """---
title: Benchmark escalation policy
version: "1.0"
---

# Benchmark escalation policy {#policy}

## Purpose {#purpose}

Practitioners raise a concern about a plan using the steps below.

## Steps {#steps}

Talk to the lead professional first, then to their manager.
"""


def make_cycle(root: Path, participants: int) -> tuple[GuidanceRepo, str]:
    """Create a repository, a register of ``participants`` people and a draft cycle."""
    repo = GuidanceRepo.init(root, author=LEAD)
    repo.commit_files({"guidance/bench-policy.md": POLICY}, author=LEAD, message="Add policy")
    repo.approve("bench-policy", "1.0", author=LEAD, message="Approved")
    split = {"practitioners": 0.6, "partners": 0.3, "young-people": 0.1}
    with Register.for_state_dir(Path(repo.state_dir)) as register:
        records = []
        for audience, share in split.items():
            for i in range(round(participants * share)):
                records.append(
                    ParticipantRecord(
                        id=register.new_participant_id(),
                        name=f"Bench {audience} {i}",
                        email=f"{audience}.{i}@example.org",
                        audience=audience,
                        age_band="16-17" if audience == "young-people" else "25+",
                    )
                )
        register.add_participants(records)
    cycle = review.start_review(
        repo=repo,
        slug="bench-policy",
        closes=dt.date.today() + dt.timedelta(days=30),
        audiences=list(split),
        author=LEAD,
    ).cycle
    return repo, cycle.id


def run_launch_flow(repo: GuidanceRepo, cycle_id: str) -> tuple[float, dict[str, object]]:
    """Run the launch_review flow in this process; return (seconds, result)."""
    from coproduce import tasks

    started = time.perf_counter()
    result = tasks.run_flow("launch_review", cycle_id=cycle_id, repo=str(repo.root))
    return time.perf_counter() - started, result


def run_direct(repo: GuidanceRepo, cycle_id: str) -> float:
    """Run the same launch as plain service calls (no Prefect); return seconds."""
    started = time.perf_counter()
    ctx = open_context(repo=repo.root)
    try:
        files = render_materials(repo=ctx.repo, cycle_id=cycle_id)
        review.launch(
            repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, materials=files
        )
    finally:
        ctx.close()
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and write bench/out/launch.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--overhead-participants", type=int, default=200)
    args = parser.parse_args()
    for name in [k for k in os.environ if k.startswith(("COPRODUCE_", "PREFECT_"))]:
        del os.environ[name]
    os.environ["COPRODUCE_MAIL_RATE_PER_MINUTE"] = "1000000"
    os.environ["COPRODUCE_SAFEGUARDING_LEAD_EMAIL"] = "safeguarding@example.org"
    work = Path(tempfile.mkdtemp(prefix="coproduce-bench-"))
    report: dict[str, object] = {"participants": args.participants, "python": sys.version}

    started = time.perf_counter()
    handle = runtime.ensure_server(state_dir=work / "state")
    report["prefect_startup_s"] = round(time.perf_counter() - started, 2)
    runtime.activate(handle)
    try:
        repo, cycle_id = make_cycle(work / "outbox-repo", args.participants)
        seconds, result = run_launch_flow(repo, cycle_id)
        outbox = list((Path(repo.state_dir) / "outbox").rglob("*.eml"))
        report["outbox"] = {
            "flow_s": round(seconds, 2),
            "total_incl_prefect_startup_s": round(seconds + float(report["prefect_startup_s"]), 2),  # type: ignore[arg-type]
            "messages": len(outbox),
            "batches": result["batches"],
            "messages_per_s": round(len(outbox) / seconds, 1),
            "target_s": 30,
        }
        rerun_s, rerun = run_launch_flow(repo, cycle_id)
        report["outbox_rerun"] = {"flow_s": round(rerun_s, 2), "sent": rerun["sent"]}

        report["smtp"] = bench_smtp(work, args.participants)

        n = args.overhead_participants
        repo_a, cycle_a = make_cycle(work / "overhead-flow", n)
        flow_s, flow_result = run_launch_flow(repo_a, cycle_a)
        repo_b, cycle_b = make_cycle(work / "overhead-direct", n)
        direct_s = run_direct(repo_b, cycle_b)
        report["launch_flow_vs_direct"] = {
            "participants": n,
            "flow_s": round(flow_s, 3),
            "direct_s": round(direct_s, 3),
            "tasks": 3 + int(flow_result["batches"]),  # type: ignore[call-overload]
            "note": "flow and direct both send batches in turn; disk noise is large",
        }
        report["prefect_per_task_ms"] = measure_task_overhead(200)
    finally:
        drain_prefect_queues()
        runtime.stop_server(state_dir=work / "state")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


def drain_prefect_queues() -> None:
    """Send Prefect's queued logs and events before the server stops (no error at exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=5)


def measure_task_overhead(count: int) -> float:
    """Return Prefect's cost per sequential no-op task inside an async flow, in ms."""
    from prefect import flow, task

    @task(name="noop")
    def noop(n: int) -> int:
        return n

    @flow(name="task-overhead")
    async def overhead(count: int) -> int:
        return sum(noop(i) for i in range(count))

    import asyncio

    asyncio.run(overhead(1))  # warm up: flow registration, client
    started = time.perf_counter()
    asyncio.run(overhead(count))
    return round((time.perf_counter() - started) / count * 1000, 2)


def bench_smtp(work: Path, participants: int) -> dict[str, object]:
    """Launch to a loopback aiosmtpd server; return messages received and throughput."""
    from aiosmtpd.controller import Controller

    class Counter:
        received = 0

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            Counter.received += 1
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        os.environ["COPRODUCE_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        repo, cycle_id = make_cycle(work / "smtp-repo", participants)
        seconds, result = run_launch_flow(repo, cycle_id)
    finally:
        os.environ.pop("COPRODUCE_SMTP_URL", None)
        controller.stop()
    return {
        "flow_s": round(seconds, 2),
        "received": Counter.received,
        "sent": result["sent"],
        "messages_per_s": round(Counter.received / seconds, 1),
    }


if __name__ == "__main__":
    main()
