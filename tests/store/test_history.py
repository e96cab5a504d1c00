from __future__ import annotations

import pytest

from coproduce.errors import NotFoundError
from coproduce.store import section_history


def hand_commit(repo, git, person, text, message):
    """Edit the policy by hand and commit it with the git command line, as ``person``."""
    repo.document_path("escalation").write_text(text)
    git(repo.root, "commit", "-q", "-a", "-m", message, person=person)
    return git(repo.root, "rev-parse", "HEAD").strip()


@pytest.fixture
def reviewed(repo, git, lead, secretary, practitioner, policy):
    """Four commits by three people, two of them made by hand with plain git."""
    shas = [repo.write_document(policy(), slug="escalation", author=lead, message="Add",
                                create=True)]  # fmt: skip
    when_edit = policy().replace("not keeping", "clearly not keeping")
    shas.append(hand_commit(repo, git, practitioner, when_edit, "Sharpen when to escalate"))
    purpose = policy(purpose="This policy says how anyone raises a concern.")
    shas.append(
        repo.write_document(
            purpose.replace("not keeping", "clearly not keeping"),
            slug="escalation",
            author=secretary,
            message="Widen who can raise a concern",
            trailers={"Feedback": ["FB-0012"]},
        )
    )
    renamed = repo.read_text("escalation").replace(
        "## Purpose {#purpose}", "## Why this policy exists {#purpose}"
    )
    shas.append(
        hand_commit(repo, git, practitioner, renamed,
                    "Plainer heading\n\nFeedback: FB-0020, FB-0021")
    )  # fmt: skip
    return repo, shas


def test_section_history_names_each_commit_that_changed_the_section_newest_first(reviewed):
    repo, shas = reviewed

    history = section_history(repo, "escalation", "purpose")

    assert [(c.commit, c.change) for c in history] == [
        (shas[3], "modified"),
        (shas[2], "modified"),
        (shas[0], "added"),
    ]
    assert [c.author.name for c in history] == ["Jo Practitioner", "Ola Secretary", "Sam Lead"]
    assert [c.feedback for c in history] == [["FB-0020", "FB-0021"], ["FB-0012"], []]
    assert history[0].message.startswith("Plainer heading")


def test_a_hand_made_commit_counts_like_any_other(reviewed):
    repo, shas = reviewed

    history = repo.section_history("escalation", "when")

    assert [(c.commit, c.change, c.author.email) for c in history] == [
        (shas[1], "modified", "jo@example.org"),
        (shas[0], "added", "sam.lead@example.org"),
    ]


def test_renaming_a_heading_with_an_explicit_id_keeps_its_history_continuous(reviewed):
    repo, _ = reviewed

    history = section_history(repo, "escalation", "purpose")

    assert repo.read_document("escalation").section_blocks("purpose")[0].text == (
        "Why this policy exists"
    )
    assert len(history) == 3 and history[-1].change == "added"


def test_a_removed_and_restored_section_shows_both(repo, lead, policy):
    extra = "\n## Contacts {#contacts}\n\nCall the duty team.\n"
    repo.write_document(policy(), slug="escalation", author=lead, message="Add", create=True)
    repo.write_document(policy(extra=extra), slug="escalation", author=lead, message="Contacts")
    repo.write_document(policy(), slug="escalation", author=lead, message="Drop contacts")
    repo.write_document(policy(extra=extra), slug="escalation", author=lead, message="Restore")

    history = section_history(repo, "escalation", "contacts")

    assert [(c.message, c.change) for c in history] == [
        ("Restore", "added"),
        ("Drop contacts", "removed"),
        ("Contacts", "added"),
    ]


def test_an_unknown_section_is_refused_with_close_matches(reviewed):
    repo, _ = reviewed

    with pytest.raises(
        NotFoundError, match=r"no section 'purpos' in escalation \(did you mean: purpose"
    ):
        section_history(repo, "escalation", "purpos")


def test_an_unknown_document_is_refused(repo):
    with pytest.raises(NotFoundError, match="no guidance document 'nothing'"):
        section_history(repo, "nothing", "purpose")


def test_each_version_is_parsed_once(reviewed, monkeypatch):
    import coproduce.document

    repo, shas = reviewed
    calls = []
    real = coproduce.document.parse_markdown

    def counting(text, *, slug):
        calls.append(text)
        return real(text, slug=slug)

    monkeypatch.setattr(coproduce.document, "parse_markdown", counting)
    section_history(repo, "escalation", "purpose")

    assert len(calls) == len(set(calls)) == len(shas)
