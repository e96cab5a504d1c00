"""Benchmark our redline against python-redlines' Docxodus engine on synthetic guidance pairs.

For each size (50k and 200k words by default) a real git repository is made in a temporary
folder with an approved base and a proposed commit. Each tool runs as a whole process: wall
seconds and peak RSS (resource.getrusage(RUSAGE_CHILDREN), measured by a wrapper process so
runs do not mix). Both outputs are checked with pandoc: Accept All must read as the proposed
clean render and Reject All as the base. The same pair is redlined again from a history of
several commits by different people (``--commits``), where attribution walks every commit.
Then every pair of the shared corpus is redlined by
both tools and compared pair by pair (``redline_pairs.py``: marked words against the minimal
word diff, pandoc and LibreOffice Accept All / Reject All, paragraphs that break the
readability rule). Results go to bench/out/redline.json.

    .venv/bin/python bench/redline_bench.py [--words 50000 200000] [--commits 6] [--repeat 3]
                                            [--no-pairs] [--no-libreoffice]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, history  # noqa: E402

COPRODUCE = str(Path(sys.executable).with_name("coproduce"))
DOCXODUS = """
import sys
from pathlib import Path
from python_redlines.engines import DocxodusEngine
out, _, _ = DocxodusEngine().run_redline(
    "Bench", Path(sys.argv[1]).read_bytes(), Path(sys.argv[2]).read_bytes(),
    date_time="2025-01-01T00:00:00Z",
)
Path(sys.argv[3]).write_bytes(out)
"""


def child(command: list[str]) -> None:
    """Run ``command`` as this process's only child; print its wall and CPU seconds (user and
    system, all threads) and its peak RSS."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"code": done.returncode, "wall_s": wall, "peak_mb": usage.ru_maxrss / 1024,
                      "cpu_s": usage.ru_utime + usage.ru_stime,
                      "stderr": done.stderr[-2000:]}))  # fmt: skip


