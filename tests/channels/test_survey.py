"""Survey exports from form tools become items: every encoding and shape, every problem at once."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from coproduce.channels.gather import import_files
from coproduce.channels.survey import read_survey
from coproduce.channels.survey_map import ColumnMap
from coproduce.errors import InvalidInputError
from coproduce.models import BUILT_IN_AUDIENCES
from coproduce.review.feedback import iter_feedback

from .conftest import OpenCycle

FORMS = [
    ["Timestamp", "Which part?", "Your comments", "I am a...", "Can we quote you?"],
    [
        "2026-11-03 10:00",
        "When to escalate",
        "Say who to call\nout of hours.",
        "Practitioner",
        "Yes",
    ],
    ["2026-11-03 11:00", "purpose", "Shorter, please – and plainer.", "Young person", "No"],
    ["2026-11-03 12:00", "2", "Name the manager’s role.", "Non-statutory partners", ""],
]
FLAGS = [
    "comment=Your comments",
    "section=Which part?",
    "audience=I am a...",
    "consent=Can we quote you?",
]


def _csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(cycle: OpenCycle, path: Path, flags: list[str] = FLAGS, **options: object) -> object:
    return import_files(
        repo=cycle.repo,
        register=cycle.register,
        cycle_id=cycle.cycle_id,
        paths=[path],
        audiences=list(BUILT_IN_AUDIENCES),
        mapping=ColumnMap.build(flags, options.pop("mapping_file", None)),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.csv", _csv(FORMS)),
        ("bom.csv", b"\xef\xbb\xbf" + _csv(FORMS)),
        ("windows.csv", _csv(FORMS, "cp1252")),
        ("forms.xlsx", _xlsx(FORMS)),
    ],
)
def test_a_survey_in_any_encoding_or_workbook_gives_the_same_items(
    open_cycle: OpenCycle, tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _import(open_cycle, path)
    items = iter_feedback(open_cycle.repo, open_cycle.cycle_id)
    assert [i.text for i in items] == [
        "Say who to call\nout of hours.",
        "Shorter, please – and plainer.",
        "Name the manager’s role.",
    ]
    assert [i.anchor.section for i in items if i.anchor] == ["when", "purpose", "purpose"]
    assert [i.audience for i in items] == ["practitioners", "young-people", "partners"]
    assert [i.consent_to_quote for i in items] == [True, False, None]
    assert {i.channel for i in items} == {"survey"} and {i.participant for i in items} == {
        "anonymous"
    }


def test_surveymonkeys_two_header_rows_are_joined(tmp_path: Path) -> None:
    rows = [
        ["Respondent ID", "Which part?", "Comments", "Who are you?", ""],
        ["", "Response", "Open-Ended Response", "Practitioner", "Other (please specify)"],
        ["1", "purpose", "Fine.", "Practitioner", ""],
    ]
    path = tmp_path / "monkey.csv"
    path.write_bytes(_csv(rows))
    table = read_survey(path)
    assert table.headers == [
        "Respondent ID",
        "Which part?",
        "Comments",
        "Who are you? / Practitioner",
        "Who are you?",
    ]
    assert table.rows[0][1]["Comments"] == "Fine."


def test_a_mapping_file_names_columns_questions_and_audience_labels(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    mapping = tmp_path / "survey-map.toml"
    mapping.write_text(
        '[columns]\ncomment = "Your comments"\nsection = "Which part?"\n'
        'audience = "I am a..."\n\n[questions]\nclarity = "Timestamp"\n\n'
        '[audiences]\n"Young person" = "young-people"\n',
        encoding="utf-8",
    )
    path = tmp_path / "export.csv"
    path.write_bytes(_csv(FORMS[:3]))
    _import(open_cycle, path, flags=[], mapping_file=mapping)
    items = iter_feedback(open_cycle.repo, open_cycle.cycle_id)
    assert [(i.kind, i.question) for i in items] == [
        ("comment", None),
        ("answer", "clarity"),
        ("comment", None),
        ("answer", "clarity"),
    ]


def test_every_problem_in_a_file_is_listed_and_nothing_is_imported(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    rows = [*FORMS, ["x", "Appendix Z", "Hm.", "Alien", "perhaps"], ["y", "9", "Ok", "", ""]]
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv(rows))
    with pytest.raises(InvalidInputError) as caught:
        _import(open_cycle, path)
    problems = caught.value.problems
    assert any("row 5: section 'Appendix Z' matches no section" in p for p in problems)
    assert any("row 5: audience 'Alien'" in p for p in problems)
    assert any("row 5: consent 'perhaps' is neither yes nor no" in p for p in problems)
    assert any("row 6: section '9' matches no section" in p for p in problems)
    assert any("sections: escalation-policy, purpose, when" in p for p in problems)
    assert iter_feedback(open_cycle.repo, open_cycle.cycle_id) == []


def test_skip_bad_rows_imports_the_good_ones_and_warns_about_the_rest(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv([*FORMS, ["x", "Appendix Z", "Hm.", "Practitioner", ""]]))
    report = _import(open_cycle, path, skip_bad_rows=True)
    assert len(report.recorded) == 3  # type: ignore[attr-defined]
    assert any("Appendix Z" in w for w in report.warnings)  # type: ignore[attr-defined]


def test_re_importing_a_survey_adds_nothing_and_duplicate_rows_count_once(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(_csv([*FORMS, FORMS[1]]))
    first = _import(open_cycle, path)
    again = _import(open_cycle, path)
    assert len(first.recorded) == 3 and first.duplicates == 1  # type: ignore[attr-defined]
    assert again.recorded == [] and again.duplicates == 4  # type: ignore[attr-defined]


def test_a_mapping_to_a_missing_column_or_unknown_field_is_refused(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        ColumnMap.build(["comment=x", "colour=Favourite", "nonsense"], None)
    assert len(caught.value.problems) == 2
    path = tmp_path / "export.csv"
    path.write_bytes(_csv(FORMS))
    with pytest.raises(InvalidInputError) as missing:
        _import(open_cycle, path, flags=["comment=Comments please"])
    assert "no column 'Comments please'" in missing.value.render()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("nul.csv", b"a,b\n1,\x002\n", "NUL bytes"),
        ("utf16.csv", "a,b\n".encode("utf-16"), "UTF-16"),
        ("broken.xlsx", b"PK\x03\x04 broken", "not a readable .xlsx"),
        ("notzip.xlsx", b"Your comments\nhello\n", "not a zip package"),
        ("empty.csv", b"", "empty"),
        ("bomb.xlsx", "bomb", "zip bomb"),
        ("macro.xlsx", "macro", "contains macros"),
    ],
)
def test_broken_survey_files_are_refused_with_one_clear_line(
    open_cycle: OpenCycle, tmp_path: Path, name: str, data: bytes | str, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(_hostile_workbook(data) if isinstance(data, str) else data)
    with pytest.raises(InvalidInputError) as caught:
        _import(open_cycle, path)
    assert says in caught.value.render()
    assert iter_feedback(open_cycle.repo, open_cycle.cycle_id) == []


def test_a_script_in_a_comment_is_kept_as_plain_text(open_cycle: OpenCycle, tmp_path: Path) -> None:
    path = tmp_path / "xss.csv"
    path.write_bytes(_csv([FORMS[0], ["t", "purpose", "<script>alert(1)</script>", "", ""]]))
    _import(open_cycle, path, flags=["comment=Your comments", "section=Which part?"])
    (item,) = iter_feedback(open_cycle.repo, open_cycle.cycle_id)
    assert item.text == "<script>alert(1)</script>" and item.audience == "anonymous"


def test_the_public_comments_in_the_corpus_import_as_a_survey(
    open_cycle: OpenCycle, corpus_responses: Path
) -> None:
    path = corpus_responses / "regulations_gov_usda_2017_0002" / "text_comments.csv"
    with path.open(newline="", encoding="utf-8") as f:
        texts = [row["Text Comment"].strip() for row in csv.DictReader(f)]
    report = _import(open_cycle, path, flags=["comment=Text Comment"], default_audience="partners")
    distinct = len({t for t in texts if t})
    assert len(report.recorded) + report.duplicates == len([t for t in texts if t])  # type: ignore[attr-defined]
    assert len(report.recorded) <= distinct  # type: ignore[attr-defined]
    assert len(iter_feedback(open_cycle.repo, open_cycle.cycle_id)) == len(report.recorded)  # type: ignore[attr-defined]


def _hostile_workbook(kind: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx(FORMS))) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
        if kind == "bomb":
            big = b"\0" * (210 * 1024 * 1024)
            target.writestr("xl/media/big.bin", big, compress_type=zipfile.ZIP_DEFLATED)
        else:
            target.writestr("xl/vbaProject.bin", b"\0" * 100)
    return out.getvalue()


def test_a_survey_of_many_rows_is_recorded_in_one_commit_and_reports_progress(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    rows = [
        [f"2026-11-03 10:{i:02d}", "purpose", f"Point {i}.", "Practitioner", ""] for i in range(40)
    ]
    path = tmp_path / "export.csv"
    path.write_bytes(_csv([FORMS[0], *rows]))
    git = open_cycle.repo.backend.repo.git
    before = int(git.rev_list("--count", "HEAD"))
    seen: list[tuple[int, int]] = []
    report = _import(open_cycle, path, progress=lambda done, total: seen.append((done, total)))
    assert len(report.recorded) == 40  # type: ignore[attr-defined]
    assert int(git.rev_list("--count", "HEAD")) == before + 1
    assert seen[-1] == (40, 40)


def test_a_rows_answers_count_as_one_persons_response(
    open_cycle: OpenCycle, tmp_path: Path
) -> None:
    from coproduce.pack.context import people_counts
    from coproduce.review import load_cycle

    rows = [
        ["Your comments", "Q1", "Q2"],
        ["Shorter.", "Yes", "No"],
        ["Plainer.", "Maybe", ""],
    ]
    path = tmp_path / "export.csv"
    path.write_bytes(_csv(rows))
    flags = ["comment=Your comments", "question:q1=Q1", "question:q2=Q2"]
    _import(open_cycle, path, flags=flags, default_audience="young-people")
    items = iter_feedback(open_cycle.repo, open_cycle.cycle_id)
    assert len(items) == 5 and len({i.response for i in items}) == 2
    cycle = load_cycle(open_cycle.repo, open_cycle.cycle_id)
    _, responded = people_counts(cycle, items, None)
    assert responded == {"young-people": 2}
