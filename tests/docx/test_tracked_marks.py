"""Tracked-change marks as a reader meets them: links pointed elsewhere, moves, paragraph marks.

Accept All and Reject All of every case here are checked by pandoc, LibreOffice and our reader
in test_tracked.py (the cases are in its PAIRS); this file checks the shape of the marks.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from coproduce.docx.tracked import render_tracked_bytes
from coproduce.redline.change import compute_changes

from .test_tracked import NEW_LINK, PAIRS, WHEN

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def tracked(name: str) -> tuple[etree._Element, dict[str, str]]:
    """Return the body XML of a PAIRS case's tracked file and its relationship targets."""
    base, proposed = PAIRS[name]
    data = render_tracked_bytes(compute_changes(base, proposed), author="Ana Lead", date=WHEN)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{RELS}Relationship")}
    return root.find("w:body", NS), targets


def texts(root: etree._Element, xpath: str) -> list[str]:
    return [
        "".join(e.xpath(".//w:t/text() | .//w:delText/text()", namespaces=NS))
        for e in root.xpath(xpath, namespaces=NS)
    ]


def test_a_link_pointed_elsewhere_keeps_its_words_and_shows_a_formatting_change() -> None:
    body, targets = tracked("link pointed elsewhere")
    assert texts(body, "//w:ins | //w:del") == []
    (link,) = body.xpath("//w:hyperlink[.//w:t='the guide']", namespaces=NS)
    assert targets[link.get(f"{{{NS['r']}}}id")] == NEW_LINK
    assert len(link.xpath(".//w:rPr/w:rPrChange", namespaces=NS)) == 1


def test_moved_paragraphs_carry_deleted_and_inserted_marks_not_moved_ones() -> None:
    body, _ = tracked("list item moved")
    assert body.xpath("//w:pPr/w:rPr/w:moveFrom | //w:pPr/w:rPr/w:moveTo", namespaces=NS) == []
    source = body.xpath("//w:p[w:moveFromRangeStart]", namespaces=NS)
    destination = body.xpath("//w:p[w:moveToRangeStart]", namespaces=NS)
    assert [len(p.xpath("w:pPr/w:rPr/w:del", namespaces=NS)) for p in source] == [1]
    assert [len(p.xpath("w:pPr/w:rPr/w:ins", namespaces=NS)) for p in destination] == [1]


def test_words_added_to_moved_text_are_insertions_inside_the_move() -> None:
    body, _ = tracked("moved and edited")
    (destination,) = body.xpath("//w:p[w:moveToRangeStart]", namespaces=NS)
    assert texts(destination, "w:ins") == [" or ask"]
    assert texts(destination, "w:moveTo") == [
        "Record what you know about where the child might be."
    ]
    (source,) = body.xpath("//w:p[w:moveFromRangeStart]", namespaces=NS)
    assert texts(source, "w:ins") == []


def test_words_added_before_an_inserted_paragraph_carry_the_inserted_paragraph_mark() -> None:
    # LibreOffice joins an insertion ending one paragraph with an inserted paragraph after it;
    # with the mark on the first paragraph, as Word writes it, Reject All keeps the two apart.
    body, _ = tracked("words added before an inserted paragraph")
    marked = body.xpath("w:p[w:pPr/w:rPr/w:ins]", namespaces=NS)
    assert [texts(p, ".")[0][:8] for p in marked] == ["Call the"]
    (after,) = body.xpath("w:p[.//w:t='Do not wait.']", namespaces=NS)
    assert after.xpath("w:pPr/w:rPr/w:ins", namespaces=NS) == []
