"""The pack's central document: the redline, with comments naming the feedback behind each
change and marking accepted items not yet acted on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from coproduce.errors import CoproduceError
from coproduce.models import Block, FeedbackItem, Table
from coproduce.pack.consent import Voice
from coproduce.pack.trace import Trace
from coproduce.redline import Redline

COMMENT_AUTHOR = "Feedback log"
WORDS_IN_COMMENT = 400


def add_feedback_comments(
    result: Redline,
    trace: Trace,
    voices: Mapping[str, Voice],
    *,
    waiting: Sequence[FeedbackItem],
    date: dt.datetime,
) -> list[str]:
    """Comment each traced change with its items, and each waiting item on its passage.

    Return the notices for comments that could not be anchored (they are listed, not lost).
    """
    notices = []
    for change in trace.changes:
        shown = [voices[i] for i in change.items if i in voices and not voices[i].safeguarding]
        held = sum(1 for i in change.items if i in voices and voices[i].safeguarding)
        if not shown and not held:
            continue
        lines = [f"Change {change.number}: feedback behind it"]
        lines += [_describe(v) for v in shown]
        if held:
            lines.append(f"{held} item(s) held as a safeguarding concern (count only)")
        if not _comment(
            result, "\n".join(lines), quote=change.quote, block=change.block, date=date
        ):
            notices.append(f"change {change.number} ({change.section}): comment not anchored")
    blocks = result.changes.proposed.blocks
    for item in waiting:
        voice = voices.get(item.id)
        if voice is None or voice.safeguarding:
            continue
        text = "Accepted, not yet acted on\n" + _describe(voice)
        quote, block = _passage(item, blocks)
        if not _comment(result, text, quote=quote, block=block, date=date):
            notices.append(f"{item.id}: its passage was not found for a comment")
    return notices


def _describe(voice: Voice) -> str:
    item = voice.item
    lines = [f"{item.id} ({voice.who}) — {voice.outcome_label}"]
    words = voice.words
    if len(words) > WORDS_IN_COMMENT:
        words = words[: WORDS_IN_COMMENT - 1] + "…"
    lines.append(f"“{words}”" if voice.words_shown else words)
    if voice.reason:
        lines.append(f"Reason: {voice.reason}")
    return "\n".join(lines)


def _passage(item: FeedbackItem, blocks: Sequence[Block]) -> tuple[str, int | None]:
    anchor = item.anchor
    if anchor is None:
        return "", None
    for index, block in enumerate(blocks):
        if block.section != anchor.section or isinstance(block, Table):
            continue
        if anchor.exact and anchor.exact in block.text:
            return anchor.exact, index
    first = next(
        (
            i
            for i, b in enumerate(blocks)
            if b.section == anchor.section and not isinstance(b, Table)
        ),
        None,
    )
    return "", first


def _comment(
    result: Redline, text: str, *, quote: str, block: int | None, date: dt.datetime
) -> bool:
    attempts: list[tuple[str | None, int | None]] = []
    if block is not None:
        attempts += [(quote or None, block), (None, block)]
    if quote:
        attempts.append((quote, None))
    for quote_, block_ in attempts:
        try:
            result.add_comment(
                text=text, author=COMMENT_AUTHOR, quote=quote_, block=block_, date=date
            )
            return True
        except CoproduceError:
            continue
    return False
