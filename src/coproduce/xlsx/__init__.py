"""Spreadsheets in and out: the only package that imports openpyxl.

Written sheets are made for people: a frozen header, filters, readable column widths, wrapped
text, drop-down lists where a column takes fixed values, and every cell that holds someone's
words stored as text (a comment starting with ``=`` never becomes a formula). Read sheets are
checked as packages first: not a zip, too large, XML with a DTD — one clear error each.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from coproduce.errors import InvalidInputError

MAX_UNPACKED = 100 * 1024 * 1024  # bytes a workbook may unpack to
MAX_ROWS = 100_000


@dataclass(frozen=True)
class Column:
    """One column: its header, width in characters, fixed choices, and whether it is shown."""

    title: str
    width: int = 14
    choices: tuple[str, ...] = ()
    hidden: bool = False
    wrap: bool = False


@dataclass
class Sheet:
    """A table to write as one worksheet."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]] = field(default_factory=list)


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """Return an .xlsx holding each sheet as a table a person can read, sort and filter."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    # Write-only mode streams rows: about four times faster than building cells in memory.
    book = Workbook(write_only=True)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for spec in sheets:
        ws = book.create_sheet(title=spec.title[:31])
        last_row = max(len(spec.rows) + 1, 2)
        ws.freeze_panes = "A2"
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = column.width
            ws.column_dimensions[letter].hidden = column.hidden
            if column.choices:
                ws.data_validations.append(
                    _choice_rule(column, f"{letter}2:{letter}{max(last_row, 1000)}")
                )
        header = []
        for column in spec.columns:
            cell = WriteOnlyCell(ws, value=column.title)
            cell.font, cell.fill = header_font, header_fill
            header.append(cell)
        ws.append(header)
        # One styled cell per column, its style array copied to each cell: setting a style on
        # every cell costs a lookup each time, most of the time of writing a long log.
        styles = []
        for column in spec.columns:
            template = WriteOnlyCell(ws)
            template.alignment = wrap if column.wrap else top
            styles.append(template._style)
        for values in spec.rows:
            row = []
            for value, style in zip(values, styles, strict=False):
                cell = WriteOnlyCell(ws, value=_plain(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: no formula from anyone's words
                cell._style = copy(style)
                row.append(cell)
            ws.append(row)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{last_row}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _choice_rule(column: Column, cells: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    listed = ",".join(column.choices)
    rule = DataValidation(
        type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=True
    )
    rule.error = f"Choose one of: {', '.join(column.choices)}"
    rule.errorTitle = f"Not a valid {column.title.lower()}"
    rule.prompt = f"Choose one of: {', '.join(column.choices)}"
    rule.showInputMessage = True
    rule.add(cells)
    return rule


def read_rows(data: bytes, *, what: str, sheet: str | None = None) -> list[list[Any]]:
    """Return every row of a worksheet (the first, or ``sheet``) as lists of cell values."""
    _check_package(data, what=what)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many unrelated types for a damaged file
        raise InvalidInputError(f"{what} is not a readable .xlsx workbook ({e})") from e
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InvalidInputError(f"{what} has no sheet named {sheet!r}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows: list[list[Any]] = []
        for values in ws.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS:
                raise InvalidInputError(f"{what} has more than {MAX_ROWS} rows")
        return rows
    finally:
        book.close()


def read_sheet_names(data: bytes, *, what: str) -> list[str]:
    """Return the worksheet names of a workbook."""
    _check_package(data, what=what)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
    except Exception as e:
        raise InvalidInputError(f"{what} is not a readable .xlsx workbook ({e})") from e
    names = list(book.sheetnames)
    book.close()
    return names


def _check_package(data: bytes, *, what: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise InvalidInputError(f"{what} is not an .xlsx workbook (not a zip package)") from e
    with archive:
        names = archive.namelist()
        if "xl/workbook.xml" not in names:
            kind = "a macro-enabled or other Office file" if "[Content_Types].xml" in names else ""
            raise InvalidInputError(
                f"{what} is not an .xlsx workbook{f' ({kind})' if kind else ''}"
            )
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise InvalidInputError(f"{what} holds macros: save it as a plain .xlsx workbook")
        if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
            raise InvalidInputError(f"{what} unpacks to more than {MAX_UNPACKED >> 20} MB")
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise InvalidInputError(f"{what} contains XML with a DTD: refused")


def _plain(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, (int, float)):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))
