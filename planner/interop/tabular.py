"""Tables in and out: CSV (UTF-8 with a BOM, for Excel) and XLSX (openpyxl).

One writer and one reader shared by the services table and the schedule export. A
sheet is a header row and rows of cells; what a cell holds is text, a whole number, or
nothing. Every text cell is written as text (Excel does not turn ``0012`` into 12 or
``1:30`` into a time), and text that a spreadsheet would run as a formula is written so
it shows as typed (see :func:`csv_cell` and :func:`_text_cell`).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.model.clock import clock
from planner.storage.atomic import replace_atomically

Cell = str | int | None

SUFFIXES = (".xlsx", ".csv")
#: Larger files are refused before they are read: no services table comes near it.
MAX_TABLE_BYTES = 64 * 1024 * 1024
#: A sheet is read up to this many rows and columns (a zip of a few KiB may unpack to a
#: sheet of a million rows: the reader stops instead of filling the memory).
MAX_ROWS = 200_000
MAX_COLUMNS = 500
#: A workbook is a zip: what its parts would unpack to is checked before openpyxl reads
#: them (its shared strings are read whole), so a zip bomb is refused, not unpacked.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024

# What a spreadsheet reads as the start of a formula (OWASP, "CSV injection"); a CSV
# cell starting with one of these, or with the quote itself, gets a leading "'".
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


class TableFileError(ValueError):
    """A table file cannot be read or written; the message says why, in one line."""


def table_format(path: Path) -> str:
    """ "xlsx" or "csv" by the name's suffix; TableFileError for anything else."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise TableFileError(
            f"{path.name}: the name must end in .xlsx or .csv, not '{path.suffix or path.name}'"
        )
    return suffix[1:]


def minutes_text(minutes: float | None) -> str:
    """A duration as a cell holds it: ``h:mm`` for whole minutes, else the minutes as a
    decimal number ("90.5"), so that reading the cell back gives the same value; ""
    for none."""
    if minutes is None:
        return ""
    if math.isinf(minutes):
        return "never"
    if float(minutes).is_integer():
        return clock(minutes)
    return format(Decimal(repr(float(minutes))), "f")


# ---------------------------------------------------------------- writing


def csv_cell(value: Cell) -> str:
    """The text of a CSV cell: a text starting like a formula ("=", "+", "-", "@", a tab,
    or a "'") gets one leading "'", which :func:`read_table` removes again."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """Write the table as CSV, UTF-8 with a byte-order mark (Excel on Windows reads
    Hangul right only with it), CRLF line ends, atomically."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    data = buffer.getvalue().encode("utf-8-sig")
    replace_atomically(path, lambda temporary: temporary.write_bytes(data))


def _text_cell(cell: Any, value: str) -> None:
    # A string cell, always: openpyxl would store "=..." as a formula. The quote prefix
    # is what Excel itself sets when a user types '=...: it shows the text, never runs it.
    cell.value = value
    cell.data_type = "s"
    if value.startswith(_FORMULA_STARTS):
        cell.quotePrefix = True


