"""Loading a cycle's focused questions from YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.review import load_questions


def test_a_questions_file_loads_as_questions(tmp_path: Path) -> None:
    path = tmp_path / "questions.yaml"
    path.write_text(
        "questions:\n"
        "  - id: clear\n    text: Is the purpose clear?\n    section: purpose\n"
        "  - id: words\n    text: Which words put you off?\n    audiences: [young-people]\n",
        encoding="utf-8",
    )
    questions = load_questions(path, sections=["purpose"], audiences=["young-people"])
    assert [q.id for q in questions] == ["clear", "words"]
    assert questions[1].audiences == ["young-people"]


def test_five_mistakes_give_five_problems() -> None:
    text = (
        "- id: Bad Id\n  text: x\n"
        "- id: ok\n  text: ''\n"
        "- id: ok\n  text: again\n  section: missing\n"
        "- id: who\n  text: y\n  audiences: [nobody]\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        load_questions(text, sections=["purpose"], audiences=["partners"])
    assert len(caught.value.problems) == 5
    assert "question 3 (ok): duplicate id 'ok'" in caught.value.problems


def test_a_missing_file_and_broken_yaml_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_questions(tmp_path / "none.yaml")
    with pytest.raises(InvalidInputError, match="not valid YAML"):
        load_questions("- id: [unclosed")
    with pytest.raises(InvalidInputError, match="must be a list"):
        load_questions("just text")


def test_a_plain_list_of_strings_is_a_list_of_questions_for_everyone() -> None:
    from coproduce.review import load_questions

    questions = load_questions(
        "- Is the escalation route workable?\n"
        "- id: youth\n  text: Does it reflect young people's experience?\n"
        "  youth_text: What would make it easier to ask for help?\n"
    )
    first = questions[0]
    assert (first.id, first.text, first.audiences) == (
        "q1",
        "Is the escalation route workable?",
        [],
    )
    assert questions[1].youth_text == "What would make it easier to ask for help?"
