"""Read a Prefect server's flow runs over its REST API (no prefect import in the test)."""

from __future__ import annotations

import json
import urllib.request


def api(api_url: str, path: str, body: bytes | None = None) -> object:
    """Return the JSON a Prefect server answers at ``path`` (POSTing ``body`` when given)."""
    request = urllib.request.Request(
        f"{api_url}/{path}",
        data=body,
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def finished_runs(api_url: str) -> list[tuple[str, str]]:
    """Return (flow name, state) of every flow run the server holds."""
    runs = api(api_url, "flow_runs/filter", b"{}")
    assert isinstance(runs, list)
    named = []
    for run in runs:
        flow = api(api_url, f"flows/{run['flow_id']}")
        assert isinstance(flow, dict)
        named.append((str(flow["name"]), str(run["state_type"])))
    return named
