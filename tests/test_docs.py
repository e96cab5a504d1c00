"""The docs name every setting and every command (a missing one fails here)."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from coproduce.cli import app
from coproduce.config import settings_reference

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_setting_and_its_environment_variable_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for key, env, _default, _description in settings_reference():
        assert f"`{key}`" in text, key
        if env:
            assert f"`{env}`" in text, env


def test_every_command_is_documented_in_the_cli_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for sub in subcommands:
                assert f"coproduce {name} {sub}" in text, f"{name} {sub}"
        else:
            assert f"coproduce {name}" in text, name


def test_every_move_of_a_cycle_is_documented_with_its_command() -> None:
    from coproduce.models import CycleState, next_commands

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for state in CycleState:
        for command in next_commands(state):
            assert f"`{command}`" in text, (state, command)
