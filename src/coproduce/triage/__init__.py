"""Triage: an outcome and a reason for every feedback item, set by CLI or spreadsheet."""

from coproduce.triage.record import disposition_path, iter_dispositions
from coproduce.triage.service import (
    Triage,
    acted_on,
    find_cycle,
    load_triage,
    record_dispositions,
    set_outcome,
)

__all__ = [
    "Triage",
    "acted_on",
    "disposition_path",
    "find_cycle",
    "iter_dispositions",
    "load_triage",
    "record_dispositions",
    "set_outcome",
]
