from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from coproduce.config import (
    Settings,
    default_config_text,
    load_settings,
    settings_reference,
)
from coproduce.errors import InvalidInputError
from coproduce.models import BUILT_IN_AUDIENCES


def write_toml(root: Path, text: str) -> Path:
    (root / "coproduce.toml").write_text(text, encoding="utf-8")
    return root


def test_defaults_apply_when_there_is_no_file_and_no_environment(tmp_path):
    settings = load_settings(tmp_path, {})

    assert settings.portal_url == "http://127.0.0.1:8080"
    assert settings.smtp_url is None
    assert settings.mail_from == "coproduce <noreply@localhost>"
    assert settings.mail_rate_per_minute == 600
    assert settings.timezone == "Europe/London"
    assert settings.reminder_days == [7, 2]
    assert settings.state_dir == tmp_path.resolve() / ".coproduce"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/.coproduce/register.sqlite3"
    assert settings.author is None
    assert [a.id for a in settings.all_audiences()] == [a.id for a in BUILT_IN_AUDIENCES]


def test_the_file_init_writes_is_valid_toml_and_changes_no_default(tmp_path):
    text = default_config_text()
    write_toml(tmp_path, text)

    assert tomllib.loads(text).keys() == {
        "organisation",
        "author",
        "portal",
        "mail",
        "review",
        "publish",
        "storage",
        "repository",
        "prefect",
    }
    assert load_settings(tmp_path, {}) == load_settings(
        None, {"COPRODUCE_STATE": str(tmp_path / ".coproduce")}
    )


def test_the_file_sets_values_and_the_environment_wins(tmp_path):
    write_toml(
        tmp_path,
        """
[organisation]
name = "Riverside Safeguarding Partnership"
safeguarding_lead_email = "lead@riverside.example"

[author]
name = "Sam Lead"
email = "sam@riverside.example"

[portal]
url = "https://review.riverside.example"

[mail]
smtp_url = "smtp://relay.riverside.example:587"
rate_per_minute = 120

[review]
reminder_days = [5, 1]

[storage]
state_dir = "var/state"

[[audiences]]
id = "foster-carers"
name = "Foster carers"
""",
    )
    env = {
        "COPRODUCE_PORTAL_URL": "http://localhost:9000",
        "COPRODUCE_AUTHOR": "Ola Secretary <ola@riverside.example>",
        "COPRODUCE_REMINDER_DAYS": "3, 1",
        "COPRODUCE_DATABASE_URL": "postgresql+psycopg://db.example/coproduce",
        "UNRELATED": "ignored",
    }

    settings = load_settings(tmp_path, env)

    assert settings.organisation_name == "Riverside Safeguarding Partnership"
    assert settings.safeguarding_lead_email == "lead@riverside.example"
    assert settings.smtp_url == "smtp://relay.riverside.example:587"
    assert settings.mail_rate_per_minute == 120
    assert settings.state_dir == tmp_path.resolve() / "var" / "state"
    assert settings.portal_url == "http://localhost:9000"
    assert (settings.author_name, settings.author_email) == (
        "Ola Secretary",
        "ola@riverside.example",
    )
    assert settings.reminder_days == [3, 1]
    assert settings.database_url == "postgresql+psycopg://db.example/coproduce"
    assert [a.id for a in settings.all_audiences()][-1] == "foster-carers"


def test_five_mistakes_give_five_problem_lines_each_naming_its_source(tmp_path):
    write_toml(
        tmp_path,
        """
[portl]
url = "http://localhost"

[author]
email = "sam-at-example"

[portal]
url = "localhost:8080"

[mail]
rate_per_minute = "fast"
sender = "x@example.org"
""",
    )

    with pytest.raises(InvalidInputError) as caught:
        load_settings(tmp_path, {})

    error = caught.value
    assert str(error) == "settings are not valid (5 problems)"
    assert len(error.problems) == 5
    text = "\n".join(error.problems)
    assert "coproduce.toml: unknown section [portl]" in text
    assert "coproduce.toml [mail]: unknown key 'sender'" in text
    assert "coproduce.toml [author] email: not an email address: 'sam-at-example'" in text
    assert "coproduce.toml [portal] url: not a http/https URL: 'localhost:8080'" in text
    assert "coproduce.toml [mail] rate_per_minute:" in text
    assert error.render().count("\n  - ") == 5


def test_a_toml_syntax_error_names_its_line_and_environment_problems_still_count(tmp_path):
    write_toml(tmp_path, '[mail]\nfrom = "a@b.org"\nrate_per_minute = \n')

    with pytest.raises(InvalidInputError) as caught:
        load_settings(
            tmp_path,
            {"COPRODUCE_SMTP_URL": "http://not-smtp", "COPRODUCE_TIMEZONE": "Mars/Olympus"},
        )

    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("coproduce.toml: not valid TOML") and "line 3" in problems[0]
    assert any(p.startswith("COPRODUCE_SMTP_URL: not a smtp/smtps URL") for p in problems)
    assert any(
        p.startswith("COPRODUCE_TIMEZONE: unknown time zone 'Mars/Olympus'") for p in problems
    )


