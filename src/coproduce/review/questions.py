"""Load a cycle's questions from YAML, reporting every problem at once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.models import Question, describe_errors


def load_questions(
    source: Path | str,
    *,
    sections: Iterable[str] | None = None,
    audiences: Iterable[str] | None = None,
) -> list[Question]:
    """Read questions from a YAML file (or text); raise InvalidInputError listing every problem.

    The file is a list of questions (each a plain string, or the full form with ``id``,
    ``text``, ``section``, ``audiences``, ``youth_text``), or a mapping with a ``questions``
    list. With ``sections``
    or ``audiences`` given, each question's section and audiences must be among them.
    """
    if isinstance(source, Path):
        if not source.is_file():
            raise NotFoundError(f"no such questions file: {source}")
        text, name = source.read_text(encoding="utf-8"), source.name
    else:
        text, name = source, "questions"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise InvalidInputError(f"{name} is not valid YAML: {e}") from e
    return parse_questions(data, what=name, sections=sections, audiences=audiences)


def parse_questions(
    data: Any,
    *,
    what: str = "questions",
    sections: Iterable[str] | None = None,
    audiences: Iterable[str] | None = None,
) -> list[Question]:
    """Validate already-parsed question data; raise InvalidInputError listing every problem."""
    if isinstance(data, dict) and "questions" in data:
        data = data["questions"]
    if data is None:
        return []
    if not isinstance(data, list):
        raise InvalidInputError(f"{what} must be a list of questions (or a 'questions:' list)")
    known_sections = set(sections) if sections is not None else None
    known_audiences = set(audiences) if audiences is not None else None
    problems: list[str] = []
    questions: list[Question] = []
    seen: set[str] = set()
    for n, item in enumerate(data, start=1):
        label = f"question {n}"
        if isinstance(item, str):  # a plain question: everyone is asked it, as written
            item = {"id": f"q{n}", "text": item}
        raw_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(raw_id, str):
            label = f"question {n} ({raw_id})"
            if raw_id in seen:
                problems.append(f"{label}: duplicate id {raw_id!r}")
            seen.add(raw_id)
        try:
            question = Question.model_validate(item)
        except ValidationError as e:
            problems.extend(f"{label}: {line}" for line in describe_errors(e))
            continue
        if known_sections is not None and question.section not in (None, *known_sections):
            problems.append(f"{label}: no section {question.section!r} in the document")
        for audience in question.audiences:
            if known_audiences is not None and audience not in known_audiences:
                problems.append(f"{label}: audience {audience!r} is not invited to this cycle")
        questions.append(question)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise InvalidInputError(f"{what} is not valid ({len(problems)} {noun})", problems=problems)
    return questions
