"""Comments anchored on plain and changed text, replies and resolved flags.

Word's own files from the shared corpus are read in tests/conformance/test_comments.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.parser import parse_xml
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun
from lxml import etree

from coproduce.docx.comments import CommentRecord, add_comment, read_comments, set_resolved
from coproduce.errors import InvalidInputError
from tests.helpers.pandoc import pandoc_plain

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WHEN = dt.datetime(2025, 3, 4, 10, 30, tzinfo=dt.UTC)
LATER = dt.datetime(2025, 3, 5, 9, 0, tzinfo=dt.UTC)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _changed_document() -> docx.document.Document:
    """Return a document whose second paragraph holds a deletion and an insertion."""
    document = docx.Document()
    document.add_paragraph("Practitioners record every concern on the same day.")
    p = parse_xml(
        f'<w:p xmlns:w="{W}"><w:r><w:t xml:space="preserve">Escalate </w:t></w:r>'
        '<w:del w:id="101" w:author="Asha" w:date="2025-01-01T00:00:00Z">'
        '<w:r><w:delText xml:space="preserve">within a week </w:delText></w:r>'
        '<w:r><w:delText xml:space="preserve">if unsure</w:delText></w:r></w:del>'
        '<w:ins w:id="102" w:author="Asha" w:date="2025-01-01T00:00:00Z">'
        '<w:r><w:t xml:space="preserve">within one working day</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> when in doubt</w:t></w:r></w:ins>'
        "<w:r><w:t>.</w:t></w:r></w:p>"
    )
    document.element.body.insert(1, p)
    document.add_paragraph("Young people are told what happens next.")
    return document


def _save(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rewrite_body(data: bytes, *, accept: bool) -> bytes:
    """Return the file with all revisions accepted (or rejected), as a consumer would."""
    source = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source.read("word/document.xml"))
    drop, keep = ("del", "ins") if accept else ("ins", "del")
    for el in list(root.iter(_w(drop))):
        el.getparent().remove(el)
    for el in list(root.iter(_w(keep))):
        parent = el.getparent()
        if parent.tag == _w("rPr"):
            parent.remove(el)
            continue
        for child in list(el):
            el.addprevious(child)
        parent.remove(el)
    for text in root.iter(_w("delText")):
        text.tag = _w("t")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            blob = source.read(item.filename)
            if item.filename == "word/document.xml":
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(item, blob)
    return out.getvalue()


def _runs_in(document: docx.document.Document, wrapper: str) -> list[DocxRun]:
    body = document.element.body
    return [
        DocxRun(r, DocxParagraph(r.getparent().getparent(), document.part))
        for w in body.iter(_w(wrapper))
        for r in w.iter(_w("r"))
    ]


def test_a_thread_with_replies_and_a_resolved_flag_reads_back_equal() -> None:
    document = docx.Document()
    first = document.add_paragraph("Share information early with the safeguarding lead.")
    second = document.add_paragraph("Record the young person's own words.")
    top = add_comment(
        document,
        start_run_or_element=first.runs[0],
        text="Who is the lead out of hours?",
        author="Partner 3",
        initials="P3",
        date=WHEN,
    )
    add_comment(
        document, parent=top, text="The duty manager.", author="Lead", initials="L", date=LATER
    )
    across = add_comment(
        document,
        start_run_or_element=first,
        end=second,
        text="Both paragraphs need plain words.\nSee the youth panel notes.",
        author="Youth panel",
        date=WHEN,
        resolved=True,
    )
    records = [_without_context(r) for r in read_comments(_save(document))]
    assert records == [
        CommentRecord(
            id=top.id,
            author="Partner 3",
            date=WHEN,
            text="Who is the lead out of hours?",
            anchored_text="Share information early with the safeguarding lead.",
            initials="P3",
        ),
        CommentRecord(
            id=top.id + 1,
            author="Lead",
            date=LATER,
            text="The duty manager.",
            anchored_text="Share information early with the safeguarding lead.",
            parent_id=top.id,
            initials="L",
        ),
        CommentRecord(
            id=across.id,
            author="Youth panel",
            date=WHEN,
            text="Both paragraphs need plain words.\nSee the youth panel notes.",
            anchored_text="Share information early with the safeguarding lead.\n"
            "Record the young person's own words.",
            resolved=True,
        ),
    ]


def test_resolving_later_sets_the_done_flag() -> None:
    document = docx.Document()
    p = document.add_paragraph("Text to discuss.")
    ref = add_comment(document, start_run_or_element=p, text="Agreed?", author="A", date=WHEN)
    set_resolved(document, ref)
    assert [c.resolved for c in read_comments(document)] == [True]


def test_a_comment_on_deleted_text_survives_accept_all() -> None:
    document = _changed_document()
    deleted = _runs_in(document, "del")
    add_comment(
        document,
        start_run_or_element=deleted[0],
        end=deleted[1],
        text="Why was this removed?",
        author="Practitioner 7",
        date=WHEN,
    )
    data = _save(document)
    assert read_comments(data)[0].anchored_text == "within a week if unsure"
    accepted = read_comments(_rewrite_body(data, accept=True))
    assert [(c.text, c.anchored_text) for c in accepted] == [("Why was this removed?", "")]
    body = zipfile.ZipFile(io.BytesIO(_rewrite_body(data, accept=True))).read("word/document.xml")
    assert b"commentReference" in body
    rejected = read_comments(_rewrite_body(data, accept=False))
    assert rejected[0].anchored_text == "within a week if unsure"


def test_a_comment_on_part_of_an_insertion_splits_it_and_keeps_ids_unique() -> None:
    document = _changed_document()
    inserted = _runs_in(document, "ins")
    add_comment(
        document,
        start_run_or_element=inserted[1],
        text="Good: clearer.",
        author="Lead",
        date=WHEN,
    )
    data = _save(document)
    assert read_comments(data)[0].anchored_text == " when in doubt"
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    ids = [el.get(_w("id")) for el in body.iter(_w("ins"), _w("del"))]
    assert len(ids) == 3
    assert len(set(ids)) == 3
    for marker in body.iter(_w("commentRangeStart"), _w("commentRangeEnd")):
        assert marker.getparent().tag == _w("p")
    accepted = read_comments(_rewrite_body(data, accept=True))
    assert accepted[0].anchored_text == " when in doubt"


def test_companion_parts_are_related_typed_and_use_valid_ids() -> None:
    document = _changed_document()
    paragraphs = document.paragraphs
    refs = [
        add_comment(document, start_run_or_element=p, text=f"note {n}", author=f"P{n}", date=WHEN)
        for n, p in enumerate(paragraphs)
    ]
    data = _save(document)
    package = zipfile.ZipFile(io.BytesIO(data))
    types = package.read("[Content_Types].xml").decode()
    rels = package.read("word/_rels/document.xml.rels").decode()
    for part, rel in (
        ("commentsExtended", "2011/relationships/commentsExtended"),
        ("commentsIds", "2016/09/relationships/commentsIds"),
        ("commentsExtensible", "2018/08/relationships/commentsExtensible"),
        ("people", "2011/relationships/people"),
    ):
        assert f"wordprocessingml.{part}+xml" in types
        assert rel in rels
    para_ids = [int(r.para_id, 16) for r in refs]
    durable_ids = [int(r.durable_id, 16) for r in refs]
    assert len(set(para_ids)) == len(refs)
    assert all(0 < v < 0x80000000 for v in para_ids)
    assert all(0 < v < 0x7FFFFFFF for v in durable_ids)
    people = package.read("word/people.xml").decode()
    assert people.count("<w15:person ") == len(paragraphs)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_pandoc_accept_view_of_a_commented_redline_still_has_the_text(tmp_path: Path) -> None:
    document = _changed_document()
    deleted, inserted = _runs_in(document, "del"), _runs_in(document, "ins")
    add_comment(document, start_run_or_element=deleted[0], text="Why?", author="A", date=WHEN)
    add_comment(document, start_run_or_element=inserted[0], text="Yes.", author="B", date=WHEN)
    path = tmp_path / "commented.docx"
    document.save(str(path))
    views = {mode: pandoc_plain(path, mode=mode) for mode in ("accept", "reject")}
    assert "Escalate within one working day when in doubt." in views["accept"]
    assert "Escalate within a week if unsure." in views["reject"]
    assert "Practitioners record every concern on the same day." in views["accept"]


def test_a_comment_needs_an_author_and_an_anchor() -> None:
    document = docx.Document()
    p = document.add_paragraph("x")
    with pytest.raises(InvalidInputError, match="author"):
        add_comment(document, start_run_or_element=p, text="t", author=" ")
    with pytest.raises(InvalidInputError, match="anchor"):
        add_comment(document, text="t", author="A")


def test_a_file_that_is_not_a_docx_is_refused_with_a_clear_error() -> None:
    with pytest.raises(InvalidInputError, match=r"not a Word \.docx file"):
        read_comments(b"this is not a zip file")


def _without_context(record: CommentRecord) -> CommentRecord:
    return dataclasses.replace(record, original_text="", prefix="", suffix="")


def test_a_comment_on_text_with_an_insertion_quotes_the_text_as_it_was_sent() -> None:
    document = docx.Document()
    before = document.add_paragraph("Tell the duty team. ")
    paragraph = document.add_paragraph("Call the designated lead at once.")
    add_comment(document, start_run_or_element=paragraph.runs[0], text="Which lead?", author="P")
    inserted = parse_xml(
        '<w:ins xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'w:id="90" w:author="P"><w:r><w:t xml:space="preserve"> safeguarding</w:t></w:r></w:ins>'
    )
    paragraph._p.append(inserted)
    paragraph._p.append(paragraph._p.find(_w("commentRangeEnd")))
    assert before.text
    record = read_comments(_save(document))[0]
    assert record.anchored_text == "Call the designated lead at once. safeguarding"
    assert record.original_text == "Call the designated lead at once."
    assert record.prefix == "Tell the duty team. \n"
