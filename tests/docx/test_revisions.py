"""Reading the accept-all and reject-all views of any Word file."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from lxml import etree

from coproduce.docx.revisions import find_revision_problems, read_revision_views
from coproduce.errors import InvalidInputError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W16DU = "http://schemas.microsoft.com/office/word/2023/wordml/word16du"
BY = 'w:author="Kim" w:date="2026-05-01T09:00:00Z"'


def word_file(body: str) -> bytes:
    """Return a .docx whose body is ``body`` (WordprocessingML, ``w:`` prefix)."""
    document = docx.Document()
    xml = f'<w:body xmlns:w="{W_NS}" xmlns:w16du="{W16DU}">{body}</w:body>'
    new_body = etree.fromstring(xml)
    old_body = document.element.body
    sect = old_body.find(f"{{{W_NS}}}sectPr")
    for child in list(old_body):
        old_body.remove(child)
    for child in new_body:
        old_body.append(child)
    if sect is not None:
        old_body.append(sect)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_inserted_and_deleted_runs_feed_one_view_each() -> None:
    views = read_revision_views(
        word_file(
            "<w:p><w:r><w:t xml:space='preserve'>Ring </w:t></w:r>"
            f"<w:del w:id='1' {BY}><w:r><w:delText>the lead</w:delText></w:r></w:del>"
            f"<w:ins w:id='2' {BY}><w:r><w:t>999</w:t></w:r></w:ins></w:p>"
        )
    )
    assert (views.accepted, views.rejected) == (["Ring 999"], ["Ring the lead"])
    assert [(r.kind, r.id, r.author, r.text) for r in views.revisions] == [
        ("delete", "1", "Kim", "the lead"),
        ("insert", "2", "Kim", "999"),
    ]


def test_a_deleted_paragraph_mark_joins_the_next_paragraph_when_accepted() -> None:
    views = read_revision_views(
        word_file(
            f"<w:p><w:pPr><w:rPr><w:del w:id='1' {BY}/></w:rPr></w:pPr>"
            "<w:r><w:t>One</w:t></w:r></w:p><w:p><w:r><w:t>two</w:t></w:r></w:p>"
        )
    )
    assert (views.accepted, views.rejected) == (["Onetwo"], ["One", "two"])
    assert views.revisions[0].kind == "mark_delete"


def test_an_inserted_paragraph_mark_joins_paragraphs_when_rejected() -> None:
    views = read_revision_views(
        word_file(
            f"<w:p><w:pPr><w:rPr><w:ins w:id='1' {BY}/></w:rPr></w:pPr>"
            "<w:r><w:t>One</w:t></w:r></w:p><w:p><w:r><w:t>two</w:t></w:r></w:p>"
        )
    )
    assert (views.accepted, views.rejected) == (["One", "two"], ["Onetwo"])


def test_table_cells_are_read_row_by_row_and_marked_rows_left_out() -> None:
    cell = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    views = read_revision_views(
        word_file(
            "<w:tbl>"
            f"<w:tr>{cell.format('A')}{cell.format('B')}</w:tr>"
            f"<w:tr><w:trPr><w:del w:id='1' {BY}/></w:trPr>{cell.format('old')}"
            f"{cell.format('row')}</w:tr>"
            f"<w:tr><w:trPr><w:ins w:id='2' {BY}/></w:trPr>{cell.format('new')}"
            f"{cell.format('row')}</w:tr>"
            "</w:tbl><w:p/>"
        )
    )
    assert views.accepted == ["A", "B", "new", "row"]
    assert views.rejected == ["A", "B", "old", "row"]
    assert [r.kind for r in views.revisions] == ["row_delete", "row_insert"]


def test_moved_text_appears_once_in_each_view() -> None:
    views = read_revision_views(
        word_file(
            f"<w:p><w:pPr><w:rPr><w:moveFrom w:id='1' {BY}/></w:rPr></w:pPr>"
            f"<w:moveFromRangeStart w:id='2' w:name='m1' {BY}/>"
            f"<w:moveFrom w:id='3' {BY}><w:r><w:t>Moved.</w:t></w:r></w:moveFrom>"
            "<w:moveFromRangeEnd w:id='2'/></w:p>"
            "<w:p><w:r><w:t>Stays.</w:t></w:r></w:p>"
            f"<w:p><w:pPr><w:rPr><w:moveTo w:id='4' {BY}/></w:rPr></w:pPr>"
            f"<w:moveToRangeStart w:id='5' w:name='m1' {BY}/>"
            f"<w:moveTo w:id='6' {BY}><w:r><w:t>Moved.</w:t></w:r></w:moveTo>"
            "<w:moveToRangeEnd w:id='5'/></w:p>"
            "<w:p><w:r><w:t>End.</w:t></w:r></w:p>"
        )
    )
    assert views.accepted == ["Stays.", "Moved.", "End."]
    assert views.rejected == ["Moved.", "Stays.", "End."]


def test_formatting_changes_are_recorded_without_changing_the_text() -> None:
    views = read_revision_views(
        word_file(
            f"<w:p><w:pPr><w:pStyle w:val='Heading2'/><w:pPrChange w:id='1' {BY}>"
            "<w:pPr><w:pStyle w:val='Heading1'/></w:pPr></w:pPrChange></w:pPr>"
            f"<w:r><w:rPr><w:b/><w:rPrChange w:id='2' {BY}><w:rPr/></w:rPrChange></w:rPr>"
            "<w:t>Bold now</w:t></w:r></w:p>"
        )
    )
    assert views.accepted == views.rejected == ["Bold now"]
    assert [(r.kind, r.text) for r in views.revisions] == [
        ("paragraph_format", ""),
        ("format", "Bold now"),
    ]


def test_a_true_utc_date_wins_over_words_local_time_labelled_z() -> None:
    views = read_revision_views(
        word_file(
            f"<w:p><w:ins w:id='1' {BY} w16du:dateUtc='2026-05-01T08:00:00Z'>"
            "<w:r><w:t>x</w:t></w:r></w:ins></w:p>"
        )
    )
    assert views.revisions[0].date == dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)


def test_a_deletion_inside_an_insertion_is_in_neither_view() -> None:
    views = read_revision_views(
        word_file(
            f"<w:p><w:ins w:id='1' {BY}><w:r><w:t>kept </w:t></w:r>"
            f"<w:del w:id='2' {BY}><w:r><w:delText>gone</w:delText></w:r></w:del></w:ins></w:p>"
        )
    )
    assert (views.accepted, views.rejected) == (["kept "], [""])


def test_problems_name_duplicate_ids_missing_authors_and_lonely_moves() -> None:
    problems = find_revision_problems(
        word_file(
            f"<w:p><w:ins w:id='1' {BY}><w:r><w:t>a</w:t></w:r></w:ins>"
            f"<w:del w:id='1' {BY}><w:r><w:delText>b</w:delText></w:r></w:del>"
            "<w:ins w:id='3'><w:r><w:t>c</w:t></w:r></w:ins>"
            f"<w:moveFromRangeStart w:id='4' w:name='m9' {BY}/></w:p>"
        )
    )
    assert "revision id 1 is used 2 times" in problems
    assert "ins 3 has no author" in problems
    assert "move m9 has no destination" in problems
    assert "moveFrom range 4 is not closed" in problems


def test_a_file_that_is_not_a_word_file_is_refused_with_one_clear_line() -> None:
    with pytest.raises(InvalidInputError):
        read_revision_views(b"this is not a zip file at all")
