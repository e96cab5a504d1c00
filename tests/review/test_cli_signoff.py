"""``coproduce signoff`` as a user runs it: what it prints, and refusals that change nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coproduce.pack import PackResult
from tests.pack.scenario import SLUG, Scenario
from tests.review.test_cli import run
from tests.review.test_signoff import BOARD, MINUTE, packed, snapshot

__all__ = ["packed"]


def signoff(s: Scenario, *args: str) -> tuple[int, str, str]:
    done = run(s.repo, "signoff", s.cycle_id, "--by", BOARD, "--minute", MINUTE, *args)
    return done.returncode, done.stdout, done.stderr


def test_a_return_prints_where_the_cycle_went_and_when_people_hear_next(
    packed: tuple[Scenario, PackResult],
) -> None:
    s, _ = packed
    code, out, err = signoff(
        s, "--decision", "returned", "--note", "Revisit section 4", "--date", "2027-01-10"
    )
    assert (code, err) == (0, "")  # prefect was not imported either
    assert out.splitlines() == [
        f"{s.cycle_id} is returned: back to triage; participants hear next by 2027-02-07",
        f"Next: coproduce feedback-report {s.cycle_id} -o you-said-we-did/ to read what each "
        f"person will be told, then coproduce feedback-report {s.cycle_id} --send",
    ]


def test_a_tampered_pack_is_one_line_a_non_zero_exit_and_changes_nothing(
    packed: tuple[Scenario, PackResult],
) -> None:
    s, built = packed
    chart = built.folder / "participation-chart.png"
    chart.write_bytes(chart.read_bytes() + b"\0")
    before = snapshot(s.repo)
    code, out, err = signoff(
        s, "--decision", "approved", "--version", "1.1", "--pack", str(built.folder)
    )
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"error: the pack in {built.folder} changed after it was built: "
        "participation-chart.png: sha256 differs from the manifest"
    ]
    assert snapshot(s.repo) == before


def test_an_unknown_decision_and_a_bad_date_are_one_line_each(
    packed: tuple[Scenario, PackResult],
) -> None:
    s, _ = packed
    before = snapshot(s.repo)
    for args, line in (
        (("--decision", "deferred"), "error: unknown decision 'deferred': choose one of"),
        (("--decision", "approved", "--date", "10/01/2027"), "error: --date must be a date"),
    ):
        code, _, err = signoff(s, *args)
        assert code == 2 and len(err.splitlines()) == 1 and err.startswith(line), err
    assert snapshot(s.repo) == before


@pytest.mark.slow
@pytest.mark.libreoffice
def test_an_approval_prints_the_tag_and_every_published_file_as_json(
    packed: tuple[Scenario, PackResult],
) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    s, built = packed
    code, out, err = signoff(
        s, "--decision", "approved", "--version", "1.1", "--pack", str(built.folder), "--json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["outcome"], data["state"], data["tag"]) == ("approved", "approved", f"{SLUG}/v1.1")
    assert data["pack_manifest_sha256"] == built.manifest_sha256
    assert sorted(Path(p).suffix for p in data["published"]) == [".docx", ".html", ".pdf"]
    assert all(Path(p).is_file() for p in data["published"])


def test_review_decide_is_the_older_form_of_the_same_decision(
    packed: tuple[Scenario, PackResult],
) -> None:
    s, _ = packed
    done = run(
        s.repo, "review", "decide", s.cycle_id, "--outcome", "rejected", "--decided-by", BOARD,
        "--decided", "2027-01-10", "--notes", "Start again with young people",
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[0] == (
        f"{s.cycle_id} is rejected: the review has ended; participants hear next by 2027-02-07"
    )
    assert done.stdout.splitlines()[1].startswith(f"Next: coproduce feedback-report {s.cycle_id}")
