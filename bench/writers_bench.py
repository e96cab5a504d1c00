"""Benchmark: many writers on one register (SQLite in WAL, then a loopback PostgreSQL).

1. 200 concurrent intake calls (4 processes x 50, 10 threads each): p50/p95 latency and
   throughput, against one bare committed INSERT into the same database on the same machine
   (the floor: what durability alone costs), reported as a ratio; then the recording step.
2. 1,000 reminders sent by two processes side by side to a loopback SMTP server: duplicates
   (must be 0) and messages per second.

Writes bench/out/writers.json.

    .venv/bin/python bench/writers_bench.py [--people 1000]
"""

from __future__ import annotations

import argparse
import email
import json
import multiprocessing
import os
import re
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from coproduce import review  # noqa: E402
from coproduce.models import ParticipantRecord, Person  # noqa: E402
from coproduce.review.context import open_context  # noqa: E402
from coproduce.review.feedback import Submission  # noqa: E402
from coproduce.review.intake import accept  # noqa: E402
from coproduce.review.recording import record_pending  # noqa: E402
from coproduce.store import GuidanceRepo  # noqa: E402
from coproduce.store.register import Register  # noqa: E402
from tests.helpers.postgres import running_postgres  # noqa: E402

OUT = HERE / "out" / "writers.json"
LEAD = Person(name="Bench Lead", email="bench.lead@example.org")
SECRET = "b" * 40
POLICY = """---
title: Benchmark policy
version: "1.0"
---

# Benchmark policy {#policy}

## When to escalate {#when}

Escalate when a plan is not keeping a young person safe.
"""


def _repo(root: Path, url: str, people: int, smtp_port: int | None = None) -> tuple[str, str]:
    os.environ["COPRODUCE_SECRET_KEY"] = SECRET
    Register(url, migrate=True).close()
    repo = GuidanceRepo.init(root, author=LEAD)
    config = (root / "coproduce.toml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^# database_url = .*$", f'database_url = "{url}"', config)
    if smtp_port:
        config = re.sub(r"(?m)^# smtp_url = .*$", f'smtp_url = "smtp://127.0.0.1:{smtp_port}"',
                        config)  # fmt: skip
        config = re.sub(r"(?m)^# rate_per_minute = .*$", "rate_per_minute = 1000000", config)
    repo.commit_files({"coproduce.toml": config, "guidance/policy.md": POLICY}, author=LEAD,
                      message="Set up")  # fmt: skip
    repo.approve("policy", "1.0", author=LEAD)
    ctx = open_context(repo=root, author=str(LEAD))
    ctx.outreach.register.add_participants(
        ParticipantRecord(id=f"P-{i:010x}", name=f"Person {i}", email=f"p{i}@example.org",
                          audience="practitioners")
        for i in range(people)
    )  # fmt: skip
    cycle = review.start_review(repo=ctx.repo, slug="policy", closes=_closes(),
                                audiences=["practitioners"], author=LEAD,
                                outreach=ctx.outreach).cycle.id  # fmt: skip
    review.open_cycle(repo=ctx.repo, cycle_id=cycle, author=LEAD)
    return str(root), cycle


def _closes():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date.today() + dt.timedelta(days=30)


def _submit(root: str, cycle: str, start: int, count: int) -> list[float]:
    os.environ["COPRODUCE_SECRET_KEY"] = SECRET
    ctx = open_context(repo=root)

    def one(n: int) -> float:
        began = time.perf_counter()
        accept(repo=ctx.repo, register=ctx.outreach.register, cycle_id=cycle,
               submission=Submission(participant=f"P-{n % 50:010x}", channel="portal",
                                     text=f"Comment {n}", section="when"),
               key=f"bench-{n}")  # fmt: skip
        return time.perf_counter() - began

    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(one, range(start, start + count)))


def _bare_inserts(url: str, count: int) -> float:
    """Return the mean seconds of one committed INSERT of one small row (the floor)."""
    engine = create_engine(url)
    table = Table("bench_floor", MetaData(), Column("id", Integer, primary_key=True),
                  Column("v", String(40)))  # fmt: skip
    table.create(engine, checkfirst=True)
    began = time.perf_counter()
    for n in range(count):
        with engine.begin() as conn:
            conn.execute(insert(table).values(v=f"row {n}"))
    elapsed = (time.perf_counter() - began) / count
    engine.dispose()
    return elapsed


