"""Drafts carry their cycle, version and participant; each person's copy is a valid Word file."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from coproduce.docx.package import open_package
from coproduce.docx.properties import (
    PARTICIPANT_PLACEHOLDER,
    add_custom_properties,
    stamp_participant,
)
from coproduce.errors import InvalidInputError
from tests.helpers.pandoc import pandoc_plain


def _draft() -> bytes:
    document = docx.Document()
    document.add_paragraph("Escalate when a plan is not keeping a young person safe.")
    out = io.BytesIO()
    document.save(out)
    return add_custom_properties(
        out.getvalue(),
        {"cycle": "2026-q4-policy", "version": "abc123", "participant": PARTICIPANT_PLACEHOLDER},
    )


def test_a_stamped_copy_names_its_participant_and_keeps_the_rest() -> None:
    stamped = stamp_participant(_draft(), "P-0123456789")
    assert open_package(stamped).custom == {
        "coproduce.cycle": "2026-q4-policy",
        "coproduce.participant": "P-0123456789",
        "coproduce.version": "abc123",
    }
    reopened = docx.Document(io.BytesIO(stamped))
    assert reopened.paragraphs[0].text.startswith("Escalate when")


def test_a_stamped_copy_reads_in_pandoc_like_the_draft(tmp_path: Path) -> None:
    draft = tmp_path / "draft.docx"
    draft.write_bytes(_draft())
    stamped = tmp_path / "stamped.docx"
    stamped.write_bytes(stamp_participant(draft.read_bytes(), "P-ffffffffff"))
    assert pandoc_plain(stamped) == pandoc_plain(draft)


def test_stamping_needs_a_real_participant_id_and_a_stampable_draft() -> None:
    with pytest.raises(InvalidInputError, match="not a participant id"):
        stamp_participant(_draft(), "Jane Doe")
    document = docx.Document()
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(InvalidInputError, match="no custom properties"):
        stamp_participant(out.getvalue(), "P-0123456789")
