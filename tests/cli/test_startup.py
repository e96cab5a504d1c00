"""The CLI starts fast and leaves prefect alone unless a command runs a flow."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

COPRODUCE = Path(sys.executable).with_name("coproduce")


def best_of(command: list[str], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def test_help_takes_well_under_half_the_time_of_importing_prefect() -> None:
    help_time = best_of([str(COPRODUCE), "--help"])
    prefect_time = best_of([sys.executable, "-c", "import prefect"])
    assert help_time < prefect_time / 2, (help_time, prefect_time)


def test_document_commands_do_not_import_prefect() -> None:
    code = (
        "import sys\n"
        "from coproduce.cli import app\n"
        "import coproduce.guidance, coproduce.store, coproduce.document, coproduce.docx\n"
        "print('prefect' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_command_has_help() -> None:
    from typer.main import get_command

    from coproduce.cli import app

    group = get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        result = subprocess.run(
            [str(COPRODUCE), name, "--help"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, name
        assert "Usage" in result.stdout
