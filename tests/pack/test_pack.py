"""The sign-off pack built from a real cycle: every voice with its outcome, consent honoured."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from coproduce.docx.comments import read_comments
from coproduce.errors import StateError
from coproduce.pack import PackResult, build_pack, record_pack, verify_pack
from coproduce.review import load_cycle
from coproduce.store.register import Register
from coproduce.triage import iter_dispositions
from tests.helpers.pandoc import pandoc_plain
from tests.pack.scenario import (
    NAMED,
    QUIET,
    QUIET_WORDS,
    SAFEGUARDING_WORDS,
    SLUG,
    UNNAMED,
    YOUNG,
    YOUTH_WORDS,
    Scenario,
    build_scenario,
)
from tests.review.conftest import LEAD


def make_pack(s: Scenario, out: Path, **options: object) -> PackResult:
    out.mkdir(exist_ok=True)
    with Register.for_state_dir(Path(s.repo.state_dir)) as register:
        return build_pack(
            repo=s.repo, cycle_id=s.cycle_id, out_dir=out, author=LEAD, register=register,
            **options,  # type: ignore[arg-type]
        )  # fmt: skip


@pytest.fixture
def built(tmp_path: Path) -> tuple[Scenario, PackResult]:
    s = build_scenario(tmp_path / "repo")
    return s, make_pack(s, tmp_path / "packs")


def pack_texts(folder: Path) -> dict[str, str]:
    """Return the text of every file in the pack, every part of the .docx and .xlsx included."""
    texts = {}
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    texts[f"{path.name}:{name}"] = archive.read(name).decode("utf-8", "replace")
        else:
            texts[path.name] = data.decode("utf-8", "replace")
    return texts


def test_every_item_is_in_the_log_and_a_safeguarding_item_only_as_a_count(
    built: tuple[Scenario, PackResult],
) -> None:
    s, result = built
    book = openpyxl.load_workbook(result.folder / "feedback-log.xlsx")
    logged = [row[0] for row in book["Feedback log"].iter_rows(min_row=2, values_only=True)]
    listed = [i for r, i in s.ids.items() if r != "harm"]
    assert logged == listed
    summary = dict(book["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["of which held as safeguarding concerns (count only)"] == 1
    assert summary["all items"] == len(s.ids)
    assert all(s.ids["harm"] not in text for text in pack_texts(result.folder).values())


def test_each_change_carries_a_comment_naming_the_feedback_behind_it(
    built: tuple[Scenario, PackResult],
) -> None:
    s, result = built
    comments = read_comments(result.folder / f"{SLUG}-tracked-changes.docx")
    on_timescale = [c for c in comments if s.ids["unnamed"] in c.text]
    assert on_timescale and "within one working day" in on_timescale[0].anchored_text
    assert "Added a one working day timescale." in on_timescale[0].text
    waiting = [c for c in comments if c.text.startswith("Accepted, not yet acted on")]
    assert [s.ids["named"] in c.text for c in waiting] == [True]
    # Its quote ("Escalate when a plan") was reworded since: the comment sits on its section.
    assert waiting[0].anchored_text == "When to escalate"
    assert NAMED in waiting[0].text  # consented, adult: named


def test_no_name_from_the_register_appears_without_consent_in_any_file(
    built: tuple[Scenario, PackResult],
) -> None:
    _, result = built
    texts = pack_texts(result.folder)
    with zipfile.ZipFile(result.zip) as archive:
        assert len(archive.namelist()) == len(list(result.folder.iterdir()))
    for name in (UNNAMED, YOUNG, QUIET):
        found = [f for f, text in texts.items() if name in text]
        assert found == [], f"{name} appears in {found}"
    for words in (QUIET_WORDS, SAFEGUARDING_WORDS):
        assert [f for f, text in texts.items() if words in text] == []
    assert any(NAMED in text for text in texts.values())
    assert any(YOUTH_WORDS in text for f, text in texts.items() if f.startswith("cover-paper.html"))


def test_the_manifest_verifies_and_catches_a_changed_file(
    built: tuple[Scenario, PackResult],
) -> None:
    s, result = built
    manifest = json.loads((result.folder / "manifest.json").read_text())
    assert manifest["base_commit"] == s.repo.resolve("escalation-policy/v1.0")
    assert manifest["proposed_commit"] == s.repo.resolve("HEAD")
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["proposed_text_sha256"])
    assert verify_pack(result.folder) == []
    (result.folder / "cover-paper.html").write_text("tampered", encoding="utf-8")
    (result.folder / "extra.txt").write_text("x", encoding="utf-8")
    assert verify_pack(result.folder) == [
        "cover-paper.html: sha256 differs from the manifest",
        "extra.txt: not in the manifest",
    ]


def test_the_tracked_document_accepts_to_the_proposed_and_rejects_to_the_base(
    built: tuple[Scenario, PackResult],
) -> None:
    _, result = built
    path = result.folder / f"{SLUG}-tracked-changes.docx"
    accepted, rejected = pandoc_plain(path, mode="accept"), pandoc_plain(path, mode="reject")
    assert "within one working day" in accepted and "in writing" in accepted
    assert "within one working day" not in rejected and "written with young people" not in rejected
    assert "Escalate when a plan is not keeping a young person safe." in " ".join(rejected.split())


def test_the_pack_refuses_while_items_lack_an_outcome_and_writes_nothing(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    head = s.repo.resolve("HEAD")
    with pytest.raises(StateError, match="6 feedback item"):
        make_pack(s, tmp_path / "packs")
    assert list((tmp_path / "packs").iterdir()) == []
    assert s.repo.resolve("HEAD") == head


def test_a_draft_pack_says_so_and_leaves_the_cycle_where_it_was(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    result = make_pack(s, tmp_path / "packs", allow_undecided=True)
    assert result.manifest.draft and len(result.manifest.undisposed) == 6
    assert "DRAFT — NOT FOR DECISION" in result.warnings[0]
    html = (result.folder / "cover-paper.html").read_text(encoding="utf-8")
    assert "DRAFT — NOT FOR DECISION: 6 feedback items still without an outcome" in html
    cycle = record_pack(repo=s.repo, manifest=result.manifest,
                        manifest_sha256=result.manifest_sha256, author=LEAD)  # fmt: skip
    assert cycle.state.value == "closed"


def test_recording_a_complete_pack_moves_the_cycle_to_await_the_decision(
    built: tuple[Scenario, PackResult],
) -> None:
    s, result = built
    cycle = record_pack(repo=s.repo, manifest=result.manifest,
                        manifest_sha256=result.manifest_sha256, author=LEAD)  # fmt: skip
    assert cycle.state.value == "in-signoff"
    assert [h.event.value for h in load_cycle(s.repo, s.cycle_id).history[-2:]] == [
        "complete-triage", "issue-pack"
    ]  # fmt: skip
    records = list((s.repo.root / "reviews" / s.cycle_id / "packs").glob("*.yaml"))
    assert result.manifest_sha256 in records[0].read_text(encoding="utf-8")
    assert len(iter_dispositions(s.repo, s.cycle_id)) == len(s.ids)


def test_the_cover_paper_counts_who_was_asked_and_who_answered(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", invite=True)
    result = make_pack(s, tmp_path / "packs")
    html = (result.folder / "cover-paper.html").read_text(encoding="utf-8")
    rows = re.findall(
        r"<tr>\s*<td>([a-z-]+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>", html
    )
    assert rows[:3] == [
        ("practitioners", "2", "2"),
        ("partners", "1", "1"),
        ("young-people", "1", "1"),
    ]
    assert "Participation by audience. practitioners: 2 invited, 2 responded" in html
    assert result.manifest.participants_by_audience == {
        "practitioners": 2, "partners": 1, "young-people": 1
    }  # fmt: skip


def test_script_in_a_comment_stays_text_in_every_output(tmp_path: Path) -> None:
    from coproduce.review.feedback import Submission, record_feedback
    from coproduce.triage import set_outcome

    s = build_scenario(tmp_path / "repo")
    hostile = '<script>alert("x")</script> =HYPERLINK("http://evil.example") **bold** | pipe'
    with Register.for_state_dir(Path(s.repo.state_dir)) as register:
        item = record_feedback(
            repo=s.repo, register=register, cycle_id=s.cycle_id,
            submission=Submission(participant="anonymous", channel="portal", text=hostile),
        )  # fmt: skip
    set_outcome(repo=s.repo, feedback_id=item.id, outcome="not-accepted", reason="No.", author=LEAD)
    result = make_pack(s, tmp_path / "packs")
    html = (result.folder / "cover-paper.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in html
    book = openpyxl.load_workbook(result.folder / "feedback-log.xlsx")
    words = {r[0].value: r[5] for r in book["Feedback log"].iter_rows(min_row=2)}
    assert words[item.id].value == hostile and words[item.id].data_type == "s"


def test_a_duplicate_of_a_safeguarding_item_does_not_name_it(tmp_path: Path) -> None:
    from coproduce.triage import set_outcome

    s = build_scenario(tmp_path / "repo")
    set_outcome(repo=s.repo, feedback_id=s.ids["rejected"], outcome="duplicate",
                duplicate_of=s.ids["harm"], reason="Raised already.", author=LEAD)  # fmt: skip
    result = make_pack(s, tmp_path / "packs")
    assert [f for f, text in pack_texts(result.folder).items() if s.ids["harm"] in text] == []


def test_a_draft_of_an_open_review_says_it_is_still_open(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", close=False)
    with pytest.raises(StateError, match="is open: close it first"):
        make_pack(s, tmp_path / "packs")
    result = make_pack(s, tmp_path / "packs", allow_undecided=True)
    assert result.warnings[0] == "DRAFT — NOT FOR DECISION: the review is still open"
    html = (result.folder / "cover-paper.html").read_text(encoding="utf-8")
    assert "DRAFT — NOT FOR DECISION: the review is still open." in html
