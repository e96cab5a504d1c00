"""Youth twin staleness, section by section, from the histories of the twin and its parent."""

from __future__ import annotations

from coproduce.review.twin import find_stale_sections, twin_section_commits
from coproduce.store import GuidanceRepo
from tests.review.conftest import LEAD, POLICY

SLUG = "escalation-policy"
PARENT = f"guidance/{SLUG}.md"
TWIN_PATH = f"guidance/{SLUG}.young-people.md"
TWIN = """---
title: Escalation, the short version
twin_of: escalation-policy
---

## Why this matters {#purpose}

Workers speak up when a plan is not working for you.

## When workers act {#when}

If you are not safe, a worker tells someone more senior.
"""
NEW_PURPOSE = POLICY.replace("raise a concern about a plan", "challenge a plan")
NEW_BOTH = NEW_PURPOSE.replace(
    "is not keeping a young person safe", "leaves a young person at risk"
)


def commit(repo: GuidanceRepo, path: str, text: str, message: str) -> str:
    return repo.commit_files({path: text}, author=LEAD, message=message)


def stale_at(repo: GuidanceRepo, rev: str = "HEAD") -> list[str]:
    parent = repo.read_document(SLUG, rev=rev)
    twin = repo.read_twin(SLUG, rev=rev)
    assert twin is not None
    return find_stale_sections(repo=repo, slug=SLUG, rev=rev, parent=parent, twin=twin)


def test_a_twin_written_after_its_parent_is_not_stale(repo: GuidanceRepo) -> None:
    commit(repo, TWIN_PATH, TWIN, "Add twin")
    assert stale_at(repo) == []


def test_only_the_twin_sections_whose_parent_changed_later_are_stale(repo: GuidanceRepo) -> None:
    commit(repo, TWIN_PATH, TWIN, "Add twin")
    commit(repo, PARENT, NEW_BOTH, "Reword purpose and when")
    assert stale_at(repo) == ["purpose", "when"]


def test_rewriting_one_twin_section_clears_only_that_section(repo: GuidanceRepo) -> None:
    commit(repo, TWIN_PATH, TWIN, "Add twin")
    commit(repo, PARENT, NEW_BOTH, "Reword purpose and when")
    commit(repo, TWIN_PATH, TWIN.replace("tells someone", "must tell someone"), "Update when")
    # The twin file is newer than every parent change; its purpose section is not.
    assert stale_at(repo) == ["purpose"]


def test_parent_changes_after_the_cycle_s_draft_do_not_count(repo: GuidanceRepo) -> None:
    commit(repo, TWIN_PATH, TWIN, "Add twin")
    proposed = commit(repo, PARENT, NEW_PURPOSE, "Reword purpose")
    later = NEW_BOTH.replace("challenge a plan", "question a plan")
    commit(repo, PARENT, later, "Reword both again, after the draft went out")
    assert stale_at(repo, proposed) == ["purpose"]
    assert stale_at(repo) == ["purpose", "when"]


def test_each_twin_section_is_dated_by_the_last_commit_that_changed_it(
    repo: GuidanceRepo,
) -> None:
    added = commit(repo, TWIN_PATH, TWIN, "Add twin")
    edited = commit(repo, TWIN_PATH, TWIN.replace("speak up", "speak out"), "Edit purpose")
    assert twin_section_commits(repo=repo, slug=SLUG, rev="HEAD") == {
        "purpose": edited,
        "when": added,
    }
    assert twin_section_commits(repo=repo, slug=SLUG, rev=added) == {
        "purpose": added,
        "when": added,
    }


def test_the_store_lists_the_commits_touching_a_path_newest_first(repo: GuidanceRepo) -> None:
    twin = commit(repo, TWIN_PATH, TWIN, "Add twin")
    parent = commit(repo, PARENT, NEW_PURPOSE, "Reword purpose")
    assert [c.sha for c in repo.commits_touching([TWIN_PATH])] == [twin]
    both = repo.commits_touching([PARENT, TWIN_PATH])
    assert [c.sha for c in both][:2] == [parent, twin]
    approved = repo.resolve("escalation-policy/v1.0")
    assert [c.sha for c in repo.commits_touching([PARENT], rev=twin)] == [approved]
