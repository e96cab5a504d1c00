"""Returned Word files: every comment and tracked change becomes a submission on the cycle.

A file we sent names its cycle, version and participant in custom properties. One that lost
them (saved as a copy, forwarded) is taken as from the participant the lead chooses, or from
"anonymous" with a warning; its passages are found by their text. Authors' names in the file
are never recorded: items carry the pseudonymous participant id only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from coproduce.channels.submit import submission_key
from coproduce.docx.properties import PARTICIPANT_PLACEHOLDER
from coproduce.docx.replies import ReplyFile, clean_author, read_reply
from coproduce.errors import InvalidInputError
from coproduce.models.participant import PARTICIPANT_ID_PATTERN
from coproduce.review.feedback import ANONYMOUS, Submission

WORD_SUFFIXES = (".docx",)


@dataclass
class ReplySubmissions:
    """The submissions one returned file gives, each with its idempotency key."""

    participant: str
    submissions: list[tuple[Submission, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)  # ours, when we sent the file


def read_reply_submissions(
    path: Path, *, cycle_id: str, participant: str | None = None
) -> ReplySubmissions:
    """Return the submissions in a returned .docx for ``cycle_id``.

    ``participant`` (a pseudonymous id) is used when the file does not name one. A file that
    names another cycle is InvalidInputError.
    """
    if path.suffix.lower() not in WORD_SUFFIXES:
        raise InvalidInputError(
            f"{path.name}: not a Word reply (.docx); a survey export is .csv or .xlsx"
        )
    return reply_submissions(
        _read(path), name=path.name, cycle_id=cycle_id, participant=participant
    )


def reply_submissions(
    data: bytes,
    *,
    name: str,
    cycle_id: str,
    participant: str | None = None,
    sender: str | None = None,
) -> ReplySubmissions:
    """Return the submissions in the returned Word file ``data`` (called ``name`` in messages).

    The file is checked first (corrupt, macro-enabled, zip bombs, XML entities: refused).
    ``sender`` is who handed the file in when that is known for certain (a personal link):
    every item is theirs, whoever the file says it was sent to.
    """
    reply = read_reply(data)
    found = ReplySubmissions(participant=ANONYMOUS, properties=dict(reply.properties))
    if sender is not None:
        named_cycle = reply.properties.get("cycle")
        if named_cycle and named_cycle != cycle_id:
            raise InvalidInputError(f"{name} was sent for another review, not this one")
        found.participant = sender
    else:
        found.participant = _identify(reply, name, cycle_id, participant, found.warnings)
    version = reply.properties.get("version") or None
    by_id = {c.id: c for c in reply.comments}
    for comment in reply.comments:
        if not comment.text.strip():
            continue
        quoted = comment
        while quoted.parent_id is not None and quoted.parent_id in by_id:
            quoted = by_id[quoted.parent_id]  # a reply speaks to the passage of its thread
        submission = Submission(
            participant=found.participant,
            channel="docx",
            text=comment.text,
            quote=(quoted.original_text or quoted.anchored_text).strip(),
            prefix=quoted.prefix,
            suffix=quoted.suffix,
            version=version,
            received=comment.date,
        )
        found.submissions.append((submission, submission_key(data, f"comment:{comment.id}")))
    for number, edit in enumerate(reply.edits):
        submission = Submission(
            participant=found.participant,
            channel="docx",
            kind="suggestion",
            text=_describe(edit.original, edit.proposed, formatting=edit.formatting),
            quote=edit.original.strip(),
            prefix=edit.prefix if not edit.original.strip() else "",
            suggestion=None if edit.formatting else edit.proposed.strip() or None,
            version=version,
            received=edit.date,
        )
        found.submissions.append((submission, submission_key(data, f"revision:{number}")))
    authors = {clean_author(c.author) for c in reply.comments} - {""}
    if len(authors) > 1:
        found.warnings.append(
            f"{name}: {len(authors)} people commented in this file; every item is "
            f"recorded as from {found.participant}"
        )
    return found


def _identify(
    reply: ReplyFile, name: str, cycle_id: str, chosen: str | None, warnings: list[str]
) -> str:
    named_cycle = reply.properties.get("cycle")
    if named_cycle and named_cycle != cycle_id:
        raise InvalidInputError(f"{name} was sent for cycle {named_cycle}, not {cycle_id}")
    named = reply.properties.get("participant", "")
    if re.match(PARTICIPANT_ID_PATTERN, named) and named != PARTICIPANT_PLACEHOLDER:
        if chosen and chosen != named:
            warnings.append(f"{name} was sent to {named}; recorded as from {named}")
        return named
    if chosen:
        return chosen
    warnings.append(
        f"{name} does not say who it was sent to: recorded as anonymous "
        "(name the participant with --participant)"
    )
    return ANONYMOUS


def _describe(original: str, proposed: str, *, formatting: bool = False) -> str:
    if formatting:
        return "Suggested formatting change (the wording is unchanged)"
    if not original.strip():
        return f"Suggested addition: {proposed.strip()}"
    if not proposed.strip():
        return f"Suggested deletion: {original.strip()}"
    return f"Suggested wording: {proposed.strip()}"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as e:
        raise InvalidInputError(f"no such file: {path}") from e
    except OSError as e:
        raise InvalidInputError(f"cannot read {path}: {e.strerror}") from e
