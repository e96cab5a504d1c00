"""Benchmark: the comment portal under 200 simulated participants for 60 s.

Each participant repeatedly opens their page, writes a comment (check your answers) and sends
it, with about a second between actions, against ``coproduce portal --workers 2`` on loopback.
Reported: p50/p95 latency for opening the page and for sending (the POST and its confirmation
page), requests per second, and lost or duplicated submissions (journal, then git, after the
run). In the same run, the same paced load against a bare FastAPI endpoint returning a constant
string (two uvicorn workers, the portal's HTTP protocol); then each served back to back by
``--concurrency`` clients with no pause (personal pages against the constant): the portal's
throughput as a ratio to it.

Writes bench/out/portal.json.

    .venv/bin/python bench/portal_bench.py [--people 200] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.http_client import Connection, HTTPError  # noqa: E402
from coproduce.channels.portal.http import PROTOCOL  # noqa: E402
from coproduce.models import ParticipantRecord  # noqa: E402
from coproduce.review import record  # noqa: E402
from coproduce.review.feedback import iter_feedback  # noqa: E402
from coproduce.store.tokens import issue_tokens, token_expiry  # noqa: E402
from tests.channels.conftest import free_port  # noqa: E402
from tests.channels.portal.browser import running_portal  # noqa: E402
from tests.channels.portal.conftest import launch_sample  # noqa: E402

OUT = HERE / "out" / "portal.json"
BARE = "from fastapi import FastAPI\nfrom fastapi.responses import PlainTextResponse\n" \
    "app = FastAPI()\n\n@app.get('/r/{token}', response_class=PlainTextResponse)\n" \
    "def constant(token: str) -> str:\n    return 'ok'\n"  # fmt: skip


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _participant(conn: Connection, link: str, until: float, out: dict) -> None:
    await asyncio.sleep(random.uniform(0, 1.0))  # arrivals spread over the first second
    n = 0
    while time.monotonic() < until:
        try:
            start = time.monotonic()
            page = await conn.get(link)
            out["page"].append(time.monotonic() - start)
            out["requests"] += 1
            if page.status != 200:
                out["errors"].append(f"page {page.status}")
                await asyncio.sleep(1.0)
                continue
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            await asyncio.sleep(random.uniform(0.8, 1.2))
            data = {"csrf": csrf, "general-comment": f"{link[-12:]} says {n}",
                    "consent": "anonymous", "action": "check"}  # fmt: skip
            check = await conn.post(link, data)
            out["requests"] += 2
            found = re.search(r'name="nonce" value="([^"]+)"', check.text)
            if found is None:
                out["errors"].append(f"check {check.status}")
                continue
            await asyncio.sleep(random.uniform(0.8, 1.2))
            start = time.monotonic()
            sent = await conn.post(f"{link}/send", {"csrf": csrf, "nonce": found.group(1)})
            out["submit"].append(time.monotonic() - start)
            out["requests"] += 2
            out["references"].extend(re.findall(r"<td>(FB-\d+)</td>", sent.text))
            n += 1
            await asyncio.sleep(random.uniform(0.8, 1.2))
        except HTTPError as e:
            out["errors"].append(str(e))


async def _bare_participant(conn: Connection, path: str, until: float, out: dict) -> None:
    await asyncio.sleep(random.uniform(0, 1.0))
    while time.monotonic() < until:
        try:
            start = time.monotonic()
            await conn.get(path)
            out["page"].append(time.monotonic() - start)
            out["requests"] += 1
        except HTTPError as e:
            out["errors"].append(str(e))
        await asyncio.sleep(random.uniform(0.8, 1.2))


async def _run(base: str, paths: list[str], seconds: float, bare: bool) -> dict:
    out: dict = {"page": [], "submit": [], "requests": 0, "errors": [], "references": []}
    connections = [Connection(base) for _ in paths]
    until = time.monotonic() + seconds
    start = time.monotonic()
    work = _bare_participant if bare else _participant
    await asyncio.gather(*(work(c, p, until, out) for c, p in zip(connections, paths, strict=True)))
    out["elapsed"] = time.monotonic() - start
    for c in connections:
        await c.close()
    return out


async def _saturate(base: str, paths: list[str], seconds: float, concurrency: int) -> dict:
    """Return requests/s and p95 with ``concurrency`` clients asking back to back (no pause)."""
    out: dict = {"page": [], "submit": [], "requests": 0, "errors": [], "references": []}
    until = time.monotonic() + seconds
    start = time.monotonic()

    async def ask(i: int) -> None:
        conn = Connection(base)
        while time.monotonic() < until:
            t = time.monotonic()
            try:
                await conn.get(paths[i % len(paths)])
                out["page"].append(time.monotonic() - t)
                out["requests"] += 1
            except HTTPError as e:
                out["errors"].append(str(e))
        await conn.close()

    await asyncio.gather(*(ask(i) for i in range(concurrency)))
    out["elapsed"] = time.monotonic() - start
    return out


def _summary(out: dict) -> dict:
    return {
        "page_p50_ms": round(_p(out["page"], 0.5), 1),
        "page_p95_ms": round(_p(out["page"], 0.95), 1),
        "submit_p50_ms": round(_p(out["submit"], 0.5), 1) if out["submit"] else None,
        "submit_p95_ms": round(_p(out["submit"], 0.95), 1) if out["submit"] else None,
        "submits": len(out["submit"]),
        "requests_per_s": round(out["requests"] / out["elapsed"], 1),
        "errors": len(out["errors"]),
        "error_kinds": sorted(set(out["errors"]))[:10],
    }


def main() -> int:
    """Run the portal and the bare endpoint under the same load; write bench/out/portal.json."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--saturate-seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    with tempfile.TemporaryDirectory() as tmp:
        launched = launch_sample(Path(tmp) / "repo")
        register = launched.register
        people = [register.new_participant_id() for _ in range(args.people)]
        register.add_participants(
            ParticipantRecord(id=pid, name=f"Person {i}", email=f"p{i}@example.org",
                              audience="practitioners")
            for i, pid in enumerate(people)
        )  # fmt: skip
        cycle = record.load_cycle(launched.ctx.repo, launched.cycle_id)
        tokens = issue_tokens(register, participant_ids=people, cycle=cycle.id,
                              expires=token_expiry(cycle.closes))  # fmt: skip
        with running_portal(launched.ctx.repo.root, free_port(), workers=args.workers) as base:
            links = [f"/r/{tokens[p]}" for p in people]
            portal = asyncio.run(_run(base, links, args.seconds, bare=False))
            portal_max = asyncio.run(
                _saturate(base, links, args.saturate_seconds, args.concurrency)
            )
        journal = register.count_submissions(cycle=cycle.id)
        git = sorted(i.id for i in iter_feedback(launched.ctx.repo, cycle.id))
        references = portal["references"]
        integrity = {
            "acknowledged": len(references),
            "distinct_references": len(set(references)),
            "journal": journal,
            "git": len(git),
            "lost": len(set(references) - set(git)),
            "duplicated": len(references) - len(set(references)) + len(git) - len(set(git)),
        }
        # One confirmation email per send (each send here is one comment), never two.
        receipts = [m for m in register.list_messages(cycle=cycle.id) if m.kind == "receipt"]
        integrity["receipt_emails_sent"] = sum(1 for m in receipts if m.status == "sent")
        integrity["receipt_emails_logged"] = len(receipts)
        launched.ctx.close()
        bare_dir = Path(tmp) / "bare"
        bare_dir.mkdir()
        (bare_dir / "bare_app.py").write_text(BARE, encoding="utf-8")
        bare, bare_max = _bare(bare_dir, args)
    result = {
        "people": args.people,
        "seconds": args.seconds,
        "workers": args.workers,
        "portal": _summary(portal),
        "bare_fastapi": _summary(bare),
        "integrity": integrity,
        "saturated_concurrency": args.concurrency,
        "portal_page_saturated": _summary(portal_max),
        "bare_saturated": _summary(bare_max),
    }
    # Throughput: pages served back to back, the portal's personal page against the constant.
    result["throughput_ratio_portal_to_bare"] = round(
        result["portal_page_saturated"]["requests_per_s"]
        / result["bare_saturated"]["requests_per_s"],
        3,
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0 if integrity["lost"] == 0 and integrity["duplicated"] == 0 else 1


def _bare(folder: Path, args: argparse.Namespace) -> tuple[dict, dict]:
    import contextlib
    import signal
    import subprocess
    import urllib.request

    port = free_port()
    # Served as the portal is: uvicorn, the same workers, the same HTTP protocol (TCP_NODELAY).
    serve = (
        "import sys, uvicorn\n"
        f"sys.path.insert(0, {str(folder)!r})\n"
        f"uvicorn.run('bare_app:app', port={port}, workers={args.workers}, log_level='warning', "
        f"http={PROTOCOL!r})\n"
    )
    process = subprocess.Popen([sys.executable, "-c", serve], start_new_session=True)
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/r/x", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        paced = asyncio.run(_run(base, ["/r/constant"] * args.people, args.seconds, bare=True))
        saturated = _saturate(base, ["/r/constant"], args.saturate_seconds, args.concurrency)
        return paced, asyncio.run(saturated)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
