"""Turn a survey table into submissions through a column mapping (flags or a TOML file).

Every problem in the file (an unmatched section, an unknown audience, an unreadable consent,
a cell too long) is collected with its row number; nothing is imported until the file is
clean, unless bad rows are skipped. Each row's key is the sha256 of its mapped content, so
importing the same export again adds nothing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from coproduce.channels.safeguarding import Contact
from coproduce.channels.submit import submission_key
from coproduce.channels.survey import SurveyTable
from coproduce.errors import InvalidInputError
from coproduce.models import Audience, Document
from coproduce.review.feedback import ANONYMOUS, Submission

FIELDS = ("comment", "section", "audience", "respondent", "consent")
MAX_TEXT = 20_000
_YES = {"yes", "y", "true", "1", "agree", "i agree", "consent", "ok"}
_NO = {"no", "n", "false", "0", "disagree", "i do not agree", "i don't agree"}


@dataclass
class ColumnMap:
    """Which column holds what; ``questions`` maps a question id to its column."""

    columns: dict[str, str] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)
    audiences: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, flags: list[str], mapping_file: Path | None) -> ColumnMap:
        """Return the mapping from a TOML file, then ``--map field=column`` flags on top."""
        found = cls()
        problems: list[str] = []
        if mapping_file is not None:
            found._read_toml(mapping_file, problems)
        for flag in flags:
            name, sep, column = flag.partition("=")
            name, column = name.strip(), column.strip().strip('"')
            if not sep or not column:
                problems.append(f'--map {flag!r}: write it as field="Column heading"')
            elif name.startswith("question:"):
                found.questions[name.removeprefix("question:")] = column
            elif name not in FIELDS:
                problems.append(
                    f"--map {name}: unknown field (known: {', '.join(FIELDS)}, question:ID)"
                )
            else:
                found.columns[name] = column
        if not problems and "comment" not in found.columns and not found.questions:
            problems.append('map the comment column: --map comment="Your comments"')
        if problems:
            raise InvalidInputError("the survey column mapping is not valid", problems=problems)
        return found

    def _read_toml(self, path: Path, problems: list[str]) -> None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(f"no such mapping file: {path}")
            return
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            problems.append(f"{path.name}: not valid TOML: {e}")
            return
        for table, target in (
            ("columns", self.columns),
            ("questions", self.questions),
            ("audiences", self.audiences),
        ):
            values = data.pop(table, {})
            if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
                problems.append(f"{path.name}: [{table}] must map names to text")
                continue
            target.update(values)
        problems.extend(f"{path.name}: unknown table [{t}]" for t in data)
        problems.extend(
            f"{path.name} [columns]: unknown field {k!r} (known: {', '.join(FIELDS)})"
            for k in self.columns
            if k not in FIELDS
        )


@dataclass
class SurveyRows:
    """The submissions a survey gives (with keys and a route back), and what was wrong."""

    submissions: list[tuple[Submission, str, Contact]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped_rows: int = 0
    empty_rows: int = 0


def map_rows(
    table: SurveyTable,
    mapping: ColumnMap,
    *,
    document: Document,
    audiences: list[Audience],
    default_audience: str | None,
    name: str,
) -> SurveyRows:
    """Return the submissions of every row, and every problem (line by line)."""
    found = SurveyRows()
    missing = [
        f"{name}: no column {column!r} (columns: {', '.join(table.headers)})"
        for column in [*mapping.columns.values(), *mapping.questions.values()]
        if column not in table.headers
    ]
    if missing:
        found.problems.extend(missing)
        return found
    sections = _SectionMatcher(document)
    by_name = _audience_names(audiences, mapping.audiences)
    for line, row in table.rows:
        problems: list[str] = []
        fields = {
            k: " ".join(row[c].split()) if k != "comment" else row[c].strip()
            for k, c in mapping.columns.items()
        }
        section = sections.match(fields.get("section", ""), problems)
        audience = default_audience
        if fields.get("audience"):
            audience = by_name.get(_singular(fields["audience"]))
            if audience not in {a.id for a in audiences}:
                problems.append(
                    f"audience {fields['audience']!r} is not one of "
                    f"{', '.join(sorted(set(by_name.values())))}"
                )
        consent = _consent(fields.get("consent", ""), problems)
        said: list[tuple[str, str | None, str]] = [("comment", None, fields.get("comment", ""))]
        said += [(f"question:{q}", q, row[c].strip()) for q, c in mapping.questions.items()]
        texts = [(label, q, text) for label, q, text in said if text]
        for label, _, text in texts:
            if len(text) > MAX_TEXT:
                problems.append(f"{label} is {len(text)} characters (the limit is {MAX_TEXT})")
        if problems:
            found.problems.extend(f"{name} row {line}: {p}" for p in problems)
            continue
        if not texts:
            found.empty_rows += 1
            continue
        row_key = submission_key(
            *(f"{k}={v}" for k, v in sorted(fields.items())),
            *(f"{label}={t}" for label, _, t in said),
        )
        contact = Contact(how="survey respondent", name=fields.get("respondent", ""))
        if "@" in contact.name:
            contact = Contact(how="survey respondent", email=contact.name)
        for label, question, text in texts:
            submission = Submission(
                participant=ANONYMOUS,
                channel="survey",
                text=text,
                section=section,
                question=question,
                kind="answer" if question else "comment",
                audience=audience,
                consent_to_quote=consent,
                response=row_key[:16],  # the row's answers count as one person's response
            )
            found.submissions.append((submission, submission_key(row_key, label), contact))
    return found


class _SectionMatcher:
    """Match what a respondent wrote to a section id: id, heading text, or number."""

    def __init__(self, document: Document) -> None:
        self.ids = document.section_ids()
        self.by_text: dict[str, str] = {}
        for heading in document.iter_headings():
            self.by_text.setdefault(_fold(heading.text), heading.id)
        for section in self.ids:
            self.by_text.setdefault(_fold(section), section)

    def match(self, value: str, problems: list[str]) -> str | None:
        if not value:
            return None
        folded = _fold(value)
        if folded in self.by_text:
            return self.by_text[folded]
        number = re.match(r"^(?:section\s*)?(\d+)\b\.?\s*(.*)$", folded)
        if number:
            position = int(number.group(1))
            if number.group(2) and _fold(number.group(2)) in self.by_text:
                return self.by_text[_fold(number.group(2))]
            if 1 <= position <= len(self.ids):
                return self.ids[position - 1]
        problems.append(f"section {value!r} matches no section (sections: {', '.join(self.ids)})")
        return None


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).replace("-", " ").split())


def _audience_names(audiences: list[Audience], extra: dict[str, str]) -> dict[str, str]:
    names = {_singular(a.id): a.id for a in audiences}
    names.update({_singular(a.name): a.id for a in audiences})
    names.update({_singular(k): v for k, v in extra.items()})
    return names


def _singular(label: str) -> str:
    """Fold "Practitioners", "practitioner" and "Young people" / "a young person" together."""
    words = _fold(label).replace("people", "person").split()
    if words and words[0] in ("a", "an", "i", "am"):
        words = [w for w in words if w not in ("a", "an", "i", "am")]
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


def _consent(value: str, problems: list[str]) -> bool | None:
    folded = value.strip().lower().rstrip(".")
    if not folded:
        return None
    if folded in _YES or folded.startswith("yes"):
        return True
    if folded in _NO or folded.startswith("no"):
        return False
    problems.append(f"consent {value!r} is neither yes nor no")
    return None
