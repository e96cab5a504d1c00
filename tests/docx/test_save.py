"""Saved Word packages are reproducible and land where they are sent, or say why not."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from coproduce.docx.reference import default_reference, new_document
from coproduce.docx.save import save_bytes, write_bytes
from coproduce.errors import InvalidInputError


def test_saving_twice_gives_the_same_bytes_with_every_entry_dated_1980() -> None:
    doc = new_document(default_reference())
    doc.add_paragraph("Share concerns with the designated lead the same day.")
    first, second = save_bytes(doc), save_bytes(doc)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        entries = package.infolist()
        assert package.namelist()[0] == "[Content_Types].xml"
    assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}


def test_bytes_go_to_a_path_or_a_stream(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    write_bytes(b"package", target)
    stream = io.BytesIO()
    write_bytes(b"package", stream)
    assert target.read_bytes() == stream.getvalue() == b"package"


def test_a_path_that_cannot_be_written_is_named_in_one_line(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.docx"
    with pytest.raises(InvalidInputError, match=r"cannot write .*out\.docx") as caught:
        write_bytes(b"package", target)
    assert "\n" not in str(caught.value)
    assert not target.exists()
