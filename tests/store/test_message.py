from __future__ import annotations

import pytest

from coproduce.errors import InvalidInputError
from coproduce.store import compose_message, feedback_ids, parse_trailers


def test_trailers_go_in_a_final_paragraph():
    message = compose_message("Reword purpose\n", {"Feedback": ["FB-0001", "FB-0002"]})

    assert message == "Reword purpose\n\nFeedback: FB-0001\nFeedback: FB-0002\n"
    assert parse_trailers(message) == {"Feedback": ["FB-0001", "FB-0002"]}


def test_trailers_join_an_existing_trailer_block():
    message = compose_message(
        "Reword\n\nCo-authored-by: Jo <jo@example.org>", {"Feedback": ["FB-0003"]}
    )

    assert message.endswith("Co-authored-by: Jo <jo@example.org>\nFeedback: FB-0003\n")


def test_feedback_ids_are_read_from_hand_written_trailers_in_any_case_and_list_form():
    message = (
        "Fix typo\n\nSome prose: not a trailer block\n\n"
        "feedback: FB-0010, FB-0011\nFeedback: FB-0010"
    )

    assert feedback_ids(message) == ["FB-0010", "FB-0011"]
    assert feedback_ids("Subject only, Feedback: FB-0099") == []


def test_a_last_paragraph_of_prose_is_not_taken_for_trailers():
    assert parse_trailers("Subject\n\nFeedback: FB-0001\nand then some words") == {}


def test_bad_trailers_and_an_empty_message_are_all_reported():
    with pytest.raises(InvalidInputError) as caught:
        compose_message("  ", {"Bad key": ["x"], "Feedback": ["two\nlines"]})

    assert len(caught.value.problems) == 3
