"""A real browser for the portal tests: Debian's chromium through Playwright, a portal served
by ``coproduce portal`` in a subprocess, and axe-core (from npm, cached) to check each page."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coproduce import runtime
from coproduce.defaults import STATE_DIR_NAME

AXE_VERSION = "4.14.1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_source() -> str:
    """Return axe.min.js, fetched once with ``npm pack`` into a cache beside the venv."""
    cached = Path(sys.prefix) / "cache" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["npm", "pack", f"axe-core@{AXE_VERSION}", "--silent"],
                cwd=tmp, check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            with tarfile.open(Path(tmp) / f"axe-core-{AXE_VERSION}.tgz") as archive:
                member = archive.extractfile("package/axe.min.js")
                assert member is not None
                data = member.read()
        partial = cached.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(cached)
    return cached.read_text(encoding="utf-8")


def recorded_feedback(repo: Any, cycle_id: str, count: int, timeout: float = 30) -> list[Any]:
    """Return the cycle's feedback in git once it holds ``count`` items: a portal process
    records to git on its own thread, just after it answered the send."""
    from coproduce.review.feedback import iter_feedback

    deadline = time.monotonic() + timeout
    while len(items := iter_feedback(repo, cycle_id)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return items


@contextlib.contextmanager
def running_portal(repo: Path, port: int, *, workers: int = 1) -> Iterator[str]:
    """Serve ``coproduce portal`` for ``repo`` on loopback; stop it (its whole group) after."""
    command = [str(Path(sys.executable).parent / "coproduce"), "--repo", str(repo), "portal",
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPRODUCE_")}
    log = open(Path(tempfile.gettempdir()) / f"coproduce-portal-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the portal did not start: " + Path(log.name).read_text()
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        # SIGTERM to uvicorn alone: it stops its workers, which finish recording to git (a
        # signal to the whole group would also stop their git helper processes mid-write).
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # anything the group left behind
        log.close()
        Path(log.name).unlink(missing_ok=True)
        # A reminder sent from the lead's page starts the embedded Prefect server: stop it too,
        # and any server a reminder cut short was still starting.
        runtime.stop_server(state_dir=repo / STATE_DIR_NAME)
        for pid, _home in runtime.find_servers(repo / STATE_DIR_NAME):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


class Axe:
    """Run axe-core on the HTML a (script-free) page showed, in a scripted twin of the page."""

    def __init__(self, browser: Any, source: str) -> None:
        self.source = source
        self.page = browser.new_context(
            viewport={"width": 360, "height": 800}, bypass_csp=True
        ).new_page()

    def serious(self, url: str, html: str) -> list[str]:
        """Return the serious and critical violations on ``html`` as shown at ``url``."""
        self.page.route(
            url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
        )
        try:
            self.page.goto(url)
            self.page.evaluate(self.source + "\n;0")
            found = self.page.evaluate(
                "tags => axe.run({runOnly: tags}).then(r => r.violations"
                ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
                AXE_TAGS,
            )
        finally:
            self.page.unroute(url)
        return list(found)
