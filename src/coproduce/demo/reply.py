"""The demo's Word reply: a practitioner edits the draft she was sent and comments on it.

Her wording changes are made in LibreOffice with Track Changes on, where LibreOffice is
installed (``lo_edit.py`` run by the system Python that has ``uno``); her comments are added
to that file as Word would store them. The file then comes back through ``feedback import``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coproduce.errors import CoproduceError

SYSTEM_PYTHON = Path("/usr/bin/python3")
LO_EDIT = Path(__file__).with_name("lo_edit.py")


@dataclass(frozen=True)
class Reply:
    """The reply file made, and how its tracked changes were made."""

    path: Path
    edited_by: str


def libreoffice_available() -> bool:
    """Return whether LibreOffice and the system Python's ``uno`` module are both installed."""
    if shutil.which("soffice") is None or not SYSTEM_PYTHON.is_file():
        return False
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import uno"], capture_output=True, timeout=60, check=False
    )
    return probe.returncode == 0


def make_reply(
    draft: bytes,
    target: Path,
    *,
    notes: dict[str, Any],
    properties: dict[str, str],
) -> Reply:
    """Write the practitioner's reply to ``target``: her edits tracked, her comments added."""
    edits = [(c["quote"], c["suggestion"]) for c in notes["comments"] if c.get("suggestion")]
    edited, how = draft, "no tracked changes (LibreOffice is not installed)"
    if edits and libreoffice_available():
        edited, how = _edit_in_libreoffice(draft, edits), "LibreOffice, Track Changes on"
    author = notes.get("author", "Reviewer")
    commented = _add_comments(edited, [c for c in notes["comments"] if not c.get("suggestion")],
                              author=author)  # fmt: skip
    from coproduce.docx.properties import add_custom_properties

    target.write_bytes(add_custom_properties(commented, properties))
    return Reply(path=target, edited_by=how)


def _edit_in_libreoffice(draft: bytes, edits: list[tuple[str, str]]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="coproduce-lo-") as tmp:
        folder = Path(tmp)
        source, target = folder / "sent.docx", folder / "reply.docx"
        source.write_bytes(draft)
        pairs = [part for edit in edits for part in edit]
        result = subprocess.run(
            [str(SYSTEM_PYTHON), str(LO_EDIT), str(folder), str(source), str(target), *pairs],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        if result.returncode != 0 or not target.is_file():
            raise CoproduceError(
                "LibreOffice could not edit the reply: "
                + (result.stderr.strip().splitlines() or ["no output"])[-1]
            )
        return target.read_bytes()


def _add_comments(data: bytes, comments: list[dict[str, Any]], *, author: str) -> bytes:
    import docx

    from coproduce.docx.comments import add_comment

    word = docx.Document(io.BytesIO(data))
    for note in comments:
        paragraph = next((p for p in word.paragraphs if note["quote"] in p.text and p.runs), None)
        if paragraph is None:
            raise CoproduceError(f"the reply's draft has no paragraph quoting {note['quote']!r}")
        add_comment(
            word,
            start_run_or_element=paragraph.runs[0],
            end=paragraph.runs[-1],
            text=" ".join(str(note["comment"]).split()),
            author=author,
        )
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
