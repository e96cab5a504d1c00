from __future__ import annotations

import pytest

from coproduce.config import load_settings
from coproduce.errors import InvalidInputError
from coproduce.models import Person
from coproduce.store import parse_person, resolve_author


def test_explicit_author_wins_over_environment_file_and_git(repo, isolated_git):
    isolated_git.write_text("[user]\n\tname = Git User\n\temail = git@example.org\n")
    (repo.root / "coproduce.toml").write_text('[author]\nname = "File User"\n')
    settings = load_settings(repo.root, {"COPRODUCE_AUTHOR": "Env User <env@example.org>"})

    assert resolve_author("Cli User <cli@example.org>", settings, repo=repo) == Person(
        name="Cli User", email="cli@example.org"
    )
    assert resolve_author(None, settings, repo=repo).name == "Env User"
    assert resolve_author(None, load_settings(repo.root, {}), repo=repo) == Person(name="File User")
    (repo.root / "coproduce.toml").write_text("")
    assert resolve_author(None, load_settings(repo.root, {}), repo=repo) == Person(
        name="Git User", email="git@example.org"
    )


def test_no_author_anywhere_says_how_to_set_one(repo):
    with pytest.raises(InvalidInputError) as caught:
        resolve_author(None, load_settings(repo.root, {}), repo=repo)

    message = str(caught.value)
    assert "--author" in message and "COPRODUCE_AUTHOR" in message
    assert "coproduce.toml" in message and "git config user.name" in message


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Sam Lead <sam@example.org>", Person(name="Sam Lead", email="sam@example.org")),
        ("  Sam Lead   <sam@example.org> ", Person(name="Sam Lead", email="sam@example.org")),
        ("Sam Lead", Person(name="Sam Lead")),
    ],
)
def test_an_author_is_read_from_name_and_optional_email(text, person):
    assert parse_person(text) == person


@pytest.mark.parametrize("text", ["<sam@example.org>", "Sam <not-an-email>", "Sam <a> <b>"])
def test_a_malformed_author_is_refused(text):
    with pytest.raises(InvalidInputError, match="not an author like"):
        parse_person(text)
