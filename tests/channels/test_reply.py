"""Returned Word files become anchored, pseudonymous items, once, whoever sends them back."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from coproduce.channels.gather import import_files
from coproduce.docx.properties import stamp_participant
from coproduce.errors import InvalidInputError
from coproduce.models import BUILT_IN_AUDIENCES, AnchorStatus
from coproduce.review.feedback import iter_feedback

from .conftest import OpenCycle
from .replies import make_reply

AUDIENCES = list(BUILT_IN_AUDIENCES)


def _import(cycle: OpenCycle, *paths: Path, **options: object) -> object:
    return import_files(
        repo=cycle.repo,
        register=cycle.register,
        cycle_id=cycle.cycle_id,
        paths=list(paths),
        audiences=AUDIENCES,
        **options,  # type: ignore[arg-type]
    )


def _sent_reply(cycle: OpenCycle, tmp_path: Path, **changes: object) -> tuple[Path, str]:
    who = cycle.people["partners"][0]
    sent = stamp_participant(cycle.draft.read_bytes(), who)
    path = tmp_path / "reply.docx"
    path.write_bytes(make_reply(sent, **changes))  # type: ignore[arg-type]
    return path, who


def test_a_reply_to_our_draft_is_attributed_to_whom_it_was_sent_and_anchored(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    path, who = _sent_reply(
        open_cycle,
        tmp_path,
        comments=[("not keeping a young person safe", "Say who decides this.")],
        insert=("raise a concern about a plan", " or a decision"),
        reply_to_first="Agreed.",
    )
    report = _import(open_cycle, path)
    items = iter_feedback(open_cycle.repo, open_cycle.cycle_id)
    assert [i.kind for i in items] == ["comment", "comment", "suggestion"]
    assert {i.participant for i in items} == {who}
    assert {i.audience for i in items} == {"partners"}
    comment, reply, suggestion = items
    assert comment.anchor is not None and comment.anchor.section == "when"
    assert comment.anchor.exact == "not keeping a young person safe"
    assert comment.anchor.status is AnchorStatus.EXACT
    assert reply.anchor == comment.anchor
    assert suggestion.anchor is not None and suggestion.anchor.section == "purpose"
    assert suggestion.suggestion is not None and suggestion.suggestion.endswith("or a decision")
    assert len(report.recorded) == 3  # type: ignore[attr-defined]


def test_importing_the_same_reply_again_adds_nothing(open_cycle: OpenCycle, tmp_path: Path) -> None:
    path, _ = _sent_reply(open_cycle, tmp_path, comments=[("Escalate when", "Clearer please.")])
    _import(open_cycle, path)
    again = _import(open_cycle, path)
    assert again.recorded == [] and again.duplicates == 1  # type: ignore[attr-defined]
    assert len(iter_feedback(open_cycle.repo, open_cycle.cycle_id)) == 1


def test_no_author_name_from_the_file_reaches_git(open_cycle: OpenCycle, tmp_path: Path) -> None:
    path, _ = _sent_reply(open_cycle, tmp_path, comments=[("Escalate when", "Clearer please.")])
    _import(open_cycle, path)
    history = subprocess.run(
        ["git", "log", "-p", "--all"], cwd=open_cycle.repo.root, capture_output=True, text=True
    ).stdout
    assert "Clearer please." in history
    assert "Pat Partner" not in history and "pat.partner@example.org" not in history


def test_a_reply_that_lost_its_properties_is_anonymous_with_a_warning_or_the_chosen_person(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    plain = tmp_path / "forwarded.docx"
    data = make_reply(open_cycle.draft.read_bytes(), comments=[("Escalate when", "Who?")])
    plain.write_bytes(_without_properties(data))
    report = _import(open_cycle, plain)
    assert report.recorded[0].participant == "anonymous"  # type: ignore[attr-defined]
    assert any("does not say who" in w for w in report.warnings)  # type: ignore[attr-defined]
    chosen = open_cycle.people["practitioners"][0]
    other = tmp_path / "other.docx"
    other.write_bytes(
        _without_properties(
            make_reply(open_cycle.draft.read_bytes(), comments=[("This policy", "Too long.")])
        )
    )
    report = _import(open_cycle, other, participant=chosen)
    assert report.recorded[0].participant == chosen  # type: ignore[attr-defined]
    assert report.recorded[0].audience == "practitioners"  # type: ignore[attr-defined]


def test_a_reply_made_on_an_older_draft_is_reanchored_or_orphaned(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    from coproduce.docx.properties import add_custom_properties

    data = make_reply(
        open_cycle.draft.read_bytes(),
        comments=[("not keeping a young person safe", "Yes."), ("Strategic lead", "Who?")],
    )
    old = add_custom_properties(
        _without_properties(data), {"cycle": open_cycle.cycle_id, "version": "0" * 40}
    )
    path = tmp_path / "old.docx"
    path.write_bytes(old)
    items = _import(open_cycle, path).recorded  # type: ignore[attr-defined]
    assert [i.anchor.status for i in items] == [AnchorStatus.REANCHORED, AnchorStatus.ORPHANED]
    assert items[1].anchor.exact == "Strategic lead" and items[1].text == "Who?"


def test_a_reply_for_another_cycle_and_other_file_types_are_refused_changing_nothing(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    from coproduce.docx.properties import add_custom_properties

    other = tmp_path / "other-cycle.docx"
    other.write_bytes(
        add_custom_properties(_without_properties(open_cycle.draft.read_bytes()), {"cycle": "x"})
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        _import(open_cycle, other, notes)
    assert any("sent for cycle x" in p for p in caught.value.problems)
    assert any("notes.txt: not a file feedback comes in" in p for p in caught.value.problems)
    assert iter_feedback(open_cycle.repo, open_cycle.cycle_id) == []


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("macro.docx", "macro", "macros"),
        ("bomb.docx", "bomb", "zip bomb"),
        ("fake.docx", b"%PDF-1.7 not a word file", "PDF"),
        ("entity.docx", "entity", "declares a DTD"),
    ],
)
def test_hostile_word_files_are_refused_with_one_line_and_nothing_recorded(
    open_cycle: OpenCycle, tmp_path: Path, name: str, content: object, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(_hostile(open_cycle.draft.read_bytes(), content))
    with pytest.raises(InvalidInputError) as caught:
        _import(open_cycle, path)
    assert says.lower() in caught.value.render().lower()
    assert iter_feedback(open_cycle.repo, open_cycle.cycle_id) == []


def _hostile(draft: bytes, kind: object) -> bytes:
    if isinstance(kind, bytes):
        return kind
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(draft)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if kind == "entity" and info.filename == "word/document.xml":
                content = content.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', 1)
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
        if kind == "macro":
            target.writestr("word/vbaProject.bin", b"\0" * 100)
        if kind == "bomb":
            target.writestr(
                "word/media/big.bin",
                b"\0" * (210 * 1024 * 1024),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def _without_properties(data: bytes) -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "docProps/custom.xml":
                target.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_reply_from_someone_not_in_the_register_or_not_invited_imports_nothing(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    good, _ = _sent_reply(open_cycle, tmp_path, comments=[("Escalate when", "Fine.")])
    stranger = tmp_path / "stranger.docx"
    stranger.write_bytes(
        make_reply(
            stamp_participant(open_cycle.draft.read_bytes(), "P-00000000ff"),
            comments=[("Escalate when", "Hello.")],
        )
    )
    with pytest.raises(InvalidInputError) as caught:
        _import(open_cycle, good, stranger)
    assert caught.value.problems == ["participant P-00000000ff is not in the register"]
    assert iter_feedback(open_cycle.repo, open_cycle.cycle_id) == []
