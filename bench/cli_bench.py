"""Benchmark: warm ``coproduce review remind`` and ``review close`` as whole processes, 20 people.

With the embedded Prefect server warm, each command runs as a user runs it (a new process).
Measured two ways in the same run: through the server's warm flow host (the default), and in
the command's own process (``--verbose``: imports Prefect, runs the flow engine there; the way
every command ran before the flow host). Target: under 3 s each. Writes bench/out/cli.json.

    .venv/bin/python bench/cli_bench.py [--people 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coproduce.models import ParticipantRecord, Person
from coproduce.store import GuidanceRepo
from coproduce.store.register import Register

LEAD = Person(name="Bench Lead", email="bench.lead@example.org")
OUT = Path(__file__).resolve().parent / "out" / "cli.json"
COPRODUCE = str(Path(sys.executable).parent / "coproduce")
AUDIENCES = {"practitioners": 0.6, "partners": 0.3, "young-people": 0.1}
TARGET_SECONDS = 3.0


def policy(slug: str) -> str:
    """Return a small approved policy document called ``slug``."""
    return (
        f'---\ntitle: Policy {slug}\nversion: "1.0"\n---\n\n# Policy {slug} {{#policy}}\n\n'
        "## Purpose {#purpose}\n\nPractitioners raise a concern using the steps below.\n\n"
        "## Steps {#steps}\n\nTalk to the lead professional first, then to their manager.\n"
    )


def make_repo(root: Path, *, people: int, documents: int) -> tuple[GuidanceRepo, list[str]]:
    """Create a repository with ``documents`` approved policies and ``people`` participants."""
    repo = GuidanceRepo.init(root, author=LEAD)
    slugs = [f"bench-policy-{n}" for n in range(documents)]
    config = (
        (root / "coproduce.toml")
        .read_text(encoding="utf-8")
        .replace(
            '# safeguarding_lead_email = "safeguarding@example.org"',
            'safeguarding_lead_email = "safeguarding@example.org"',  # young people are invited
        )
    )
    repo.commit_files(
        {"coproduce.toml": config, **{f"guidance/{s}.md": policy(s) for s in slugs}},
        author=LEAD,
        message="Add policies",
    )
    for slug in slugs:
        repo.approve(slug, "1.0", author=LEAD, message="Approved")
    with Register.for_state_dir(Path(repo.state_dir)) as register:
        records = []
        for audience, share in AUDIENCES.items():
            for i in range(round(people * share)):
                youth = audience == "young-people"
                records.append(
                    ParticipantRecord(
                        id=register.new_participant_id(),
                        name=f"Bench {audience} {i}",
                        email=f"{audience}.{i}@example.org",
                        audience=audience,
                        age_band="16-17" if youth else "25+",
                    )
                )
        register.add_participants(records)
    return repo, slugs


def coproduce(repo: GuidanceRepo, *args: str, verbose: bool = False) -> tuple[float, str]:
    """Run ``coproduce`` as a new process; return (seconds, stdout); fail loudly on an error."""
    command = [COPRODUCE, *(["--verbose"] if verbose else []), "--repo", str(repo.root), *args]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr}")
    return seconds, result.stdout + result.stderr


def launch(repo: GuidanceRepo, slug: str) -> str:
    """Start and launch a review of ``slug`` to every audience; return the cycle id."""
    closes = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    audiences = [a for name in AUDIENCES for a in ("--audience", name)]
    _, out = coproduce(repo, "review", "start", slug, "--closes", closes, *audiences)
    return out.strip().splitlines()[0]


def summary(samples: list[float]) -> dict[str, float]:
    """Return the median, min and max of ``samples`` in seconds."""
    return {
        "median_s": round(statistics.median(samples), 3),
        "min_s": round(min(samples), 3),
        "max_s": round(max(samples), 3),
    }


def main() -> int:
    """Time warm remind and close processes both ways; print and save the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith(("COPRODUCE_", "PREFECT_"))]:
        del os.environ[name]
    os.environ["COPRODUCE_AUTHOR"] = f"{LEAD.name} <{LEAD.email}>"
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="coproduce-cli-bench-") as tmp:
        repo, slugs = make_repo(Path(tmp) / "repo", people=args.people, documents=2 * args.rounds)
        started = time.perf_counter()
        cycles = [launch(repo, slug) for slug in slugs]
        first_launch = time.perf_counter() - started
        try:
            for n, cycle in enumerate(cycles):
                way = "in_process" if n % 2 else "flow_host"
                seconds, out = coproduce(repo, "review", "remind", cycle, verbose=n % 2 == 1)
                assert f"{args.people} reminders sent" in out, out
                times.setdefault(f"remind_{way}", []).append(seconds)
                seconds, out = coproduce(
                    repo, "review", "close", cycle, "--yes", verbose=n % 2 == 1
                )
                assert "is closed" in out, out
                times.setdefault(f"close_{way}", []).append(seconds)
        finally:
            coproduce(repo, "serve", "--stop")
    figures = {
        "people": args.people,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "setup_launches_s": round(first_launch, 1),
        "target_s": TARGET_SECONDS,
        **{key: summary(samples) for key, samples in times.items()},
    }
    for command in ("remind", "close"):
        host = figures[f"{command}_flow_host"]["median_s"]
        peer = figures[f"{command}_in_process"]["median_s"]
        figures[f"{command}_speedup_vs_in_process"] = round(peer / host, 2)
        figures[f"{command}_under_target"] = figures[f"{command}_flow_host"]["max_s"] < 3.0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
