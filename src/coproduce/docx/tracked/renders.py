"""Clean renders of one version's blocks, handed out in document order."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Container
from typing import TYPE_CHECKING

from docx.document import Document as DocxDocument
from lxml import etree

from coproduce.docx.build import BlockWriter
from coproduce.docx.runs import parse_paragraphs, plain_paragraph_xml
from coproduce.docx.xml import qn
from coproduce.models import Block, ListItem, Paragraph

if TYPE_CHECKING:
    from coproduce.redline.change import ChangeSet

_NUM_ID = f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}"
_VAL = qn("w:val")


class Renders:
    """Clean renders of one version's blocks, each handed out once, in document order.

    With ``needed`` (ids of the blocks whose render will be asked for), other blocks are not
    rendered at all; list items always are, so that list numbering stays the same.
    """

    def __init__(
        self, doc: DocxDocument, blocks: list[Block], *, needed: Container[int] | None = None
    ) -> None:
        writer = BlockWriter(doc)
        made: list[tuple[Block, etree._Element | int]] = []
        as_text: list[str] = []  # plain paragraphs, parsed together (the same XML, faster)
        for block in blocks:
            if needed is not None and id(block) not in needed and not isinstance(block, ListItem):
                writer.skip(block)
                continue
            xml = plain_paragraph_xml(block.spans) if type(block) is Paragraph else None
            if xml is not None:
                writer.skip(block)  # ends a list, as making the paragraph would
                made.append((block, len(as_text)))
                as_text.append(xml)
            else:
                made.append((block, writer.make(block)[0]))
        parsed = parse_paragraphs(as_text)
        self._queues: dict[int, deque[etree._Element]] = {}
        self.elements: list[tuple[Block, etree._Element]] = []
        for block, made_or_index in made:
            element = parsed[made_or_index] if isinstance(made_or_index, int) else made_or_index
            self._queues.setdefault(id(block), deque()).append(element)
            self.elements.append((block, element))

    def take(self, block: Block) -> etree._Element:
        """Return the next render of ``block`` (each render is handed out once)."""
        return self._queues[id(block)].popleft()


def _num_id(paragraph: etree._Element) -> str | None:
    found = paragraph.find(_NUM_ID)
    return None if found is None else found.get(_VAL)


def unify_numbering(changes: ChangeSet, base: Renders, proposed: Renders) -> None:
    """Give base list items the numId of the proposed list they correspond to, one to one.

    Both renders allocate their own numbering instances; mapping each base list onto the
    proposed list most of its items were paired with keeps unchanged items free of noise.
    """
    base_nums = {id(b): _num_id(e) for b, e in base.elements if isinstance(b, ListItem)}
    if not base_nums:
        return
    new_nums = {id(b): _num_id(e) for b, e in proposed.elements if isinstance(b, ListItem)}
    votes: Counter[tuple[str, str]] = Counter()
    for op in changes.ops:
        for old, new in zip(op.base, op.proposed, strict=False):
            if (
                isinstance(old, ListItem)
                and isinstance(new, ListItem)
                and old.ordered == new.ordered
            ):
                old_num, new_num = base_nums.get(id(old)), new_nums.get(id(new))
                if old_num and new_num:
                    votes[(old_num, new_num)] += 1
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for (old_id, new_id), _ in votes.most_common():
        if old_id not in mapping and new_id not in used:
            mapping[old_id] = new_id
            used.add(new_id)
    for _, element in base.elements:
        num = element.find(_NUM_ID)
        if num is not None and num.get(_VAL) in mapping:
            num.set(_VAL, mapping[num.get(_VAL)])