def measure(command: list[str], repeat: int) -> dict[str, object]:
    """Return the best wall time and largest peak RSS of ``repeat`` isolated runs."""
    runs = []
    for _ in range(repeat):
        wrapper = [sys.executable, str(Path(__file__).resolve()), "--child", "--", *command]
        out = subprocess.run(wrapper, capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    failed = [r for r in runs if r["code"] != 0]
    if failed:
        return {"ok": False, "error": str(failed[0]["stderr"]).strip().splitlines()[-1:]}
    return {
        "ok": True,
        "wall_s": round(min(float(r["wall_s"]) for r in runs), 3),
        "cpu_s": round(min(float(r["cpu_s"]) for r in runs), 3),
        "peak_mb": round(max(float(r["peak_mb"]) for r in runs), 1),
    }


def plain(path: Path, mode: str | None = None) -> str:
    """Return pandoc's plain text of a .docx (accept/reject view), whitespace normalised."""
    args = ["pandoc", "-t", "plain", "--wrap=none", str(path)]
    if mode:
        args.insert(1, f"--track-changes={mode}")
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", text).strip()


def correctness(redline: Path, base: Path, proposed: Path) -> dict[str, bool]:
    """Return whether Accept All gives the proposed text and Reject All the base text."""
    if not redline.exists() or shutil.which("pandoc") is None:
        return {}
    return {
        "accept_is_proposed": plain(redline, "accept") == plain(proposed),
        "reject_is_base": plain(redline, "reject") == plain(base),
    }


def make_repo(folder: Path, base_md: str, proposed_md: str, commits: int = 1) -> Path:
    """Create a guidance repository: base approved as v1.0, proposed reached in ``commits``
    commits by as many editors."""
    from coproduce.models import Person
    from coproduce.store.repo import GuidanceRepo

    lead = Person(name="Bench Lead")
    repo = GuidanceRepo.init(folder, author=lead)
    repo.commit_files({"guidance/bench.md": base_md}, author=lead, message="Base")
    repo.approve("bench", "1.0", author=lead)
    for k, text in enumerate(history(base_md, proposed_md, commits), start=1):
        editor = Person(name=f"Bench Editor {k}")
        repo.commit_files({"guidance/bench.md": text}, author=editor, message=f"Edit {k}")
    return repo.root


def clean_renders(folder: Path, base_md: str, proposed_md: str) -> tuple[Path, Path]:
    """Write the clean Word renders of both versions (the inputs Docxodus compares)."""
    from coproduce.document import parse_markdown
    from coproduce.docx import render_docx_bytes

    fixed = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    paths = []
    for name, text in (("base", base_md), ("proposed", proposed_md)):
        path = folder / f"{name}.docx"
        doc = parse_markdown(text, slug="bench")
        path.write_bytes(render_docx_bytes(doc, modified=fixed))
        paths.append(path)
    return paths[0], paths[1]


def docxodus_available() -> str | None:
    """Return the installed python-redlines version, or None when Docxodus cannot be imported."""
    try:
        from importlib.metadata import version

        from python_redlines.engines import DocxodusEngine  # noqa: F401

        return version("python-redlines")
    except Exception:  # any import or metadata failure means "not available"
        return None


def run_size(words: int, repeat: int, folder: Path, commits: int) -> dict[str, object]:
    """Benchmark one size; return its results."""
    base_md, proposed_md = generate(words)
    base_docx, proposed_docx = clean_renders(folder, base_md, proposed_md)
    result: dict[str, object] = {"words": len(base_md.split()), "commits": commits}
    # The whole user-facing job: the ``coproduce redline`` command, as a process of its own.
    for key, count in (("ours", 1), ("ours_history", commits)):
        if count < 2 and key == "ours_history":
            continue
        root = make_repo(folder / f"repo-{count}", base_md, proposed_md, count)
        out = folder / f"{key}.docx"
        command = [COPRODUCE, "--repo", str(root), "redline", "bench", "--base", "bench/v1.0"]
        ours = measure([*command, "-o", str(out)], repeat)
        ours.update(correctness(out, base_docx, proposed_docx))
        result[key] = ours
    if docxodus_available():
        theirs_out = folder / "docxodus.docx"
        command = [sys.executable, "-c", DOCXODUS, str(base_docx), str(proposed_docx)]
        theirs = measure([*command, str(theirs_out)], repeat)
        theirs.update(correctness(theirs_out, base_docx, proposed_docx))
        result["docxodus"] = theirs
    else:
        result["docxodus"] = {"ok": False, "error": "python-redlines[docxodus] not installed"}
    return result


def table(results: list[dict[str, object]]) -> str:
    """Return the results as a text table (ratio: our wall time over Docxodus's).

    CPU seconds (user and system, every thread) move less than wall time on a shared machine.
    """
    head = f"{'words':>8} {'tool':<9} {'wall s':>7} {'cpu s':>6} {'ms/1k w':>8} {'peak MB':>8}"
    head += f" {'accept':>7}"
    lines = [f"{head} {'reject':>7} {'ratio':>6}"]
    for r in results:
        theirs = r["docxodus"]
        for tool in ("ours", "ours_history", "docxodus"):
            if tool not in r:
                continue
            m = r[tool]
            name = f"ours/{r['commits']}c" if tool == "ours_history" else tool
            if not isinstance(m, dict) or not m.get("ok"):
                error = m.get("error") if isinstance(m, dict) else m
                lines.append(f"{r['words']:>8} {name:<9} failed: {error}")
                continue
            ratio = "-"
            if isinstance(theirs, dict) and theirs.get("ok"):
                ratio = f"{float(m['wall_s']) / float(theirs['wall_s']):.2f}"
            per_k = 1000 * float(m["wall_s"]) / (int(str(r["words"])) / 1000)
            lines.append(
                f"{r['words']:>8} {name:<9} {m['wall_s']:>7} {m['cpu_s']:>6} {per_k:>8.1f} "
                f"{m['peak_mb']:>8} "
                f"{m.get('accept_is_proposed', '-')!s:>7} {m.get('reject_is_base', '-')!s:>7} "
                f"{ratio if tool != 'docxodus' else '':>6}"
            )
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark and write bench/out/redline.json."""
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--commits", type=int, default=6, help="editors in the history run")
    parser.add_argument("--no-pairs", action="store_true", help="skip the corpus pair table")
    parser.add_argument("--no-libreoffice", action="store_true", help="pairs: pandoc only")
    args = parser.parse_args()
    # Measure the code as an installed package runs it: with its bytecode compiled (pip does
    # this on install; an editable checkout with PYTHONDONTWRITEBYTECODE set never would).
    source = Path(__file__).resolve().parents[1] / "src"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(source)], check=True)
    results = []
    for words in args.words:
        with tempfile.TemporaryDirectory(prefix="redline-bench-") as tmp:
            results.append(run_size(words, args.repeat, Path(tmp), args.commits))
    pairs: list[dict[str, object]] = []
    if not args.no_pairs:
        from redline_pairs import pair_table, run_pairs

        with tempfile.TemporaryDirectory(prefix="redline-pairs-") as tmp:
            pairs = run_pairs(Path(tmp), libreoffice=not args.no_libreoffice)
    summary = {
        "python_redlines": docxodus_available(),
        "python": sys.version.split()[0],
        "results": results,
        "pairs": pairs,
    }
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "redline.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    if pairs:
        print()
        print(pair_table(pairs))
    if summary["python_redlines"] is None:
        print("Docxodus not available: only our engine was measured.")


if __name__ == "__main__":
    main()