def write_xlsx(
    path: Path,
    sheet: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    widths: Sequence[int] | None = None,
) -> None:
    """Write one sheet: a bold, frozen header row with a filter, text cells formatted as
    text ("@"), whole numbers as numbers, columns as wide as their content (within
    10 to 60 characters, or ``widths``), atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None  # a new workbook has one sheet
    worksheet.title = sheet
    bold = Font(bold=True)
    longest = [len(h) for h in header]
    for column, title in enumerate(header, start=1):
        cell = worksheet.cell(row=1, column=column)
        _text_cell(cell, title)
        cell.font = bold
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            if value is None or value == "":
                cell = worksheet.cell(row=row_number, column=column)
                cell.number_format = "@"  # typed into later, it stays text
                continue
            cell = worksheet.cell(row=row_number, column=column)
            if isinstance(value, int):
                cell.value = value
            else:
                _text_cell(cell, value)
                cell.number_format = "@"
            longest[column - 1] = max(longest[column - 1], len(str(value)))
    for column, length in enumerate(longest, start=1):
        width = widths[column - 1] if widths is not None else min(max(length + 2, 10), 60)
        worksheet.column_dimensions[get_column_letter(column)].width = width
    worksheet.freeze_panes = "B2"  # the header row and the id column stay in view
    if header:
        last = get_column_letter(len(header))
        worksheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
    replace_atomically(path, lambda temporary: workbook.save(temporary))


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Sheet:
    """A table as read: ``where`` names it in messages ("services.xlsx, sheet
    'Services'"), ``header`` is row 1, ``rows`` are ``(row number, cells)`` with each
    cell as text ("" for an empty one); ``formulas`` the cells (row, column index)
    holding a formula, which the reader refuses rather than guess their value."""

    where: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    formulas: frozenset[tuple[int, int]] = frozenset()


def read_table(path: Path, display: str | None = None, sheet_name: str = "") -> Sheet:
    """Read a CSV or XLSX table (by suffix); TableFileError in one line when the file
    cannot be read. ``display`` is the name messages give the file (default: as given);
    of a workbook, the sheet called ``sheet_name`` (any case) is read if there is one,
    else the first."""
    shown = display if display is not None else str(path)
    kind = table_format(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise TableFileError(f"{shown}: is not a file")
    except FileNotFoundError:
        raise TableFileError(f"{shown}: no such file") from None
    except OSError as error:
        raise TableFileError(f"{shown}: {error.strerror or type(error).__name__}") from None
    if size > MAX_TABLE_BYTES:
        raise TableFileError(
            f"{shown}: is {size:,} bytes, more than a table may be ({MAX_TABLE_BYTES:,})"
        )
    if kind == "csv":
        return _read_csv(path, shown)
    return _read_xlsx(path, shown, sheet_name)


def _read_csv(path: Path, shown: str) -> Sheet:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TableFileError(f"{shown}: {error.strerror or type(error).__name__}") from None
    try:
        text = data.decode("utf-8-sig")  # with or without the byte-order mark
    except UnicodeDecodeError as error:
        raise TableFileError(
            f"{shown}: is not UTF-8 text (byte {error.start + 1}); in Excel, save it as "
            "'CSV UTF-8 (Comma delimited)'"
        ) from None
    if "\0" in text:
        raise TableFileError(f"{shown}: holds NUL characters: not a CSV text file")
    first_line = text.split("\n", 1)[0]
    # Excel writes ";" where the decimal separator is a comma (most of Europe).
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise TableFileError(f"{shown}: is not a CSV table: {error}") from None
    if len(records) > MAX_ROWS:
        raise TableFileError(f"{shown}: has more than {MAX_ROWS:,} rows")
    header = [_unquoted(cell) for cell in records[0]] if records else []
    rows = [
        (number, [_unquoted(cell) for cell in record])
        for number, record in enumerate(records[1:], start=2)
    ]
    return Sheet(shown, header, rows)


def _unquoted(text: str) -> str:
    # The writer's guard against formulas (csv_cell), taken off again.
    return text[1:] if text.startswith("'") else text


def _read_xlsx(path: Path, shown: str, sheet_name: str) -> Sheet:
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a runtime dependency; said plainly if missing
        raise TableFileError("reading .xlsx needs the Python package openpyxl") from None
    _check_unpacked_size(path, shown)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except OSError as error:
        raise TableFileError(f"{shown}: {error.strerror or type(error).__name__}") from None
    except Exception as error:  # zip, XML and openpyxl errors alike: not a workbook
        reason = " ".join(str(error).split()) or type(error).__name__
        raise TableFileError(f"{shown}: is not an Excel workbook (.xlsx): {reason}") from None
    try:
        names = workbook.sheetnames
        if not names:
            raise TableFileError(f"{shown}: has no sheet")
        chosen = next((n for n in names if n.casefold() == sheet_name.casefold()), names[0])
        worksheet = workbook[chosen]
        where = f"{shown}, sheet '{chosen}'"
        header: list[str] = []
        rows: list[tuple[int, list[str]]] = []
        formulas: set[tuple[int, int]] = set()
        try:
            for number, row in enumerate(worksheet.iter_rows(), start=1):
                if number > MAX_ROWS:
                    raise TableFileError(f"{where}: has more than {MAX_ROWS:,} rows")
                if len(row) > MAX_COLUMNS:
                    raise TableFileError(f"{where}: has more than {MAX_COLUMNS:,} columns")
                cells = []
                for index, cell in enumerate(row):
                    if getattr(cell, "data_type", None) == "f":
                        formulas.add((number, index))
                    cells.append(cell_text(getattr(cell, "value", None)))
                if number == 1:
                    header = cells
                else:
                    rows.append((number, cells))
        except TableFileError:
            raise
        except Exception as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            raise TableFileError(f"{where}: cannot be read: {reason}") from None
        return Sheet(where, header, rows, frozenset(formulas))
    finally:
        workbook.close()


def _check_unpacked_size(path: Path, shown: str) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip: openpyxl says so in its own words below
    if unpacked > MAX_UNPACKED_BYTES:
        raise TableFileError(
            f"{shown}: would unpack to {unpacked:,} bytes, more than a table may be "
            f"({MAX_UNPACKED_BYTES:,})"
        )


_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)


def cell_text(value: object) -> str:
    """The text of a workbook cell's value, as a person would have typed it: a number
    as written (90, 1.5), a time Excel made of "1:30" back as ``1:30``, a duration
    (``[h]:mm``) as its minutes, a date as ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.timedelta):
        return minutes_text(value.total_seconds() / 60)
    if isinstance(value, datetime.datetime):
        if value < datetime.datetime(1900, 3, 1):  # a time past 24 hours, on Excel's epoch
            return minutes_text((value - _EXCEL_EPOCH).total_seconds() / 60)
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return minutes_text(seconds / 60)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
