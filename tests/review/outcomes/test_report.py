"""The report to read before sending: every message and the per-audience summaries, in a
folder; nothing sent, nothing committed, nobody named in the summaries, consent respected."""

from __future__ import annotations

import json
from pathlib import Path

from coproduce.review.outcomes import write_feedback_report
from tests.pack.scenario import PEOPLE, QUIET_WORDS, SAFEGUARDING_WORDS
from tests.review.outcomes.conftest import (
    ERASED,
    OPTED,
    QUIET,
    SCRIPT,
    WORKER_YOUNG,
    YOUNG,
    YOUNG_NAMES,
    Decided,
    RecordingHandler,
)

EVERYONE = [p[0] for p in PEOPLE] + [WORKER_YOUNG, OPTED, ERASED]


def written(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_bytes().decode("utf-8", "replace")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_report_holds_one_message_per_person_told_and_the_summaries(
    decided: Decided, tmp_path: Path
) -> None:
    decided.decide("approved")
    out = tmp_path / "you-said-we-did"
    report = write_feedback_report(
        workspace=decided.workspace(), cycle_id=decided.cycle_id, out_dir=out
    )
    files = written(out)
    told = [decided.people[n] for n in (YOUNG, QUIET, WORKER_YOUNG)]
    for pid in told:
        assert {f"participants/{pid}.{x}" for x in ("txt", "html", "eml")} <= set(files)
    for name in (OPTED, ERASED):
        assert not any(decided.people[name] in path for path in files)
    assert report.messages == 5
    assert {"summary.md", "summary.html", "report.json", ".gitignore"} <= set(files)
    for audience in ("practitioners", "partners", "young-people"):
        assert {f"summaries/{audience}.md", f"summaries/{audience}.html"} <= set(files)
    assert "## Young people" in files["summaries/young-people.md"]
    assert "## Practitioners" not in files["summaries/young-people.md"]
    assert files[".gitignore"].splitlines()[-1] == "*"
    index = json.loads(files["report.json"])
    assert index["messages"] == 5 and index["young_people"] == 2
    assert index["opted_out"] == [decided.people[OPTED]]


def test_writing_the_report_sends_nothing_and_commits_nothing(
    decided: Decided, mailbox: RecordingHandler, tmp_path: Path
) -> None:
    decided.decide("approved")
    head = decided.repo.resolve("HEAD")
    workspace = decided.workspace()
    write_feedback_report(workspace=workspace, cycle_id=decided.cycle_id, out_dir=tmp_path / "o")
    assert mailbox.received == []
    assert not [m for m in workspace.register.list_messages() if m.kind.startswith("outcome")]
    assert decided.repo.resolve("HEAD") == head


def test_young_people_are_named_in_no_file_of_the_report(decided: Decided, tmp_path: Path) -> None:
    decided.decide("approved")
    write_feedback_report(
        workspace=decided.workspace(), cycle_id=decided.cycle_id, out_dir=tmp_path / "out"
    )
    for path, text in written(tmp_path / "out").items():
        for name in YOUNG_NAMES:
            assert name not in text, f"{name} in {path}"


def test_the_summaries_name_nobody_and_quote_only_with_consent(
    decided: Decided, tmp_path: Path
) -> None:
    decided.decide("approved")
    write_feedback_report(
        workspace=decided.workspace(), cycle_id=decided.cycle_id, out_dir=tmp_path / "out"
    )
    files = written(tmp_path / "out")
    for name in [n for n in files if n.startswith("summar")]:
        summary = files[name]
        for person in EVERYONE:
            assert person not in summary and person.split()[0] not in summary
        assert QUIET_WORDS not in summary  # "do not publish my words"
        assert "Name the escalation lead" not in summary  # erased: nobody left to agree
        assert SAFEGUARDING_WORDS not in summary
        assert "held as a safeguarding concern" not in summary
    for name in ("summary.md", "summary.html", "summaries/young-people.md"):
        assert "Ask us before you decide what happens to us" in files[name]
    assert "| accepted | 2 |" in files["summary.md"]
    assert "added “within one working day”" in files["summary.md"]
    # The person who withheld their words still reads them in their own message.
    assert QUIET_WORDS in files[f"participants/{decided.people[QUIET]}.txt"]


def test_script_in_feedback_is_shown_as_text_everywhere(decided: Decided, tmp_path: Path) -> None:
    decided.decide("approved")
    write_feedback_report(
        workspace=decided.workspace(), cycle_id=decided.cycle_id, out_dir=tmp_path / "out"
    )
    files = written(tmp_path / "out")
    page = files[f"participants/{decided.people[WORKER_YOUNG]}.html"]
    for html in (files["summary.html"], page):
        assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in files["summary.md"] and "&lt;script&gt;" in files["summary.md"]


def test_a_returned_summary_says_when_everyone_hears_next(decided: Decided, tmp_path: Path) -> None:
    decided.decide("returned")
    write_feedback_report(
        workspace=decided.workspace(), cycle_id=decided.cycle_id, out_dir=tmp_path / "out"
    )
    summary = written(tmp_path / "out")["summary.md"]
    assert "returned the draft for more work: it is not yet approved" in summary
    assert "hear again by Friday 15 January 2027" in summary  # 18 Dec + 28 days
    assert "What changed" not in summary
