"""A Word file handed in from a personal link: journalled whole through the durable intake,
read by the Word-reply reader into anchored items, "received, we'll read it" with a
reference. Files are sniffed, not trusted by name or type; hostile ones change nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coproduce.docx.properties import add_custom_properties, stamp_participant
from coproduce.models import HELD_TEXT
from coproduce.review.feedback import iter_feedback
from coproduce.review.listing import feedback_row
from coproduce.review.materials import render_materials
from coproduce.review.recording import FILES_DIR
from tests.channels.replies import make_reply
from tests.docx.test_safety import CONTENT_TYPES, DOCUMENT, make_package, minimal_docx

from .conftest import Launched
from .test_participant import csrf_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QUOTE = "Disagreement between agencies is healthy"


def draft_for(launched: Launched, participant: str) -> bytes:
    """Return the Word draft the invitation would carry for ``participant``."""
    draft = render_materials(repo=launched.ctx.repo, cycle_id=launched.cycle_id)["draft-docx"]
    return stamp_participant(draft.read_bytes(), participant)


def upload(client: TestClient, link: str, data: bytes, *, name: str = "reply.docx",
           kind: str = DOCX, consent: str | None = "anonymous", csrf: str | None = None):  # type: ignore[no-untyped-def]  # fmt: skip
    fields = {"csrf": csrf if csrf is not None else csrf_of(client.get(link).text)}
    if consent:
        fields["consent"] = consent
    return client.post(f"{link}/upload", data=fields, files={"file": (name, data, kind)})


def test_the_draft_page_offers_a_word_file_and_the_upload_page_is_a_plain_form(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    assert f'href="{link}/upload"' in client.get(link).text
    page = client.get(f"{link}/upload").text
    assert 'enctype="multipart/form-data"' in page and 'name="csrf"' in page
    assert 'type="file"' in page and 'name="consent"' in page


def test_a_returned_word_file_becomes_anchored_items_and_the_person_gets_a_reference(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    reply = make_reply(draft_for(launched, launched.practitioner),
                       comments=[(QUOTE, "Say how quickly."), ("Raise the concern", "In writing?")],
                       insert=(QUOTE, " and recorded"))  # fmt: skip
    page = upload(client, link, reply)
    assert page.status_code == 200, page.text
    assert "File received" in page.text and "We will read it." in page.text
    reference = re.search(r"<strong>(FB-\d+)</strong>", page.text)
    assert reference is not None
    assert "We found 3 comments and changes in it." in page.text
    items = iter_feedback(launched.ctx.repo, launched.cycle_id)
    rows = {r["text"]: r for r in map(feedback_row, items)}
    assert rows["Say how quickly."]["section"] == "escalation"
    assert rows["Say how quickly."]["quote"] == QUOTE
    assert rows["Say how quickly."]["anchor_state"] == "anchored"
    assert {r["channel"] for r in rows.values()} == {"docx"}
    assert {i.participant for i in items} == {launched.practitioner}
    assert any(r["kind"] == "suggestion" and r["suggested_text"] for r in rows.values())
    assert reference.group(1) not in {i.id for i in items}  # the file's own reference
    record = launched.ctx.repo.root / "reviews" / launched.cycle_id / FILES_DIR
    (kept,) = record.glob("FB-*.yaml")
    assert kept.stem == reference.group(1)
    written = kept.read_text(encoding="utf-8")
    assert "sha256:" in written and "Pat" not in written and "Say how quickly" not in written
    again = upload(client, link, reply)
    assert reference.group(1) in again.text
    assert len(iter_feedback(launched.ctx.repo, launched.cycle_id)) == 3
    assert launched.register.count_submissions(cycle=launched.cycle_id) == 4  # file + 3 items


def test_a_file_is_sniffed_not_trusted_by_its_name_or_declared_type(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.young_person]
    reply = make_reply(draft_for(launched, launched.young_person),
                       comments=[(QUOTE, "Ask us first.")])  # fmt: skip
    page = upload(client, link, reply, name='<script>alert(1)</script>.pdf',
                  kind="application/pdf", consent=None)  # fmt: skip
    assert page.status_code == 200 and "File received" in page.text
    assert "<script>" not in page.text
    (item,) = iter_feedback(launched.ctx.repo, launched.cycle_id)
    assert (item.audience, item.text) == ("young-people", "Ask us first.")


def _bomb() -> bytes:
    return minimal_docx(**{"word/media/zeros.bin": bytes(50 * 1024 * 1024)})


def _entities() -> bytes:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    return make_package({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": lol})


HOSTILE = {
    "a PDF named .docx": (b"%PDF-1.7\n1 0 obj", "it looks like a PDF"),
    "a .docm with a VBA project": (
        minimal_docx(**{"word/vbaProject.bin": b"\x00" * 64}), "contains macros"),
    "a macro-enabled content type": (
        make_package({"[Content_Types].xml": CONTENT_TYPES.replace(
            "document.main+xml", "document.macroEnabled.main+xml"),
            "word/document.xml": DOCUMENT.format(text="x")}), "contains macros"),
    "a zip bomb": (_bomb(), "zip bomb"),
    "XML with entity declarations": (_entities(), "DTD or entities"),
    "plain text": (b"Dear board, I think", "not a zip package"),
    "an empty file": (b"", "Choose a Word file"),
}  # fmt: skip


@pytest.mark.parametrize("what", list(HOSTILE))
def test_a_hostile_or_broken_file_is_refused_in_one_line_and_changes_nothing(
    client: TestClient, launched: Launched, what: str
) -> None:
    data, expected = HOSTILE[what]
    head = launched.ctx.repo.resolve("HEAD")
    link = launched.links[launched.practitioner]
    page = upload(client, link, data)
    assert page.status_code == 400, what
    summary = re.search(r'<ul class="error-summary__list">(.*?)</ul>', page.text, re.S)
    assert summary is not None and expected in summary.group(1), summary
    assert summary.group(1).count("<li>") == 1
    assert launched.register.count_submissions(cycle=launched.cycle_id) == 0
    assert launched.ctx.repo.resolve("HEAD") == head


def test_a_file_sent_for_another_review_is_refused(client: TestClient, launched: Launched) -> None:
    draft = render_materials(repo=launched.ctx.repo, cycle_id=launched.cycle_id)["draft-docx"]
    other = add_custom_properties(draft.read_bytes(), {"cycle": "2025-q1-other-review"})
    page = upload(client, launched.links[launched.practitioner], other)
    assert page.status_code == 400 and "sent for another review" in page.text
    assert launched.register.count_submissions(cycle=launched.cycle_id) == 0


def test_an_oversized_upload_is_refused_before_it_is_read(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    page = upload(client, link, b"PK\x03\x04" + bytes(6 * 1024 * 1024))
    assert page.status_code == 413
    assert launched.register.count_submissions(cycle=launched.cycle_id) == 0


def test_a_forged_csrf_token_or_no_consent_choice_stores_nothing(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    reply = make_reply(draft_for(launched, launched.practitioner), comments=[(QUOTE, "Hm.")])
    assert upload(client, link, reply, csrf="forged").status_code == 403
    unchosen = upload(client, link, reply, consent=None)
    assert unchosen.status_code == 400 and "Choose how we may use your words" in unchosen.text
    assert launched.register.count_submissions(cycle=launched.cycle_id) == 0


def test_a_file_whose_items_were_never_journalled_is_read_when_recording_resumes(
    launched: Launched,
) -> None:
    from coproduce.channels.portal.files import read_pending_files
    from coproduce.review.intake import accept
    from coproduce.review.recording import record_pending
    from coproduce.review.submission import FILE, Submission

    reply = make_reply(draft_for(launched, launched.practitioner), comments=[(QUOTE, "Later.")])
    workspace = launched.ctx.workspace
    accept(repo=workspace.repo, register=workspace.register, cycle_id=launched.cycle_id,
           submission=Submission(participant=launched.practitioner, channel="portal", kind=FILE,
                                 file=reply, text="A Word file"),
           key="portal-file:stopped-before-reading")  # fmt: skip
    assert read_pending_files(workspace) == 1
    assert read_pending_files(workspace) == 1  # again: nothing twice
    record_pending(repo=workspace.repo, register=workspace.register)
    (item,) = iter_feedback(launched.ctx.repo, launched.cycle_id)
    assert item.text == "Later." and item.anchor is not None
    assert read_pending_files(workspace) == 0


def test_words_in_a_file_that_look_like_a_disclosure_go_to_the_safeguarding_lead_not_git(
    client: TestClient, launched: Launched
) -> None:
    said = "Someone is hurting me and I owe them money."
    reply = make_reply(draft_for(launched, launched.young_person), comments=[(QUOTE, said)])
    page = upload(client, launched.links[launched.young_person], reply, consent=None)
    assert page.status_code == 200 and "File received" in page.text
    (item,) = iter_feedback(launched.ctx.repo, launched.cycle_id)
    assert item.safeguarding_concern and item.text == HELD_TEXT
    held = list((Path(launched.ctx.repo.state_dir) / "safeguarding").rglob("*.json"))
    assert len(held) == 1 and said in held[0].read_text(encoding="utf-8")


def test_the_lead_sees_the_word_files_received_without_their_contents(
    client: TestClient, launched: Launched
) -> None:
    from coproduce.channels.portal.passwords import hash_password

    from .test_lead import EMAIL, PASSWORD, log_in

    reply = make_reply(draft_for(launched, launched.practitioner), comments=[(QUOTE, "Why?")])
    page = upload(client, launched.links[launched.practitioner], reply)
    reference = re.search(r"<strong>(FB-\d+)</strong>", page.text)
    assert reference is not None
    launched.register.add_lead(EMAIL, hash_password(PASSWORD))
    log_in(client)
    lead = client.get(f"/lead/c/{launched.cycle_id}").text
    assert "Word files received" in lead
    assert re.search(rf"<td>{reference.group(1)}</td><td>practitioners</td><td>\d{{4}}-", lead)


def test_a_response_written_in_word_without_comments_is_read_as_one_general_comment(
    client: TestClient, launched: Launched
) -> None:
    letter = minimal_docx(**{"word/document.xml": DOCUMENT.format(
        text="The escalation steps are too slow &amp; nobody owns them.")})  # fmt: skip
    page = upload(client, launched.links[launched.practitioner], letter)
    assert page.status_code == 200 and "read what the file says as your comment" in page.text
    (item,) = iter_feedback(launched.ctx.repo, launched.cycle_id)
    row = feedback_row(item)
    assert (row["text"], row["kind"], row["channel"]) == (
        "The escalation steps are too slow & nobody owns them.", "general", "docx")  # fmt: skip


def test_the_draft_sent_back_without_marks_gives_no_items(
    client: TestClient, launched: Launched
) -> None:
    page = upload(client, launched.links[launched.practitioner],
                  draft_for(launched, launched.practitioner))  # fmt: skip
    assert page.status_code == 200 and "did not find any comments" in page.text
    assert iter_feedback(launched.ctx.repo, launched.cycle_id) == []
    assert launched.register.count_submissions(cycle=launched.cycle_id) == 1  # the file, kept
