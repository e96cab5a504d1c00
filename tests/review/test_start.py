"""Cycle ids and closing times."""

from __future__ import annotations

import datetime as dt

from coproduce.review.start import closing_time, new_cycle_id


def test_a_cycle_id_is_year_quarter_and_slug() -> None:
    assert new_cycle_id(slug="protocol", when=dt.date(2026, 11, 2), taken=[]) == "2026-q4-protocol"
    assert new_cycle_id(slug="protocol", when=dt.date(2027, 3, 31), taken=[]) == "2027-q1-protocol"


def test_a_taken_cycle_id_gets_a_number() -> None:
    taken = ["2026-q4-protocol", "2026-q4-protocol-2"]
    assert new_cycle_id(slug="protocol", when=dt.date(2026, 10, 1), taken=taken) == (
        "2026-q4-protocol-3"
    )


def test_a_close_date_means_the_end_of_that_day() -> None:
    assert closing_time(dt.date(2026, 12, 15)) == dt.datetime(
        2026, 12, 15, 23, 59, 59, tzinfo=dt.UTC
    )
