"""Usage mistakes are one line and the usage hint, exit 2, never a traceback."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest


def test_version_prints_the_installed_version(cli) -> None:
    result = cli("--version")
    assert (result.code, result.out.strip()) == (0, f"coproduce {version('coproduce')}")


@pytest.mark.parametrize(
    ("args", "first_line"),
    [
        (["frobnicate"], "error: No such command 'frobnicate'."),
        (["render"], "error: Missing argument 'slug'."),
        (["list", "--bogus"], "error: No such option: --bogus"),
        (["review", "status"], "error: Missing argument 'ID'."),
        (["review", "launch"], "error: Missing argument 'ID'."),
        (["review", "cancel", "X"], "error: Missing option '--reason'."),
    ],
)
def test_a_usage_mistake_is_one_line_and_the_usage_hint(
    cli, args: list[str], first_line: str
) -> None:
    result = cli(*args)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert lines[0] == first_line
    assert re.match(r"usage: coproduce .*\(see coproduce .*--help\)$", lines[1])
    assert len(lines) == 2 and "Traceback" not in result.err
