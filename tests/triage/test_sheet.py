"""The triage sheet round trip: a sheet a person can work in, checked whole on the way back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from coproduce.errors import InvalidInputError
from coproduce.review.feedback import Submission, record_feedback
from coproduce.triage import load_triage, set_outcome
from coproduce.triage.sheet import export_sheet, import_sheet
from tests.pack.scenario import Scenario, build_scenario
from tests.review.conftest import LEAD

OTHER = LEAD.model_copy(update={"name": "Jo Colleague"})


def edited(data: bytes, changes: dict[str, dict[str, object]]) -> bytes:
    """Return the sheet with cells changed by item id and column title, saved as a person would."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.active
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        item = row[0].value
        for title, value in changes.get(str(item), {}).items():
            row[header.index(title)].value = value
    for item, values in changes.items():
        if item.startswith("new"):
            ws.append([values.get(str(h), None) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    return build_scenario(tmp_path / "repo", decide=False)


def test_the_sheet_has_a_frozen_header_filters_widths_and_an_outcome_drop_down(
    scenario: Scenario,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_sheet(scenario.repo, scenario.cycle_id)))
    ws = book.active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Item", "Section", "Quote", "Comment"]
    assert ws.column_dimensions["D"].width >= 40
    assert ws.column_dimensions["L"].hidden  # the basis the merge compares with
    rules = ws.data_validations.dataValidation
    assert any("not-accepted" in (r.formula1 or "") and "I2" in str(r.sqref) for r in rules)
    assert ws.max_row == 1 + len(scenario.ids)


def test_a_comment_that_looks_like_a_formula_stays_text(scenario: Scenario) -> None:
    with open_register(scenario) as register:
        item = record_feedback(
            repo=scenario.repo, register=register, cycle_id=scenario.cycle_id,
            submission=Submission(participant="anonymous", channel="portal",
                                  text='=HYPERLINK("http://evil.example","click")'),
        )  # fmt: skip
    data = export_sheet(scenario.repo, scenario.cycle_id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    texts = {row[0].value: row[3] for row in ws.iter_rows(min_row=2)}
    assert texts[item.id].data_type == "s"


def test_outcomes_typed_in_the_sheet_are_recorded_in_one_commit(scenario: Scenario) -> None:
    ids = scenario.ids
    data = edited(
        export_sheet(scenario.repo, scenario.cycle_id),
        {
            ids["named"]: {"Outcome": "accepted", "Reason": "We name the duty manager."},
            ids["rejected"]: {"Outcome": "duplicate", "Reason": "Same point.",
                              "Duplicate of": ids["named"]},
        },
    )  # fmt: skip
    head = scenario.repo.resolve("HEAD")
    result = import_sheet(scenario.repo, scenario.cycle_id, data, author=LEAD)
    assert result.changed == [ids["named"], ids["rejected"]]
    assert len(scenario.repo.backend.log(f"{head}..HEAD")) == 1
    decided = load_triage(scenario.repo, scenario.cycle_id).dispositions
    assert decided[ids["rejected"]].duplicate_of == ids["named"]


def test_every_bad_row_is_reported_at_once_and_nothing_is_recorded(scenario: Scenario) -> None:
    ids = scenario.ids
    data = edited(
        export_sheet(scenario.repo, scenario.cycle_id),
        {
            ids["named"]: {"Outcome": "accepted", "Reason": None},
            ids["unnamed"]: {"Outcome": "definitely", "Reason": "x"},
            ids["youth"]: {"Outcome": "duplicate", "Reason": "Same."},
            ids["quiet"]: {"Outcome": "duplicate", "Reason": "Same.", "Duplicate of": ids["quiet"]},
            ids["harm"]: {"Outcome": None, "Reason": "A reason without an outcome"},
            ids["rejected"]: {"Outcome": "noted", "Reason": "x", "Duplicate of": ids["named"]},
            "new1": {"Item": "FB-0999", "Outcome": "noted", "Reason": "x"},
            "new2": {"Item": "not an id", "Outcome": "noted", "Reason": "x"},
            "new3": {"Item": ids["named"], "Outcome": "noted", "Reason": "again"},
        },
    )
    head = scenario.repo.resolve("HEAD")
    with pytest.raises(InvalidInputError) as caught:
        import_sheet(scenario.repo, scenario.cycle_id, data, author=LEAD, what="triage.xlsx")
    problems = caught.value.problems
    assert len(problems) == 9, problems
    expected = ["reason is empty", "'definitely' is not one of", "needs the item it duplicates",
                "cannot be a duplicate of itself", "a reason is given but no outcome",
                "only for the outcome duplicate", "no such item", "not a feedback id",
                "already on row"]  # fmt: skip
    for words, problem in zip(expected, problems, strict=True):
        assert words in problem
    assert "nothing was recorded" in str(caught.value)
    assert scenario.repo.resolve("HEAD") == head
    assert load_triage(scenario.repo, scenario.cycle_id).dispositions == {}


def test_a_row_nobody_edited_keeps_an_outcome_set_since_the_export(scenario: Scenario) -> None:
    ids = scenario.ids
    exported = export_sheet(scenario.repo, scenario.cycle_id)
    set_outcome(repo=scenario.repo, feedback_id=ids["named"], outcome="noted", reason="Newer.",
                author=OTHER)  # fmt: skip
    data = edited(exported, {ids["unnamed"]: {"Outcome": "accepted", "Reason": "Done."}})
    result = import_sheet(scenario.repo, scenario.cycle_id, data, author=LEAD)
    assert result.changed == [ids["unnamed"]]
    decided = load_triage(scenario.repo, scenario.cycle_id).dispositions
    assert decided[ids["named"]].reason == "Newer."


def test_a_row_edited_on_both_sides_is_a_conflict_not_an_overwrite(scenario: Scenario) -> None:
    ids = scenario.ids
    exported = export_sheet(scenario.repo, scenario.cycle_id)
    set_outcome(repo=scenario.repo, feedback_id=ids["named"], outcome="noted", reason="Newer.",
                author=OTHER)  # fmt: skip
    data = edited(exported, {ids["named"]: {"Outcome": "accepted", "Reason": "Older."}})
    with pytest.raises(InvalidInputError) as caught:
        import_sheet(scenario.repo, scenario.cycle_id, data, author=LEAD)
    assert "by Jo Colleague: export a fresh sheet" in caught.value.problems[0]
    decided = load_triage(scenario.repo, scenario.cycle_id).dispositions
    assert decided[ids["named"]].reason == "Newer."


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"Item,Outcome\nFB-0001,accepted\n", "not a zip package"),
        (b"PK\x03\x04broken", "not a zip package"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(
    scenario: Scenario, data: bytes, words: str
) -> None:
    with pytest.raises(InvalidInputError, match=words):
        import_sheet(scenario.repo, scenario.cycle_id, data, author=LEAD)


def test_a_workbook_with_a_dtd_is_refused(scenario: Scenario) -> None:
    source = io.BytesIO(export_sheet(scenario.repo, scenario.cycle_id))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            body = old.read(info)
            if info.filename == "xl/workbook.xml":
                body = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + body.split(b"?>", 1)[-1]
            new.writestr(info, body)
    with pytest.raises(InvalidInputError, match="DTD"):
        import_sheet(scenario.repo, scenario.cycle_id, out.getvalue(), author=LEAD)


def test_a_sheet_without_the_triage_columns_names_what_is_missing(scenario: Scenario) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Item", "Comment"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InvalidInputError) as caught:
        import_sheet(scenario.repo, scenario.cycle_id, out.getvalue(), author=LEAD)
    assert caught.value.problems == ["no column 'Outcome'", "no column 'Reason'",
                                     "no column 'Duplicate of'"]  # fmt: skip


def open_register(scenario: Scenario):  # type: ignore[no-untyped-def]
    from coproduce.store.register import Register

    return Register.for_state_dir(Path(scenario.repo.state_dir))
