"""Render a change set as an accessible HTML redline (ins/del with author and date).

Who made each change shows without hovering, and prints: every author has a colour in a
legend at the top, and each changed block ends with a visible label naming its authors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coproduce.models import Block, Heading, ListItem, Quote, Span, Table
from coproduce.redline.change import Attribution, BlockOp, ChangeSet, SpanOp
from coproduce.templating import template_env

TEMPLATE = "redline.html.j2"


# Front matter keys as a reader names them; any other key is written out from its name.
FIELD_LABELS = {
    "title": "Title",
    "owner": "Owner",
    "status": "Status",
    "version": "Version",
    "review_date": "Review date",
    "statutory_basis": "Statutory basis",
    "audiences": "Audiences",
}


def field_label(name: str) -> str:
    """Return a front-matter key as a person reads it: ``review_date`` -> "Review date"."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").replace("-", " ").capitalize()


@dataclass
class Segment:
    """A piece of inline text: unchanged, inserted, deleted or reformatted, with who and when."""

    kind: str
    spans: list[Span]
    title: str = ""
    author: int = 0
    note: str = ""
    """Shown after the text: where a link whose words stayed now goes."""


@dataclass
class BlockView:
    """One block of the redline page, ready for the template."""

    tag: str
    segments: list[Segment] = field(default_factory=list)
    change: str = "equal"
    title: str = ""
    level: int = 0
    rows: list[RowView] = field(default_factory=list)
    mark: str = "equal"
    items: list[BlockView] = field(default_factory=list)
    authors: list[int] = field(default_factory=list)
    anchor: str = ""
    """The block's id when it holds a change ("change-1", "change-2"...), else ""."""
    move_id: str = ""
    """For a moved block, what pairs its two halves."""
    move_link: str = ""
    """For a moved block, the id of its other half (where it went, or where it was)."""


@dataclass
class SectionChanges:
    """One entry of "Where the changes are": a section and the id of its first change."""

    title: str
    anchor: str


@dataclass
class RowView:
    """One table row: its change and one list of segments per cell."""

    change: str
    cells: list[list[Segment]]
    title: str = ""
    header: bool = False


def describe(who: Attribution | None) -> str:
    """Return "author, date" for a title attribute ('' when nobody is known)."""
    if who is None:
        return ""
    return f"{who.author}, {who.date.strftime('%Y-%m-%d %H:%M')} UTC"


def _tag(block: Block) -> tuple[str, int]:
    if isinstance(block, Heading):
        return f"h{min(block.level + 1, 6)}", block.level
    if isinstance(block, ListItem):
        return ("ol" if block.ordered else "ul"), block.level
    if isinstance(block, Quote):
        return "blockquote", 0
    if isinstance(block, Table):
        return "table", 0
    return "p", 0


_SAFE_LINKS = ("http://", "https://", "mailto:", "#", "/")  # as the template links them


def _shown(link: str | None) -> str:
    if link is None:
        return "no link"
    return link if link.startswith(_SAFE_LINKS) else "a link that is not shown"


_SPAN_KIND = {"equal": "equal", "insert": "ins", "delete": "del", "format": "format"}


def _segments(ops: list[SpanOp], who: Attribution | None) -> list[Segment]:
    return [
        Segment(
            kind=_SPAN_KIND[op.kind],
            spans=op.base if op.kind == "delete" else op.proposed,
            title=_title(op, who),
            note=_link_note(op),
        )
        for op in ops
    ]


def _link_note(op: SpanOp) -> str:
    """Return what a reader needs to see of a link changed on the same words ("" otherwise)."""
    if op.kind != "format":
        return ""
    old = next((s.link for s in op.base if s.link), None)
    new = next((s.link for s in op.proposed if s.link), None)
    if old == new:
        return ""
    if new is None:
        return "link removed"
    return f"link now goes to {_shown(new)}" if old else f"link added: {_shown(new)}"


def _title(op: SpanOp, who: Attribution | None) -> str:
    """Return who made a change and when, and for a link pointed elsewhere, where to."""
    if op.kind == "equal":
        return ""
    title = describe(op.attribution or who)
    if op.kind == "format":
        old = next((s.link for s in op.base if s.link), None)
        new = next((s.link for s in op.proposed if s.link), None)
        if old != new:
            title += f"; link changed from {_shown(old)} to {_shown(new)}"
    return title


