"""The triage sheet: export a cycle's items to .xlsx, and import the outcomes people typed in.

Import checks every row and reports every problem at once, changing nothing until the sheet
is clean. Rows are merged by item id against what the sheet held when it was exported (a hidden
``basis`` column): a row nobody edited never overwrites an outcome set since, and a row edited
on both sides is reported as a conflict rather than settled blind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coproduce.errors import InvalidInputError
from coproduce.models import Disposition, FeedbackItem, Outcome, Person
from coproduce.review import record
from coproduce.triage.service import load_triage, make_disposition, record_dispositions
from coproduce.xlsx import Column, Sheet, read_rows, write_workbook

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo

SHEET = "Triage"
WITHHELD = "(possible disclosure of harm: held by the safeguarding lead)"
COLUMNS = (
    Column("Item", 10),
    Column("Section", 18),
    Column("Quote", 30, wrap=True),
    Column("Comment", 60, wrap=True),
    Column("Suggested wording", 30, wrap=True),
    Column("Audience", 14),
    Column("Channel", 10),
    Column("Received", 12),
    Column("Outcome", 16, choices=tuple(o.value for o in Outcome)),
    Column("Reason", 50, wrap=True),
    Column("Duplicate of", 12),
    Column("Basis", 10, hidden=True),
)
NEEDED = ("Item", "Outcome", "Reason", "Duplicate of")
ID = re.compile(r"^FB-\d{4,}$")


@dataclass
class ImportResult:
    """What an import did: items whose outcome it set, and rows it left to newer decisions."""

    changed: list[str] = field(default_factory=list)
    kept_newer: list[str] = field(default_factory=list)
    unchanged: int = 0


def basis_of(disposition: Disposition | None) -> str:
    """Return a short fingerprint of an outcome as a sheet shows it ("" for none)."""
    if disposition is None:
        return ""
    return _fingerprint(disposition.outcome.value, disposition.reason, disposition.duplicate_of)


def export_sheet(repo: GuidanceRepo, cycle_id: str) -> bytes:
    """Return the triage sheet of a cycle: one row per item, outcome as a drop-down."""
    triage = load_triage(repo, cycle_id)
    rows = [_row(item, triage.dispositions.get(item.id)) for item in triage.items]
    return write_workbook([Sheet(SHEET, COLUMNS, rows)])


def _row(item: FeedbackItem, disposition: Disposition | None) -> list[Any]:
    anchor = item.anchor
    text = WITHHELD if item.safeguarding_concern else item.text
    suggestion = "" if item.safeguarding_concern else item.suggestion or ""
    return [
        item.id,
        anchor.section if anchor else "",
        anchor.exact if anchor else "",
        text,
        suggestion,
        item.audience,
        item.channel,
        item.received.date().isoformat(),
        disposition.outcome.value if disposition else "",
        disposition.reason if disposition else "",
        disposition.duplicate_of or "" if disposition else "",
        basis_of(disposition),
    ]


def import_sheet(
    repo: GuidanceRepo,
    cycle_id: str,
    data: bytes,
    *,
    author: Person,
    what: str = "the sheet",
    now: dt.datetime | None = None,
) -> ImportResult:
    """Check every row of a returned triage sheet, then record its outcomes in one commit."""
    now = record.as_utc(now or record.utcnow())
    rows = read_rows(data, what=what)
    if not rows:
        raise InvalidInputError(f"{what} is empty")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    missing = [name for name in NEEDED if name not in header]
    if missing:
        raise InvalidInputError(
            f"{what} is not a triage sheet", problems=[f"no column {m!r}" for m in missing]
        )
    at = {name: header.index(name) for name in header if name}
    triage = load_triage(repo, cycle_id)
    items = {i.id: i for i in triage.items}
    problems: list[str] = []
    result = ImportResult()
    wanted: list[Disposition] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(rows[1:], start=2):
        cell = _reader(values, at)
        item_id, outcome = cell("Item"), cell("Outcome")
        reason, duplicate_of = cell("Reason"), cell("Duplicate of")
        if not any((item_id, outcome, reason, duplicate_of)):
            continue
        where = f"row {number}"
        if not ID.match(item_id):
            problems.append(f"{where}: item {item_id!r} is not a feedback id like FB-0012")
            continue
        where = f"row {number} ({item_id})"
        if item_id not in items:
            problems.append(f"{where}: no such item in review {cycle_id}")
            continue
        if item_id in seen:
            problems.append(f"{where}: the item is already on row {seen[item_id]}")
            continue
        seen[item_id] = number
        current = triage.dispositions.get(item_id)
        if not outcome:
            if reason or duplicate_of:
                problems.append(f"{where}: a reason is given but no outcome")
            continue
        row_problems = _check_row(outcome, reason, duplicate_of, item_id, items)
        if row_problems:
            problems.extend(f"{where}: {p}" for p in row_problems)
            continue
        sheet_print = _fingerprint(outcome, reason, duplicate_of or None)
        if sheet_print == basis_of(current):
            result.unchanged += 1
            continue
        basis = cell("Basis")
        if basis != basis_of(current):
            if sheet_print == basis:
                result.kept_newer.append(item_id)  # not edited in the sheet: keep the newer
                continue
            problems.append(
                f"{where}: changed here and, since this sheet was exported, to "
                f"{current.outcome.value if current else 'no outcome'!r} by "
                f"{current.decided_by if current else 'someone'}: export a fresh sheet"
            )
            continue
        wanted.append(
            make_disposition(
                feedback_id=item_id,
                outcome=outcome,
                reason=reason,
                duplicate_of=duplicate_of or None,
                author=author,
                now=now,
            )
        )
    if problems:
        raise InvalidInputError(
            f"{what}: {len(problems)} problem(s), nothing was recorded", problems=problems
        )
    if wanted:
        record_dispositions(
            repo=repo,
            cycle_id=cycle_id,
            dispositions=wanted,
            author=author,
            message=f"Triage {len(wanted)} item(s) of {cycle_id} from a sheet",
        )
    result.changed = [d.feedback for d in wanted]
    return result


def _check_row(
    outcome: str, reason: str, duplicate_of: str, item_id: str, items: dict[str, FeedbackItem]
) -> list[str]:
    problems = []
    choices = [o.value for o in Outcome]
    if outcome not in choices:
        problems.append(f"outcome {outcome!r} is not one of: {', '.join(choices)}")
    if not reason:
        problems.append("the reason is empty (write it for the person who gave the feedback)")
    if outcome == Outcome.DUPLICATE.value:
        if not duplicate_of:
            problems.append("a duplicate needs the item it duplicates in 'Duplicate of'")
        elif duplicate_of == item_id:
            problems.append("an item cannot be a duplicate of itself")
        elif duplicate_of not in items:
            problems.append(f"duplicate of {duplicate_of!r}: no such item in this review")
    elif duplicate_of and outcome in choices:
        problems.append(f"'Duplicate of' is only for the outcome duplicate, not {outcome}")
    return problems


def _reader(values: list[Any], at: dict[str, int]) -> Any:
    def cell(name: str) -> str:
        index = at.get(name)
        if index is None or index >= len(values) or values[index] is None:
            return ""
        return str(values[index]).strip()

    return cell


def _fingerprint(outcome: str, reason: str, duplicate_of: str | None) -> str:
    text = "\x1f".join((outcome, reason.strip(), duplicate_of or ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
