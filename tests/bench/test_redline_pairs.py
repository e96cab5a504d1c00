"""The corpus-pairs bench reads its figures against the issue's targets, the rule's cost apart."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "redline_pairs.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("redline_pairs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row(
    pair: str, minimal: int, ours: int, theirs: int, without_rule: int, literal: int | None = None
) -> dict:
    return {
        "pair": pair,
        "minimal": minimal,
        "unreadable": 0,
        "ours": {
            "marked": ours,
            "pandoc": True,
            "libreoffice": None,
            "without_rule": without_rule,
            "rule_replacements": int(ours != without_rule),
            "literal_rule": ours if literal is None else literal,
        },
        "theirs": {"marked": theirs, "pandoc": True, "libreoffice": None},
    }


def test_a_pair_over_docxodus_is_put_down_to_the_rule_only_when_without_it_it_is_not(
    bench,
) -> None:
    assert bench.over_docxodus(row("close", 100, 104, 100, 104)) == ""
    assert bench.over_docxodus(row("rule", 100, 120, 100, 103)) == "rule"
    assert bench.over_docxodus(row("other", 100, 120, 100, 110)) == "other"


def test_the_table_gives_the_total_with_and_without_the_rules_replacements(bench) -> None:
    table = bench.pair_table([row("a", 100, 120, 110, 104, 110), row("b", 100, 100, 100, 100)])
    lines = table.splitlines()
    assert lines[0].split()[-4:] == ["repl", "+rule", "x", ">D"]
    assert lines[1].split()[-4:] == ["1", "16", "1.04", "rule"]
    assert lines[3].split()[-3:] == ["1", "16", "1.02"]
    assert "without its 1 whole replacements (+16 words): 1.020x" in lines[4]
    assert lines[5].endswith("(islands count as kept words): 1.050x")
    assert lines[6].endswith("because of the rule: a")
    assert lines[7].endswith("for other reasons: none")


def test_the_rule_as_the_issue_words_it_counts_islands_as_kept_words(bench) -> None:
    from coproduce.document import parse_markdown
    from coproduce.redline import align
    from coproduce.redline.change import compute_changes

    old = parse_markdown("---\ntitle: T\n---\nCall the police now.\n", slug="t")
    new = parse_markdown("---\ntitle: T\n---\nRing the police today.\n", slug="t")
    ours = align.is_readable
    assert [op.kind for op in compute_changes(old, new).ops] == ["delete", "insert"]
    assert [op.kind for op in bench.with_literal_rule(old, new).ops] == ["replace"]
    assert align.is_readable is ours
