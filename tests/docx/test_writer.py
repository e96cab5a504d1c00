"""The clean Word render opens in pandoc and LibreOffice and carries every block in order."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from coproduce.docx import render_docx_bytes, write_docx
from coproduce.docx.build import BlockWriter, new_document
from coproduce.docx.writer import default_reference
from coproduce.models import ListItem, Paragraph, Span
from tests.docx.conftest import rich_document
from tests.helpers.pandoc import pandoc_plain, words

FIXED = dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC)


def test_pandoc_reads_every_block_in_order_tables_included(tmp_path: Path) -> None:
    document = rich_document()
    target = tmp_path / "out.docx"
    write_docx(document, target, modified=FIXED)
    plain = pandoc_plain(target)
    expected = words(" ".join(b.text for b in document.blocks))
    got = words(plain)
    position = 0
    for word in expected:  # every block word appears, in order (pandoc adds list numbers)
        position = got.index(word, position) + 1
    assert "safeguarding" in got and "partnership" in got  # the details table


def test_output_is_byte_for_byte_reproducible_when_dates_are_given() -> None:
    document = rich_document()
    first = render_docx_bytes(document, modified=FIXED)
    second = render_docx_bytes(document, modified=FIXED)
    assert first == second


def test_core_properties_come_from_the_metadata(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    write_docx(rich_document(), target, modified=FIXED)
    props = docx.Document(str(target)).core_properties
    assert props.title == "Child exploitation protocol"
    assert props.author == "Safeguarding partnership"
    assert props.subject == "Version 2.1 — consultation"
    assert props.keywords == "Children Act 1989 s.47; Working Together 2023"
    assert props.category == "consultation"
    assert props.revision == 201
    assert props.modified == FIXED


def test_headings_quotes_and_title_use_the_reference_styles(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    write_docx(rich_document(), target, modified=FIXED)
    styles = [p.style.name for p in docx.Document(str(target)).paragraphs if p.text.strip()]
    assert styles[0] == "Title"
    assert {"Heading 1", "Heading 2", "Heading 3", "Quote", "List Paragraph"} <= set(styles)


def test_tables_use_table_grid_with_a_repeating_header_row(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    write_docx(rich_document(), target, modified=FIXED)
    tables = docx.Document(str(target)).tables
    details, body = tables
    assert details.style.name == "Table Grid" and body.style.name == "Table Grid"
    assert [c.text for c in details.columns[0].cells][:2] == ["Owner", "Status"]
    header_row = body.rows[0]._tr
    assert header_row.trPr is not None
    assert header_row.trPr.xpath("./w:tblHeader")


def test_each_list_restarts_its_own_numbering() -> None:
    doc = new_document(default_reference())
    writer = BlockWriter(doc)
    first = writer.add(ListItem(ordered=True, spans=[Span(text="a")]))[0]
    same = writer.add(ListItem(ordered=True, spans=[Span(text="b")]))[0]
    writer.add(Paragraph(spans=[Span(text="between")]))
    second = writer.add(ListItem(ordered=True, spans=[Span(text="c")]))[0]
    num_ids = [p.xpath("string(./w:pPr/w:numPr/w:numId/@w:val)") for p in (first, same, second)]
    assert num_ids[0] == num_ids[1] != num_ids[2]
    numbering = doc.part.numbering_part.element
    restart = numbering.xpath(f"./w:num[@w:numId='{num_ids[2]}']/w:lvlOverride/w:startOverride")
    assert len(restart) == 9


def test_hyperlinks_are_real_relationships(tmp_path: Path) -> None:
    data = render_docx_bytes(rich_document(), modified=FIXED)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        body = archive.read("word/document.xml").decode()
    assert 'Target="https://partnership.example.org/guide"' in rels
    assert 'TargetMode="External"' in rels
    assert "<w:hyperlink" in body


def test_reference_page_setup_is_kept_and_its_body_text_dropped(tmp_path: Path) -> None:
    letterhead = docx.Document(str(default_reference()))
    letterhead.add_paragraph("PLACEHOLDER BODY TEXT")
    letterhead.sections[0].header.paragraphs[0].text = "Partnership letterhead"
    reference = tmp_path / "letterhead.docx"
    letterhead.save(str(reference))
    target = tmp_path / "out.docx"
    write_docx(rich_document(), target, reference=reference, modified=FIXED)
    result = docx.Document(str(target))
    assert result.sections[0].header.paragraphs[0].text == "Partnership letterhead"
    assert all("PLACEHOLDER" not in p.text for p in result.paragraphs)
    assert round(result.sections[0].page_width.cm, 1) == 21.0


@pytest.mark.libreoffice
def test_libreoffice_opens_the_output_and_sees_every_block(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    document = rich_document()
    target = tmp_path / "out.docx"
    write_docx(document, target, modified=FIXED)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(tmp_path),
            str(target),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    text = (tmp_path / "out.txt").read_text(encoding="utf-8-sig")
    got = words(text)
    position = 0
    for word in words(" ".join(b.text for b in document.blocks)):
        position = got.index(word, position) + 1
    assert words(document.meta.title)[0] in got
