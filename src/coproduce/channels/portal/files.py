"""A Word file handed in from a personal link, instead of (or as well as) typing.

The file is sniffed and checked by the same opener every Word file goes through (not a zip,
a PDF or a ``.doc`` renamed, macro-enabled, a zip bomb, XML with entity declarations: refused
with one clear line, and nothing is stored). A file that passes is journalled whole through
the durable intake as a ``file`` submission — that is the acknowledgement, with its own
reference — then the Word-reply reader turns its comments and tracked changes into items,
each journalled under the key a ``coproduce feedback import`` of the same file would use, so
nothing is stored twice however the file comes in again. Git records that the file came,
never its contents (it may carry names).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
from dataclasses import dataclass

from coproduce.channels.portal.sending import send_items
from coproduce.channels.reply import ReplySubmissions, reply_submissions
from coproduce.channels.submit import submission_key
from coproduce.errors import CoproduceError, InvalidInputError
from coproduce.review.intake import MAX_TEXT, accept
from coproduce.review.recording import is_file_entry
from coproduce.review.submission import FILE, Submission
from coproduce.workspace import Workspace

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_UPLOAD = 5 * MB
NAME = "The file"


@dataclass(frozen=True)
class FileReceived:
    """What the person is told: the file's reference, when it came, how many items it held."""

    reference: str
    received: str
    late: bool
    items: int
    letter: bool = False  # no comments or changes: its own words were taken as one comment


def take_file(
    workspace: Workspace,
    *,
    cycle_id: str,
    participant_id: str,
    data: bytes,
    quote: bool,
) -> FileReceived:
    """Check, journal and read a Word file from ``participant_id``; raise InvalidInputError
    (one line a participant can act on) for anything that is not a safe Word file."""
    if not data:
        raise InvalidInputError("The file is empty. Choose a Word file (.docx) to send.")
    if len(data) > MAX_UPLOAD:
        raise InvalidInputError(f"The file must be smaller than {MAX_UPLOAD // MB} MB.")
    try:
        found = reply_submissions(data, name=NAME, cycle_id=cycle_id, sender=participant_id)
    except InvalidInputError as e:
        raise InvalidInputError(_plain(str(e))) from e
    digest = hashlib.sha256(data).hexdigest()
    size = max(1, round(len(data) / 1024))
    receipt = accept(
        repo=workspace.repo,
        register=workspace.register,
        cycle_id=cycle_id,
        submission=Submission(
            participant=participant_id,
            channel="portal",
            kind=FILE,
            file=data,
            text=f"A Word file ({size} KB) with {_count(found)}",
            consent_to_quote=quote,
        ),
        key=f"portal-file:{participant_id}:{digest}",
    )
    items = _journal_items(
        workspace, cycle_id, found, quote=quote, data=data, reference=receipt.reference
    )
    return FileReceived(
        reference=receipt.reference,
        received=receipt.received.strftime("%d %B %Y at %H:%M UTC").lstrip("0"),
        late=receipt.late,
        items=len(found.submissions),
        letter=items > len(found.submissions),
    )


def read_pending_files(workspace: Workspace) -> int:
    """Journal the items of every file not yet recorded (idempotent); return how many files."""
    register = workspace.register
    done = 0
    for entry in register.iter_submissions(pending=True):
        if not is_file_entry(entry):
            continue
        data = base64.b64decode(entry.payload["file"])
        try:
            found = reply_submissions(
                data, name=entry.feedback_id, cycle_id=entry.cycle, sender=entry.participant_id
            )
            quote = entry.payload.get("consent_to_quote")
            _journal_items(
                workspace, entry.cycle, found, quote=quote is not False, data=data,
                reference=entry.feedback_id,
            )  # fmt: skip
        except CoproduceError as e:  # checked when it came: only a changed cycle gets here
            log.warning("file %s could not be read into items: %s", entry.feedback_id, e)
            continue
        done += 1
    return done


def _journal_items(
    workspace: Workspace,
    cycle_id: str,
    found: ReplySubmissions,
    *,
    quote: bool,
    data: bytes,
    reference: str,
) -> int:
    """Journal the file's items; return how many there were."""
    pairs = list(found.submissions)
    letter = _letter(data, found, reference) if not pairs else None
    if letter is not None:
        pairs.append(letter)
    submissions = [dataclasses.replace(s, consent_to_quote=quote) for s, _ in pairs]
    send_items(
        workspace, cycle_id=cycle_id, submissions=submissions, nonce="",
        labels=["" for _ in submissions], keys=[k for _, k in pairs],
    )  # fmt: skip
    return len(pairs)


def _letter(data: bytes, found: ReplySubmissions, reference: str) -> tuple[Submission, str] | None:
    """Return a file's own words as one general comment, when it is not the draft we sent.

    A response written in Word, with no comments or tracked changes, is the response; the
    Word draft sent back unmarked says nothing.
    """
    if found.properties.get("cycle"):
        return None
    from coproduce.docx import read_docx

    text = "\n\n".join(b.text for b in read_docx(data, slug="reply").document.blocks).strip()
    if not text:
        return None
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 80].rstrip() + f" [… continues in the Word file {reference}]"
    submission = Submission(participant=found.participant, channel="docx", text=text)
    return submission, submission_key(data, "body")


def _count(found: ReplySubmissions) -> str:
    n = len(found.submissions)
    return "no comments or tracked changes" if n == 0 else f"{n} comments or changes read"


def _plain(message: str) -> str:
    # The checks speak to a lead at a terminal; say it to the person who chose the file.
    if message.startswith(NAME):
        return message + "."
    if "macro" in message:
        return (
            "The file contains macros, which we cannot accept. Save it as a Word Document "
            "(.docx) and send it again."
        )
    reason = message.removeprefix("refused: ").removeprefix("not a Word .docx file ")
    return (
        f"We could not accept that file: it is not a Word document we can read safely "
        f"({reason.strip('()')}). Save it as a Word Document (.docx) and send it again."
    )
