"""Commit messages: compose them with trailers, and read trailers back from any commit."""

from __future__ import annotations

import re

from coproduce.errors import InvalidInputError

TRAILER_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_TRAILER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):\s*(.*?)\s*$")
FEEDBACK_ID = re.compile(r"\bFB-\d{4,}\b")


def compose_message(message: str, trailers: dict[str, list[str]] | None = None) -> str:
    """Return ``message`` with ``Key: value`` trailers appended in a final paragraph."""
    body = message.strip()
    problems = []
    if not body:
        problems.append("the commit message is empty")
    lines = []
    for key, values in (trailers or {}).items():
        if not TRAILER_KEY.match(key):
            problems.append(f"trailer key {key!r}: use letters, digits and hyphens")
        for value in values:
            if not value.strip() or "\n" in value:
                problems.append(f"trailer {key}: value {value!r} must be one non-empty line")
            lines.append(f"{key}: {value.strip()}")
    if problems:
        raise InvalidInputError("cannot write the commit message", problems=problems)
    if not lines:
        return body + "\n"
    last = body.split("\n\n")[-1].splitlines()
    # Join an existing trailer block rather than starting a second one after it.
    joiner = "\n" if "\n\n" in body and all(_TRAILER_LINE.match(x) for x in last) else "\n\n"
    return body + joiner + "\n".join(lines) + "\n"


def parse_trailers(message: str) -> dict[str, list[str]]:
    """Return the trailers of a commit message (its last paragraph), keys as written."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    if len(paragraphs) < 2:
        return {}
    found: dict[str, list[str]] = {}
    for line in paragraphs[-1].splitlines():
        match = _TRAILER_LINE.match(line.strip())
        if match is None:
            return {}  # not a trailer block, just a last paragraph of prose
        found.setdefault(match.group(1), []).append(match.group(2))
    return found


def feedback_ids(message: str) -> list[str]:
    """Return the feedback ids named in ``Feedback:`` trailers, in order, without repeats."""
    ids: list[str] = []
    for key, values in parse_trailers(message).items():
        if key.lower() != "feedback":
            continue
        for value in values:
            ids.extend(i for i in FEEDBACK_ID.findall(value) if i not in ids)
    return ids