def test_audiences_must_be_new_ids_with_known_keys(tmp_path):
    write_toml(
        tmp_path,
        """
[[audiences]]
id = "young-people"
name = "Again"

[[audiences]]
id = "Carers!"
name = "Carers"
colour = "blue"
""",
    )

    with pytest.raises(InvalidInputError) as caught:
        load_settings(tmp_path, {})

    text = "\n".join(caught.value.problems)
    assert "coproduce.toml [[audiences]] #2: unknown key 'colour'" in text
    assert "coproduce.toml [[audiences]] #2 id: String should match pattern" in text
    assert len(caught.value.problems) == 2  # the clash is checked once each entry is valid


def test_an_audience_id_taken_by_a_built_in_is_refused(tmp_path):
    write_toml(tmp_path, '[[audiences]]\nid = "partners"\nname = "Partners again"\n')

    with pytest.raises(InvalidInputError, match="settings are not valid") as caught:
        load_settings(tmp_path, {})

    assert caught.value.problems == [
        "coproduce.toml [[audiences]]: audience id 'partners' is already taken"
    ]


def test_bad_values_from_the_environment_name_the_variable(tmp_path):
    env = {
        "COPRODUCE_MAIL_RATE_PER_MINUTE": "0",
        "COPRODUCE_REMINDER_DAYS": "7,soon",
        "COPRODUCE_MAIL_FROM": "nobody",
        "COPRODUCE_DATABASE_URL": "register.db",
    }

    with pytest.raises(InvalidInputError) as caught:
        load_settings(tmp_path, env)

    sources = sorted(p.split(":")[0].split(" ")[0] for p in caught.value.problems)
    assert sources == [
        "COPRODUCE_DATABASE_URL",
        "COPRODUCE_MAIL_FROM",
        "COPRODUCE_MAIL_RATE_PER_MINUTE",
        "COPRODUCE_REMINDER_DAYS",
    ]


def test_the_reference_documents_every_setting_and_the_default_file_shows_each_key():
    reference = settings_reference()
    descriptions = [f.description for f in Settings.model_fields.values()]

    assert len(reference) == len(descriptions)
    assert sorted(d for *_, d in reference) == sorted(d or "" for d in descriptions)
    assert all(descriptions)
    text = default_config_text()
    for key, env, _, _ in reference:
        if key == "portal.secret_key":  # a secret: environment only, never in the file
            assert f"# {key.split('.')[1]} = " not in text and "COPRODUCE_SECRET_KEY" in text
        elif key != "audiences":
            assert f"# {key.split('.')[1]} = " in text
            assert env is not None and env.startswith("COPRODUCE_")
    assert ("portal.url", "COPRODUCE_PORTAL_URL", "http://127.0.0.1:8080") in [
        r[:3] for r in reference
    ]


def test_the_prefect_idle_limit_takes_fractions_and_refuses_zero(tmp_path):
    write_toml(tmp_path, "[prefect]\nidle_minutes = 0.5\n")
    assert load_settings(tmp_path, {}).prefect_idle_minutes == 0.5
    from_env = load_settings(tmp_path, {"COPRODUCE_PREFECT_IDLE_MINUTES": "2"})
    assert from_env.prefect_idle_minutes == 2
    with pytest.raises(InvalidInputError) as raised:
        load_settings(tmp_path, {"COPRODUCE_PREFECT_IDLE_MINUTES": "0"})
    assert raised.value.problems[0].startswith("COPRODUCE_PREFECT_IDLE_MINUTES:")


def test_the_publication_directory_and_the_next_update_days_are_read_and_checked(tmp_path):
    write_toml(tmp_path, '[publish]\ndirectory = "intranet"\n[review]\nnext_update_days = 42\n')
    settings = load_settings(tmp_path, {})
    assert (settings.publish_directory, settings.next_update_days) == (Path("intranet"), 42)
    env = {"COPRODUCE_PUBLISH_DIRECTORY": "/srv/site", "COPRODUCE_NEXT_UPDATE_DAYS": "0"}
    with pytest.raises(InvalidInputError) as caught:
        load_settings(tmp_path, env)
    assert [p for p in caught.value.problems if "COPRODUCE_NEXT_UPDATE_DAYS" in p]
    assert load_settings(None, {"COPRODUCE_PUBLISH_DIRECTORY": "/srv/site"}).publish_directory == (
        Path("/srv/site")
    )
