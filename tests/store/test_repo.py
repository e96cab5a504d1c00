from __future__ import annotations

import re
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coproduce.errors import ConflictError, CoproduceError, InvalidInputError, NotFoundError
from coproduce.store import GuidanceRepo


def test_init_makes_a_committed_repository_on_main_with_folders_settings_and_ignore(
    tmp_path, lead, git
):
    repo = GuidanceRepo.init(tmp_path / "new", author=lead)

    root = tmp_path / "new"
    assert repo.root == root.resolve()
    assert git(root, "branch", "--show-current").strip() == "main"
    assert sorted(git(root, "ls-files").split()) == [
        ".gitignore",
        "coproduce.toml",
        "guidance/.gitkeep",
        "reviews/.gitkeep",
        "templates/README.md",
    ]
    assert ".coproduce/" in (root / ".gitignore").read_text().splitlines()
    assert "your own wording" in (root / "templates" / "README.md").read_text()
    assert tomllib.loads((root / "coproduce.toml").read_text()) is not None
    assert git(root, "log", "--format=%an <%ae>").strip() == "Sam Lead <sam.lead@example.org>"
    assert git(root, "status", "--porcelain") == ""


def test_init_refuses_a_folder_that_is_already_a_coproduce_repository(repo, lead):
    with pytest.raises(ConflictError, match="already a coproduce repository"):
        GuidanceRepo.init(repo.root, author=lead)