def bench_intake(url: str, folder: Path) -> dict[str, float]:
    root, cycle = _repo(folder / "intake", url, 50)
    context = multiprocessing.get_context("spawn")
    began = time.perf_counter()
    with context.Pool(4) as pool:
        latencies = [x for batch in pool.starmap(
            _submit, [(root, cycle, p * 50, 50) for p in range(4)]) for x in batch]  # fmt: skip
    wall = time.perf_counter() - began
    ctx = open_context(repo=root)
    journalled = ctx.outreach.register.count_submissions(cycle=cycle)
    started = time.perf_counter()
    recorded = record_pending(repo=ctx.repo, register=ctx.outreach.register).count
    recording = time.perf_counter() - started
    in_git = len(list((Path(root) / "reviews" / cycle / "feedback").glob("FB-*.yaml")))
    floor = _bare_inserts(url, 200)
    p95 = statistics.quantiles(latencies, n=20)[18]
    return {
        "submissions": len(latencies),
        "journalled": journalled,
        "in_git_after_recording": in_git,
        "recorded": recorded,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "throughput_per_s": round(len(latencies) / wall, 1),
        "bare_insert_ms": round(floor * 1000, 2),
        "p50_over_bare_insert": round(statistics.median(latencies) / floor, 1),
        "recording_s": round(recording, 2),
    }


class _Counting:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


def _remind(root: str, cycle: str) -> int:
    os.environ["COPRODUCE_SECRET_KEY"] = SECRET
    ctx = open_context(repo=root, author=str(LEAD))
    return len(review.remind(repo=ctx.repo, cycle_id=cycle, outreach=ctx.outreach,
                             author=LEAD, manual=True).sent)  # fmt: skip


def bench_reminders(url: str, folder: Path, people: int) -> dict[str, float]:
    handler = _Counting()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        root, cycle = _repo(folder / "remind", url, people, smtp_port=port)
        ctx = open_context(repo=root, author=str(LEAD))
        register = ctx.outreach.register
        from coproduce.invitations import invitation_id
        from coproduce.store.register import NewMessage

        ids = [f"P-{i:010x}" for i in range(people)]  # invited earlier (the bench times reminders)
        register.queue_messages(NewMessage(invitation_id(cycle, p), cycle, p, "invite")
                                for p in ids)  # fmt: skip
        for p in ids:
            register.mark_sent(invitation_id(cycle, p))
        context = multiprocessing.get_context("spawn")
        began = time.perf_counter()
        with context.Pool(2) as pool:
            sent = pool.starmap(_remind, [(root, cycle), (root, cycle)])
        wall = time.perf_counter() - began
    finally:
        controller.stop()
    recipients = Counter(str(email.message_from_bytes(m)["To"]) for m in handler.received)
    return {
        "people": people,
        "received": len(handler.received),
        "duplicates": sum(n - 1 for n in recipients.values() if n > 1),
        "split_between_workers": sent,
        "messages_per_s": round(len(handler.received) / wall, 1),
        "seconds": round(wall, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    args = parser.parse_args()
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="coproduce-writers-") as tmp:
        folder = Path(tmp)
        sqlite = f"sqlite:///{folder / 'register.sqlite3'}"
        results["sqlite"] = {"intake": bench_intake(sqlite, folder / "s")}
        print(json.dumps(results["sqlite"]), flush=True)
        with running_postgres() as server:
            url = server.create_database()
            results["postgresql"] = {
                "intake": bench_intake(url, folder / "p"),
                "reminders": bench_reminders(server.create_database(), folder / "p", args.people),
            }
        print(json.dumps(results["postgresql"]), flush=True)
        results["sqlite"]["reminders"] = bench_reminders(
            f"sqlite:///{folder / 'remind.sqlite3'}", folder / "s", args.people
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))
    bad = [k for k, v in results.items() if v["reminders"]["duplicates"] or
           v["intake"]["in_git_after_recording"] != v["intake"]["submissions"]]  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