def _whole(block: Block, kind: str, who: Attribution | None, change: str) -> BlockView:
    tag, level = _tag(block)
    title = describe(who)
    if isinstance(block, Table):
        rows = [
            RowView(
                change=change,
                cells=[[Segment(kind, list(c.spans), title)] for c in row.cells],
                title=title,
                header=block.header and n == 0,
            )
            for n, row in enumerate(block.rows)
        ]
        return BlockView(tag=tag, change=change, title=title, rows=rows)
    segments = [Segment(kind, list(block.spans), title if kind != "equal" else "")]
    return BlockView(tag=tag, segments=segments, change=change, title=title, level=level)


def _table(op: BlockOp) -> BlockView:
    header = isinstance(op.proposed[0], Table) and op.proposed[0].header
    rows = []
    for n, row in enumerate(op.rows):
        title = describe(row.attribution or op.attribution)
        if row.kind in ("equal", "insert", "delete"):
            source = row.proposed if row.kind != "delete" else row.base
            kind = {"equal": "equal", "insert": "ins", "delete": "del"}[row.kind]
            cells = [
                [Segment(kind, list(c.spans), title if kind != "equal" else "")]
                for c in (source.cells if source else [])
            ]
        else:
            cells = [_segments(ops, row.attribution or op.attribution) for ops in row.cells]
        rows.append(RowView(row.kind, cells, title, header=header and n == 0))
    return BlockView(tag="table", change="table", rows=rows)


class Authors:
    """The authors of a redline's changes, numbered in order of first appearance."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def number(self, title: str) -> int:
        """Return the number (from 1) of the author of an "author, date" title; 0 for none."""
        if not title:
            return 0
        name = title.rsplit(", ", 1)[0]
        if name not in self.names:
            self.names.append(name)
        return self.names.index(name) + 1

    def mark(self, view: BlockView) -> BlockView:
        """Number the authors of every change in ``view`` (its items, rows and segments)."""
        found: list[int] = []

        def note(n: int) -> int:
            if n and n not in found:
                found.append(n)
            return n

        for item in view.items:
            self.mark(item)
        for segment in [*view.segments, *(s for r in view.rows for c in r.cells for s in c)]:
            if segment.kind != "equal":
                segment.author = note(self.number(segment.title))
        if view.change != "equal" and view.title:
            note(self.number(view.title))
        for row in view.rows:
            if row.change != "equal":
                note(self.number(row.title))
        view.authors = found
        return view


def group_lists(views: list[BlockView]) -> list[BlockView]:
    """Return ``views`` with each run of list items as one list view, nested as in the
    document: an item one level deeper than the item before it opens a list inside that item
    (its ``items``), so numbering restarts in each sub-list, as in Word."""
    grouped: list[BlockView] = []
    open_lists: list[BlockView] = []  # the list open at each depth, outermost first
    for view in views:
        if view.tag not in ("ul", "ol"):
            open_lists = []
            grouped.append(view)
            continue
        ordered = int(view.tag == "ol")
        depth = min(view.level, len(open_lists))  # never more than one level deeper
        del open_lists[depth + 1 :]
        if len(open_lists) > depth and open_lists[depth].level != ordered:
            del open_lists[depth:]  # the other kind of list at this depth: a new list
        if len(open_lists) == depth:
            new = BlockView(tag="list", level=ordered)
            if depth == 0:
                grouped.append(new)
            else:
                open_lists[-1].items[-1].items.append(new)
            open_lists.append(new)
        open_lists[depth].items.append(view)
    return grouped


def block_views(changes: ChangeSet) -> list[BlockView]:
    """Return one view per block of the tracked output, in order (list items still apart)."""
    views: list[BlockView] = []
    for op in changes.ops:
        who = op.attribution
        if op.kind == "equal":
            views.append(_whole(op.proposed[0], "equal", None, "equal"))
        elif op.kind in ("insert", "move_to"):
            views.append(_whole(op.proposed[0], "ins", who, op.kind))
            views[-1].move_id = op.move_id or ""
        elif op.kind in ("delete", "move_from"):
            views.append(_whole(op.base[0], "del", who, op.kind))
            views[-1].move_id = op.move_id or ""
        elif op.kind == "table":
            views.append(_table(op))
        else:
            for paragraph in op.paragraphs:
                block = paragraph.base if paragraph.mark == "delete" else paragraph.proposed
                tag, level = _tag(block)
                by = paragraph.attribution or who
                views.append(
                    BlockView(
                        tag=tag,
                        segments=_segments(paragraph.ops, by),
                        change=op.kind,
                        title=describe(by),
                        level=level,
                        mark=paragraph.mark,
                    )
                )
    return views


def meta_views(changes: ChangeSet, authors: Authors) -> list[dict[str, object]]:
    """Return the front-matter changes with their labels and "author, date" titles."""
    views: list[dict[str, object]] = []
    for m in changes.meta:
        title = describe(m.attribution)
        views.append(
            {
                "field": m.field,
                "label": field_label(m.field),
                "base": m.base,
                "proposed": m.proposed,
                "title": title,
                "author": authors.number(title),
            }
        )
    return views


OPENING = "Opening text"
"""The name of the part of a document before its first heading, in the list of changes."""


def changed(view: BlockView) -> bool:
    """Return whether ``view`` (one block, not a list) shows any change."""
    if view.change != "equal" or view.mark != "equal":
        return True
    cells = (segment for row in view.rows for cell in row.cells for segment in cell)
    return any(s.kind != "equal" for s in (*view.segments, *cells)) or any(
        row.change != "equal" for row in view.rows
    )


def where_changes(blocks: list[BlockView]) -> list[SectionChanges]:
    """Give each changed block (or list item) an id and return, in order, the sections holding
    a change, each with the id of its first changed block.

    A section is named by its heading as it now reads. A heading deleted and another inserted
    in its place (a renamed heading shown whole) is one section, under its new name.
    """
    sections: list[SectionChanges] = []
    current = OPENING
    number = 0
    renamed: SectionChanges | None = None  # opened by a deleted heading, nothing after it yet
    for block in _in_order(blocks):
        heading = block.tag.startswith("h") and block.tag[1:].isdigit()
        if heading:
            current = _plain(block) or current
        if not changed(block):
            renamed = None
            continue
        number += 1
        block.anchor = f"change-{number}"
        opened = False
        if heading and renamed is not None:
            renamed.title = current  # the new name of the section the deleted one opened
        elif not sections or sections[-1].title != current:
            sections.append(SectionChanges(current, block.anchor))
            opened = True
        gone = heading and all(s.kind == "del" for s in block.segments)
        renamed = sections[-1] if gone and opened else None
    return sections


def link_moves(blocks: list[BlockView]) -> None:
    """Point each half of a moved block at the other (after :func:`where_changes` gave them
    their ids)."""
    halves: dict[str, list[BlockView]] = {}
    for block in _in_order(blocks):
        if block.change in ("move_from", "move_to") and block.move_id:
            halves.setdefault(block.move_id, []).append(block)
    for pair in halves.values():
        if len(pair) == 2:
            pair[0].move_link, pair[1].move_link = pair[1].anchor, pair[0].anchor


def _in_order(views: list[BlockView]) -> list[BlockView]:
    """Return the blocks of ``views`` in reading order, each list item (and its sub-lists)
    in place of its list."""
    found: list[BlockView] = []
    for view in views:
        if view.tag == "list":
            for item in view.items:
                found.append(item)
                found.extend(_in_order(item.items))
        else:
            found.append(view)
    return found


def _plain(view: BlockView) -> str:
    """Return a heading's words as it now reads (as it read, when it was deleted)."""
    kept = [s for s in view.segments if s.kind != "del"] or view.segments
    return "".join(span.text for segment in kept for span in segment.spans).strip()


