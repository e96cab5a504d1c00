"""Workers with their own clones of one bare remote keep one linear history."""

from __future__ import annotations

import multiprocessing
import subprocess
from pathlib import Path

from coproduce.models import Person
from coproduce.store import GuidanceRepo
from coproduce.store.locks import FileLocks

LEAD = Person(name="Sam Lead", email="sam.lead@example.org")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def _clone(remote: Path, target: Path) -> GuidanceRepo:
    subprocess.run(["git", "clone", "-q", str(remote), str(target)], check=True)
    return _configured(target)


def _configured(root: Path) -> GuidanceRepo:
    from coproduce.config import load_settings

    repo = GuidanceRepo.open(root)
    settings = load_settings(root, {"COPRODUCE_REMOTE": "origin"})
    repo.configure(settings=settings, locks=FileLocks(root / ".coproduce" / "locks"))
    return repo


def _setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    origin = GuidanceRepo.init(tmp_path / "origin", author=LEAD)
    remote = tmp_path / "shared.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(origin.root), str(remote)], check=True)
    return remote, tmp_path / "worker-a", tmp_path / "worker-b"


def _write_many(root: str, name: str, count: int) -> None:
    repo = _configured(Path(root))
    for n in range(count):
        repo.commit_files(
            {f"reviews/{name}/item-{n}.yaml": f"n: {n}\n"},
            author=LEAD,
            message=f"{name} writes {n}",
        )


def test_two_clones_writing_at_once_leave_one_linear_history_with_every_commit(tmp_path) -> None:
    remote, a, b = _setup(tmp_path)
    _clone(remote, a)
    _clone(remote, b)
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_write_many, args=(str(a), "a", 8)),
        context.Process(target=_write_many, args=(str(b), "b", 8)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
        assert worker.exitcode == 0
    log = _git(remote, "log", "--format=%s", "main").splitlines()
    assert sorted(s for s in log if " writes " in s) == sorted(
        [f"a writes {n}" for n in range(8)] + [f"b writes {n}" for n in range(8)]
    )
    merges = _git(remote, "rev-list", "--merges", "--count", "main").strip()
    assert merges == "0"  # linear: rebased, never merged


def test_a_worker_sees_what_another_worker_wrote_without_anyone_running_git_pull(tmp_path) -> None:
    remote, a, b = _setup(tmp_path)
    first, second = _clone(remote, a), _clone(remote, b)
    first.commit_files({"reviews/c1/cycle.yaml": "id: c1\n"}, author=LEAD, message="Launch c1")
    assert not (b / "reviews" / "c1" / "cycle.yaml").exists()
    second.sync()
    assert (b / "reviews" / "c1" / "cycle.yaml").read_text() == "id: c1\n"


def test_an_approval_tag_reaches_the_remote(tmp_path) -> None:
    remote, a, _ = _setup(tmp_path)
    repo = _clone(remote, a)
    repo.commit_files(
        {"guidance/p.md": "---\ntitle: P\n---\n\n# P {#p}\n\nText.\n"}, author=LEAD, message="Add"
    )
    repo.approve("p", "1.0", author=LEAD)
    assert "p/v1.0" in _git(remote, "tag").split()
