"""Review cycles: start, launch, remind, extend, close, reopen, triage, send to the board,
cancel and sweep, over ``reviews/<cycle>/cycle.yaml``."""

from coproduce.review.clock import plan_sweep, sweep
from coproduce.review.delivery import Batch, Delivered, Outreach
from coproduce.review.lifecycle import cancel, extend, finish_triage, reopen, send_to_board
from coproduce.review.questions import load_questions, parse_questions
from coproduce.review.record import iter_cycles, load_cycle
from coproduce.review.report import status
from coproduce.review.service import (
    Plan,
    close,
    deliver,
    launch,
    list_cycles,
    notify_closed,
    open_cycle,
    plan_invitations,
    plan_reminders,
    record_decision,
    record_reminders,
    remind,
)
from coproduce.review.start import StartResult, new_cycle_id, start_review

__all__ = [
    "Batch",
    "Delivered",
    "Outreach",
    "Plan",
    "StartResult",
    "cancel",
    "close",
    "deliver",
    "extend",
    "finish_triage",
    "iter_cycles",
    "launch",
    "list_cycles",
    "load_cycle",
    "load_questions",
    "new_cycle_id",
    "notify_closed",
    "open_cycle",
    "parse_questions",
    "plan_invitations",
    "plan_reminders",
    "plan_sweep",
    "record_decision",
    "record_reminders",
    "remind",
    "reopen",
    "send_to_board",
    "start_review",
    "status",
    "sweep",
]
