"""Words safeguarding guidance uses, explained for young people.

A young person's message quotes the guidance (the passage as it now reads) and the reasons
the review team wrote; any of these words found there is explained at the end of the message.
A repository can add or reword entries in ``templates/glossary.yaml`` (``term: explanation``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from coproduce.errors import InvalidInputError

GLOSSARY_FILE = "glossary.yaml"

TERMS: dict[str, str] = {
    "safeguarding": "Keeping children and young people safe from harm.",
    "practitioner": "Someone whose job is to work with young people, like a social worker,"
    " a nurse, a teacher or a youth worker.",
    "escalate": "To take a worry to someone more senior when it is not being sorted out.",
    "exploitation": "When someone uses a young person to get something for themselves, like"
    " money, drugs or sex.",
    "partnership": "The council, police, health services and schools working together to keep"
    " young people safe.",
    "partner": "A group that works with us, like a youth club, a charity or a school.",
    "protocol": "A list of steps that people agree to follow.",
    "multi-agency": "Different services working together.",
    "referral": "Asking another service to help.",
    "statutory": "Something the law says must happen.",
    "threshold": "The point where a worry is serious enough for a service to act.",
    "disclosure": "When a young person tells someone about harm.",
    "strategy": "A plan for how services will work together.",
    "assessment": "When a worker finds out what a young person needs.",
    "contextual": "About the places outside home where harm can happen, like parks, shops"
    " or online.",
    "consent": "Saying yes to something when you know what it means.",
    "board": "The group of leaders who make the final decision about the guide.",
    "guidance": "A guide that tells workers what to do.",
    "policy": "A set of rules that workers follow.",
    "timescale": "How long something is allowed to take.",
    "duty manager": "The manager whose turn it is to deal with worries that day.",
}


def load_glossary(overrides: Path | None = None) -> dict[str, str]:
    """Return the built-in terms with the repository's own (``templates/glossary.yaml``)."""
    terms = dict(TERMS)
    path = overrides / GLOSSARY_FILE if overrides is not None else None
    if path is None or not path.is_file():
        return terms
    from coproduce.review import record

    try:
        data = record.load_yaml(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"{path} is not valid YAML: {e}") from e
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InvalidInputError(f"{path}: write one 'term: explanation' line per word")
    terms.update({k.strip().lower(): v.strip() for k, v in data.items() if k.strip()})
    return terms


def term_pattern(term: str) -> re.Pattern[str]:
    """Return the pattern that finds ``term`` and its endings (escalate, escalation)."""
    stem = term[:-1] if term.endswith("e") and len(term) > 4 else term
    return re.compile(r"\b" + re.escape(stem).replace(r"\ ", r"\s+") + r"\w*", re.IGNORECASE)


def terms_in(texts: Iterable[str], glossary: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return the glossary entries whose term appears in ``texts``, in glossary order."""
    joined = "\n".join(texts)
    return [(t, glossary[t]) for t in glossary if term_pattern(t).search(joined)]
