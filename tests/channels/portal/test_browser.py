"""The whole journey in a real browser: a young person on a 360 px phone, keyboard only, with
JavaScript off, from the link in the invitation the launch wrote; a practitioner suggesting
wording and seeing the redline. axe-core finds no serious or critical problem on any page."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from coproduce.channels.portal.passwords import hash_password
from tests.channels.conftest import free_port

from .browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Axe,
    axe_source,
    recorded_feedback,
    running_portal,
)
from .conftest import Launched, launch_sample

pytestmark = pytest.mark.slow


@pytest.fixture
def portal(launched: Launched) -> Iterator[str]:
    """Serve the launched review's portal in a subprocess; return its base URL."""
    with running_portal(launched.ctx.repo.root, free_port()) as base:
        yield base


@pytest.fixture
def browser() -> Iterator[Any]:
    """Start Debian's chromium, headless."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def link_in(eml: bytes, base: str) -> str:
    """Return the personal link in an invitation, pointed at the running portal."""
    message = email.message_from_bytes(eml, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"https?://\S+?(/r/[A-Za-z0-9_-]+)", body.get_content())
    assert found is not None
    return base + found.group(1)


def tab_to(page: Any, element_id: str, *, limit: int = 300) -> None:
    """Press Tab until the element ``element_id`` has the focus (as a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def enter(page: Any) -> None:
    """Press Enter on the focused button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def fits_the_phone(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= 360"))


def test_a_young_person_answers_on_a_phone_with_the_keyboard_and_no_javascript(
    launched: Launched, portal: str, browser: Any
) -> None:
    axe = Axe(browser, axe_source())
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = phone.new_page()
    link = link_in(launched.emls[launched.young_person].read_bytes(), portal)
    seen: dict[str, list[str]] = {}

    def check(name: str) -> None:
        assert fits_the_phone(page), f"{name} is wider than the phone"
        seen[name] = axe.serious(page.url, page.content())

    page.goto(link)
    assert page.locator("h1").inner_text().startswith("Staying safe from exploitation")
    check("draft")
    tab_to(page, "comment-purpose")
    page.keyboard.type("Say it is never our fault at the very start.")
    tab_to(page, "answer-trust")
    page.keyboard.type("Being on time and not giving up.")
    save = page.get_by_role("button", name="Save and come back later")
    save.focus()  # the same as tabbing to it: it is the next control after Continue
    enter(page)
    assert "Saved" in page.content()
    check("saved")
    page.close()  # the tab is closed; the draft lives on the server

    page = phone.new_page()
    page.goto(link)
    assert page.locator("#comment-purpose").input_value().startswith("Say it is never our fault")
    tab_to(page, "general-comment")
    page.keyboard.type("Ask young people what words to use.")
    page.get_by_role("button", name="Continue").focus()
    enter(page)
    assert page.locator("h1").inner_text() == "Check your answers before sending"
    check("check")
    page.get_by_role("button", name="Send my feedback").focus()
    enter(page)
    assert page.locator("h1").inner_text() == "Feedback received"
    check("sent")
    references = re.findall(r"FB-\d+", page.locator("table").inner_text())
    assert len(references) == 3
    items = {i.id: i for i in recorded_feedback(launched.ctx.repo, launched.cycle_id, 3)}
    assert set(references) == set(items)
    assert {i.audience for i in items.values()} == {"young-people"}

    page.goto(portal + "/r/" + "x" * 43)
    check("unknown link")
    assert all(found == [] for found in seen.values()), seen
    assert set(seen) == {"draft", "saved", "check", "sent", "unknown link"}


def test_a_practitioner_sees_their_suggested_wording_as_a_redline_before_sending(
    launched: Launched, portal: str, browser: Any
) -> None:
    axe = Axe(browser, axe_source())
    page = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False
    ).new_page()
    page.goto(link_in(launched.emls[launched.practitioner].read_bytes(), portal))
    section = page.locator("section", has=page.locator("h2#escalation"))
    section.locator("summary").click()
    box = section.locator("#suggest-escalation")
    box.fill(box.input_value().replace("must", "will", 1) + " Write down each step.")
    section.get_by_role("button", name="Show my changes").click()
    preview = page.locator("#preview-escalation")
    assert "Write down each step." in preview.locator("ins").all_inner_texts()[-1]
    assert preview.locator("del").count() >= 1
    assert axe.serious(page.url, page.content()) == []
    page.get_by_role("button", name="Continue").click()
    assert axe.serious(page.url, page.content()) == []  # the error summary (no consent yet)
    assert "There is a problem" in page.content()
    page.locator("#consent-anonymous").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send my feedback").click()
    assert page.locator("h1").inner_text() == "Feedback received"
    (item,) = recorded_feedback(launched.ctx.repo, launched.cycle_id, 1)
    assert (
        item.kind == "suggestion" and item.suggestion and "Write down each step." in item.suggestion
    )


def test_a_lead_logs_in_and_reads_the_responses_on_pages_axe_finds_sound(
    launched: Launched, portal: str, browser: Any
) -> None:
    launched.register.add_lead("sam.lead@example.org", hash_password("correct horse battery"))
    axe = Axe(browser, axe_source())
    page = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False
    ).new_page()
    found: dict[str, list[str]] = {}
    page.goto(portal + "/lead")
    assert page.url.endswith("/lead/login")
    found["login"] = axe.serious(page.url, page.content())
    page.locator("#email").fill("sam.lead@example.org")
    page.locator("#password").fill("wrong password!")
    page.get_by_role("button", name="Log in").click()
    found["login error"] = axe.serious(page.url, page.content())
    page.locator("#password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    assert page.locator("h1").inner_text() == "Reviews", page.locator("main").inner_text()
    found["reviews"] = axe.serious(page.url, page.content())
    page.get_by_role("link", name=launched.cycle_id).click()
    assert page.locator("h1").inner_text() == f"Responses to {launched.cycle_id}"
    assert fits_the_phone(page)
    found["responses"] = axe.serious(page.url, page.content())
    page.get_by_role("button", name="Send a reminder now").click()
    assert "Sending a reminder to 2 people" in page.locator("main").inner_text()
    found["reminder sent"] = axe.serious(page.url, page.content())
    # The reminder goes as a flow run after the page answered: see it land before the portal
    # (and the Prefect server it started) is stopped.
    outbox = Path(launched.ctx.repo.state_dir) / "outbox"
    deadline = time.monotonic() + 120
    while len(list(outbox.glob("reminder-*.eml"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(list(outbox.glob("reminder-*.eml"))) == 2
    page.get_by_role("link", name="The board’s decision").click()
    assert "once its sign-off pack has gone to the board" in page.locator("main").inner_text()
    found["decision"] = axe.serious(page.url, page.content())
    assert all(v == [] for v in found.values()), found


def test_the_what_changed_page_reads_on_a_phone_and_axe_finds_it_sound(
    tmp_path: Path, browser: Any
) -> None:
    edited = launch_sample(tmp_path / "edited-repo", edited=True)
    try:
        with running_portal(edited.ctx.repo.root, free_port()) as base:
            axe = Axe(browser, axe_source())
            page = browser.new_context(
                viewport={"width": 360, "height": 740}, java_script_enabled=False
            ).new_page()
            page.goto(f"{base}/c/{edited.cycle_id}/changes")
            assert page.locator("h1").inner_text() == "What changed since version 1.0"
            assert page.locator("del").count() >= 1 and page.locator("ins").count() >= 1
            assert fits_the_phone(page)
            assert axe.serious(page.url, page.content()) == []
    finally:
        edited.ctx.close()


def test_a_practitioner_sends_a_word_file_on_pages_axe_finds_sound(
    launched: Launched, portal: str, browser: Any, tmp_path: Path
) -> None:
    from coproduce.docx.properties import stamp_participant
    from coproduce.review.materials import render_materials
    from tests.channels.replies import make_reply

    draft = render_materials(repo=launched.ctx.repo, cycle_id=launched.cycle_id)["draft-docx"]
    reply = tmp_path / "my reply.docx"
    reply.write_bytes(
        make_reply(stamp_participant(draft.read_bytes(), launched.practitioner),
                   comments=[("Disagreement between agencies is healthy", "How quickly?")])
    )  # fmt: skip
    renamed = tmp_path / "notes.docx"
    renamed.write_bytes(b"%PDF-1.7\n1 0 obj")
    axe = Axe(browser, axe_source())
    page = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False
    ).new_page()
    found: dict[str, list[str]] = {}
    page.goto(link_in(launched.emls[launched.practitioner].read_bytes(), portal))
    page.get_by_role("link", name="Send us a Word file instead").click()
    assert page.locator("h1").inner_text() == "Send us a Word file" and fits_the_phone(page)
    found["upload"] = axe.serious(page.url, page.content())
    page.locator("#file").set_input_files(str(renamed))
    page.locator("#consent-anonymous").check()
    page.get_by_role("button", name="Send the file").click()
    assert "it looks like a PDF" in page.locator(".error-summary").inner_text()
    found["upload error"] = axe.serious(page.url, page.content())
    page.locator("#file").set_input_files(str(reply))
    page.get_by_role("button", name="Send the file").click()
    assert page.locator("h1").inner_text() == "File received" and fits_the_phone(page)
    found["received"] = axe.serious(page.url, page.content())
    assert all(v == [] for v in found.values()), found


def test_a_lead_triages_a_section_with_the_keyboard_on_pages_axe_finds_sound(
    launched: Launched, portal: str, browser: Any
) -> None:
    from coproduce.review.feedback import Submission, record_feedback
    from coproduce.triage import iter_dispositions

    item = record_feedback(
        repo=launched.ctx.repo, register=launched.register, cycle_id=launched.cycle_id,
        submission=Submission(participant=launched.practitioner, channel="portal",
                              section="escalation", text="Say who chairs the meeting."),
        key="portal:browser-triage",
    )  # fmt: skip
    launched.register.add_lead("sam.lead@example.org", hash_password("correct horse battery"))
    axe = Axe(browser, axe_source())
    page = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False
    ).new_page()
    found: dict[str, list[str]] = {}
    page.goto(portal + "/lead/login")
    page.locator("#email").fill("sam.lead@example.org")
    page.locator("#password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{portal}/lead/c/{launched.cycle_id}/triage")
    found["overview"] = axe.serious(page.url, page.content())
    assert fits_the_phone(page)
    page.get_by_role("link", name="Escalation").click()
    found["section"] = axe.serious(page.url, page.content())
    assert fits_the_phone(page)
    tab_to(page, f"outcome-{item.id}")
    page.keyboard.type("n")  # "Not accepted", then "Noted": type-ahead on the select
    page.keyboard.type("o")
    assert page.locator(f"#outcome-{item.id}").input_value() in ("noted", "not-accepted")
    tab_to(page, f"reason-{item.id}")
    page.keyboard.type("The chair is named in the terms of reference.")
    page.get_by_role("button", name="Save outcomes").focus()
    enter(page)
    assert "Saved 1 outcome." in page.locator("main").inner_text()
    found["saved"] = axe.serious(page.url, page.content())
    (decided,) = iter_dispositions(launched.ctx.repo, launched.cycle_id).values()
    assert decided.reason == "The chair is named in the terms of reference."
    assert all(v == [] for v in found.values()), found


def test_the_redline_page_with_a_wide_table_reads_on_a_phone_and_its_links_land(
    tmp_path: Path, browser: Any
) -> None:
    from coproduce.models import (
        Document,
        DocumentMeta,
        Heading,
        Paragraph,
        Span,
        Table,
        TableCell,
        TableRow,
    )
    from coproduce.redline.change import compute_changes
    from coproduce.redline.html import render_redline_html

    def row(*texts: str) -> TableRow:
        return TableRow(cells=[TableCell(spans=[Span(text=t)]) for t in texts])

    def table(hours: str) -> Table:
        email = "frontdoor@westmere-safeguarding.example.org"  # does not wrap
        cells = ["Children's Front Door", "Receives all concerns", email, hours]
        return Table(rows=[row("Service", "What", "Phone", "Hours"), row(*cells)])

    def doc(hours: str) -> Document:
        heading = Heading(level=1, id="contacts", spans=[Span(text="Contacts")])
        intro = Paragraph(spans=[Span(text="Who to call.")])
        blocks = [heading, intro, table(hours)]
        return Document(slug="p", meta=DocumentMeta(title="Protocol"), blocks=blocks)

    week = "Monday to Thursday 8.45am to 5pm, Friday 8.45am to 4.30pm"
    page_file = tmp_path / "changes.html"
    page_file.write_text(
        render_redline_html(compute_changes(doc(week), doc(week + " and Saturday")))
    )
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    page.goto(page_file.as_uri())
    assert fits_the_phone(page)
    page.get_by_role("link", name="Contacts").click()
    assert page.url.endswith("#change-1")
    assert page.evaluate("document.activeElement.tagName") == "TABLE"
    assert Axe(browser, axe_source()).serious(page.url, page.content()) == []
