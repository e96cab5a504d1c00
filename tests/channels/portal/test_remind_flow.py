"""A reminder the lead sends from the portal runs as a send-reminders flow run in Prefect."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from coproduce import runtime
from coproduce.channels.portal.passwords import hash_password
from tests.helpers.prefect_api import finished_runs

from ..conftest import free_port
from .browser import running_portal
from .conftest import launch_sample
from .test_participant import csrf_of

EMAIL = "sam.lead@example.org"
PASSWORD = "correct horse battery staple"


@pytest.mark.prefect_server
@pytest.mark.slow
def test_a_reminder_from_the_lead_page_is_a_send_reminders_flow_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    launched = launch_sample(tmp_path / "guidance-repo")
    launched.register.add_lead(EMAIL, hash_password(PASSWORD))
    root, state = launched.ctx.repo.root, Path(launched.ctx.repo.state_dir)
    launched.ctx.close()
    outbox = state / "outbox"
    try:
        with running_portal(root, free_port()) as base, httpx.Client(base_url=base) as web:
            csrf = csrf_of(web.get("/lead/login").text)
            web.post("/lead/login", data={"csrf": csrf, "email": EMAIL, "password": PASSWORD})
            page = web.get(f"/lead/c/{launched.cycle_id}")
            assert "2 people were invited and have not responded yet." in page.text
            done = web.post(f"/lead/c/{launched.cycle_id}/remind",
                            data={"csrf": csrf_of(page.text)}, follow_redirects=True)  # fmt: skip
            assert "Sending a reminder to 2 people" in done.text
            deadline = time.monotonic() + 120
            while len(list(outbox.glob("reminder-*.eml"))) < 2 and time.monotonic() < deadline:
                time.sleep(0.5)
            assert len(list(outbox.glob("reminder-*.eml"))) == 2
            server = runtime.read_server(state)
            assert server is not None, "the portal did not use the embedded Prefect server"
            deadline = time.monotonic() + 30
            while ("send-reminders", "COMPLETED") not in finished_runs(server.api_url):
                assert time.monotonic() < deadline, finished_runs(server.api_url)
                time.sleep(0.5)
    finally:
        runtime.stop_server(state_dir=state)