def test_init_refuses_a_non_empty_folder_that_is_not_a_git_repository(tmp_path, lead):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")

    with pytest.raises(ConflictError, match="not empty"):
        GuidanceRepo.init(folder, author=lead)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_init_adds_to_an_existing_git_repository_keeping_its_history_and_staged_work(
    tmp_path, lead, practitioner, git
):
    root = tmp_path / "existing"
    root.mkdir()
    git(root, "init", "-q", "-b", "trunk")
    (root / ".gitignore").write_text("*.tmp")
    (root / "README.md").write_text("ours\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "First", person=practitioner)
    (root / "draft.txt").write_text("staged, not ours to commit\n")
    git(root, "add", "draft.txt")

    GuidanceRepo.init(root, author=lead)

    assert git(root, "log", "--format=%s").split("\n")[:2] == [
        "Create guidance repository",
        "First",
    ]
    assert (root / ".gitignore").read_text() == "*.tmp\n.coproduce/\n"
    assert git(root, "status", "--porcelain").strip() == "A  draft.txt"


def test_open_names_the_folder_and_how_to_fix_it_when_it_is_not_a_repository(tmp_path):
    with pytest.raises(NotFoundError) as caught:
        GuidanceRepo.open(tmp_path)
    assert str(caught.value) == f"not a coproduce repository: {tmp_path} (run coproduce init)"


def test_the_workspace_prefers_explicit_then_environment_then_walks_up_from_cwd(tmp_path, lead):
    from coproduce.workspace import open_workspace

    first = GuidanceRepo.init(tmp_path / "first", author=lead)
    second = GuidanceRepo.init(tmp_path / "second", author=lead)
    nested = second.root / "guidance" / "deep"
    nested.mkdir(parents=True)
    env = {"COPRODUCE_REPO": str(first.root)}

    assert open_workspace(cwd=nested, env={}).repo.root == second.root
    assert GuidanceRepo.find(cwd=nested).root == second.root
    assert open_workspace(cwd=nested, env=env).repo.root == first.root
    assert open_workspace(repo=second.root, cwd=nested, env=env).repo.root == second.root
    with pytest.raises(NotFoundError, match="run coproduce init"):
        GuidanceRepo.find(cwd=tmp_path)


def test_state_dir_is_created_on_demand_and_ignored_by_git(repo, git):
    assert not (repo.root / ".coproduce").exists()

    state = repo.state_dir
    (state / "register.sqlite3").write_text("x")

    assert state == repo.root / ".coproduce"
    assert git(repo.root, "status", "--porcelain") == ""


def test_state_dir_comes_from_coproduce_state_when_set(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("COPRODUCE_STATE", str(tmp_path / "elsewhere"))

    assert GuidanceRepo.open(repo.root).state_dir == tmp_path / "elsewhere"
    assert (tmp_path / "elsewhere").is_dir()


def test_written_document_reads_back_and_is_listed_without_its_twin(repo, lead, policy):
    repo.write_document(policy(), slug="escalation", author=lead, message="Add", create=True)
    twin = policy(purpose="How to get help when things are not safe.")
    repo.commit_files(
        {"guidance/escalation.young-people.md": twin}, author=lead, message="Add twin"
    )

    assert repo.list_documents() == ["escalation"]
    assert repo.list_documents("HEAD") == ["escalation"]
    assert repo.read_text("escalation") == policy()
    assert repo.read_document("escalation").section_ids()[:2] == ["escalation-policy", "purpose"]
    young = repo.read_twin("escalation")
    assert young is not None and "How to get help" in young.section_blocks("purpose")[1].text
    assert repo.document_path("escalation") == repo.root / "guidance" / "escalation.md"


def test_document_reads_at_a_tag_a_commit_and_a_branch(repo, lead, policy, git):
    first = repo.write_document(
        policy(), slug="escalation", author=lead, message="Add", create=True
    )
    repo.approve("escalation", "1.0", author=lead)
    git(repo.root, "branch", "first-draft")
    repo.write_document(
        policy(purpose="Second wording."), slug="escalation", author=lead, message="Reword"
    )

    assert repo.read_text("escalation", "escalation/v1.0") == policy()
    assert repo.read_text("escalation", first[:10]) == policy()
    assert repo.read_text("escalation", "first-draft") == policy()
    assert "Second wording." in repo.read_text("escalation", "HEAD")
    assert repo.resolve("escalation/v1.0") == first
    assert repo.exists("escalation", "HEAD~2") is False


def test_unknown_slug_and_unknown_revision_are_reported_plainly(repo, lead, policy):
    repo.write_document(policy(), slug="escalation", author=lead, message="Add", create=True)
    repo.write_document(policy(), slug="missing-children", author=lead, message="Add", create=True)

    with pytest.raises(NotFoundError) as slug_error:
        repo.read_text("exploitation")
    with pytest.raises(NotFoundError) as rev_error:
        repo.read_text("escalation", "v9.9")

    assert str(slug_error.value) == (
        "no guidance document 'exploitation' (known: escalation, missing-children)"
    )
    assert str(rev_error.value) == "unknown revision 'v9.9'"


def test_create_refuses_a_duplicate_slug(repo, lead, policy):
    repo.write_document(policy(), slug="escalation", author=lead, message="Add", create=True)

    with pytest.raises(ConflictError, match="duplicate slug"):
        repo.write_document(policy(purpose="Other"), slug="escalation", author=lead,
                            message="Again", create=True)  # fmt: skip
    assert repo.read_text("escalation") == policy()


@pytest.mark.parametrize("stage", [False, True], ids=["unstaged", "staged"])
def test_a_file_with_uncommitted_changes_is_refused_and_left_untouched(
    repo, lead, policy, git, stage
):
    repo.write_document(policy(), slug="escalation", author=lead, message="Add", create=True)
    hand_edit = policy(purpose="Someone is editing this by hand.")
    repo.document_path("escalation").write_text(hand_edit)
    if stage:
        git(repo.root, "add", "guidance/escalation.md")
    head = repo.resolve("HEAD")

    with pytest.raises(
        ConflictError, match=re.escape("uncommitted changes in guidance/escalation.md")
    ):
        repo.write_document(policy(purpose="Tool"), slug="escalation", author=lead, message="x")

    assert repo.document_path("escalation").read_text() == hand_edit
    assert repo.resolve("HEAD") == head


def test_commit_author_and_committer_are_the_acting_person_with_trailers(
    repo, lead, practitioner, policy, git
):
    repo.write_document(policy(), slug="escalation", author=lead, message="Add", create=True)
    repo.write_document(
        policy(purpose="Clearer words."),
        slug="escalation",
        author=practitioner,
        message="Use clearer words",
        trailers={"Feedback": ["FB-0012", "FB-0013"]},
    )

    line = git(repo.root, "log", "-1", "--format=%an|%ae|%cn|%ce")
    assert line.strip() == "Jo Practitioner|jo@example.org|Jo Practitioner|jo@example.org"
    body = git(repo.root, "log", "-1", "--format=%B").strip()
    assert body == "Use clearer words\n\nFeedback: FB-0012\nFeedback: FB-0013"


def test_text_that_does_not_parse_is_refused_before_anything_is_written(repo, lead):
    broken = "---\ntitle: [unclosed\n---\n\n# Policy\n"

    with pytest.raises(InvalidInputError):
        repo.write_document(broken, slug="broken", author=lead, message="Add", create=True)

    assert not repo.document_path("broken").exists()


def test_writing_unchanged_text_makes_no_commit(repo, lead, policy):
    sha = repo.write_document(policy(), slug="escalation", author=lead, message="A", create=True)

    again = repo.write_document(policy(), slug="escalation", author=lead, message="Same")

    assert again == sha == repo.resolve("HEAD")


def test_commit_files_writes_and_deletes_in_one_commit(repo, lead, git):
    repo.commit_files({"reviews/c1/cycle.yaml": "state: open\n"}, author=lead, message="Open")

    sha = repo.commit_files(
        {"reviews/c1/cycle.yaml": None, "reviews/c1/decision.yaml": b"outcome: approved\n"},
        author=lead,
        message="Decide",
    )

    assert git(repo.root, "show", "--name-status", "--format=", sha).split() == [
        "D", "reviews/c1/cycle.yaml", "A", "reviews/c1/decision.yaml",
    ]  # fmt: skip
    assert repo.read_file("reviews/c1/decision.yaml", sha) == "outcome: approved\n"
    assert not (repo.root / "reviews/c1/cycle.yaml").exists()


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", ".git/config", "a/../../b"])
def test_commit_files_refuses_paths_outside_the_repository(repo, lead, path):
    head = repo.resolve("HEAD")

    with pytest.raises(InvalidInputError, match="outside"):
        repo.commit_files({path: "x"}, author=lead, message="Escape")

    assert repo.resolve("HEAD") == head
    assert not (Path(repo.root).parent / "outside.txt").exists()


def test_read_file_names_a_missing_file_and_its_revision(repo):
    with pytest.raises(NotFoundError, match=re.escape("no file reviews/none.yaml at 'HEAD'")):
        repo.read_file("reviews/none.yaml", "HEAD")


def test_a_refused_commit_puts_the_files_and_the_index_back(repo, lead, policy, git):
    repo.write_document(policy(), slug="escalation", author=lead, message="Add", create=True)
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy check failed' >&2\nexit 1\n")
    hook.chmod(0o755)

    with pytest.raises(CoproduceError, match="cannot commit: git failed"):
        repo.write_document(policy(purpose="New."), slug="escalation", author=lead, message="x")

    assert repo.read_text("escalation") == policy()
    assert git(repo.root, "status", "--porcelain") == ""


def test_writers_in_parallel_threads_each_get_their_own_commit(repo, lead, policy):
    slugs = [f"policy-{n}" for n in range(6)]

    def write(slug: str) -> str:
        return repo.write_document(policy(), slug=slug, author=lead, message=slug, create=True)

    with ThreadPoolExecutor(max_workers=6) as pool:
        shas = list(pool.map(write, slugs))

    assert len(set(shas)) == 6
    assert repo.list_documents("HEAD") == slugs
    assert len(repo.backend.log("HEAD")) == 7


def test_a_document_object_is_rendered_to_markdown_before_it_is_committed(repo, lead, policy):
    from coproduce.document import parse_markdown

    document = parse_markdown(policy(), slug="escalation")

    repo.write_document(document, slug="escalation", author=lead, message="Add", create=True)

    assert repo.read_document("escalation") == document
    with pytest.raises(InvalidInputError, match="does not match"):
        repo.write_document(document, slug="other", author=lead, message="Add", create=True)


def test_a_bare_version_number_is_answered_with_the_documents_tag(repo, lead, policy):
    repo.write_document(policy(), slug="escalation", author=lead, message="Add", create=True)
    repo.approve("escalation", "1.0", author=lead)
    head = repo.resolve("HEAD")
    assert repo.resolve_for("escalation", "HEAD", option="--base") == head
    for short in ("1.0", "v1.0"):
        with pytest.raises(NotFoundError) as error:
            repo.resolve_for("escalation", short, option="--base")
        assert str(error.value) == (
            f"unknown revision '{short}'; did you mean --base escalation/v1.0?"
        )
    with pytest.raises(NotFoundError, match=r"^unknown revision 'v9.9'$"):
        repo.resolve_for("escalation", "v9.9", option="--rev")
