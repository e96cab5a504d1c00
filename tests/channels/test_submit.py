"""The one door: each key recorded once, whatever route it came by."""

from __future__ import annotations

from coproduce.channels.submit import fields_key, recorded_keys, submission_key, submit
from coproduce.review.feedback import Submission

from .conftest import OpenCycle


def test_keys_tell_apart_parts_that_join_to_the_same_text() -> None:
    assert submission_key(b"ab", "c") != submission_key(b"a", "bc")
    assert submission_key(b"file", "comment:1") == submission_key(b"file", "comment:1")
    assert fields_key({"a": 1, "b": 2}) == fields_key({"b": 2, "a": 1})


def test_a_key_already_recorded_is_a_duplicate_and_records_nothing(open_cycle: OpenCycle) -> None:
    said = Submission(participant="anonymous", channel="email", text="Shorter, please.")
    first = submit(
        repo=open_cycle.repo,
        register=None,
        cycle_id=open_cycle.cycle_id,
        submission=said,
        key="k1",
    )
    again = submit(
        repo=open_cycle.repo,
        register=None,
        cycle_id=open_cycle.cycle_id,
        submission=said,
        key="k1",
    )
    assert first.item is not None and first.item.key == "k1"
    assert again.duplicate and again.item is None
    assert recorded_keys(open_cycle.repo, open_cycle.cycle_id) == {"k1"}
