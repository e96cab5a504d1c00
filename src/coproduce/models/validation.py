"""Turn pydantic's collected validation errors into one of ours, every problem listed."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from coproduce.errors import InvalidInputError

M = TypeVar("M", bound=BaseModel)


def describe_errors(error: ValidationError) -> list[str]:
    """Return one readable line per problem in a pydantic ValidationError."""
    lines = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        lines.append(f"{where}: {item['msg']}")
    return lines


def load_model(model: type[M], data: Any, *, what: str) -> M:
    """Validate ``data`` as ``model``; on failure raise InvalidInputError naming every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = describe_errors(e)
        noun = "problem" if len(problems) == 1 else "problems"
        raise InvalidInputError(
            f"{what} is not valid ({len(problems)} {noun})", problems=problems
        ) from e