def _context(changes: ChangeSet) -> dict[str, object]:
    authors = Authors()
    meta = meta_views(changes, authors)
    blocks = [authors.mark(v) for v in group_lists(block_views(changes))]
    kinds = {s.kind for v in _walk(blocks) for s in v.segments}
    sections = where_changes(blocks)
    link_moves(blocks)
    return {
        "blocks": blocks,
        "sections": sections,
        "meta": meta,
        "authors": authors.names,
        "has_format": "format" in kinds,
        "has_moves": any(v.change in ("move_from", "move_to") for v in _walk(blocks)),
    }


def _walk(views: list[BlockView]) -> list[BlockView]:
    return [w for v in views for w in (v, *_walk(v.items))]


def render_redline_fragment(changes: ChangeSet, *, overrides: Path | None = None) -> str:
    """Return the redline as an HTML fragment (no page shell) to embed elsewhere."""
    template = template_env(overrides=overrides).get_template(TEMPLATE)
    return template.render(page=False, title="", **_context(changes))


def render_redline_html(
    changes: ChangeSet,
    *,
    title: str | None = None,
    compared: tuple[str, str] | None = None,
    overrides: Path | None = None,
) -> str:
    """Return a whole accessible HTML page showing every change with its author and date;
    ``compared`` names the two versions (base, proposed) under the title."""
    template = template_env(overrides=overrides).get_template(TEMPLATE)
    heading = title or f"Changes to {changes.proposed.meta.title}"
    return template.render(page=True, title=heading, compared=compared, **_context(changes))
