"""The demo's lead after the close: triage in a spreadsheet, changes that name the feedback.

The lead's decisions are demo content (``guidance/demo/responses/triage.yaml``): each matches
an item by words from what was said. The sheet is exported, filled in as a person would in
Excel (openpyxl), and imported; accepted suggestions are then made in the draft, each in a
commit naming the item (``Feedback:`` trailer).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coproduce.errors import CoproduceError

if TYPE_CHECKING:
    from coproduce.models import FeedbackItem, Person
    from coproduce.store import GuidanceRepo

HELD_REASON = (
    "Passed at once to the designated safeguarding lead, who will follow it up with the person "
    "who raised it. It is not shown in any report."
)


@dataclass
class Plan:
    """What the lead decides for each item, and which suggestions she makes in the draft."""

    outcomes: dict[str, tuple[str, str]] = field(default_factory=dict)
    edits: dict[str, str] = field(default_factory=dict)  # item id -> the words it matched


def plan_triage(items: list[FeedbackItem], decisions: dict[str, Any]) -> Plan:
    """Return the lead's outcome and reason for every item, from the demo's decisions."""
    plan = Plan()
    for item in items:
        if item.safeguarding_concern:
            plan.outcomes[item.id] = ("safeguarding", HELD_REASON)
            continue
        said = " ".join(
            filter(
                None, [item.text, item.suggestion or "", item.anchor.exact if item.anchor else ""]
            )
        )
        rule = next((d for d in decisions["decisions"] if d["match"] in said), None)
        if rule is None:
            rule = decisions["defaults"]["answer" if item.question else "comment"]
        elif rule.get("edit"):
            plan.edits[item.id] = rule["match"]
        plan.outcomes[item.id] = (rule["outcome"], " ".join(str(rule["reason"]).split()))
    return plan


def fill_sheet(data: bytes, plan: Plan) -> bytes:
    """Return the exported triage sheet with each row's outcome and reason typed in."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    item_col, outcome_col = header.index("Item") + 1, header.index("Outcome") + 1
    reason_col = header.index("Reason") + 1
    for row in range(2, sheet.max_row + 1):
        decided = plan.outcomes.get(str(sheet.cell(row, item_col).value))
        if decided is not None:
            sheet.cell(row, outcome_col).value, sheet.cell(row, reason_col).value = decided
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_edits(
    repo: GuidanceRepo,
    slug: str,
    plan: Plan,
    wording: dict[str, tuple[str, str]],
    *,
    author: Person,
) -> list[str]:
    """Make each planned suggestion in the draft, one commit per item; return the commits.

    ``wording`` maps a decision's matching words to (text now, text suggested).
    """
    from coproduce.files import write_atomically
    from coproduce.store.paths import document_relpath
    from coproduce.triage.commit import commit_for_feedback

    path = repo.root / document_relpath(slug)
    commits = []
    for item_id, match in plan.edits.items():
        before, after = wording[match]
        text = repo.read_text(slug)
        if before not in text:
            raise CoproduceError(f"the draft no longer has the words {item_id} is about")
        write_atomically(path, text.replace(before, after, 1).encode("utf-8"))
        commits.append(
            commit_for_feedback(
                repo, slug, message=f"Act on {item_id}", feedback=[item_id], author=author
            )
        )
    return commits


def suggested_wording(
    sources: list[dict[str, Any]], decisions: dict[str, Any]
) -> dict[str, tuple[str, str]]:
    """Return (quote, suggestion) for each edit decision, from the demo's response files."""
    found: dict[str, tuple[str, str]] = {}
    for rule in decisions["decisions"]:
        edit = rule.get("edit")
        if not edit:
            continue
        if isinstance(edit, dict):  # the lead's own wording
            found[rule["match"]] = (str(edit["from"]), " ".join(str(edit["to"]).split()))
            continue
        for source in sources:
            said = " ".join([str(source.get("comment", "")), str(source.get("suggestion", ""))])
            if rule["match"] in said and source.get("suggestion"):
                found[rule["match"]] = (source["quote"], source["suggestion"])
                break
        else:
            raise CoproduceError(f"no demo response with a suggestion matches {rule['match']!r}")
    return found
