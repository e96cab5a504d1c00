"""The board's decision on a real pack: an approval tags, commits and publishes; a return goes
back to triage; a pack changed after it was built is refused and nothing is written."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from coproduce import review
from coproduce.docx import read_docx
from coproduce.errors import ConflictError, CoproduceError, InvalidInputError, NotFoundError
from coproduce.models import CycleState, SignoffResult
from coproduce.pack import PackResult, record_pack
from coproduce.publish import read_index
from coproduce.review.record import load_yaml
from coproduce.review.signoff import sign_off
from coproduce.store import GuidanceRepo
from tests.helpers.pandoc import pandoc_plain
from tests.pack.scenario import SLUG, Scenario, build_scenario, edit
from tests.pack.test_pack import make_pack
from tests.review.conftest import LEAD

BOARD = "Safeguarding Partnership Executive"
MINUTE = "SPE 2026/14"
DECIDED = dt.date(2027, 1, 10)


@pytest.fixture
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Publish without a PDF, as on a machine without LibreOffice (one test makes a real one)."""
    monkeypatch.setattr("coproduce.publish.pdf.soffice", lambda: None)


@pytest.fixture
def packed(tmp_path: Path) -> tuple[Scenario, PackResult]:
    """Return a cycle whose complete pack was built and recorded: it awaits the board."""
    s = build_scenario(tmp_path / "repo")
    built = make_pack(s, tmp_path / "packs")
    record_pack(
        repo=s.repo, manifest=built.manifest, manifest_sha256=built.manifest_sha256, author=LEAD
    )
    return s, built


def approve(s: Scenario, **options: object) -> SignoffResult:
    fields: dict[str, object] = {
        "outcome": "approved",
        "decided_by": BOARD,
        "minute": MINUTE,
        "decided": DECIDED,
        "version": "1.1",
    }
    fields.update(options)
    return sign_off(repo=s.repo, cycle_id=s.cycle_id, author=LEAD, **fields)  # type: ignore[arg-type]


