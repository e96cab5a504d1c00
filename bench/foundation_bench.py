"""Benchmark the foundation: parse, render and import a 50,000-word guidance document.

Each step runs as a whole process of its own so that its peak memory is its own:

    python bench/foundation_bench.py [--words 50000] [--repeat 3]

Writes bench/out/foundation.json and prints a table (seconds, peak MB per step).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

STEPS = {
    "parse markdown": (
        "from pathlib import Path; import sys\n"
        "from coproduce.document import parse_markdown\n"
        "parse_markdown(Path(sys.argv[1]).read_text(), slug='bench')\n"
    ),
    "render docx (md -> docx)": (
        "from pathlib import Path; import sys\n"
        "from coproduce.document import parse_markdown\n"
        "from coproduce.docx import write_docx\n"
        "document = parse_markdown(Path(sys.argv[1]).read_text(), slug='bench')\n"
        "write_docx(document, Path(sys.argv[2]))\n"
    ),
    "import docx (docx -> md)": (
        "from pathlib import Path; import sys\n"
        "from coproduce.docx import read_docx\n"
        "from coproduce.document import render_markdown\n"
        "render_markdown(read_docx(Path(sys.argv[2]), slug='bench').document)\n"
    ),
    "render html": (
        "from pathlib import Path; import sys\n"
        "from coproduce.document import parse_markdown, render_html\n"
        "render_html(parse_markdown(Path(sys.argv[1]).read_text(), slug='bench'))\n"
    ),
}


def child(command: list[str]) -> None:
    """Run ``command`` as this process's only child; print its wall seconds and peak RSS."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {"code": done.returncode, "wall_s": wall, "peak_mb": peak, "err": done.stderr[-500:]}
        )
    )


def measure(code: str, args: list[str], repeat: int) -> dict[str, float]:
    """Return the best wall time and largest peak RSS of ``repeat`` isolated runs."""
    runs = []
    for _ in range(repeat):
        wrapper = [sys.executable, __file__, "--child", "--", sys.executable, "-c", code, *args]
        result = json.loads(
            subprocess.run(wrapper, capture_output=True, text=True, check=True).stdout
        )
        if result["code"] != 0:
            raise SystemExit(f"step failed: {result['err']}")
        runs.append(result)
    return {
        "wall_s": round(min(r["wall_s"] for r in runs), 3),
        "peak_mb": round(max(r["peak_mb"] for r in runs), 1),
    }


def main() -> None:
    """Run every step on a generated document and write bench/out/foundation.json."""
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    # Measure the code as an installed package runs it: with its bytecode compiled (pip does
    # this on install; an editable checkout with PYTHONDONTWRITEBYTECODE set never would).
    source = Path(__file__).resolve().parents[1] / "src"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(source)], check=True)
    base_md, _ = generate(args.words)
    imports = (
        "from coproduce.document import parse_markdown, render_html, render_markdown\n"
        "from coproduce.docx import read_docx, write_docx\n"
    )
    baseline = measure(imports, [], args.repeat)
    results = {"words": len(base_md.split()), "baseline_imports": baseline, "steps": {}}
    with tempfile.TemporaryDirectory(prefix="foundation-bench-") as tmp:
        md, docx = Path(tmp) / "bench.md", Path(tmp) / "bench.docx"
        md.write_text(base_md, encoding="utf-8")
        for name, code in STEPS.items():
            results["steps"][name] = measure(code, [str(md), str(docx)], args.repeat)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "foundation.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"{results['words']:,} words; each step is a whole process (imports included)")
    print(f"{'step':<28} {'wall s':>7} {'peak MB':>8}")
    print(f"{'(imports only)':<28} {baseline['wall_s']:>7} {baseline['peak_mb']:>8}")
    for name, m in results["steps"].items():
        print(f"{name:<28} {m['wall_s']:>7} {m['peak_mb']:>8}")


if __name__ == "__main__":
    main()
