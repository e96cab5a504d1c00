"""Importing participants from CSV: all or nothing, every problem listed, youth protected."""

from __future__ import annotations

from pathlib import Path

import pytest

from coproduce.errors import InvalidInputError
from coproduce.participants import (
    decode_csv,
    erase_participant,
    import_participants,
    list_participants,
)
from coproduce.store.register import Register

AUDIENCES = {"practitioners", "partners", "young-people"}
HEADER = "name,email,audience,organisation,age_band,consent_named"


@pytest.fixture
def register(tmp_path: Path) -> Register:
    with Register.for_state_dir(tmp_path / "state", environ={}) as reg:
        yield reg


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _problems(register: Register, data: bytes) -> list[str]:
    with pytest.raises(InvalidInputError) as caught:
        import_participants(register, data, audiences=AUDIENCES)
    assert "nothing was written" in str(caught.value) or not caught.value.problems
    assert register.list_entries() == []
    return caught.value.problems


def test_a_good_csv_adds_everyone_with_pseudonymous_ids(register: Register) -> None:
    data = _csv(
        "Jo Bloggs,jo@example.org,practitioners,Northshire Police,25+,yes",
        "Ama Mensah,ama@example.org,partners,Riverside Youth Club,25+,no",
    )
    report = import_participants(register, data, audiences=AUDIENCES)
    assert [p.audience for p in report.added] == ["practitioners", "partners"]
    records = register.iter_participants()
    assert [(r.name, r.consent_named) for r in records] == [
        ("Jo Bloggs", True),
        ("Ama Mensah", False),
    ]
    assert {r.id for r in records} == {p.id for p in report.added}


def test_extra_columns_are_kept_as_extra_fields(register: Register) -> None:
    data = _csv(
        "Jo,jo@example.org,practitioners,Police,25+,no,North,", header=HEADER + ",Team,Notes"
    )
    import_participants(register, data, audiences=AUDIENCES)
    (record,) = register.iter_participants()
    assert record.extra == {"team": "North"}


def test_consent_to_be_named_is_never_taken_for_under_18s(register: Register) -> None:
    data = _csv(
        "Kai,kai@example.org,young-people,,16-17,yes",
        "Apprentice,app@example.org,practitioners,Council,16-17,yes",
        "Rae,rae@example.org,young-people,,16-19,yes",
        "Noor,noor@example.org,young-people,,,yes",
    )
    report = import_participants(register, data, audiences=AUDIENCES)
    assert [r.consent_named for r in register.iter_participants()] == [False] * 4
    assert report.consent_withheld_rows == [2, 3, 4, 5]


def test_an_adult_care_leaver_in_the_youth_audience_keeps_consent_to_be_named(
    register: Register,
) -> None:
    data = _csv("Lee,lee@example.org,young-people,Leaving Care Team,19,yes")
    report = import_participants(register, data, audiences=AUDIENCES)
    (record,) = register.iter_participants()
    assert record.consent_named is True and record.age_band == "19"
    assert report.consent_withheld == []


@pytest.mark.parametrize(
    ("given", "minor"),
    [
        ("14-15", True),
        ("18-21", False),
        ("under 16", True),
        ("25+", False),
        ("16-19", True),
        ("17", True),
        ("19", False),
        ("18 to 24", False),
    ],
)
def test_an_age_or_any_spreadsheet_band_is_kept_as_given(
    register: Register, given: str, minor: bool
) -> None:
    import_participants(
        register, _csv(f"Sam,sam@example.org,young-people,,{given},no"), audiences=AUDIENCES
    )
    (record,) = register.iter_participants()
    assert (record.age_band, record.is_minor) == (given, minor)


def test_a_young_person_can_be_reached_through_a_named_worker(register: Register) -> None:
    data = _csv(
        "Kai,kai@example.org,young-people,,13-15,no,youthworker@example.org",
        header=HEADER + ",worker_email",
    )
    import_participants(register, data, audiences=AUDIENCES)
    (record,) = register.iter_participants()
    assert record.via_worker_email == "youthworker@example.org"


def test_missing_columns_are_all_named_at_once(register: Register) -> None:
    problems = _problems(register, b"name,email\nJo,jo@example.org\n")
    assert problems == ["missing columns: audience, organisation, age_band, consent_named"]


