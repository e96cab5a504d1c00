import datetime as dt

import pytest

from coproduce.errors import StateError
from coproduce.models import (
    TRANSITIONS,
    CycleEvent,
    CycleState,
    ReviewCycle,
    next_commands,
    next_state,
)
from coproduce.models.cycle import COMMANDS

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


def test_closing_a_closed_cycle_is_refused_naming_commands_a_user_can_type() -> None:
    cycle = make_cycle(state="closed")
    with pytest.raises(StateError) as caught:
        cycle.apply(CycleEvent.CLOSE, at=NOW)
    message = str(caught.value)
    assert message.startswith(f"cannot close review {cycle.id}: it is closed and awaiting triage")
    assert f"coproduce review finish-triage {cycle.id}" in message
    assert f"coproduce review reopen {cycle.id} --closes DATE" in message
    assert f"coproduce review cancel {cycle.id} --reason TEXT" in message
    assert "complete-triage" not in message


def test_every_move_of_the_table_has_a_command() -> None:
    for state in CycleState:
        for command in next_commands(state, "X"):
            assert command.startswith(("coproduce review ", "coproduce signoff "))
    assert {e for (_, e) in TRANSITIONS} <= set(COMMANDS)


def test_no_error_names_an_internal_event() -> None:
    events = {e.value for e in CycleEvent} - {e.value for e in CycleEvent if "-" not in e.value}
    for state in CycleState:
        for event in CycleEvent:
            if (state, event) in TRANSITIONS:
                continue
            with pytest.raises(StateError) as caught:
                next_state(state, event, cycle_id="X")
            assert not any(f" {name}" in str(caught.value) for name in events), caught.value


def test_extending_moves_the_deadline_and_keeps_the_cycle_open() -> None:
    cycle = make_cycle(state="open")
    later = cycle.closes + dt.timedelta(days=7)
    extended = cycle.apply(CycleEvent.EXTEND, at=NOW, closes=later)
    assert (extended.state, extended.closes) == (CycleState.OPEN, later)
    with pytest.raises(StateError, match="must be after"):
        cycle.apply(CycleEvent.EXTEND, at=NOW, closes=cycle.closes - dt.timedelta(days=1))


def test_reopening_needs_a_close_date_in_the_future() -> None:
    cycle = make_cycle(state="closed")
    with pytest.raises(StateError, match="give a new close date in the future"):
        cycle.apply(CycleEvent.REOPEN, at=NOW, closes=NOW - dt.timedelta(days=1))
    reopened = cycle.apply(CycleEvent.REOPEN, at=NOW, closes=NOW + dt.timedelta(days=5))
    assert reopened.state is CycleState.OPEN


def test_a_first_version_cycle_has_no_base() -> None:
    assert make_cycle(base=None).base is None


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
