"""Participants: import from CSV into the personal-data register, list, and erase on request."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, Field, ValidationError

from coproduce.errors import InvalidInputError
from coproduce.models import BUILT_IN_AUDIENCES, Participant, ParticipantRecord
from coproduce.models.participant import UNKNOWN_AGE, is_under_18, parse_age
from coproduce.models.validation import describe_errors
from coproduce.store.register import ParticipantEntry, Register, email_key

REQUIRED_COLUMNS = ("name", "email", "audience", "organisation", "age_band", "consent_named")
WORKER_COLUMN = "worker_email"
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})
MAX_CSV_BYTES = 5 * 1024 * 1024
DEFAULT_YOUTH_AUDIENCES = frozenset(a.id for a in BUILT_IN_AUDIENCES if a.youth)
_OTHER_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


class ImportReport(BaseModel):
    """What an import did: who was added (pseudonymously) and what it chose not to record."""

    source: str
    encoding: str
    added: list[Participant] = Field(default_factory=list)
    skipped_existing: list[str] = Field(
        default_factory=list, description="Ids of rows whose email was already registered."
    )
    consent_withheld: list[str] = Field(
        default_factory=list,
        description="Ids whose 'yes' to being named was not kept: under 18, or a young person"
        " whose age is not known.",
    )
    consent_withheld_rows: list[int] = Field(
        default_factory=list, description="The CSV rows of those ids, in the same order."
    )


def import_participants(
    register: Register,
    source: Path | bytes,
    *,
    audiences: set[str],
    youth_audiences: frozenset[str] = DEFAULT_YOUTH_AUDIENCES,
    skip_existing: bool = False,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Add the people in a CSV file to the register: all of them, or none and every problem."""
    name = source.name if isinstance(source, Path) else "CSV data"
    raw = _read_bytes(source, name)
    text, encoding = decode_csv(raw, what=name)
    rows, problems = _parse_rows(text)
    added_at = now or dt.datetime.now(dt.UTC)
    records: list[ParticipantRecord] = []
    withheld: list[tuple[str, int]] = []
    skipped: list[str] = []
    first_row: dict[str, int] = {}
    in_use = register.emails_in_use(r.get("email", "") for _, r in rows) if rows else {}
    for line, row in rows:
        record, row_problems = _row_record(
            row, audiences=audiences, youth=youth_audiences, added=added_at
        )
        problems.extend(f"row {line}: {p}" for p in row_problems)
        key = email_key(row.get("email", ""))
        if key and key in first_row:
            problems.append(f"row {line}: email {key} is a duplicate of row {first_row[key]}")
            continue
        first_row.setdefault(key, line)
        if key in in_use:
            if skip_existing:
                skipped.append(in_use[key])
            else:
                problems.append(f"row {line}: email {key} is already registered ({in_use[key]})")
            continue
        if record is None:
            continue
        new_id = register.new_participant_id()
        while new_id in {r.id for r in records}:
            new_id = register.new_participant_id()
        # A microsecond apart, so listings keep the file's order.
        added = added_at + dt.timedelta(microseconds=len(records))
        record = record.model_copy(update={"id": new_id, "added": added})
        if _yes(row.get("consent_named", "")) and not record.consent_named:
            withheld.append((record.id, line))
        records.append(record)
    if not rows and not problems:
        problems.append("no participants found: the file has a header but no rows")
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise InvalidInputError(
            f"{name} was not imported ({len(problems)} {noun}); nothing was written",
            problems=problems,
        )
    register.add_participants(records)
    return ImportReport(
        source=name,
        encoding=encoding,
        added=[r.public() for r in records],
        skipped_existing=skipped,
        consent_withheld=[pid for pid, _ in withheld],
        consent_withheld_rows=[line for _, line in withheld],
    )


def erase_participant(register: Register, participant_id: str) -> bool:
    """Erase a person's data on request, keeping the pseudonymous id git refers to."""
    return register.erase_participant(participant_id)


class Erasure(BaseModel):
    """What an erasure removed, and any file in the state folder that still names the person."""

    participant_id: str
    fields: list[str] = Field(default_factory=list)
    messages_deleted: int = 0
    still_found_in: list[str] = Field(default_factory=list)


def erase_everywhere(register: Register, participant_id: str, *, state_dir: Path) -> Erasure:
    """Erase a person from the register and the state folder: the sent messages in the outbox
    are deleted and the register's file rewritten, so no file left there holds their name or
    email. Any other file that still does is reported, never silently kept.
    """
    record = register.get_participant(participant_id)
    erase_participant(register, participant_id)
    register.compact()
    result = Erasure(participant_id=participant_id, fields=_held_fields(record))
    outbox = state_dir / "outbox"
    if outbox.is_dir():
        for path in sorted(outbox.rglob("*.eml")):
            if participant_id in path.name:
                path.unlink()
                result.messages_deleted += 1
    # The worker's address is the worker's, not the young person's: it is not searched for.
    needles = [record.email.encode()]
    if len(record.name) >= 5:
        needles.append(record.name.encode())
    result.still_found_in = _files_holding(state_dir, needles)
    return result


def _held_fields(record: ParticipantRecord) -> list[str]:
    fields = ["name", "email"]
    if record.organisation:
        fields.append("organisation")
    if record.age_band != UNKNOWN_AGE:
        fields.append("age")
    if record.via_worker_email:
        fields.append("worker's email")
    if record.extra:
        fields.append("other details")
    return fields


