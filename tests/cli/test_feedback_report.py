"""``coproduce feedback-report``: write the report to read, then send it, once, as a user would."""

from __future__ import annotations

import json
from pathlib import Path

from tests.review.conftest import isolated_env
from tests.review.outcomes.conftest import (
    RecordingHandler,
    closed_port,
    decided,
    mailbox,
    smtp_server,
)

__all__ = ["closed_port", "decided", "isolated_env", "mailbox", "smtp_server"]


def test_the_report_is_written_to_read_and_nothing_is_sent_or_committed(
    cli, decided, mailbox: RecordingHandler, git_state
) -> None:  # type: ignore[no-untyped-def]
    decided.decide("approved")
    before = git_state(decided.repo.root)
    out = decided.repo.root / "you-said-we-did"  # inside the repository, as the issue shows
    result = cli("feedback-report", decided.cycle_id, "-o", "you-said-we-did/",
                 cwd=decided.repo.root)  # fmt: skip
    assert result.code == 0, result.err
    assert "Wrote 5 message(s) and the summaries to you-said-we-did (nothing sent)" in result.out
    assert "1 participant(s) opted out of mail: not written to" in result.out
    assert "1 participant(s) erased from the register: not written to" in result.out
    assert (out / "summary.md").is_file() and len(list((out / "participants").glob("*.eml"))) == 5
    assert mailbox.received == []
    assert git_state(decided.repo.root) == before  # its .gitignore keeps personal data out


def test_send_tells_everyone_once_and_a_rerun_sends_nothing(
    cli, decided, mailbox: RecordingHandler, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import os

    decided.decide("approved")
    smtp = {"COPRODUCE_SMTP_URL": os.environ["COPRODUCE_SMTP_URL"]}
    first = cli("feedback-report", decided.cycle_id, "--send", cwd=decided.repo.root,
                extra_env=smtp)  # fmt: skip
    assert first.code == 0, first.err
    assert "Sent 5 message(s) about the approved decision; 0 already sent before" in first.out
    again = cli("feedback-report", decided.cycle_id, "--send", "--json", cwd=decided.repo.root,
                extra_env=smtp)  # fmt: skip
    assert again.code == 0, again.err
    data = json.loads(again.out)
    assert data["sent"]["sent"] == [] and len(data["sent"]["already"]) == 5
    assert len(mailbox.received) == 5


def test_no_decision_yet_is_one_line_and_changes_nothing(
    cli, decided, git_state, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = git_state(decided.repo.root)
    result = cli("feedback-report", decided.cycle_id, "-o", str(tmp_path / "o"),
                 cwd=decided.repo.root)  # fmt: skip
    assert result.code != 0
    assert result.err.startswith("error: no board decision recorded on review")
    assert len(result.err.strip().splitlines()) == 1
    assert git_state(decided.repo.root) == before and not (tmp_path / "o").exists()


def test_an_unknown_cycle_or_no_action_is_one_line(cli, decided) -> None:  # type: ignore[no-untyped-def]
    unknown = cli("feedback-report", "2026-q4-nothing", "--send", cwd=decided.repo.root)
    assert unknown.code != 0 and "no review cycle '2026-q4-nothing'" in unknown.err
    nothing = cli("feedback-report", decided.cycle_id, cwd=decided.repo.root)
    assert nothing.code != 0
    assert nothing.err.strip() == "error: say what to do: -o DIR to write the report, or --send"
