"""YAML front matter: split it from the Markdown body, load it as metadata, dump it back."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import yaml

from coproduce.errors import InvalidInputError
from coproduce.models import DocumentMeta, load_model

_OPEN = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter or None, body, number of lines before the body)."""
    opening = _OPEN.match(text)
    if opening is None:
        return None, text.removeprefix("\ufeff"), 0
    closing = _CLOSE.search(text, opening.end())
    if closing is None:
        raise InvalidInputError(
            "front matter is not valid (1 problem)",
            problems=["line 1: front matter opened with '---' is never closed with '---'"],
        )
    yaml_text = text[opening.end() : closing.start()]
    rest = text[closing.end() :]
    consumed = text[: closing.end()].count("\n") + (1 if rest.startswith("\n") else 0)
    body = rest.removeprefix("\r\n").removeprefix("\n")
    return yaml_text, body, consumed


def load_front_matter(yaml_text: str) -> dict[str, Any]:
    """Return the front matter as a mapping; raise InvalidInputError on YAML or shape errors."""
    try:
        data = yaml.safe_load(yaml_text)
        root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 2}" if mark is not None else "front matter"
        problem = f"{where}: YAML error: {e.problem or e.context or 'cannot be read'}"
        raise InvalidInputError("front matter is not valid YAML", problems=[problem]) from e
    except yaml.YAMLError as e:
        raise InvalidInputError(
            "front matter is not valid YAML", problems=[f"front matter: {e}"]
        ) from e
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        kind = type(data).__name__
        raise InvalidInputError(
            "front matter is not valid (1 problem)",
            problems=[f"line 2: front matter must be a mapping of keys to values, not a {kind}"],
        )
    # YAML reads `version: 1.10` as the float 1.1; keep what the author wrote.
    for key_node, value_node in root.value:
        is_scalar = isinstance(value_node, yaml.ScalarNode)
        if key_node.value == "version" and is_scalar and isinstance(data["version"], int | float):
            data["version"] = value_node.value
    return {str(k): v for k, v in data.items()}


def load_meta(data: dict[str, Any], *, extra_problems: Sequence[str] = ()) -> DocumentMeta:
    """Validate front matter as DocumentMeta, reporting every problem (and any extra) at once."""
    problems = list(extra_problems)
    try:
        meta = load_model(DocumentMeta, data, what="front matter")
    except InvalidInputError as e:
        problems = [*e.problems, *problems]
        raise _problems_error(problems) from e
    if problems:
        raise _problems_error(problems)
    return meta


def _problems_error(problems: list[str]) -> InvalidInputError:
    noun = "problem" if len(problems) == 1 else "problems"
    return InvalidInputError(f"document is not valid ({len(problems)} {noun})", problems=problems)


def dump_front_matter(meta: DocumentMeta) -> str:
    """Return ``meta`` as a `---` fenced YAML block: model keys in order, then extras."""
    data = meta.model_dump(mode="python", exclude_unset=True)
    ordered: dict[str, Any] = {}
    for name in DocumentMeta.model_fields:
        if name in data:
            ordered[name] = _plain(data.pop(name))
    for name, value in (meta.model_extra or {}).items():
        ordered[name] = _plain(value)
    text = yaml.safe_dump(
        ordered, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return f"---\n{text}---\n"


def _plain(value: Any) -> Any:
    """Return ``value`` with tuples as lists and datetimes kept, so safe_dump can write it."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date | str | int | float | bool) or value is None:
        return value
    return str(value)
