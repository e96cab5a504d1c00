import datetime as dt

import pytest

from coproduce.errors import StateError
from coproduce.models import TRANSITIONS, CycleEvent, CycleState, ReviewCycle, next_state

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def make_cycle(**changes: object) -> ReviewCycle:
    data: dict[str, object] = {
        "id": "2026-q4-exploitation-protocol",
        "slug": "exploitation-protocol",
        "base": "exploitation-protocol/v1.0",
        "proposed": "a" * 40,
        "created": NOW,
        "closes": NOW + dt.timedelta(days=21),
        "audiences": ["practitioners"],
    }
    data.update(changes)
    return ReviewCycle.model_validate(data)


def test_a_cycle_walks_from_draft_to_approved_through_the_table() -> None:
    cycle = make_cycle()
    for event in (
        CycleEvent.LAUNCH,
        CycleEvent.CLOSE,
        CycleEvent.COMPLETE_TRIAGE,
        CycleEvent.ISSUE_PACK,
        CycleEvent.APPROVE,
    ):
        cycle = cycle.apply(event, at=NOW, actor="lead")
    assert cycle.state is CycleState.APPROVED
    assert cycle.history[0].event is CycleEvent.LAUNCH
    assert len(cycle.history) == 5
    assert cycle.opens == NOW


def test_closing_a_closed_cycle_is_refused_with_the_allowed_moves() -> None:
    cycle = make_cycle(state="closed")
    with pytest.raises(
        StateError, match="cannot close a cycle that is closed; from closed you can"
    ):
        cycle.apply(CycleEvent.CLOSE, at=NOW)


def test_terminal_states_allow_no_event() -> None:
    for state in (CycleState.APPROVED, CycleState.REJECTED, CycleState.CANCELLED):
        assert not [e for (s, e) in TRANSITIONS if s is state]
        with pytest.raises(StateError):
            next_state(state, CycleEvent.REOPEN)


def test_apply_leaves_the_original_cycle_untouched() -> None:
    cycle = make_cycle()
    cycle.apply(CycleEvent.LAUNCH, at=NOW)
    assert cycle.state is CycleState.DRAFT
    assert cycle.history == []


def test_due_reminders_are_those_within_their_window_and_not_yet_sent() -> None:
    cycle = make_cycle(state="open", reminder_days=[2, 7])
    assert cycle.reminder_days == [7, 2]
    assert cycle.due_reminders(NOW) == []
    six_days_left = cycle.closes - dt.timedelta(days=6)
    assert cycle.due_reminders(six_days_left) == [7]
    one_day_left = cycle.closes - dt.timedelta(days=1)
    assert cycle.due_reminders(one_day_left) == [7, 2]
    sent = cycle.model_copy(update={"reminders_sent": [7]})
    assert sent.due_reminders(one_day_left) == [2]
    assert sent.due_reminders(cycle.closes) == []
