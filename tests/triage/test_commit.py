"""``coproduce commit``: edits committed with a Feedback: trailer per item acted on."""

from __future__ import annotations

from pathlib import Path

import pytest

from coproduce.errors import InvalidInputError
from coproduce.store.message import feedback_ids
from coproduce.triage.commit import commit_for_feedback
from tests.pack.scenario import EDITOR, SLUG, build_scenario, edit


def test_a_commit_names_every_item_it_acts_on_in_trailers(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    edit(s.repo, "how practitioners", "how practitioners and managers")
    ids = [s.ids["named"], s.ids["rejected"]]
    sha = commit_for_feedback(s.repo, SLUG, message="Reword", feedback=ids, author=EDITOR)
    message = s.repo.backend.log(sha, "-1")[0].message
    assert feedback_ids(message) == ids
    assert f"Review-Cycle: {s.cycle_id}" in message


def test_an_item_not_in_a_review_of_the_document_is_refused_and_nothing_is_committed(
    tmp_path: Path,
) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    edit(s.repo, "how practitioners", "how practitioners and managers")
    head = s.repo.resolve("HEAD")
    with pytest.raises(InvalidInputError) as caught:
        commit_for_feedback(s.repo, SLUG, message="Reword", feedback=["FB-0999"], author=EDITOR)
    assert "FB-0999 is not an item" in caught.value.render()
    assert s.repo.resolve("HEAD") == head
    assert s.repo.backend.dirty_paths([f"guidance/{SLUG}.md"])


def test_nothing_edited_means_nothing_to_commit(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    with pytest.raises(InvalidInputError, match="nothing to commit"):
        commit_for_feedback(s.repo, SLUG, message="x", feedback=[s.ids["named"]], author=EDITOR)


def test_edits_that_do_not_parse_are_refused(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    path = s.repo.document_path(SLUG)
    path.write_text("---\ntitle: [unclosed\n---\n\nText\n", encoding="utf-8")
    with pytest.raises(InvalidInputError):
        commit_for_feedback(s.repo, SLUG, message="x", feedback=[], author=EDITOR)
    assert not s.repo.backend.run("diff", "--cached", "--name-only").strip()


def test_a_failed_commit_leaves_the_edits_in_the_working_tree(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    edit(s.repo, "how practitioners", "how practitioners and managers")
    edited = s.repo.document_path(SLUG).read_text(encoding="utf-8")
    head = s.repo.resolve("HEAD")
    with pytest.raises(InvalidInputError, match="cannot write the commit message"):
        commit_for_feedback(s.repo, SLUG, message="  ", feedback=[s.ids["named"]], author=EDITOR)
    assert s.repo.document_path(SLUG).read_text(encoding="utf-8") == edited
    assert s.repo.resolve("HEAD") == head


def test_a_new_youth_twin_is_committed_with_the_document(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    twin = s.repo.root / "guidance" / f"{SLUG}.young-people.md"
    twin.write_text("---\ntitle: Speaking up\n---\n\n# Speaking up {#purpose}\n\nTell us.\n")
    sha = commit_for_feedback(s.repo, SLUG, message="Add a twin", feedback=[s.ids["youth"]],
                              author=EDITOR)  # fmt: skip
    assert s.repo.read_file(f"guidance/{SLUG}.young-people.md", sha).endswith("Tell us.\n")
    assert not s.repo.backend.dirty_paths([f"guidance/{SLUG}.young-people.md"])
