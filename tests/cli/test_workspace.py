"""Settings read once, for every command: the register, workers and the db commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coproduce.config import load_settings
from coproduce.errors import InvalidInputError, StateError
from coproduce.runtime import is_shared_api
from coproduce.workspace import open_workspace


def _init(cli, tmp_path: Path) -> Path:
    assert cli("init", "guidance", "--sample").code == 0
    return tmp_path / "guidance"


def _set(root: Path, key: str, value: str) -> None:
    config = root / "coproduce.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(rf"(?m)^# {key} = .*$", f'{key} = "{value}"', text), "utf-8")


def test_an_invalid_settings_file_stops_list_and_render_too_naming_every_problem(
    cli, tmp_path
) -> None:
    root = _init(cli, tmp_path)
    _set(root, "url", "not a url")
    _set(root, "timezone", "Mars/Olympus")
    for command in (["list"], ["render", "exploitation-protocol", "-o", "x.docx"]):
        result = cli(*command, cwd=root)
        assert result.code == 2 and "settings are not valid (2 problems)" in result.err
        assert "[portal] url" in result.err and "Mars/Olympus" in result.err
        assert "Traceback" not in result.err
    assert not (root / "x.docx").exists()


def test_the_database_url_set_only_in_the_settings_file_reaches_every_command(
    cli, tmp_path, postgres_url
) -> None:
    root = _init(cli, tmp_path)
    _set(root, "database_url", postgres_url)
    refused = cli("participants", "list", cwd=root)
    assert refused.code == 5 and "run `coproduce db upgrade`" in refused.err
    upgraded = cli("db", "upgrade", cwd=root)
    assert upgraded.code == 0 and "upgraded the register" in upgraded.out
    people = tmp_path / "people.csv"
    people.write_text(
        "name,email,audience,organisation,age_band,consent_named\n"
        "Ada Worker,ada@example.org,practitioners,Riverside,25+,no\n"
    )
    assert cli("participants", "import", str(people), cwd=root).code == 0
    status = json.loads(cli("db", "status", "--json", cwd=root).out)
    assert status["up_to_date"] and status["database"].startswith("postgresql+psycopg://")
    assert open_workspace(repo=root, env={}).register.url == postgres_url
    assert len(open_workspace(repo=root, env={}).register.iter_participants()) == 1
    assert not (root / ".coproduce" / "register.sqlite3").exists()  # no stray SQLite file


def test_a_worker_with_only_a_local_register_refuses_to_take_shared_work(cli, tmp_path) -> None:
    root = _init(cli, tmp_path)
    result = cli("worker", "--check", cwd=root)
    assert result.code == 5 and result.err.count("\n") == 1
    assert "COPRODUCE_DATABASE_URL" in result.err and "COPRODUCE_SECRET_KEY" in result.err


def test_a_worker_with_the_shared_register_and_key_is_ready(cli, tmp_path, postgres_url) -> None:
    root = _init(cli, tmp_path)
    env = {"COPRODUCE_DATABASE_URL": postgres_url, "COPRODUCE_SECRET_KEY": "k" * 40}
    assert cli("db", "upgrade", cwd=root, extra_env=env).code == 0
    result = cli("worker", "--check", cwd=root, extra_env=env)
    assert result.code == 0 and "ready to take shared work" in result.out


def test_only_a_prefect_server_on_another_machine_counts_as_shared() -> None:
    assert not is_shared_api(None) and not is_shared_api("http://127.0.0.1:4200/api")
    assert not is_shared_api("http://localhost:4200/api")
    assert is_shared_api("https://prefect.example.org/api")


def test_a_secret_key_in_the_settings_file_is_refused(tmp_path) -> None:
    (tmp_path / "coproduce.toml").write_text('[portal]\nsecret_key = "' + "x" * 40 + '"\n')
    with pytest.raises(InvalidInputError) as caught:
        load_settings(tmp_path, {})
    assert "must not be in this file" in caught.value.render()
    settings = load_settings(None, {"COPRODUCE_SECRET_KEY": "y" * 40})
    assert settings.secret_key is not None and "y" * 40 not in repr(settings)


def test_check_worker_names_what_is_missing(tmp_path) -> None:
    settings = load_settings(None, {"COPRODUCE_STATE": str(tmp_path)})
    assert not settings.database_explicit
    from coproduce.workspace import Workspace

    workspace = Workspace(repo=None, settings=settings)  # type: ignore[arg-type]
    workspace.check_worker(shared_server=False)  # one machine: fine as it is
    with pytest.raises(StateError, match="SQLite file on this machine"):
        workspace.check_worker(shared_server=True)
