"""Invitations and reminders: every template renders, plain for young people, safe in HTML."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import io
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path

import docx
import jinja2
import pytest

from coproduce.channels.email import OutboxMailer, send_batch
from coproduce.errors import InvalidInputError
from coproduce.invitations import (
    Materials,
    build_invitation,
    build_reminder,
    invitation_id,
    prepare_invitations,
    prepare_reminders,
    select_templates,
)
from coproduce.models import BUILT_IN_AUDIENCES, ParticipantRecord, Question, ReviewCycle
from coproduce.store.register import Register
from coproduce.store.tokens import verify_token
from coproduce.templating import template_env

AUDIENCES = {a.id: a for a in BUILT_IN_AUDIENCES}
NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
JARGON = ("statutory", "multi-agency", "stakeholder", "consultation", "practitioner", "protocol")


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Draft text for comment.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


CYCLE = ReviewCycle(
    id="2026-spring",
    slug="staying-safe",
    base="staying-safe/v1.0",
    proposed="abc1234",
    created=NOW,
    closes=dt.datetime(2026, 6, 12, 16, 0, tzinfo=dt.UTC),
    audiences=["practitioners", "partners", "young-people"],
    questions=[
        Question(id="q1", text="Is the escalation route in section 3 workable?"),
        Question(
            id="q2",
            text="Does the guidance reflect how young people experience services?",
            youth_text="What would make it easier to ask for help?",
        ),
        Question(id="q3", text="Are referral thresholds clear?", audiences=["practitioners"]),
    ],
)
MATERIALS = Materials(
    cycle=CYCLE,
    title="Staying safe outside the home",
    organisation="Northshire Partnership",
    mail_from="Reviews <reviews@example.org>",
    draft_docx=_docx_bytes(),
    draft_html="<html><body><p>Draft</p></body></html>",
)


def _person(audience: str, *, name: str = "Jo Bloggs", **extra: object) -> ParticipantRecord:
    data = {"id": "P-0123456789", "name": name, "email": "jo@example.org", "audience": audience}
    return ParticipantRecord.model_validate({**data, **extra})


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def _attachments(message: EmailMessage) -> dict[str, str]:
    return {str(a.get_filename()): a.get_content_type() for a in message.iter_attachments()}


@pytest.mark.parametrize("audience", sorted(AUDIENCES))
@pytest.mark.parametrize("via_worker", [False, True])
@pytest.mark.parametrize("kind", ["invite", "reminder"])
def test_every_template_renders_text_and_html_with_link_and_deadline(
    audience: str, via_worker: bool, kind: str
) -> None:
    extra = {"via_worker_email": "worker@example.org", "age_band": "13-15"} if via_worker else {}
    record = _person(audience, **extra)
    link = "http://127.0.0.1:8080/r/TOKEN123"
    common = {"record": record, "audience": AUDIENCES[audience], "materials": MATERIALS}
    if kind == "invite":
        message = build_invitation(**common, link=link, now=NOW)
    else:
        message = build_reminder(**common, link=link, days=7, now=NOW)
    text, html = _parts(message)
    for body in (text, html):
        assert link in body
        assert "Friday 12 June 2026 at 5pm" in body  # 16:00 UTC is 5pm in London in June
        assert "{{" not in body and "{%" not in body
    assert html.lstrip().startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert message["Subject"] and "\n" not in message["Subject"]
    if via_worker:
        assert message["To"].addresses[0].addr_spec == "worker@example.org"
        assert "pass invitations on to Jo Bloggs" in text
    else:
        assert message["To"].addresses[0].addr_spec == "jo@example.org"
        assert "colleague" not in text


def test_the_young_peoples_version_is_plain_and_says_they_can_stay_anonymous() -> None:
    message = build_invitation(
        record=_person("young-people", age_band="16-17"),
        audience=AUDIENCES["young-people"],
        materials=MATERIALS,
        link="http://127.0.0.1:8080/r/T",
        now=NOW,
    )
    text, _ = _parts(message)
    # A question with no youth wording reaches them as written; the rest of the text is ours.
    as_written = "Is the escalation route in section 3 workable?"
    assert as_written in text
    body = text.replace(MATERIALS.title, "").replace(as_written, "")
    assert not [w for w in JARGON if w in body.lower()]
    assert "stay anonymous" in body.lower()
    assert "What would make it easier to ask for help?" in body
    assert "referral thresholds" not in body
    assert "Does the guidance reflect" not in body
    sentences = [s for s in re.split(r"[.!?]\s", body) if s.split() and "http" not in s]
    words = [len(s.split()) for s in sentences]
    assert sum(words) / len(words) <= 12 and max(words) <= 25


def test_practitioners_get_the_draft_docx_and_young_people_without_a_twin_the_full_text() -> None:
    link = "http://127.0.0.1:8080/r/T"
    common = {"materials": MATERIALS, "link": link, "now": NOW}
    practitioner = build_invitation(
        record=_person("practitioners"), audience=AUDIENCES["practitioners"], **common
    )
    young = build_invitation(
        record=_person("young-people"), audience=AUDIENCES["young-people"], **common
    )
    assert _attachments(practitioner) == {
        "staying-safe-draft.docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
        "staying-safe-draft.html": "text/html",
    }
    # With no youth-friendly version, young people get the full text as a page (launch warns).
    assert _attachments(young) == {"staying-safe-draft.html": "text/html"}
    (attached,) = [a for a in practitioner.iter_attachments() if "docx" in a.get_filename()]
    reopened = docx.Document(io.BytesIO(attached.get_content()))
    assert reopened.paragraphs[0].text == "Draft text for comment."


def test_hostile_text_is_escaped_in_html() -> None:
    hostile = '<script>alert("x")</script>'
    materials = Materials(**{**MATERIALS.__dict__, "title": f"Guide {hostile}"})
    message = build_invitation(
        record=_person("partners", name=f"Eve {hostile}"),
        audience=AUDIENCES["partners"],
        materials=materials,
        link="http://127.0.0.1:8080/r/T",
        now=NOW,
    )
    _, html = _parts(message)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_a_users_own_template_overrides_the_built_in_one(tmp_path: Path) -> None:
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "invite.txt.j2").write_text(
        '{% set subject = "Our own subject" %}Hello {{ name }}, see {{ link }}\n', encoding="utf-8"
    )
    message = build_invitation(
        record=_person("partners"),
        audience=AUDIENCES["partners"],
        materials=MATERIALS,
        link="http://x/r/T",
        env=template_env(overrides=tmp_path),
        now=NOW,
    )
    text, html = _parts(message)
    assert message["Subject"] == "Our own subject"
    assert text == "Hello Jo Bloggs, see http://x/r/T\n"
    assert "Open your personal comment page" in html  # the built-in HTML still applies


@pytest.fixture
def register(tmp_path: Path) -> Register:
    with Register.for_state_dir(tmp_path / "state", environ={}) as reg:
        yield reg


def _add(register: Register, audience: str, n: int) -> ParticipantRecord:
    record = ParticipantRecord(
        id=register.new_participant_id(),
        name=f"Person {n}",
        email=f"p{n}@example.org",
        audience=audience,
    )
    register.add_participants([record])
    return record


def test_invitations_carry_a_personal_link_whose_token_verifies(register: Register) -> None:
    people = [_add(register, a, n) for n, a in enumerate(sorted(AUDIENCES))]
    outgoing = prepare_invitations(register, materials=MATERIALS, audiences=AUDIENCES.values())
    assert {o.participant_id for o in outgoing} == {p.id for p in people}
    for item in outgoing:
        assert item.message_id == invitation_id(CYCLE.id, item.participant_id)
        text, _ = _parts(item.message)
        token = re.search(r"http://127\.0\.0\.1:8080/r/([A-Za-z0-9_-]+)", text).group(1)
        assert len(token) >= 43
        assert verify_token(register, token, now=NOW) == (item.participant_id, CYCLE.id)


def test_invited_opted_out_and_responded_people_are_left_out(
    register: Register, tmp_path: Path
) -> None:
    a, b, c, d = (_add(register, "partners", n) for n in range(4))
    register.add_opt_out(b.id)
    outbox = OutboxMailer(tmp_path / "outbox")
    invites = prepare_invitations(register, materials=MATERIALS, audiences=AUDIENCES.values())
    assert {o.participant_id for o in invites} == {a.id, c.id, d.id}
    assert len(send_batch(register, invites, outbox).sent) == 3
    assert prepare_invitations(register, materials=MATERIALS, audiences=AUDIENCES.values()) == []
    register.add_response(cycle=CYCLE.id, participant_id=c.id)
    register.add_opt_out(d.id, cycle=CYCLE.id)
    reminders = prepare_reminders(
        register, materials=MATERIALS, audiences=AUDIENCES.values(), days=7
    )
    assert [o.participant_id for o in reminders] == [a.id]
    send_batch(register, reminders, outbox)
    again = prepare_reminders(register, materials=MATERIALS, audiences=AUDIENCES.values(), days=7)
    assert again == []
    files = sorted(p.name for p in (tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 4 and files[-1].startswith("reminder-7.2026-spring.")
    parsed = email.message_from_bytes(
        (tmp_path / "outbox" / files[-1]).read_bytes(), policy=policy.default
    )
    assert "Reminder" in str(parsed["Subject"])


def _wire(message: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _practitioner_invite(**extra: object) -> EmailMessage:
    return build_invitation(
        record=_person("practitioners"),
        audience=AUDIENCES["practitioners"],
        materials=MATERIALS,
        link="http://127.0.0.1:8080/r/T",
        now=NOW,
        **extra,
    )


def test_the_draft_is_encoded_once_yet_every_message_holds_its_own_copy() -> None:
    first, second = _practitioner_invite(), _practitioner_invite()
    docx_first, docx_second = (
        next(a for a in m.iter_attachments() if a.get_filename().endswith(".docx"))
        for m in (first, second)
    )
    assert docx_first is not docx_second
    docx_first.replace_header("Content-Disposition", 'attachment; filename="renamed.docx"')
    assert docx_second.get_filename() == "staying-safe-draft.docx"
    (sent,) = [a for a in _wire(second).iter_attachments() if a.get_filename().endswith(".docx")]
    assert sent.get_content() == MATERIALS.draft_docx
    assert docx.Document(io.BytesIO(sent.get_content())).paragraphs[0].text.startswith("Draft")


def test_each_message_has_fresh_boundaries_that_parse_back_to_the_same_parts() -> None:
    first, second = _wire(_practitioner_invite()), _wire(_practitioner_invite())
    assert [p.get_content_type() for p in first.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/html",
    ]
    boundaries = [p.get_boundary() for m in (first, second) for p in m.walk() if p.is_multipart()]
    assert len(set(boundaries)) == 4
    text, html = _parts(first)
    assert not any(b in text or b in html for b in boundaries)


def test_templates_chosen_once_build_the_same_message_as_choosing_every_time() -> None:
    env = template_env()
    chosen = select_templates(kind="invite", audience=AUDIENCES["partners"], env=env)
    common = {
        "record": _person("partners"),
        "audience": AUDIENCES["partners"],
        "materials": MATERIALS,
        "link": "http://x/r/T",
        "now": NOW,
    }
    once, each = build_invitation(**common, templates=chosen), build_invitation(**common, env=env)
    assert _parts(once) == _parts(each)
    assert [once[h] for h in ("Subject", "From", "To", "Message-ID", "Date")] == [
        each[h] for h in ("Subject", "From", "To", "Message-ID", "Date")
    ]


def test_a_missing_template_is_one_clear_error() -> None:
    empty = jinja2.Environment(loader=jinja2.DictLoader({}), undefined=jinja2.StrictUndefined)
    with pytest.raises(InvalidInputError, match="the reminder email template cannot be rendered"):
        select_templates(kind="reminder", audience=AUDIENCES["partners"], env=empty)


def test_a_sender_address_that_spans_lines_is_refused() -> None:
    materials = Materials(**{**MATERIALS.__dict__, "mail_from": "Reviews <r@example.org>\nBcc: x"})
    with pytest.raises(InvalidInputError, match="cannot span lines"):
        build_invitation(
            record=_person("partners"),
            audience=AUDIENCES["partners"],
            materials=materials,
            link="http://x/r/T",
            now=NOW,
        )


def test_a_boundary_that_occurs_in_the_text_is_never_used(monkeypatch: pytest.MonkeyPatch) -> None:
    clash = f"{'=' * 15}{7:019d}=="
    draws = iter([7, 7, 8, 7, 9])
    monkeypatch.setattr("coproduce.invitations.random.randrange", lambda _: next(draws))
    materials = Materials(**{**MATERIALS.__dict__, "draft_html": f"<p>{clash}</p>"})
    message = build_invitation(
        record=_person("practitioners", name=f"Jo {clash}"),
        audience=AUDIENCES["practitioners"],
        materials=materials,
        link="http://x/r/T",
        now=NOW,
    )
    boundaries = [p.get_boundary() for p in message.walk() if p.is_multipart()]
    assert boundaries == [f"{'=' * 15}{9:019d}==", f"{'=' * 15}{8:019d}=="]
    text, _ = _parts(_wire(message))
    assert clash in text


def test_practitioners_get_a_what_changed_link_and_young_people_do_not() -> None:
    materials = dataclasses.replace(MATERIALS, has_changes=True)
    adult = build_invitation(
        record=_person("practitioners"),
        audience=AUDIENCES["practitioners"],
        materials=materials,
        link="http://127.0.0.1:8080/r/T",
    )
    text, html = _parts(adult)
    expected = f"{materials.portal_url}/c/{materials.cycle.id}/changes"
    assert expected in text and f'href="{expected}"' in html
    assert "since v1.0" in text
    young = build_invitation(
        record=_person("young-people"),
        audience=AUDIENCES["young-people"],
        materials=materials,
        link="http://127.0.0.1:8080/r/T",
    )
    assert "/changes" not in _parts(young)[0]
    unchanged = build_invitation(
        record=_person("practitioners"),
        audience=AUDIENCES["practitioners"],
        materials=MATERIALS,
        link="http://127.0.0.1:8080/r/T",
    )
    assert "/changes" not in _parts(unchanged)[0]


@pytest.mark.parametrize(
    "title",
    [
        "Keeping children safe in education – statutory guidance for schools and colleges",
        "\n  Keeping children safe in education 2025: statutory guidance for schools and "
        "colleges in England and Wales, with annexes\n",
        "Kinder­schutz: ÄÖÜ guidance " * 4,
    ],
)
def test_a_parsed_subject_never_begins_with_a_space(title: str) -> None:
    from coproduce.invitations import build_closed_notice

    materials = dataclasses.replace(MATERIALS, title=title)
    for message in (
        build_invitation(
            record=_person("practitioners"),
            audience=AUDIENCES["practitioners"],
            materials=materials,
            link="http://127.0.0.1:8080/r/T",
            now=NOW,
        ),
        build_closed_notice(
            record=_person("young-people"), audience=AUDIENCES["young-people"], materials=materials
        ),
    ):
        raw = message.as_bytes(policy=policy.SMTP)
        for parsed in (
            email.message_from_bytes(raw),
            email.message_from_bytes(raw, policy=policy.default),
        ):
            subject = str(parsed["Subject"])
            assert subject == subject.lstrip(), repr(subject)
