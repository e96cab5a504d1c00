"""Start a review flow as a Prefect flow run: how commands, the demo and the portal run flows.

Against ``PREFECT_API_URL`` when set, else the embedded server (started once, kept warm).
With the embedded server warm, its flow host runs the flow, so the caller never imports
prefect; otherwise, or when ``here`` is asked for, the flow runs in the calling process.
Either way the run is a Prefect flow run an operator sees in the UI, with its logs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from coproduce.errors import StateError

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo


def run_flow(
    repo: GuidanceRepo, name: str, *, here: bool = False, quiet: bool = True, **parameters: Any
) -> Any:
    """Run flow ``name`` on ``repo`` with ``parameters``; return the flow's result.

    ``here`` runs it in this process even when a flow host is warm (the CLI's --verbose);
    ``quiet`` keeps Prefect's own log lines out of the terminal.
    """
    from coproduce import runtime

    idle = repo.settings.prefect_idle_minutes
    handle = runtime.ensure_server(state_dir=Path(repo.state_dir), idle_minutes=idle)
    if not handle.embedded and not runtime.is_healthy(handle.api_url):
        raise StateError(
            f"the Prefect API at {handle.api_url} (PREFECT_API_URL) does not answer: start it, "
            "or unset PREFECT_API_URL to use the embedded server"
        )
    parameters["repo"] = str(repo.root)
    if handle.embedded and handle.home is not None and not here:
        from coproduce import flowhost

        done, result = flowhost.run_flow(handle.home.parent, name, parameters)
        if done:
            return result
    runtime.activate(handle, quiet=quiet)
    from coproduce import tasks  # prefect is imported only now, with its API set

    return tasks.run_flow(name, **parameters)
