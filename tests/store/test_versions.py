from __future__ import annotations

import re

import pytest

from coproduce.errors import ConflictError, InvalidInputError, NotFoundError


@pytest.fixture
def drafted(repo, lead, secretary, policy):
    """Three commits changing the policy, with an unrelated commit between them."""
    repo.write_document(policy(), slug="escalation", author=lead, message="Add", create=True)
    repo.write_document(policy(purpose="Second."), slug="escalation", author=lead, message="Second")
    repo.commit_files({"reviews/c1/cycle.yaml": "x: 1\n"}, author=lead, message="Unrelated")
    repo.write_document(
        policy(purpose="Third."), slug="escalation", author=secretary, message="Third"
    )
    return repo


def test_versions_lists_each_commit_changing_the_document_newest_first(drafted):
    versions = drafted.versions("escalation")

    assert [v.message for v in versions] == ["Third", "Second", "Add"]
    assert versions[0].author.name == "Ola Secretary"
    assert not any(v.approved for v in versions)


def test_approve_makes_an_annotated_tag_by_the_approver_and_marks_the_version(
    drafted, secretary, git
):
    tag = drafted.approve("escalation", "1.0", author=secretary, message="Board, 3 March")

    assert tag == "escalation/v1.0"
    assert git(drafted.root, "cat-file", "-t", tag).strip() == "tag"
    tagger = git(
        drafted.root, "for-each-ref", "--format=%(taggername)|%(contents)", f"refs/tags/{tag}"
    )
    assert tagger.strip() == "Ola Secretary|Board, 3 March"
    newest = drafted.versions("escalation")[0]
    assert (newest.tag, newest.number, newest.approved) == ("escalation/v1.0", "1.0", True)


def test_approve_tags_the_commit_that_last_changed_the_document(drafted, lead, git):
    git(drafted.root, "commit", "-q", "--allow-empty", "-m", "Empty", person=lead)

    drafted.approve("escalation", "1.0", author=lead)

    assert drafted.resolve("escalation/v1.0") == drafted.versions("escalation")[0].commit


def test_approve_refuses_an_existing_tag_and_a_number_not_above_the_latest(drafted, lead):
    drafted.approve("escalation", "1.1", author=lead, rev="HEAD~1")

    with pytest.raises(ConflictError, match=re.escape("tag escalation/v1.1 already exists")):
        drafted.approve("escalation", "1.1", author=lead)
    with pytest.raises(
        ConflictError, match=re.escape("escalation/v1.0 is not newer than escalation/v1.1")
    ):
        drafted.approve("escalation", "1.0", author=lead)
    with pytest.raises(InvalidInputError, match=re.escape("MAJOR.MINOR")):
        drafted.approve("escalation", "2", author=lead)
    assert drafted.approve("escalation", "1.10", author=lead) == "escalation/v1.10"


def test_approve_refuses_a_revision_where_the_document_does_not_exist(drafted, lead):
    first = drafted.versions("escalation")[-1].commit

    with pytest.raises(NotFoundError, match="no guidance document 'escalation' at"):
        drafted.approve("escalation", "1.0", author=lead, rev=f"{first}~1")
    with pytest.raises(NotFoundError, match="unknown revision 'nowhere'"):
        drafted.approve("escalation", "1.0", author=lead, rev="nowhere")


def test_latest_approved_picks_the_highest_number_and_honours_before(drafted, lead):
    assert drafted.latest_approved("escalation") is None
    oldest, middle, newest = reversed(drafted.versions("escalation"))
    drafted.approve("escalation", "0.9", author=lead, rev=oldest.commit)
    drafted.approve("escalation", "1.0", author=lead, rev=middle.commit)

    latest = drafted.latest_approved("escalation")
    assert latest is not None and (latest.number, latest.commit) == ("1.0", middle.commit)
    earlier = drafted.latest_approved("escalation", before=middle.commit)
    assert earlier is not None and earlier.tag == "escalation/v0.9"
    at_tip = drafted.latest_approved("escalation", before=newest.commit)
    assert at_tip is not None and at_tip.number == "1.0"


def test_commits_between_lists_changes_after_the_base_oldest_first(drafted, lead):
    drafted.approve("escalation", "1.0", author=lead, rev="HEAD~2")

    since_approval = drafted.commits_between("escalation/v1.0", "HEAD", "escalation")
    everything = drafted.commits_between(None, "HEAD", "escalation")

    assert [v.message for v in since_approval] == ["Third"]
    assert [v.message for v in everything] == ["Add", "Second", "Third"]
    assert everything[1].tag == "escalation/v1.0"


def test_versions_of_an_unknown_document_name_the_known_ones(drafted):
    with pytest.raises(NotFoundError, match=r"no guidance document 'other' \(known: escalation\)"):
        drafted.versions("other")
