"""Run every benchmark under bench/ in turn (``make bench``); figures land in bench/out/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "foundation_bench.py",
    "redline_bench.py",
    "launch_bench.py",
    "cli_bench.py",
    "writers_bench.py",
    "pack_bench.py",
    "reply_bench.py",
    "portal_bench.py",
]


def main() -> int:
    """Run each benchmark that exists; return non-zero if any failed."""
    failed = []
    for name in BENCHMARKS:
        path = HERE / name
        if not path.exists():
            continue
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, str(path)], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
