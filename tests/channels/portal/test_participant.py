"""A participant's journey through the portal: read, comment, suggest, save, check, send."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from coproduce.models import HELD_TEXT, FeedbackItem
from coproduce.review.feedback import iter_feedback

from .conftest import Launched


def section_of(item: FeedbackItem) -> str | None:
    return item.anchor.section if item.anchor else None


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def nonce_of(html: str) -> str:
    found = re.search(r'name="nonce" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


def test_the_personal_link_opens_the_draft_section_by_section(
    client: TestClient, launched: Launched
) -> None:
    page = client.get(launched.links[launched.practitioner])
    assert page.status_code == 200
    assert 'id="escalation"' in page.text and 'name="comment-escalation"' in page.text
    assert "Suggest different wording" in page.text
    assert "Is the escalation route clear?" in page.text
    assert 'name="consent"' in page.text


def test_a_young_person_reads_the_youth_version_and_is_never_offered_to_be_named(
    client: TestClient, launched: Launched
) -> None:
    page = client.get(launched.links[launched.young_person])
    assert page.status_code == 200
    assert "Why this matters" in page.text  # the twin's heading, not the parent's
    assert "Purpose and scope" not in page.text
    assert 'name="consent"' not in page.text and "We will never use your name" in page.text
    assert "Suggest different wording" not in page.text
    assert "What would help you trust a worker?" in page.text
    assert "Is the escalation route clear?" not in page.text


def test_a_draft_is_saved_and_comes_back_on_the_next_visit(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    csrf = csrf_of(client.get(link).text)
    saved = client.post(
        link, data={"csrf": csrf, "comment-escalation": "Name a deadline.", "action": "save"}
    )
    assert saved.status_code == 200 and "Saved" in saved.text  # after the redirect
    again = client.get(link)
    assert "Name a deadline.</textarea>" in again.text


def test_a_suggested_wording_is_shown_back_as_a_redline_before_sending(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    page = client.get(link).text
    current = re.search(r'name="suggest-escalation"[^>]*>([^<]*)</textarea>', page)
    assert current is not None
    original = current.group(1).replace("&#39;", "'").replace("&amp;", "&")
    suggested = original.replace("must", "should", 1) + " Record every step."
    preview = client.post(
        link,
        data={"csrf": csrf_of(page), "suggest-escalation": suggested, "action": "preview"},
    )
    assert preview.status_code == 200
    shown = re.search(r'id="preview-escalation".*?</div>', preview.text, re.S)
    assert shown is not None
    assert "<ins>" in shown.group(0) and "Record every step." in shown.group(0)


def test_check_send_and_confirm_give_a_reference_for_every_item(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    csrf = csrf_of(client.get(link).text)
    form = {
        "csrf": csrf,
        "comment-escalation": "Say who chairs the meeting.",
        "answer-clear": "Mostly, but the timescales are vague.",
        "general-comment": "A clear protocol overall.",
        "consent": "anonymous",
        "action": "check",
    }
    check = client.post(link, data=form)
    assert check.status_code == 200 and "Check your answers before sending" in check.text
    assert "Say who chairs the meeting." in check.text
    sent = client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce_of(check.text)})
    assert sent.status_code == 200 and "Feedback received" in sent.text
    references = re.findall(r"<td>(FB-\d+)</td>", sent.text)
    assert len(references) == 3
    recorded = {i.id: i for i in iter_feedback(launched.ctx.repo, launched.cycle_id)}
    assert set(references) <= set(recorded)
    by_text = {i.text: i for i in recorded.values()}
    assert section_of(by_text["Say who chairs the meeting."]) == "escalation"
    assert by_text["Mostly, but the timescales are vague."].question == "clear"
    assert section_of(by_text["A clear protocol overall."]) is None


def test_sending_the_same_form_twice_stores_nothing_twice(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    csrf = csrf_of(client.get(link).text)
    data = {"csrf": csrf, "general-comment": "Once only.", "consent": "named", "action": "check"}
    nonce = nonce_of(client.post(link, data=data).text)
    first = client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce})
    second = client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce})
    assert first.text == second.text
    assert launched.register.count_submissions(cycle=launched.cycle_id) == 1
    texts = [i.text for i in iter_feedback(launched.ctx.repo, launched.cycle_id)]
    assert texts == ["Once only."]


def test_a_young_persons_feedback_is_recorded_against_the_parent_section(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.young_person]
    csrf = csrf_of(client.get(link).text)
    check = client.post(
        link, data={"csrf": csrf, "comment-purpose": "Say it is not our fault first.",
                    "action": "check"},
    )  # fmt: skip
    assert check.status_code == 200, check.text
    client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce_of(check.text)})
    (item,) = iter_feedback(launched.ctx.repo, launched.cycle_id)
    assert (section_of(item), item.audience) == ("purpose", "young-people")


def test_nothing_written_is_one_clear_error_and_sends_nothing(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.practitioner]
    csrf = csrf_of(client.get(link).text)
    page = client.post(link, data={"csrf": csrf, "action": "check"})
    assert page.status_code == 400
    assert "There is a problem" in page.text and page.text.count("error-summary__list") == 1
    assert "Choose how we may use your words" in page.text
    assert launched.register.count_submissions(cycle=launched.cycle_id) == 0


def test_opting_out_stops_emails_about_the_cycle(client: TestClient, launched: Launched) -> None:
    link = launched.links[launched.practitioner]
    csrf = csrf_of(client.get(link).text)
    page = client.post(f"{link}/opt-out", data={"csrf": csrf})
    assert page.status_code == 200
    assert launched.practitioner in launched.register.opted_out(launched.cycle_id)


def test_words_that_look_like_a_disclosure_are_held_for_the_safeguarding_lead_not_git(
    client: TestClient, launched: Launched
) -> None:
    link = launched.links[launched.young_person]
    csrf = csrf_of(client.get(link).text)
    said = "Someone is hurting me and I owe them money."
    check = client.post(link, data={"csrf": csrf, "general-comment": said, "action": "check"})
    client.post(f"{link}/send", data={"csrf": csrf, "nonce": nonce_of(check.text)})
    (item,) = iter_feedback(launched.ctx.repo, launched.cycle_id)
    assert item.safeguarding_concern and item.text == HELD_TEXT
    held = list((Path(launched.ctx.repo.state_dir) / "safeguarding").rglob("*.json"))
    assert len(held) == 1 and said in held[0].read_text(encoding="utf-8")


def test_sections_remembered_between_pages_show_each_person_only_their_own_words(
    client: TestClient, launched: Launched
) -> None:
    """The draft page's sections are rendered once and remembered (``Pages.fragment``): what
    one person wrote, a wrong entry's error, or a cleared box must never come back on another
    page."""
    from coproduce.channels.portal.draft import MAX_TEXT
    from coproduce.models import ParticipantRecord
    from coproduce.review import record
    from coproduce.store.tokens import issue_tokens, token_expiry

    register = launched.register
    other = register.new_participant_id()
    olu = ParticipantRecord(id=other, name="Olu", email="olu@example.org", audience="practitioners")
    register.add_participants([olu])
    cycle = record.load_cycle(launched.ctx.repo, launched.cycle_id)
    token = issue_tokens(register, participant_ids=[other], cycle=cycle.id,
                         expires=token_expiry(cycle.closes))[other]  # fmt: skip
    mine, theirs = launched.links[launched.practitioner], f"/r/{token}"
    box = re.compile(r'name="comment-escalation"[^>]*>([^<]*)</textarea>')

    def comment_on(link: str) -> str:
        found = box.search(client.get(link).text)
        assert found is not None
        return found.group(1)

    assert comment_on(mine) == comment_on(theirs) == ""
    csrf = csrf_of(client.get(mine).text)
    client.post(
        mine, data={"csrf": csrf, "comment-escalation": "Pat's own words", "action": "save"}
    )
    assert comment_on(mine) == "Pat&#39;s own words"
    assert comment_on(theirs) == ""
    wrong = client.post(
        mine, data={"csrf": csrf, "comment-escalation": "x" * (MAX_TEXT + 1), "action": "save"}
    )
    assert wrong.status_code == 400 and 'id="comment-escalation-error"' in wrong.text
    assert 'id="comment-escalation-error"' not in client.get(theirs).text
    client.post(mine, data={"csrf": csrf, "comment-escalation": "", "action": "save"})
    assert comment_on(mine) == ""


def test_remembered_fragments_are_bounded() -> None:
    from coproduce.channels.portal import pages as pages_module
    from coproduce.channels.portal.pages import Pages

    pages = Pages()
    seen = []
    for n in range(pages_module.FRAGMENTS + 10):
        seen.append(pages.fragment("_section", ("k", n), **_section_context(f"words {n}")))
    assert len(pages._fragments) == pages_module.FRAGMENTS
    assert "words 3" in seen[3] and "words 4" in seen[4]
    again = pages.fragment("_section", ("k", 3), **_section_context("never rendered"))
    assert "words 3" not in again  # forgotten (least recently used), so rendered afresh


def _section_context(comment: str) -> dict[str, object]:
    from markupsafe import Markup

    from coproduce.channels.portal.view import SectionView

    section = SectionView(id="s", heading="S", body=Markup("<p>Body</p>"), text="Body",
                          parent="s", level=2)  # fmt: skip
    return {"section": section, "youth": False, "questions": [], "answers": {},
            "comment": comment, "suggestion": None, "preview": "", "errs": {}}  # fmt: skip
