"""Build a cycle's sign-off pack on a worker, record its manifest hash, await the decision.

Run: ``python flows/build_pack.py CYCLE OUT_DIR [REPO]`` (against PREFECT_API_URL, else the
embedded server).
"""

from __future__ import annotations

import sys
from typing import Any

from prefect import flow

from coproduce import tasks


@flow(name="build-pack")
async def build_pack(
    cycle_id: str,
    out_dir: str,
    repo: str | None = None,
    allow_undecided: bool = False,
    author: str | None = None,
) -> dict[str, Any]:
    """Build the pack into ``out_dir``, record it, and move the cycle to sign-off."""
    built = tasks.build_pack(repo, cycle_id, out_dir, allow_undecided, author)
    state = tasks.record_pack(repo, built, author)
    return {**built, "state": state}


if __name__ == "__main__":
    tasks.run_script(build_pack, *sys.argv[1:4])