def git(repo: GuidanceRepo, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-C",
            str(repo.root),
            "-c",
            "user.name=Alex Editor",
            "-c",
            "user.email=alex.editor@example.org",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def snapshot(repo: GuidanceRepo) -> tuple[str, str, str, bool]:
    """Return what a refusal must leave alone: HEAD, tags, the working tree, published/."""
    return (
        git(repo, "rev-parse", "HEAD"),
        git(repo, "tag", "-l"),
        git(repo, "status", "--porcelain", "--ignored"),
        (repo.root / "published").exists(),
    )


def test_an_approval_puts_an_annotated_tag_recording_the_decision_on_the_approved_text(
    packed: tuple[Scenario, PackResult], no_libreoffice: None
) -> None:
    s, built = packed
    result = approve(s)
    tag = f"{SLUG}/v1.1"
    assert result.tag == tag and result.state == "approved"
    assert git(s.repo, "cat-file", "-t", tag).strip() == "tag"
    message = git(s.repo, "tag", "-l", "--format=%(contents)", tag)
    for line in (
        "Decision: approved",
        f"Body: {BOARD}",
        "Date: 2027-01-10",
        f"Minute: {MINUTE}",
        f"Cycle: {s.cycle_id}",
        f"Pack manifest sha256: {built.manifest_sha256}",
        f"Proposed commit: {built.manifest.proposed_commit}",
        "Amendments: none",
    ):
        assert line in message, line
    tagged = s.repo.read_document(SLUG, tag)
    assert (tagged.meta.status, tagged.meta.version) == ("approved", "1.1")
    proposed = s.repo.read_document(SLUG, built.manifest.proposed_commit)
    assert tagged.blocks == proposed.blocks
    assert result.commit == s.repo.resolve(tag)
    assert result.approved_commit == built.manifest.proposed_commit
    assert review.load_cycle(s.repo, s.cycle_id).state is CycleState.APPROVED
    record = load_yaml((s.repo.root / "reviews" / s.cycle_id / "decision.yaml").read_text())
    assert record["minute"] == MINUTE and record["tag"] == tag
    assert record["pack_manifest_sha256"] == built.manifest_sha256
    assert git(s.repo, "status", "--porcelain") == ""


def title_block_apart(text: str) -> tuple[list[str], str]:
    """Return the lines of ``text`` without the status and version rows, and those rows."""
    rows = [ln.strip() for ln in text.splitlines() if ln.strip().startswith(("Status", "Version"))]
    rest = [ln for ln in text.splitlines() if ln.strip() not in rows]
    return rest, " ".join(" ".join(r.split()) for r in rows)


def test_the_published_word_file_reads_as_the_pack_s_clean_version(
    packed: tuple[Scenario, PackResult], no_libreoffice: None
) -> None:
    s, built = packed
    result = approve(s)
    folder = s.repo.root / "published" / SLUG / "v1.1"
    published = folder / f"{SLUG}-v1.1.docx"
    clean = built.folder / f"{SLUG}-proposed.docx"
    assert sorted(Path(p).name for p in result.published) == [
        f"{SLUG}-v1.1.docx",
        f"{SLUG}-v1.1.html",
    ]
    assert read_docx(published, slug=SLUG).document.blocks == (
        read_docx(clean, slug=SLUG).document.blocks
    )
    # pandoc, reading independently, sees the same text but for the title block's status
    # and version rows (the draft's in the pack; Approved and 1.1 once approved).
    theirs, ours = (title_block_apart(pandoc_plain(path)) for path in (clean, published))
    assert ours[0] == theirs[0] and len(ours[0]) > 10
    assert (theirs[1], ours[1]) == ("Status Draft Version 1.0 draft", "Status Approved Version 1.1")
    assert result.notes_for_reader == ["PDF skipped: LibreOffice (soffice) is not installed"]
    metadata = json.loads((folder / "version.json").read_text())
    assert metadata["status"] == "current" and metadata["minute"] == MINUTE
    assert read_index(folder.parent)["current"] == "1.1"
    status = git(s.repo, "status", "--porcelain", "--ignored").splitlines()
    assert "!! published/" in status and not [ln for ln in status if not ln.startswith("!!")]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_makes_the_published_pdf(packed: tuple[Scenario, PackResult]) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    s, _ = packed
    result = approve(s)
    pdf = s.repo.root / "published" / SLUG / "v1.1" / f"{SLUG}-v1.1.pdf"
    assert str(pdf) in result.published
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert result.notes_for_reader == []


def test_a_configured_publication_directory_gets_a_copy(
    packed: tuple[Scenario, PackResult],
    no_libreoffice: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s, _ = packed
    intranet = tmp_path / "intranet"
    intranet.mkdir()
    monkeypatch.setenv("COPRODUCE_PUBLISH_DIRECTORY", str(intranet))
    repo = GuidanceRepo.open(s.repo.root)
    from coproduce.config import load_settings

    repo.configure(settings=load_settings(repo.root))
    result = sign_off(
        repo=repo, cycle_id=s.cycle_id, author=LEAD, outcome="approved",
        decided_by=BOARD, minute=MINUTE, version="1.1",
    )  # fmt: skip
    assert result.publication_copy == str(intranet / SLUG / "v1.1")
    assert (intranet / SLUG / "v1.1" / f"{SLUG}-v1.1.docx").is_file()
    assert json.loads((intranet / SLUG / "index.json").read_text())["current"] == "1.1"


def test_a_later_approval_supersedes_the_earlier_one(
    packed: tuple[Scenario, PackResult], no_libreoffice: None, tmp_path: Path
) -> None:
    s, _ = packed
    approve(s)
    second = review.start_review(
        repo=s.repo, slug=SLUG, closes=dt.date.today() + dt.timedelta(days=20),
        audiences=["practitioners"], author=LEAD,
    ).cycle.id  # fmt: skip
    review.open_cycle(repo=s.repo, cycle_id=second, author=LEAD)
    edit(s.repo, "in writing", "in writing or by phone")
    git(s.repo, "commit", "-qam", "Allow a phone call")
    review.close(repo=s.repo, cycle_id=second, author=LEAD)
    built = make_pack(Scenario(s.repo, second, {}), tmp_path / "packs2")
    record_pack(repo=s.repo, manifest=built.manifest, manifest_sha256=built.manifest_sha256,
                author=LEAD)  # fmt: skip
    sign_off(repo=s.repo, cycle_id=second, author=LEAD, outcome="approved", decided_by=BOARD,
             minute="SPE 2027/3")  # fmt: skip
    shelf = s.repo.root / "published" / SLUG
    index = read_index(shelf)
    assert index["current"] == "1.2"
    assert [(v["version"], v["status"]) for v in index["versions"]] == [
        ("1.2", "current"),
        ("1.1", "superseded"),
    ]
    older = json.loads((shelf / "v1.1" / "version.json").read_text())
    assert older["superseded_by"] == "1.2"
    assert "Superseded" in (shelf / "v1.1" / "README.md").read_text()


def test_a_returned_decision_sends_the_cycle_back_to_triage_with_the_board_s_note(
    packed: tuple[Scenario, PackResult],
) -> None:
    s, _ = packed
    result = sign_off(
        repo=s.repo, cycle_id=s.cycle_id, author=LEAD, outcome="returned", decided_by=BOARD,
        minute=MINUTE, decided=DECIDED, notes="Revisit section 4",
    )  # fmt: skip
    cycle = review.load_cycle(s.repo, s.cycle_id)
    assert cycle.state is CycleState.TRIAGED and result.state == "triaged"
    assert "Revisit section 4" in cycle.history[-1].note
    assert result.next_update == DECIDED + dt.timedelta(days=28)
    assert result.tag is None and git(s.repo, "tag", "-l", f"{SLUG}/v1.1") == ""
    assert not (s.repo.root / "published").exists()


def test_a_rejection_ends_the_cycle_and_records_when_participants_hear_next(
    packed: tuple[Scenario, PackResult],
) -> None:
    s, _ = packed
    result = sign_off(
        repo=s.repo, cycle_id=s.cycle_id, author=LEAD, outcome="rejected", decided_by=BOARD,
        minute=MINUTE, next_update=dt.date(2027, 3, 1),
    )  # fmt: skip
    assert review.load_cycle(s.repo, s.cycle_id).state is CycleState.REJECTED
    record = load_yaml((s.repo.root / "reviews" / s.cycle_id / "decision.yaml").read_text())
    assert (record["outcome"], record["next_update"]) == ("rejected", "2027-03-01")
    assert result.next_update == dt.date(2027, 3, 1)


def test_an_amendment_after_the_pack_is_approved_and_listed_in_the_tag(
    packed: tuple[Scenario, PackResult], no_libreoffice: None
) -> None:
    s, built = packed
    edit(s.repo, "in writing", "in writing, the same day")
    git(s.repo, "commit", "-qam", "Board amendment: the same day")
    amendment = git(s.repo, "rev-parse", "HEAD").strip()
    result = approve(s, amendments=[amendment[:10]])
    assert result.amendments == [amendment] and result.approved_commit == amendment
    message = git(s.repo, "tag", "-l", "--format=%(contents)", f"{SLUG}/v1.1")
    assert f"Amendments: {amendment}" in message
    assert f"Proposed commit: {built.manifest.proposed_commit}" in message
    assert "the same day" in s.repo.read_text(SLUG, f"{SLUG}/v1.1")


def test_the_same_decision_twice_changes_nothing_the_second_time(
    packed: tuple[Scenario, PackResult], no_libreoffice: None
) -> None:
    s, _ = packed
    first = approve(s)
    before = snapshot(s.repo)
    again = approve(s)
    assert again.repeated and not first.repeated
    assert (again.tag, again.commit) == (first.tag, first.commit)
    assert snapshot(s.repo) == before


def test_an_approval_interrupted_after_its_commit_gets_its_tag_and_files_on_the_repeat(
    packed: tuple[Scenario, PackResult], no_libreoffice: None
) -> None:
    s, _ = packed
    first = approve(s)
    git(s.repo, "tag", "-d", f"{SLUG}/v1.1")  # as if the process died after the commit
    shutil.rmtree(s.repo.root / "published" / SLUG)
    head = git(s.repo, "rev-parse", "HEAD")
    again = approve(s)
    assert again.repeated and (again.tag, again.commit) == (first.tag, first.commit)
    assert "Minute: SPE 2026/14" in git(s.repo, "tag", "-l", "--format=%(contents)", again.tag)
    assert [Path(p).name for p in again.published] == [Path(p).name for p in first.published]
    assert all(Path(p).is_file() for p in again.published)
    assert git(s.repo, "rev-parse", "HEAD") == head


def tamper_file(s: Scenario, built: PackResult) -> str:
    path = built.folder / "cover-paper.html"
    path.write_text(path.read_text().replace("Escalation", "Escalashun"))
    return "cover-paper.html"


def tamper_manifest(s: Scenario, built: PackResult) -> str:
    # The file and its hash changed together: only the hash git recorded gives it away.
    from coproduce.pack.manifest import sha256

    path = built.folder / f"{SLUG}-proposed.html"
    path.write_text(path.read_text() + "<p>Added later</p>")
    manifest = built.folder / "manifest.json"
    data = json.loads(manifest.read_text())
    for entry in data["files"]:
        if entry["path"] == path.name:
            entry["sha256"] = sha256(path.read_bytes())
            entry["bytes"] = path.stat().st_size
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    return "manifest.json"


def tamper_text(s: Scenario, built: PackResult) -> str:
    edit(s.repo, "in writing", "in writing (changed after the pack)")
    git(s.repo, "commit", "-qam", "A late edit nobody listed")
    return f"guidance/{SLUG}.md changed after the pack was built"


def tamper_uncommitted(s: Scenario, built: PackResult) -> str:
    edit(s.repo, "in writing", "in pencil")
    return f"guidance/{SLUG}.md has changes not yet committed"


@pytest.mark.parametrize("tamper", [tamper_file, tamper_manifest, tamper_text, tamper_uncommitted])
def test_a_pack_or_text_changed_after_the_pack_was_built_is_refused_and_nothing_is_written(
    packed: tuple[Scenario, PackResult], no_libreoffice: None, tamper: object
) -> None:
    s, built = packed
    named = tamper(s, built)  # type: ignore[operator]
    before = snapshot(s.repo)
    with pytest.raises(CoproduceError) as caught:
        approve(s, pack=built.folder)
    assert named in str(caught.value)
    assert "\n" not in caught.value.render()
    assert snapshot(s.repo) == before
    assert review.load_cycle(s.repo, s.cycle_id).state is CycleState.IN_SIGNOFF


def test_refusals_name_what_is_wrong_in_one_line(
    packed: tuple[Scenario, PackResult], no_libreoffice: None
) -> None:
    s, built = packed
    before = snapshot(s.repo)
    cases = [
        ({"version": "1.0"}, ConflictError, f"tag {SLUG}/v1.0 already exists"),
        ({"outcome": "adjourned"}, InvalidInputError, "unknown decision 'adjourned'"),
        ({"amendments": ["HEAD~40"]}, CoproduceError, "--amendment"),
        ({"amendments": [built.manifest.proposed_commit]}, InvalidInputError, "--amendment"),
        ({"outcome": "returned", "amendments": ["HEAD"]}, InvalidInputError, "only with"),
    ]
    for options, error, words in cases:
        with pytest.raises(error) as caught:
            approve(s, **options)
        assert words in caught.value.render() and "\n" not in caught.value.render()
    with pytest.raises(NotFoundError, match=r"no manifest\.json"):
        approve(s, pack=built.folder.parent)
    assert snapshot(s.repo) == before


def test_a_cycle_not_with_the_board_cannot_be_decided(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo")
    with pytest.raises(CoproduceError, match=r"cannot approve review .* closed and awaiting"):
        approve(s)
