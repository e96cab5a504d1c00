"""A disclosure of harm, by any route, reaches the safeguarding lead and no report, log or git."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from coproduce.channels.gather import add_facilitated, flag_concern, import_files
from coproduce.channels.safeguarding import (
    Safeguarding,
    require_lead_for_youth,
)
from coproduce.channels.survey_map import ColumnMap
from coproduce.docx.properties import stamp_participant
from coproduce.errors import InvalidInputError
from coproduce.models import BUILT_IN_AUDIENCES, HELD_TEXT, Provenance
from coproduce.review.feedback import iter_feedback

from .conftest import OpenCycle, RecordingHandler
from .replies import make_reply

DISCLOSURE = "My uncle hits me when I get home late and I am scared to go home."
Mailbox = tuple[RecordingHandler, Callable[..., Safeguarding]]


def _git_everything(cycle: OpenCycle) -> str:
    run = subprocess.run(
        ["git", "log", "-p", "--all", "--format=%B"],
        cwd=cycle.repo.root,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout


def _received(handler: RecordingHandler) -> list[str]:
    return [
        message_from_bytes(raw, policy=policy.default).get_body().get_content()  # type: ignore[union-attr]
        for raw in handler.received
    ]


def _assert_held_and_sent(cycle: OpenCycle, handler: RecordingHandler, *, route: str) -> None:
    (item,) = [i for i in iter_feedback(cycle.repo, cycle.cycle_id) if i.safeguarding_concern]
    assert item.text == HELD_TEXT
    assert "hits me" not in _git_everything(cycle)
    (body,) = _received(handler)
    assert DISCLOSURE in body and item.id in body and route in body
    held = Path(cycle.repo.state_dir) / "safeguarding" / cycle.cycle_id / f"{item.id}.json"
    assert held.stat().st_mode & 0o777 == 0o600


def test_a_disclosure_in_a_word_reply_goes_to_the_lead_with_the_route_back(
    open_cycle: OpenCycle, lead_mailbox: Mailbox, tmp_path: Path
) -> None:
    handler, route = lead_mailbox
    who = open_cycle.people["partners"][0]
    path = tmp_path / "reply.docx"
    sent = stamp_participant(open_cycle.draft.read_bytes(), who)
    path.write_bytes(make_reply(sent, comments=[("Escalate when", DISCLOSURE)]))
    import_files(
        repo=open_cycle.repo,
        register=open_cycle.register,
        cycle_id=open_cycle.cycle_id,
        paths=[path],
        audiences=list(BUILT_IN_AUDIENCES),
        safeguarding=route(Path(open_cycle.repo.state_dir)),
    )
    _assert_held_and_sent(open_cycle, handler, route="partners.0@example.org")


def test_a_disclosure_in_a_survey_row_goes_to_the_lead_with_the_respondents_contact(
    open_cycle: OpenCycle, lead_mailbox: Mailbox, tmp_path: Path
) -> None:
    handler, route = lead_mailbox
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["Comment", "Email"], [DISCLOSURE, "young.person@example.org"], ["Fine", ""]]
    )
    path = tmp_path / "survey.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    import_files(
        repo=open_cycle.repo,
        register=open_cycle.register,
        cycle_id=open_cycle.cycle_id,
        paths=[path],
        audiences=list(BUILT_IN_AUDIENCES),
        mapping=ColumnMap.build(["comment=Comment", "respondent=Email"], None),
        default_audience="young-people",
        safeguarding=route(Path(open_cycle.repo.state_dir)),
    )
    _assert_held_and_sent(open_cycle, handler, route="young.person@example.org")
    assert "young.person@example.org" not in _git_everything(open_cycle)


def test_a_disclosure_in_group_feedback_goes_to_the_lead_naming_the_facilitator(
    open_cycle: OpenCycle, lead_mailbox: Mailbox
) -> None:
    handler, route = lead_mailbox
    receipt = add_facilitated(
        repo=open_cycle.repo,
        cycle_id=open_cycle.cycle_id,
        text=DISCLOSURE,
        audience="young-people",
        provenance=Provenance(
            facilitator="youth worker, Riverside",
            group="Youth forum",
            people=8,
            date=dt.date(2026, 11, 10),
        ),
        safeguarding=route(Path(open_cycle.repo.state_dir)),
    )
    assert receipt.item is not None and receipt.item.provenance is not None
    _assert_held_and_sent(open_cycle, handler, route="youth worker, Riverside")


def test_a_leads_manual_flag_holds_an_item_and_sends_it(
    open_cycle: OpenCycle, lead_mailbox: Mailbox
) -> None:
    handler, route = lead_mailbox
    safeguarding = route(Path(open_cycle.repo.state_dir))
    quiet = "Things at home are hard and nobody listens."
    receipt = add_facilitated(
        repo=open_cycle.repo,
        cycle_id=open_cycle.cycle_id,
        text=quiet,
        audience="young-people",
        provenance=Provenance(facilitator="worker", group="Forum", people=3, date=dt.date.today()),
        safeguarding=safeguarding,
    )
    assert receipt.item is not None and not receipt.item.safeguarding_concern
    assert handler.received == []
    item, sent_to = flag_concern(
        repo=open_cycle.repo,
        register=open_cycle.register,
        feedback_id=receipt.item.id,
        safeguarding=safeguarding,
    )
    assert item.text == HELD_TEXT and sent_to == "safeguarding.lead@example.org"
    (body,) = _received(handler)
    assert quiet in body
    tree = (open_cycle.repo.root / "reviews" / open_cycle.cycle_id).rglob("*.yaml")
    assert all(quiet not in p.read_text(encoding="utf-8") for p in tree)


def test_phrases_added_in_settings_are_caught_and_topic_words_are_not(tmp_path: Path) -> None:
    route = Safeguarding(
        lead_email=None,
        mail_from="x@example.org",
        state_dir=tmp_path,
        open_mailer=lambda: None,  # type: ignore[arg-type,return-value]
        phrases=["my carer shouts at me"],
    )
    assert route.looks_like_disclosure("Sometimes MY CARER shouts   at me.")
    assert route.looks_like_disclosure("He hit me.")
    assert not route.looks_like_disclosure("Section 3 should define grooming and sexual abuse.")
    assert not route.looks_like_disclosure("white metal")  # "hit me" only as whole words


def test_a_launch_to_young_people_without_a_safeguarding_lead_is_refused() -> None:
    audiences = list(BUILT_IN_AUDIENCES)
    with pytest.raises(InvalidInputError, match="no safeguarding lead is configured"):
        require_lead_for_youth(None, ["practitioners", "young-people"], audiences)
    require_lead_for_youth(None, ["practitioners"], audiences)
    require_lead_for_youth("lead@example.org", ["young-people"], audiences)


def test_a_disclosure_with_no_lead_configured_is_still_held_and_the_warning_says_where(
    open_cycle: OpenCycle,
) -> None:
    route = Safeguarding(
        lead_email=None,
        mail_from="x@example.org",
        state_dir=Path(open_cycle.repo.state_dir),
        open_mailer=lambda: None,  # type: ignore[arg-type,return-value]
    )
    receipt = add_facilitated(
        repo=open_cycle.repo,
        cycle_id=open_cycle.cycle_id,
        text=DISCLOSURE,
        audience="young-people",
        provenance=Provenance(facilitator="worker", group="Forum", people=3, date=dt.date.today()),
        safeguarding=route,
    )
    assert receipt.item is not None and receipt.item.text == HELD_TEXT
    assert receipt.held is not None and DISCLOSURE in receipt.held.read_text(encoding="utf-8")
    assert any("no safeguarding lead configured" in w for w in receipt.warnings)


def test_what_a_young_person_says_about_a_friend_being_exploited_is_caught(tmp_path: Path) -> None:
    route = Safeguarding(
        lead_email=None,
        mail_from="x@example.org",
        state_dir=tmp_path,
        open_mailer=lambda: None,  # type: ignore[arg-type,return-value]
    )
    assert route.looks_like_disclosure(
        "a friend of mine is being made to hold stuff for some older lads. he says he owes them"
    )
    assert route.looks_like_disclosure("I'm scared of what happens if I say no")
    # a comment quoting the guidance's list of signs is not a disclosure
    assert not route.looks_like_disclosure(
        "Also name being made to share their location, passwords, social media or bank accounts"
    )
