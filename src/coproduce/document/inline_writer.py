"""Write spans as CommonMark inline text that markdown-it reads back as the same spans.

Bold is ``**``, italic ``_``, code uses a backtick fence longer than any run inside it.
Markdown's emphasis rules depend on the characters either side of a delimiter, so a letter
outside a delimiter, or a space just inside one, is written as a numeric character reference
(``&#97;``), which counts as punctuation there and reads back as the same character. Spaces at
the start or end of a line are written the same way, because Markdown would strip them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Literal

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from coproduce.models import Span

Context = Literal["paragraph", "heading", "cell"]
BOLD, ITALIC = "**", "_"
_ALWAYS = set("\\`*_[]<")
_LINE_START = set("#>-+=|:~")
_ENTITY = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6};|#[0-9]{1,7};|[A-Za-z][A-Za-z0-9]{1,31};)")
_ORDERED_MARKER = re.compile(r"[0-9]{1,9}[.)]")
_DEFINITION = re.compile(r"\[(?:[^\\\[\]]|\\.)*\]:")


@dataclass
class _Unit:
    out: str
    raw: str | None = None  # the character, for a unit of plain text
    delim: str | None = None
    opens: bool = False

    def encode(self) -> None:
        if self.raw is not None:
            self.out = f"&#{ord(self.raw)};"


def render_inline_lines(spans: Sequence[Span], *, context: Context = "paragraph") -> list[str]:
    """Return the Markdown of ``spans``, one string per line (hard breaks split lines)."""
    lines: list[list[Span]] = [[]]
    for span in spans:
        if span.text == "\n":
            lines.append([])
        else:
            lines[-1].append(span)
    rendered = [_render_line(line, context) for line in lines]
    if context == "paragraph" and _DEFINITION.match(rendered[0]):
        # A link whose code text holds "]:" would read as a reference definition at the
        # start of a paragraph; an empty link before it (which carries no text) prevents that.
        rendered[0] = "[](#)" + rendered[0]
    return rendered


def _render_line(spans: list[Span], context: Context) -> str:
    units = _units_for(spans, context)
    _fix_delimiters(units)
    _fix_line_edges(units)
    return "".join(u.out for u in units)


def _units_for(spans: list[Span], context: Context) -> list[_Unit]:
    """Return units for a run of spans: links grouped, emphasis opened and closed in order."""
    atoms: list[tuple[frozenset[str], list[_Unit]]] = []
    for link, group in groupby(spans, key=lambda s: s.link):
        members = list(group)
        if link is None:
            for span in members:
                atoms.append((_marks(span), _span_units(span, context)))
        else:
            atoms.append((frozenset(), [_Unit(_render_link(members, link, context))]))
    units: list[_Unit] = []
    stack: list[str] = []
    for index, (marks, atom_units) in enumerate(atoms):
        keep = 0
        while keep < len(stack) and stack[keep] in marks:
            keep += 1
        for mark in reversed(stack[keep:]):
            units.append(_Unit(mark, delim=mark, opens=False))
        del stack[keep:]
        fresh = [m for m in (BOLD, ITALIC) if m in marks and m not in stack]
        fresh.sort(key=lambda m: -_run_length(atoms, index, m))
        for mark in fresh:
            units.append(_Unit(mark, delim=mark, opens=True))
            stack.append(mark)
        units.extend(atom_units)
    for mark in reversed(stack):
        units.append(_Unit(mark, delim=mark, opens=False))
    return units


def _marks(span: Span) -> frozenset[str]:
    return frozenset(m for m, on in ((BOLD, span.bold), (ITALIC, span.italic)) if on)


def _run_length(atoms: list[tuple[frozenset[str], list[_Unit]]], start: int, mark: str) -> int:
    length = 0
    while start + length < len(atoms) and mark in atoms[start + length][0]:
        length += 1
    return length


def _span_units(span: Span, context: Context) -> list[_Unit]:
    if span.code:
        return [_Unit(_render_code(span.text, context))]
    text = span.text
    units = []
    for index, char in enumerate(text):
        if (
            char in _ALWAYS
            or (char == "&" and _ENTITY.match(text, index))
            or (char == "!" and index == len(text) - 1)
            or (char in "#{" and context == "heading")
            or (char == "|" and context == "cell")
        ):
            units.append(_Unit("\\" + char))
        else:
            units.append(_Unit(char, raw=char))
    return units


def _render_code(text: str, context: Context) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    body = text.replace("|", "\\|") if context == "cell" else text
    padded = text.startswith("`") or text.endswith("`")
    if text.startswith(" ") and text.endswith(" ") and text.strip(" "):
        padded = True
    if padded:
        body = f" {body} "
    return f"{fence}{body}{fence}"


def _render_link(spans: list[Span], link: str, context: Context) -> str:
    plain = [s.model_copy(update={"link": None}) for s in spans]
    units = _units_for(plain, context)
    _fix_delimiters(units)
    return "[" + "".join(u.out for u in units) + "](" + render_destination(link) + ")"


def render_destination(link: str) -> str:
    """Return a link destination that markdown-it reads back as ``link``."""
    escaped = re.sub(r"[\\<>()]", lambda m: "\\" + m.group(0), link)
    escaped = _ENTITY.sub(lambda m: "\\" + m.group(0), escaped)
    if not link or any(c.isspace() for c in link):
        return f"<{escaped}>"
    return escaped


def _is_other(char: str) -> bool:
    code = ord(char)
    return not (isWhiteSpace(code) or isMdAsciiPunct(code) or isPunctChar(char))


def _is_space(char: str) -> bool:
    return char.isspace() or isWhiteSpace(ord(char))


def _fix_delimiters(units: list[_Unit]) -> None:
    """Encode the characters that would stop a delimiter from opening or closing."""
    for index, unit in enumerate(units):
        if unit.delim is None:
            continue
        before = units[index - 1] if index > 0 else None
        after = units[index + 1] if index + 1 < len(units) else None
        inside, outside = (after, before) if unit.opens else (before, after)
        if inside is not None and inside.raw is not None and _is_space(inside.raw):
            inside.encode()
        if outside is not None and outside.raw is not None and _is_other(outside.raw):
            outside.encode()


def _fix_line_edges(units: list[_Unit]) -> None:
    """Keep spaces at the line's ends and stop its start from reading as block syntax."""
    if not units:
        return
    for unit in (units[0], units[-1]):
        if unit.raw is not None and _is_space(unit.raw):
            unit.encode()
    first = units[0]
    if first.raw is not None and first.raw in _LINE_START and first.out == first.raw:
        first.out = "\\" + first.raw
    raws = "".join(u.raw or "\x00" for u in units[:11])
    marker = _ORDERED_MARKER.match(raws)
    if marker is not None and all(u.out == u.raw for u in units[: marker.end()]):
        following = units[marker.end()] if marker.end() < len(units) else None
        if following is None or following.out in (" ", "\t"):
            punct = units[marker.end() - 1]
            punct.out = "\\" + punct.out
