"""``coproduce feedback``, run as a user would: import, add, list, inspect, flag."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from coproduce.docx.properties import stamp_participant
from tests.channels.conftest import OpenCycle
from tests.channels.replies import make_reply

COPRODUCE = Path(sys.executable).with_name("coproduce")


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
    assert all("key" not in i for i in listed)


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
    assert item["provenance"] == {
        "facilitator": "youth worker",
        "group": "Youth forum",
        "people": 8,
        "date": "2026-11-10",
    }
    assert item["participant"] == "anonymous" and item["channel"] == "facilitated"
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
