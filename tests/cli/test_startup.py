"""The CLI starts fast and leaves prefect alone unless a command runs a flow."""

from __future__ import annotations

import os
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


def test_each_command_is_found_in_the_module_that_defines_it() -> None:
    import importlib

    import typer
    from typer.main import get_command

    from coproduce.cli import COMMAND_MODULES, MODULES

    found: dict[str, str] = {}
    for module in MODULES:
        app = typer.Typer()
        app.callback()(lambda: None)
        importlib.import_module(f"coproduce.cli.{module}").register(app)
        for name in get_command(app).commands:  # type: ignore[attr-defined]
            found[name] = module
    assert found == COMMAND_MODULES


def test_the_command_named_picks_its_module() -> None:
    from coproduce.cli import command_module

    assert command_module(["redline", "x", "-o", "y"]) == "redline"
    assert command_module(["--repo", "redline", "-v", "list"]) == "documents"
    assert command_module(["--repo=/r", "--verbose", "review", "start"]) == "review"
    assert command_module(["feedback-report", "x"]) == "outcomes"
    for whole_app in ([], ["--help"], ["--version"], ["nonsense"], ["--repo"], ["-x", "list"]):
        assert command_module(whole_app) is None, whole_app


def test_a_command_imports_only_its_own_module(tmp_path: Path) -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules"
        " if m.startswith('coproduce.cli.')), file=sys.stderr))\n"
        "from coproduce.cli import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--repo", str(tmp_path), "redline", "x", "-o", "o.docx"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0  # not a repository: one line, as ever
    assert "error: " in done.stderr
    loaded = done.stderr.strip().splitlines()[-1]
    assert loaded == "['coproduce.cli.common', 'coproduce.cli.redline']", done.stderr


def test_a_command_run_alone_reads_as_from_the_whole_app() -> None:
    env = {**os.environ, "COLUMNS": "100"}
    alone = subprocess.run(
        [str(COPRODUCE), "redline", "--help"], capture_output=True, text=True, check=True, env=env
    )
    code = "from coproduce.cli import app\napp(['redline', '--help'], prog_name='coproduce')\n"
    whole = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert alone.stdout == whole.stdout
    assert "--allow-empty" in alone.stdout
    mistake = subprocess.run(
        [str(COPRODUCE), "redline", "--format"], capture_output=True, text=True, check=False
    )
    assert mistake.returncode == 2
    assert mistake.stderr.splitlines()[0] == "error: Option '--format' requires an argument."


def test_pydantic_plugins_are_not_searched_unless_asked_for() -> None:
    code = (
        "import os\n"
        "from coproduce.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(repr(os.environ.get('PYDANTIC_DISABLE_PLUGINS')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip().splitlines()[-1] == "'__all__'"
    env["PYDANTIC_DISABLE_PLUGINS"] = ""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip().splitlines()[-1] == "''"


def test_a_cut_line_ends_in_an_ellipsis() -> None:
    from coproduce.cli.common import clip

    assert clip("Short message", 50) == "Short message"
    assert clip("Tighten the reporting time for every partner agency", 20) == "Tighten the reporti…"
    assert clip("Tighten the reporting time", 13) == "Tighten the…"
    assert len(clip("x" * 80, 50)) == 50
