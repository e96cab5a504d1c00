"""Triage on a real repository: outcomes recorded in git, what is left, what is acted on."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.triage import disposition_path, load_triage, set_outcome
from tests.pack.scenario import SLUG, build_scenario, edit
from tests.review.conftest import LEAD


def test_an_outcome_is_recorded_in_git_with_who_set_it_and_when(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    done = set_outcome(
        repo=s.repo, feedback_id=s.ids["named"], outcome="accepted", reason="Done.", author=LEAD
    )
    path = s.repo.root / disposition_path(s.cycle_id, done.feedback)
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert saved["outcome"] == "accepted"
    assert saved["decided_by"] == "Sam Lead"
    assert saved["decided"]
    assert not s.repo.backend.dirty_paths([str(path.relative_to(s.repo.root))])


def test_a_duplicate_must_name_an_item_of_the_same_cycle(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    with pytest.raises(InvalidInputError) as caught:
        set_outcome(
            repo=s.repo, feedback_id=s.ids["named"], outcome="duplicate", reason="x", author=LEAD
        )
    assert "duplicate_of" in caught.value.render()
    with pytest.raises(InvalidInputError) as unknown:
        set_outcome(
            repo=s.repo, feedback_id=s.ids["named"], outcome="duplicate", reason="Same point.",
            duplicate_of="FB-9999", author=LEAD,
        )  # fmt: skip
    assert "not an item of this cycle" in unknown.value.render()
    assert load_triage(s.repo, s.cycle_id).dispositions == {}


def test_an_unknown_outcome_names_the_seven_there_are(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    with pytest.raises(InvalidInputError) as caught:
        set_outcome(
            repo=s.repo, feedback_id=s.ids["named"], outcome="maybe", reason="x", author=LEAD
        )
    assert "accepted, partly-accepted, not-accepted, noted, out-of-scope, duplicate" in (
        caught.value.render()
    )


def test_an_unknown_item_is_not_found(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    with pytest.raises(NotFoundError, match="FB-0404"):
        set_outcome(repo=s.repo, feedback_id="FB-0404", outcome="noted", reason="x", author=LEAD)


def test_triage_lists_what_needs_an_outcome_and_what_is_accepted_but_not_acted_on(
    tmp_path: Path,
) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    set_outcome(
        repo=s.repo, feedback_id=s.ids["named"], outcome="accepted", reason="Yes.", author=LEAD
    )
    set_outcome(
        repo=s.repo, feedback_id=s.ids["unnamed"], outcome="accepted", reason="Yes.", author=LEAD
    )
    triage = load_triage(s.repo, s.cycle_id)
    assert [i.id for i in triage.undecided] == [
        s.ids[r] for r in ("youth", "quiet", "harm", "rejected")
    ]
    assert [i.id for i in triage.not_acted_on] == [s.ids["named"]]
    assert triage.state_of(s.ids["named"]) == "accepted, not yet acted on"
    assert triage.state_of(s.ids["unnamed"]) == "accepted"


def test_a_plain_git_commit_with_the_trailer_counts_as_acting_on_an_item(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo")
    edit(s.repo, "how practitioners", "how practitioners and duty managers")
    message = f"Name the duty manager\n\nFeedback: {s.ids['named']}\n"
    root = str(s.repo.root)
    subprocess.run(["git", "-C", root, "add", f"guidance/{SLUG}.md"], check=True)
    identity = ["-c", "user.name=Hand Editor", "-c", "user.email=hand@example.org"]
    subprocess.run(["git", "-C", root, *identity, "commit", "-qm", message], check=True)
    assert load_triage(s.repo, s.cycle_id).not_acted_on == []
