"""Replies made by LibreOffice to our own sent drafts import like Word's."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from coproduce.channels.gather import import_files
from coproduce.demo.reply import SYSTEM_PYTHON, libreoffice_available
from coproduce.docx.properties import stamp_participant
from coproduce.models import BUILT_IN_AUDIENCES, AnchorStatus

from .conftest import OpenCycle

HERE = Path(__file__).resolve().parent


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(not libreoffice_available(), reason="needs LibreOffice and python3-uno")
def test_a_libreoffice_reply_to_our_draft_names_its_sender_and_anchors_its_changes(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    who = open_cycle.people["practitioners"][1]
    sent = tmp_path / "sent.docx"
    sent.write_bytes(stamp_participant(open_cycle.draft.read_bytes(), who))
    reply = tmp_path / "reply.docx"
    subprocess.run(
        [
            str(SYSTEM_PYTHON),
            str(HERE / "lo_reply.py"),
            str(tmp_path),
            str(sent),
            str(reply),
            "not keeping a young person safe",
            "Who decides that?",
            "raise a concern about a plan",
            " or a decision",
        ],
        check=True,
        timeout=180,
    )
    report = import_files(
        repo=open_cycle.repo,
        register=open_cycle.register,
        cycle_id=open_cycle.cycle_id,
        paths=[reply],
        audiences=list(BUILT_IN_AUDIENCES),
    )
    # LibreOffice records the comment's anchor as an empty tracked insertion: it adds no item.
    comment, suggestion = report.recorded
    assert {i.participant for i in report.recorded} == {who}
    # LibreOffice signs both with its user's name (lo_reply.py); items bound for git never do.
    assert not any("Robin" in i.model_dump_json() for i in report.recorded)
    assert comment.kind == "comment" and comment.text == "Who decides that?"
    assert comment.anchor is not None and comment.anchor.section == "when"
    assert comment.anchor.exact == "not keeping a young person safe"
    assert comment.anchor.status is AnchorStatus.EXACT
    assert suggestion.kind == "suggestion" and suggestion.anchor is not None
    assert suggestion.anchor.section == "purpose"
    assert suggestion.suggestion == (
        "This policy says how practitioners raise a concern about a plan or a decision."
    )
