"""The redline a participant sees before sending a suggestion: their wording against the draft."""

from __future__ import annotations

from markupsafe import Markup, escape

from coproduce.models import Span
from coproduce.redline.words import diff_spans


def redline_html(current: str, suggested: str) -> Markup:
    """Return ``suggested`` marked against ``current``: ``<del>`` removed, ``<ins>`` added."""
    out: list[str] = []
    for op in diff_spans([Span(text=current)], [Span(text=suggested)]):
        kind = str(op.kind)
        if kind == "delete":
            out.append(f"<del>{escape(op.base_text)}</del>")
        elif kind == "insert":
            out.append(f"<ins>{escape(op.proposed_text)}</ins>")
        else:
            out.append(str(escape(op.proposed_text)))
    return Markup("".join(out).replace("\n", "<br>\n"))
