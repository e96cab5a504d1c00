"""Make returned Word files the way a person would: comments and tracked changes on a draft."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.oxml.parser import parse_xml

from coproduce.docx.comments import add_comment, find_passage

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WHEN = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def make_reply(
    draft: Path | bytes,
    *,
    comments: list[tuple[str, str]] = (),  # type: ignore[assignment]
    insert: tuple[str, str] | None = None,
    author: str = "Pat Partner <Pat Partner <pat.partner@example.org>>",
    reply_to_first: str | None = None,
) -> bytes:
    """Return the draft with a comment on each (quote, text), a tracked insertion of
    ``insert[1]`` at the end of the paragraph holding ``insert[0]``, and optionally a reply."""
    data = draft if isinstance(draft, bytes) else draft.read_bytes()
    document = docx.Document(io.BytesIO(data))
    refs = []
    for quote, text in comments:
        first, last = find_passage(document, quote=quote)
        refs.append(
            add_comment(
                document, start_run_or_element=first, end=last, text=text, author=author, date=WHEN
            )
        )
    if reply_to_first is not None:
        add_comment(document, parent=refs[0], text=reply_to_first, author="Lead", date=WHEN)
    if insert is not None:
        within, words = insert
        paragraph = next(p for p in document.paragraphs if within in p.text)
        paragraph._p.append(
            parse_xml(
                f'<w:ins xmlns:w="{W}" w:id="901" w:author="{escape(author, {chr(34): "&quot;"})}" '
                f'w:date="2026-11-20T14:00:00Z"><w:r><w:t xml:space="preserve">{words}</w:t>'
                "</w:r></w:ins>"
            )
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
