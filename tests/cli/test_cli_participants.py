"""The ``coproduce participants`` commands, run as a user would."""

from __future__ import annotations

import json
import stat
from pathlib import Path

CSV = (
    "name,email,audience,organisation,age_band,consent_named\n"
    "Jo Bloggs,jo@example.org,practitioners,Northshire Police,25+,yes\n"
    "Kai,kai@example.org,young-people,,16-17,yes\n"
)


def test_import_list_and_erase_keep_names_out_unless_asked(cli, tmp_path: Path) -> None:
    assert cli("init", "repo").code == 0
    repo = tmp_path / "repo"
    (tmp_path / "people.csv").write_text(CSV, encoding="utf-8")
    imported = cli("participants", "import", "../people.csv", cwd=repo)
    assert imported.code == 0, imported.err
    assert "Added 2 participants" in imported.out
    assert "consent to be named was not recorded for row 3 of people.csv" in imported.err
    database = repo / ".coproduce" / "register.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600

    listed = cli("participants", "list", cwd=repo)
    assert "Jo Bloggs" not in listed.out and "Northshire Police" in listed.out
    rows = json.loads(cli("participants", "list", "--json", "--show-names", cwd=repo).out)
    assert [(r["name"], r["consent_named"]) for r in rows] == [("Jo Bloggs", True), ("Kai", False)]
    assert [r["email"] for r in rows] == ["jo@example.org", "kai@example.org"]
    shown = cli("participants", "list", "--show-names", cwd=repo).out
    assert "Jo Bloggs <jo@example.org>" in shown

    erased = cli("participants", "erase", rows[0]["id"], "--yes", cwd=repo)
    assert erased.code == 0, erased.err
    after = json.loads(cli("participants", "list", "--json", "--show-names", cwd=repo).out)
    assert after[0] == {
        **rows[0],
        "name": None,
        "email": None,
        "organisation": "",
        "age_band": "unknown",
        "consent_named": False,
        "erased": True,
    }


def test_a_bad_csv_is_one_error_with_every_problem_and_a_non_zero_exit(cli, tmp_path) -> None:
    cli("init", "repo")
    repo = tmp_path / "repo"
    (tmp_path / "bad.csv").write_text("name,email\nJo,not-an-email\n", encoding="utf-8")
    result = cli("participants", "import", "../bad.csv", cwd=repo)
    assert result.code == 2
    assert result.err.startswith("error: bad.csv was not imported (1 problem); nothing was written")
    assert "missing columns: audience, organisation, age_band, consent_named" in result.err
    assert "Traceback" not in result.err


def test_erasing_an_unknown_id_says_so(cli, tmp_path) -> None:
    cli("init", "repo")
    result = cli("participants", "erase", "P-0000000000", "--yes", cwd=tmp_path / "repo")
    assert result.code == 3
    assert result.err.strip() == "error: no participant P-0000000000 in the register"
