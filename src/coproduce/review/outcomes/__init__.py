"""You said, we did: what happened to each person's feedback, told once, in their channel.

Call after the board's decision is recorded::

    from coproduce.review.outcomes import tell_participants
    told = tell_participants(workspace=workspace, cycle_id=cycle_id)  # the recorded decision

``write_feedback_report`` writes the same messages and the per-audience summaries to a folder
to read first; ``outcomes_for_token`` gives the portal a personal link's outcomes.
"""

from coproduce.review.outcomes.gather import (
    CycleOutcomes,
    ItemOutcome,
    ParticipantOutcomes,
    load_decision,
)
from coproduce.review.outcomes.service import (
    Report,
    Told,
    outcomes_for_token,
    outcomes_of,
    tell_participants,
    write_feedback_report,
)

__all__ = [
    "CycleOutcomes",
    "ItemOutcome",
    "ParticipantOutcomes",
    "Report",
    "Told",
    "load_decision",
    "outcomes_for_token",
    "outcomes_of",
    "tell_participants",
    "write_feedback_report",
]
