"""Survey exports read as a table: CSV in any encoding form tools write, or .xlsx.

CSV may be UTF-8 (with or without BOM) or Windows-1252, with line breaks inside quoted cells.
``.xlsx`` is read with openpyxl after the zip checks every Office file gets. SurveyMonkey's
two header rows (questions, then "Response" / option labels) are joined into one header.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from coproduce.errors import InvalidInputError
from coproduce.participants import decode_csv

MB = 1024 * 1024
MAX_BYTES = 20 * MB
MAX_UNZIPPED = 200 * MB
MAX_ROWS = 100_000
SURVEY_SUFFIXES = (".csv", ".xlsx")
# Second-row labels SurveyMonkey writes under each question of its exports.
_SUB_LABELS = frozenset({"response", "open-ended response", "other (please specify)", ""})


@dataclass
class SurveyTable:
    """A survey export as header names and rows (with the row number a spreadsheet shows)."""

    headers: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    encoding: str = ""


def read_survey(path: Path) -> SurveyTable:
    """Return the table in a survey export (.csv or .xlsx); InvalidInputError when unreadable."""
    suffix = path.suffix.lower()
    if suffix not in SURVEY_SUFFIXES:
        raise InvalidInputError(
            f"{path.name}: not a survey export (.csv or .xlsx); a Word reply is .docx"
        )
    raw = _read_bytes(path)
    if suffix == ".xlsx":
        grid, encoding = _xlsx_grid(raw, path.name), "xlsx"
    else:
        text, encoding = decode_csv(raw, what=path.name)
        grid = _csv_grid(text, path.name)
    table = _table(grid, path.name)
    table.encoding = encoding
    return table


def _read_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as e:
        raise InvalidInputError(f"no such file: {path}") from e
    except OSError as e:
        raise InvalidInputError(f"cannot read {path}: {e.strerror or e}") from e
    if len(raw) > MAX_BYTES:
        raise InvalidInputError(f"{path.name} is larger than {MAX_BYTES // MB} MB")
    if not raw.strip():
        raise InvalidInputError(f"{path.name} is empty")
    return raw


def _csv_grid(text: str, name: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    grid: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            grid.append((len(grid) + 1, cells))  # the row number a spreadsheet shows
            if len(grid) > MAX_ROWS + 2:
                raise InvalidInputError(f"{name} has more than {MAX_ROWS} rows")
    except csv.Error as e:
        raise InvalidInputError(f"{name} line {reader.line_num}: not valid CSV ({e})") from e
    return grid


def _xlsx_grid(raw: bytes, name: str) -> list[tuple[int, list[str]]]:
    _check_zip(raw, name)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a broken workbook
        raise InvalidInputError(f"{name}: not a readable .xlsx workbook ({e})") from e
    try:
        sheet = book.worksheets[0]
        grid = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            grid.append((number, ["" if v is None else str(v) for v in values]))
            if len(grid) > MAX_ROWS + 2:
                raise InvalidInputError(f"{name} has more than {MAX_ROWS} rows")
    finally:
        book.close()
    return grid


def _check_zip(raw: bytes, name: str) -> None:
    if not raw.startswith(b"PK\x03\x04"):
        raise InvalidInputError(f"{name}: not an .xlsx workbook (it is not a zip package)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as e:
        raise InvalidInputError(f"{name}: not a readable .xlsx workbook (corrupt zip)") from e
    if any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
        raise InvalidInputError(f"refused: {name} contains macros")
    if sum(i.file_size for i in infos) > MAX_UNZIPPED or len(infos) > 5000:
        raise InvalidInputError(f"refused: {name} unpacks to too much data (a zip bomb?)")


def _table(grid: list[tuple[int, list[str]]], name: str) -> SurveyTable:
    grid = [(n, cells) for n, cells in grid if any(c.strip() for c in cells)]
    if not grid:
        raise InvalidInputError(f"{name} has no header row")
    _, header = grid[0]
    body = grid[1:]
    if body and _is_sub_header(body[0][1]):
        header = _join_headers(header, body[0][1])
        body = body[1:]
    headers = [" ".join(h.split()) for h in header]
    seen: set[str] = set()
    for position, title in enumerate(headers):
        if title in seen or not title:
            headers[position] = f"{title or 'column'} ({position + 1})"
        seen.add(headers[position])
    rows = []
    for number, cells in body:
        padded = cells + [""] * (len(headers) - len(cells))
        rows.append((number, dict(zip(headers, padded, strict=False))))
    return SurveyTable(headers=headers, rows=rows)


def _is_sub_header(cells: list[str]) -> bool:
    labels = [c.strip().lower() for c in cells]
    return any(label in ("response", "open-ended response") for label in labels) and all(
        label in _SUB_LABELS or len(label) < 60 for label in labels
    )


def _join_headers(top: list[str], sub: list[str]) -> list[str]:
    joined, current = [], ""
    for position in range(max(len(top), len(sub))):
        question = top[position].strip() if position < len(top) else ""
        current = question or current  # a question spans its options' columns (merged cell)
        label = sub[position].strip() if position < len(sub) else ""
        if label.lower() in _SUB_LABELS:
            joined.append(current)
        else:
            joined.append(f"{current} / {label}" if current else label)
    return joined
