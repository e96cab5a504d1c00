"""Split a Markdown body into plain prose, read directly, and stretches markdown-it must parse.

Most guidance is plain prose: paragraphs and headings with no inline markup. Reading those
without markdown-it halves the cost of a parse, and a stretch between them can be parsed on
its own because of how CommonMark closes blocks:

- A *chunk* is a run of non-blank lines. A chunk whose every line starts at column 0 with a
  letter holds no block markup (no list marker, quote, fence, table delimiter or indent), and
  after a blank line such a line cannot continue a list item, quote, table, indented code or
  HTML block of kinds 6 and 7. It is therefore a top-level paragraph, and every container is
  closed where it starts and where it ends.
- Constructs that do span blank lines are refused outright: fenced code, HTML blocks of kinds
  1 to 5 (script, pre, style, textarea, comments, ``<?``, ``<!``) and link reference
  definitions (document-wide). :func:`split_body` then returns None and the whole body is
  parsed as before.
- A plain line holds no character with inline meaning (escapes, code, emphasis, links, HTML,
  entities, tables, heading ids), no tab, no Unicode separator and no trailing space, so its
  inline content is its text and line ends are soft breaks: the lines joined by spaces.

A chunk that is one plain ATX heading line (``## Title``), optionally followed by plain lines,
is read the same way. Everything else is grouped into stretches of consecutive chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_SPANNING = re.compile(
    r"```|~~~|\]:|<(?:script|pre|style|textarea|!|\?)", re.IGNORECASE
)  # constructs that can span a blank line, or act across the document
_ODD_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>&|#{}~]")
_HEADING = re.compile(r"(#{1,6}) +(\S.*)")


@dataclass(slots=True)
class Plain:
    """A paragraph or heading read without markdown-it; ``line`` counts from 0 in the body."""

    kind: Literal["heading", "paragraph"]
    line: int
    text: str
    level: int = 0


@dataclass(slots=True)
class Stretch:
    """Lines markdown-it must parse, starting at body line ``start`` (counted from 0)."""

    start: int
    lines: list[str]


def _plain(line: str) -> bool:
    return (
        line[-1] != " "
        and line.isprintable()
        and _INLINE_MARKUP.search(line) is None
        and (line[0].isascii() and line[0].isalpha())
    )


def _read_chunk(lines: list[str], start: int) -> list[Plain] | None:
    """Return the plain blocks a chunk holds, or None when markdown-it must read it."""
    first = lines[0]
    out: list[Plain] = []
    if first[0] == "#":
        match = _HEADING.fullmatch(first)
        if match is None or not _plain(match.group(2)):
            return None
        out.append(Plain("heading", start, match.group(2), len(match.group(1))))
        lines, start = lines[1:], start + 1
        if not lines:
            return out
    for line in lines:
        if not _plain(line):
            return None
    out.append(Plain("paragraph", start, " ".join(lines)))
    return out


def split_body(body: str) -> list[Plain | Stretch] | None:
    """Return the body as plain blocks and stretches in order, or None to parse it whole."""
    if _SPANNING.search(body) or _ODD_BREAKS.search(body):
        return None
    lines = body.split("\n")
    out: list[Plain | Stretch] = []
    stretch_from: int | None = None  # first line of the stretch being gathered
    index, total = 0, len(lines)
    while index < total:
        if not lines[index].strip(" \t"):
            index += 1
            continue
        end = index + 1
        while end < total and lines[end].strip(" \t"):
            end += 1
        plain = _read_chunk(lines[index:end], index)
        if plain is None:
            if stretch_from is None:
                stretch_from = index
        else:
            if stretch_from is not None:
                out.append(Stretch(stretch_from, _trimmed(lines[stretch_from:index])))
                stretch_from = None
            out.extend(plain)
        index = end
    if stretch_from is not None:
        out.append(Stretch(stretch_from, lines[stretch_from:]))
    return out


def _trimmed(lines: list[str]) -> list[str]:
    """Return ``lines`` without the blank lines that end them."""
    end = len(lines)
    while end and not lines[end - 1].strip(" \t"):
        end -= 1
    return lines[:end]
