"""``coproduce feedback``, run as a user would: import, add, list, inspect, flag."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from coproduce.docx.properties import add_custom_properties, stamp_participant
from coproduce.review.feedback import Submission, iter_feedback, record_feedback
from coproduce.review.listing import ROW_KEYS
from tests.channels.conftest import OpenCycle
from tests.channels.replies import make_reply

COPRODUCE = Path(sys.executable).with_name("coproduce")
PLAINER = "This policy says how to raise a worry."


def run(
    cycle: OpenCycle, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "PREFECT_"))}
    clean["COPRODUCE_AUTHOR"] = "Sam Lead <sam.lead@example.org>"
    return subprocess.run(
        [str(COPRODUCE), "--repo", str(cycle.repo.root), *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        timeout=120,
        check=False,
    )


def test_import_then_list_shows_the_items_and_a_second_import_adds_nothing(
    open_cycle: OpenCycle,
    tmp_path: Path,
) -> None:
    who = open_cycle.people["practitioners"][0]
    reply = tmp_path / "reply.docx"
    reply.write_bytes(
        make_reply(
            stamp_participant(open_cycle.draft.read_bytes(), who),
            comments=[("Escalate when", "Who decides?")],
        )
    )
    survey = tmp_path / "survey.csv"
    survey.write_text("Your comments,Which part?\nToo long.,Purpose\n", encoding="utf-8")
    first = run(
        open_cycle,
        "feedback",
        "import",
        open_cycle.cycle_id,
        str(reply),
        str(survey),
        "--map",
        "comment=Your comments",
        "--map",
        "section=Which part?",
        "--audience",
        "partners",
        "--json",
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {
        "recorded": ["FB-0001", "FB-0002"],
        "duplicates": 0,
        "held": [],
    }
    again = run(open_cycle, "feedback", "import", open_cycle.cycle_id, str(reply))
    assert again.returncode == 0 and "Recorded 0 items; 1 already recorded" in again.stdout
    listed = json.loads(run(open_cycle, "feedback", "list", open_cycle.cycle_id, "--json").stdout)
    assert [(i["channel"], i["audience"]) for i in listed] == [
        ("docx", "practitioners"),
        ("survey", "partners"),
    ]
    assert all(set(i) == set(ROW_KEYS) for i in listed)


def test_any_other_file_type_is_one_clear_line_and_changes_nothing(
    open_cycle: OpenCycle,
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4")
    head = open_cycle.repo.resolve("HEAD")
    result = run(open_cycle, "feedback", "import", open_cycle.cycle_id, str(notes))
    assert result.returncode == 2
    assert result.stderr.startswith("error: nothing imported: 1 problem")
    assert "notes.pdf: not a file feedback comes in (.docx, .csv or .xlsx)" in result.stderr
    assert "Traceback" not in result.stderr
    assert open_cycle.repo.resolve("HEAD") == head


def test_add_records_group_feedback_with_its_provenance(open_cycle: OpenCycle) -> None:
    result = run(
        open_cycle,
        "feedback",
        "add",
        open_cycle.cycle_id,
        "--facilitated",
        "Youth forum, 8 people",
        "--audience",
        "young-people",
        "--section",
        "when",
        "--text",
        "Use words we use.",
        "--facilitator",
        "youth worker",
        "--date",
        "2026-11-10",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "FB-0001"
    (item,) = json.loads(run(open_cycle, "feedback", "list", open_cycle.cycle_id, "--json").stdout)
    assert (item["channel"], item["audience"], item["section"]) == (
        "facilitator",
        "young-people",
        "when",
    )
    (recorded,) = iter_feedback(open_cycle.repo, open_cycle.cycle_id)
    assert recorded.provenance is not None and recorded.provenance.model_dump(mode="json") == {
        "facilitator": "youth worker",
        "group": "Youth forum",
        "people": 8,
        "date": "2026-11-10",
    }
    assert recorded.participant == "anonymous"
    bad = run(
        open_cycle,
        "feedback",
        "add",
        open_cycle.cycle_id,
        "--facilitated",
        "some kids",
        "--audience",
        "young-people",
        "--text",
        "x",
    )
    assert bad.returncode == 2 and "Youth forum, 8 people" in bad.stderr


def test_inspect_prints_what_was_read_from_any_word_file_as_json(
    open_cycle: OpenCycle,
    tmp_path: Path,
) -> None:
    path = tmp_path / "reply.docx"
    path.write_bytes(
        make_reply(
            open_cycle.draft.read_bytes(),
            comments=[("Escalate when", "Who decides?")],
            insert=("Escalate when", " today"),
            reply_to_first="The duty manager.",
        )
    )
    before = path.read_bytes()
    result = run(open_cycle, "feedback", "inspect", str(path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    first, reply = data["comments"]
    assert first["author"] == "Pat Partner" and first["anchor"] == "Escalate when"
    assert reply["parent"] == first["id"] and reply["resolved"] is False
    assert data["revisions"][0] == {
        "kind": "insert",
        "author": "Pat Partner",
        "date": "2026-11-20T14:00:00+00:00",
        "text": " today",
    }
    assert path.read_bytes() == before


def test_flag_holds_an_item_and_says_so(open_cycle: OpenCycle, tmp_path: Path) -> None:
    run(
        open_cycle,
        "feedback",
        "add",
        open_cycle.cycle_id,
        "--facilitated",
        "Forum, 3 people",
        "--audience",
        "young-people",
        "--text",
        "Home is hard.",
    )
    result = run(
        open_cycle,
        "feedback",
        "flag",
        "FB-0001",
        "--disclosure",
        env={"COPRODUCE_SAFEGUARDING_LEAD_EMAIL": "lead@example.org"},
    )
    assert result.returncode == 0, result.stderr
    assert "FB-0001 held as a safeguarding concern" in result.stdout
    outbox = list((Path(open_cycle.repo.state_dir) / "outbox").rglob("*.eml"))
    assert any(b"Home is hard." in p.read_bytes() for p in outbox)
    (item,) = json.loads(run(open_cycle, "feedback", "list", open_cycle.cycle_id, "--json").stdout)
    assert item["text"] == "held as a safeguarding concern"


def test_group_feedback_from_an_audience_not_invited_is_one_line(open_cycle: OpenCycle) -> None:
    result = run(
        open_cycle,
        "feedback",
        "add",
        open_cycle.cycle_id,
        "--facilitated",
        "Panel, 4 people",
        "--audience",
        "foster-carers",
        "--text",
        "Hello.",
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: audience 'foster-carers' was not invited")
    assert len(result.stderr.strip().splitlines()) == 1


def test_list_json_gives_every_item_the_keys_the_issue_names_whatever_its_channel(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    practitioner, other = open_cycle.people["practitioners"]
    young = open_cycle.people["young-people"][0]
    cycle = open_cycle.cycle_id
    portal = [
        Submission(participant=practitioner, channel="portal", section="when", kind="comment",
                   text="Say who decides."),
        Submission(participant=practitioner, channel="portal", section="purpose",
                   kind="suggestion", text="Plainer.", suggestion=PLAINER),
        Submission(participant=young, channel="portal", kind="answer", question="trust",
                   text="Listen to us."),
        Submission(participant=young, channel="portal", kind="comment", text="Good overall."),
    ]  # fmt: skip
    for number, submission in enumerate(portal):
        record_feedback(repo=open_cycle.repo, register=open_cycle.register, cycle_id=cycle,
                        submission=submission, key=f"portal:test:{number}")  # fmt: skip
    reply = tmp_path / "reply.docx"
    reply.write_bytes(
        make_reply(stamp_participant(open_cycle.draft.read_bytes(), other),
                   comments=[("Escalate when", "Who decides?")])
    )  # fmt: skip
    older = tmp_path / "older.docx"  # a reply made on another version: found again, reanchored
    base = open_cycle.repo.resolve("escalation-policy/v1.0~1")
    made_on = add_custom_properties(
        open_cycle.draft.read_bytes(), {"cycle": cycle, "version": base, "participant": other}
    )
    older.write_bytes(
        make_reply(made_on,
                   comments=[("keeping a young person safe", "Which plan?")])
    )  # fmt: skip
    survey = tmp_path / "survey.csv"
    survey.write_text("Your comments,Which part?\nToo long.,Purpose\n", encoding="utf-8")
    imported = run(open_cycle, "feedback", "import", cycle, str(reply), str(older), str(survey),
                   "--map", "comment=Your comments", "--map", "section=Which part?",
                   "--audience", "partners")  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    added = run(open_cycle, "feedback", "add", cycle, "--facilitated", "Youth forum, 6 people",
                "--audience", "young-people", "--section", "when", "--quote", "words not there",
                "--text", "Nobody reads this.")  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = run(open_cycle, "feedback", "list", cycle, "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {r["text"]: r for r in json.loads(listed.stdout)}
    assert all(list(r) == list(ROW_KEYS) for r in rows.values())
    picked = ("section", "quote", "kind", "suggested_text", "question", "channel",
              "anchor_state", "audience")  # fmt: skip

    def shown(text: str) -> tuple[object, ...]:
        return tuple(rows[text][k] for k in picked)

    assert shown("Say who decides.") == (
        "when",
        None,
        "comment",
        None,
        None,
        "portal",
        "anchored",
        "practitioners",
    )
    assert shown("Plainer.") == (
        "purpose",
        None,
        "suggestion",
        PLAINER,
        None,
        "portal",
        "anchored",
        "practitioners",
    )
    assert shown("Listen to us.") == (
        None,
        None,
        "answer",
        None,
        "trust",
        "portal",
        None,
        "young-people",
    )
    assert shown("Good overall.") == (
        None,
        None,
        "general",
        None,
        None,
        "portal",
        None,
        "young-people",
    )
    assert shown("Who decides?") == (
        "when",
        "Escalate when",
        "comment",
        None,
        None,
        "docx",
        "anchored",
        "practitioners",
    )
    assert shown("Which plan?") == (
        "when",
        "keeping a young person safe",
        "comment",
        None,
        None,
        "docx",
        "reanchored",
        "practitioners",
    )
    assert shown("Too long.") == (
        "purpose",
        None,
        "comment",
        None,
        None,
        "survey",
        "anchored",
        "partners",
    )
    assert shown("Nobody reads this.")[5:7] == ("facilitator", "orphaned")
    for row in rows.values():
        received = dt.datetime.fromisoformat(row["received_at"])
        assert received.tzinfo is not None and row["late"] is False
        assert row["receipt"] == (
            f"received {row['id']} on {cycle} at {received:%Y-%m-%d %H:%M} UTC"
        )  # fmt: skip