def _files_holding(folder: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if any(n and n in data for n in needles):
            found.append(str(path.relative_to(folder)))
    return found


def list_participants(register: Register, *, include_erased: bool = True) -> list[ParticipantEntry]:
    """Return the register's participants in the order they were added."""
    entries = register.list_entries()
    return entries if include_erased else [e for e in entries if not e.erased]


def decode_csv(raw: bytes, *, what: str = "CSV data") -> tuple[str, str]:
    """Return a CSV file's text and encoding: UTF-8 (BOM or not) or Windows-1252."""
    for bom, name in _OTHER_BOMS.items():
        if raw.startswith(bom):
            raise InvalidInputError(f"{what} is {name}; save it as CSV UTF-8 and try again")
    if b"\x00" in raw:
        raise InvalidInputError(f"{what} is not a text CSV file (it contains NUL bytes)")
    if raw.startswith(b"\xef\xbb\xbf"):
        return _decode(raw, "utf-8-sig", what), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode(raw, "cp1252", what), "cp1252"


def _decode(raw: bytes, encoding: str, what: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as e:
        raise InvalidInputError(
            f"{what} is neither UTF-8 nor Windows-1252 text (byte {e.start}); "
            "save it as CSV UTF-8 and try again"
        ) from e


def _read_bytes(source: Path | bytes, name: str) -> bytes:
    if isinstance(source, bytes):
        raw = source
    else:
        try:
            with open(source, "rb") as handle:
                raw = handle.read(MAX_CSV_BYTES + 1)
        except OSError as e:
            raise InvalidInputError(f"cannot read {source}: {e.strerror or e}") from e
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInputError(f"{name} is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB")
    return raw


def _parse_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    problems: list[str] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        table = [(reader.line_num, cells) for cells in reader]
    except csv.Error as e:
        raise InvalidInputError(f"the CSV cannot be read: {e}") from e
    table = [(n, cells) for n, cells in table if any(c.strip() for c in cells)]
    if not table:
        raise InvalidInputError("the CSV is empty: it needs a header row and one row per person")
    header = [_column(c) for c in table[0][1]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    dupes = sorted({c for c in header if c and header.count(c) > 1})
    if dupes:
        problems.append(f"columns appear more than once: {', '.join(dupes)}")
    if missing or dupes:
        return [], problems
    rows = []
    for line, cells in table[1:]:
        if len(cells) > len(header):
            problems.append(f"row {line}: {len(cells)} values but only {len(header)} columns")
            continue
        padded = [*cells, *[""] * (len(header) - len(cells))]
        rows.append((line, {h: v.strip() for h, v in zip(header, padded, strict=True) if h}))
    return rows, problems


def _row_record(
    row: dict[str, str], *, audiences: set[str], youth: frozenset[str], added: dt.datetime
) -> tuple[ParticipantRecord | None, list[str]]:
    problems: list[str] = []
    if not row["name"]:
        problems.append("name is empty")
    email = _check_email(row["email"], "email", problems)
    worker = _check_email(row.get(WORKER_COLUMN, ""), WORKER_COLUMN, problems, optional=True)
    if row["audience"] not in audiences:
        known = ", ".join(sorted(audiences)) or "(none given)"
        problems.append(f"audience {row['audience']!r} is not one of: {known}")
    band = " ".join(row["age_band"].split()) or UNKNOWN_AGE
    try:
        parse_age(band)
    except ValueError:
        problems.append(
            f"age_band {row['age_band']!r} is not an age in years or a band "
            "(e.g. 15, 14-15, under 16, 25+)"
        )
        band = UNKNOWN_AGE
    if len(band) > 16:
        problems.append(f"age_band {row['age_band']!r} is longer than 16 characters")
        band = UNKNOWN_AGE
    consent = row["consent_named"].lower()
    if consent not in YES | NO:
        problems.append(f"consent_named {row['consent_named']!r} must be yes or no")
    if worker and row["audience"] not in youth and not is_under_18(band):
        problems.append(f"{WORKER_COLUMN} is only for young people invited through a worker")
    if problems:
        return None, problems
    extra = {k: v for k, v in row.items() if k not in REQUIRED_COLUMNS and k != WORKER_COLUMN}
    # Under-18s are never named, whatever the sheet says (the model checks this too); in a
    # youth audience an age must be known to be 18 or over before a "yes" is kept.
    age_known = parse_age(band) is not None
    named = consent in YES and not is_under_18(band)
    if row["audience"] in youth and not age_known:
        named = False
    data = {
        "id": "P-0000000000",
        "name": row["name"],
        "email": email,
        "audience": row["audience"],
        "organisation": row["organisation"],
        "age_band": band,
        "consent_named": named,
        "via_worker_email": worker or None,
        "extra": {k: v for k, v in extra.items() if v},
        "added": added,
    }
    try:
        return ParticipantRecord.model_validate(data), []
    except ValidationError as e:
        return None, describe_errors(e)


def _check_email(value: str, column: str, problems: list[str], *, optional: bool = False) -> str:
    if not value:
        if not optional:
            problems.append(f"{column} is empty")
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as e:
        problems.append(f"{column} {value!r} is not a valid address: {e}")
        return ""


def _column(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("-", "_")


def _yes(value: str) -> bool:
    return value.strip().lower() in YES
