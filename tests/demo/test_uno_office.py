"""The UNO helper finds, comments on and edits the text it is given, in real LibreOffice."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import docx
import pytest

from coproduce.demo.reply import SYSTEM_PYTHON, libreoffice_available
from coproduce.docx.replies import read_reply

HELPER = Path(__file__).resolve().parents[2] / "src" / "coproduce" / "demo" / "uno_office.py"

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(not libreoffice_available(), reason="needs LibreOffice and python3-uno"),
]


def edit_in_office(source: Path, body: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """Open ``source`` as ``doc``, run ``body`` under the system Python, save as out.docx."""
    script = f"""
import datetime as dt, sys
from pathlib import Path
sys.path.append({str(HELPER.parent)!r})
from uno_office import add_comment, find_text, save, start_office
WHEN = dt.datetime(2026, 11, 20, 9, 30)
with start_office(Path({str(workdir)!r})) as office:
    doc = office.open_model(Path({str(source)!r}))
{textwrap.indent(textwrap.dedent(body), "    ")}
    save(doc, Path({str(workdir / "out.docx")!r}))
"""
    return subprocess.run(
        [str(SYSTEM_PYTHON), "-c", script], capture_output=True, text=True, timeout=240
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    word = docx.Document()
    word.add_paragraph("Smile 🙂 then call now.")
    word.add_paragraph("Alpha beta gamma delta.")
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Cell one"
    table.cell(0, 1).text = "Ring the duty team"
    table.cell(1, 0).text = "Row two"
    path = tmp_path / "source.docx"
    word.save(path)
    return path


def test_comments_and_tracked_edits_land_past_other_comments_emoji_and_table_edges(
    source: Path, tmp_path: Path
) -> None:
    done = edit_in_office(
        source,
        """
        doc.RecordChanges = True
        add_comment(doc, find_text(doc, "beta"), "first", author="Ana", when=WHEN)
        add_comment(doc, find_text(doc, "beta gamma"), "across", author="Ana", when=WHEN)
        add_comment(doc, find_text(doc, "duty team"), "in a cell", author="Ana", when=WHEN)
        find_text(doc, "now").setString("today")
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    reply = read_reply(tmp_path / "out.docx")
    anchors = {c.text: c.anchored_text for c in reply.comments}
    assert anchors == {"first": "beta", "across": "beta gamma", "in a cell": "duty team"}
    assert {c.author for c in reply.comments} == {"Ana"}
    assert {c.date.isoformat() for c in reply.comments if c.date} == {"2026-11-20T09:30:00+00:00"}
    edits = {(r.kind, r.text) for r in reply.revisions if r.text}
    assert edits == {("delete", "now"), ("insert", "today")}


def test_text_the_document_lacks_is_one_clear_line_and_writes_nothing(
    source: Path, tmp_path: Path
) -> None:
    done = edit_in_office(source, 'find_text(doc, "not in this file").setString("x")', tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == "text not found: 'not in this file'"
    assert not (tmp_path / "out.docx").exists()


def test_a_file_libreoffice_cannot_read_is_one_clear_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a Word file")
    done = edit_in_office(broken, "", tmp_path)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("LibreOffice could not open broken.docx")
    assert not (tmp_path / "out.docx").exists()
