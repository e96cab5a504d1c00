"""Walk a paragraph's runs in document order and return accepted-view spans."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from coproduce.docx.styles import StyleSheet, toggle
from coproduce.docx.xml import M_NS, MC_NS, local_name, qn
from coproduce.models import Span

MONOSPACE = ("consolas", "courier", "mono", "menlo", "monaco", "lucida console", "source code")
_SKIPPED = {"del", "moveFrom", "delText", "delInstrText", "instrText", "rPr", "pPr", "fldData"}
_TRANSPARENT = {"ins", "moveTo", "smartTag", "customXml", "dir", "bdo", "sdtContent"}
_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+"([^"]+)"')


@dataclass
class InlineContext:
    """Document-wide lookups and tallies shared by every paragraph walk."""

    styles: StyleSheet
    hyperlinks: dict[str, str]
    note_text: Callable[[str, str], str]
    counts: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    text_boxes: list[etree._Element] = field(default_factory=list)


@dataclass
class _RunFormat:
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None


def read_spans(paragraph: etree._Element, ctx: InlineContext) -> list[Span]:
    """Return the accepted-view spans of a ``w:p`` (insertions kept, deletions dropped)."""
    spans: list[Span] = []
    _walk(paragraph, ctx, spans, link=None)
    return merge_spans(spans)


def merge_spans(spans: list[Span]) -> list[Span]:
    """Join neighbouring spans with the same formatting; keep line breaks as their own spans."""
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        last = merged[-1] if merged else None
        if last and span.text != "\n" and last.text != "\n" and last.same_format(span):
            merged[-1] = last.model_copy(update={"text": last.text + span.text})
        else:
            merged.append(span)
    return merged


def _walk(parent: etree._Element, ctx: InlineContext, out: list[Span], *, link: str | None) -> None:
    field_link: str | None = None
    for child in parent:
        name = local_name(child)
        if name in _SKIPPED or not name:
            continue
        if name in _TRANSPARENT:
            if name == "sdtContent":
                ctx.counts["content controls"] += 1
            _walk(child, ctx, out, link=link)
        elif name == "sdt":
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content, ctx, out, link=link)
                ctx.counts["content controls"] += 1
        elif name == "hyperlink":
            target = ctx.hyperlinks.get(child.get(qn("r:id"), ""))
            _walk(child, ctx, out, link=target or link)
        elif name == "fldSimple":
            ctx.counts["fields"] += 1
            match = _HYPERLINK_FIELD.match(child.get(qn("w:instr"), ""))
            _walk(child, ctx, out, link=match.group(1) if match else link)
        elif name == "r":
            field_link = _read_run(child, ctx, out, link=link or field_link, field=field_link)
            if field_link == "":
                field_link = None
        elif child.tag in (f"{{{M_NS}}}oMath", f"{{{M_NS}}}oMathPara"):
            text = "".join(t.text or "" for t in child.iter(f"{{{M_NS}}}t"))
            out.append(Span(text=text))
            ctx.counts["equations"] += 1


def _read_run(
    run: etree._Element, ctx: InlineContext, out: list[Span], *, link: str | None, field: str | None
) -> str | None:
    """Append one run's text; return the link of a HYPERLINK field in progress ('' at its end)."""
    fmt = _run_format(run, ctx.styles, link)
    for child in run:
        name = local_name(child)
        if name == "t":
            out.append(_span(child.text or "", fmt))
        elif name in ("tab", "ptab"):
            out.append(_span(" ", fmt))
        elif name in ("br", "cr"):
            if child.get(qn("w:type"), "textWrapping") == "textWrapping":
                out.append(Span(text="\n"))
        elif name == "noBreakHyphen":
            out.append(_span("-", fmt))
        elif name == "sym":
            out.append(_span(_symbol(child), fmt))
        elif name == "instrText":
            match = _HYPERLINK_FIELD.match(child.text or "")
            if match:
                field = match.group(1)
        elif name == "fldChar":
            kind = child.get(qn("w:fldCharType"))
            if kind == "begin":
                ctx.counts["fields"] += 1
            elif kind == "end":
                field = ""
        elif name in ("footnoteReference", "endnoteReference"):
            note = ctx.note_text(name[:-9], child.get(qn("w:id"), ""))
            ctx.notes.append(note)
            out.append(_span(f"[{len(ctx.notes)}]", fmt))
        elif name in ("drawing", "pict", "object", "AlternateContent"):
            out.extend(_read_graphic(child, ctx))
    return field


def _span(text: str, fmt: _RunFormat) -> Span:
    return Span(text=text, bold=fmt.bold, italic=fmt.italic, code=fmt.code, link=fmt.link)


def _symbol(sym: etree._Element) -> str:
    code = sym.get(qn("w:char"), "")
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    return chr(value - 0xF000) if value >= 0xF000 else chr(value)


def _run_format(run: etree._Element, styles: StyleSheet, link: str | None) -> _RunFormat:
    rpr = run.find(qn("w:rPr"))
    style = rpr.find(qn("w:rStyle")) if rpr is not None else None
    bold, italic = styles.run_format(style.get(qn("w:val")) if style is not None else None)
    direct_bold, direct_italic = toggle(rpr, "w:b"), toggle(rpr, "w:i")
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    font = (fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi")) or "") if fonts is not None else ""
    return _RunFormat(
        bold=bold if direct_bold is None else direct_bold,
        italic=italic if direct_italic is None else direct_italic,
        code=any(mono in font.lower() for mono in MONOSPACE),
        link=link,
    )


def _read_graphic(element: etree._Element, ctx: InlineContext) -> list[Span]:
    """Return an image placeholder, queueing any text box content as its own paragraphs."""
    if local_name(element) == "AlternateContent":
        choice = element.find(f"{{{MC_NS}}}Choice")
        element = choice if choice is not None else element
    boxes = list(element.iter(qn("w:txbxContent")))
    if boxes:
        ctx.counts["text boxes"] += 1
        for box in boxes[:1]:
            ctx.text_boxes.extend(box)
        return []
    ctx.counts["images"] += 1
    alt = ""
    for doc_pr in element.iter(qn("wp:docPr")):
        alt = (doc_pr.get("descr") or doc_pr.get("title") or "").strip()
        break
    if not alt:
        for shape in element.iter(qn("v:shape")):
            alt = (shape.get("alt") or "").strip()
            break
    return [Span(text=f"[image: {alt}]" if alt else "[image]")]