def test_every_bad_row_is_listed_and_nothing_is_written(register: Register) -> None:
    data = _csv(
        "Jo,jo@example.org,practitioners,Police,25+,yes",
        ",not-an-email,practitioners,Police,25+,yes",
        "Ann,ann@example.org,board,Police,25+,maybe",
        "Jo Again,JO@example.org,partners,Club,adult,no",
    )
    problems = _problems(register, data)
    text = "\n".join(problems)
    assert "row 3: name is empty" in text
    assert "row 3: email 'not-an-email' is not a valid address" in text
    assert "row 4: audience 'board' is not one of" in text
    assert "row 4: consent_named 'maybe' must be yes or no" in text
    assert "row 5: age_band 'adult' is not an age in years or a band" in text
    assert "row 5: email jo@example.org is a duplicate of row 2" in text
    assert len(problems) == 6


def test_an_email_already_registered_is_refused_unless_asked_to_skip(register: Register) -> None:
    import_participants(
        register, _csv("Jo,jo@example.org,practitioners,P,25+,no"), audiences=AUDIENCES
    )
    again = _csv(
        "Jo,jo@example.org,practitioners,P,25+,no", "Ann,ann@example.org,partners,C,25+,no"
    )
    with pytest.raises(InvalidInputError) as caught:
        import_participants(register, again, audiences=AUDIENCES)
    assert "already registered" in caught.value.problems[0]
    assert len(register.list_entries()) == 1
    report = import_participants(register, again, audiences=AUDIENCES, skip_existing=True)
    assert len(report.added) == 1 and len(report.skipped_existing) == 1
    assert len(register.list_entries()) == 2


def test_utf8_with_a_bom_and_windows_1252_are_both_read(register: Register, tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf" + _csv("Zoë Brontë,zoe@example.org,partners,Café Youth,25+,no")
    cp1252 = _csv("Seán O’Brien,sean@example.org,partners,Club,25+,no").decode().encode("cp1252")
    path = tmp_path / "people.csv"
    path.write_bytes(cp1252)
    assert import_participants(register, bom, audiences=AUDIENCES).encoding == "utf-8-sig"
    assert import_participants(register, path, audiences=AUDIENCES).encoding == "cp1252"
    names = [r.name for r in register.iter_participants()]
    assert names == ["Zoë Brontë", "Seán O’Brien"]


def test_utf16_and_binary_files_are_refused_clearly() -> None:
    utf16 = _csv("Jo,jo@example.org,practitioners,P,25+,no").decode().encode("utf-16")
    with pytest.raises(InvalidInputError, match="UTF-16; save it as CSV UTF-8"):
        decode_csv(utf16)
    with pytest.raises(InvalidInputError, match="NUL bytes"):
        decode_csv(b"name\x00email")
    with pytest.raises(InvalidInputError, match="neither UTF-8 nor Windows-1252"):
        decode_csv(b"name,email\n\x81\x8d\n")


def test_an_empty_file_or_a_header_alone_is_refused(register: Register) -> None:
    with pytest.raises(InvalidInputError, match="the CSV is empty"):
        import_participants(register, b"", audiences=AUDIENCES)
    assert _problems(register, _csv()) == [
        "no participants found: the file has a header but no rows"
    ]


def test_erasing_leaves_a_tombstone_in_the_listing(register: Register) -> None:
    data = _csv("Jo,jo@example.org,practitioners,P,25+,no", "Ann,ann@example.org,partners,C,25+,no")
    report = import_participants(register, data, audiences=AUDIENCES)
    gone = report.added[0].id
    assert erase_participant(register, gone) is True
    entries = list_participants(register)
    assert [(e.id, e.erased, e.name) for e in entries] == [
        (gone, True, None),
        (report.added[1].id, False, "Ann"),
    ]
    assert [e.id for e in list_participants(register, include_erased=False)] == [report.added[1].id]
    # The erased email can be registered again, as a new person with a new id.
    again = import_participants(
        register, _csv("Jo,jo@example.org,practitioners,P,25+,no"), audiences=AUDIENCES
    )
    assert again.added[0].id != gone
