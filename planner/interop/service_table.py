"""The services table: a plan's services as a spreadsheet, and back.

:func:`write_service_table` writes one row per service, in plan order, with the columns
of :data:`COLUMNS` (docs/interop.md, "Services spreadsheet"). :func:`read_service_table`
reads such a table, edited or written by hand, against a plan and returns what importing
it would do (:class:`TableImport`), or raises :class:`TableError` with one line per
problem, naming the sheet, row and column of each bad cell; nothing is applied then.
:func:`import_edit` is the one undoable edit that applies an import.

The rules of an import:

* rows are matched to services by id; a row updates only the columns the sheet has,
  every other field of the service (data copies, steps, notes, failover needs,
  colour, position, ...) stays as it was;
* a row with a new id adds a service (it needs a name);
* a service of the plan that is not in the sheet is kept as it is, and named in a
  warning: a sheet never deletes (a missing row is more often a filter or a cut than
  a decision);
* values are read by the field registry's parsers (:func:`planner.model.fields.parse`),
  so a cell accepts what the properties panel accepts (``90`` or ``1:30``, ``tier 1``);
* the services the import would leave must not have problems the plan did not have
  before (unknown servers, pools or dependencies, a dependency cycle, more instances
  than servers, ...): each is reported at its cell.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from planner.interop.diff import DiffItem, PlanDiff, describe
from planner.interop.tabular import (
    Cell,
    Sheet,
    TableFileError,
    minutes_text,
    read_table,
    table_format,
    write_csv,
    write_xlsx,
)
from planner.model import fields
from planner.model.edits import Edit, ReplaceItems
from planner.model.plan import Plan, Service
from planner.model.text import printable, shortened
from planner.model.validate import validate

SHEET_NAME = "Services"


@dataclass(frozen=True)
class Column:
    """One column of the table: the Service field it holds and the other names a
    header may give it (compared without case, spaces, ``_``, ``-``, ``.`` or a unit in
    brackets: "RTO (h:mm)", "rto_minutes" and "rto" all name the RTO)."""

    field: str
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """The header the writer gives the column: the registry's label ("RTO")."""
        return fields.label("service", self.field)

    @property
    def is_minutes(self) -> bool:
        return fields.get("service", self.field).type.name in ("minutes", "optional_minutes")


COLUMNS: tuple[Column, ...] = (
    Column("id", ("service", "service id")),
    Column("name"),
    Column("tier"),
    Column("rto_minutes", ("rto",)),
    Column("rpo_minutes", ("rpo",)),
    Column("restore_minutes", ("restore",)),
    Column("failover_minutes", ("failover",)),
    Column("restart_minutes", ("restart",)),
    Column("min_instances", ("instances", "minimum instances")),
    Column("servers", ("active servers",)),
    Column("standby_servers", ("standby", "standbys")),
    Column("depends_on", ("dependencies", "depends")),
    Column("needs", ("crews", "pools")),
    Column("owner"),
    Column("team"),
)
_NUMBER_FIELDS = frozenset({"tier", "min_instances"})  # written as numbers, not text


def _key(header: str) -> str:
    cleaned = re.sub(r"\([^()]*\)\s*$", "", header.strip())  # "RTO (h:mm)": the unit
    cleaned = re.sub(r"[\s_.\-]+", " ", cleaned.casefold()).strip()
    return cleaned


_BY_HEADER: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.field, _column.header, _column.field.removesuffix("_minutes")):
        _BY_HEADER[_key(_name)] = _column
    for _name in _column.aliases:
        _BY_HEADER[_key(_name)] = _column


def column_for(header: str) -> Column | None:
    """The column a header names, or None."""
    return _BY_HEADER.get(_key(header))


# ---------------------------------------------------------------- writing


def cell_value(service: Service, column: Column) -> Cell:
    """What the table holds for ``service`` in ``column``: text as the registry formats
    it (durations ``h:mm``; exact minutes when not whole), tier and min. instances as
    whole numbers, None for nothing."""
    value = getattr(service, column.field)
    if column.field in _NUMBER_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return value
    text = (
        minutes_text(value)
        if column.is_minutes
        else fields.format_value("service", column.field, value)
    )
    return text or None


def service_rows(plan: Plan) -> tuple[list[str], list[list[Cell]]]:
    """The header and one row per service, in plan order."""
    header = [column.header for column in COLUMNS]
    rows = [[cell_value(service, column) for column in COLUMNS] for service in plan.services]
    return header, rows


def write_service_table(plan: Plan, path: str | Path) -> int:
    """Write the services table to ``path`` (.xlsx or .csv, by its suffix), atomically;
    return the number of rows. TableFileError for another suffix."""
    path = Path(path)
    kind = table_format(path)
    header, rows = service_rows(plan)
    if kind == "csv":
        write_csv(path, header, rows)
    else:
        write_xlsx(path, SHEET_NAME, header, rows)
    return len(rows)


# ---------------------------------------------------------------- reading


class TableError(ValueError):
    """A table that cannot be imported: ``lines`` holds one line per problem."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


@dataclass(frozen=True)
class FieldChange:
    """One field of one service, before and after, as the table shows them."""

    field: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return fields.label("service", self.field)


@dataclass
class TableImport:
    """What importing a table would do to a plan.

    ``services`` is the plan's new list of services (existing ones in plan order, new
    ones after them in sheet order); ``added`` the new services, ``changed`` each
    updated service's id with its changed fields, ``unchanged`` how many rows change
    nothing, ``warnings`` what was left alone (services not in the sheet, columns not
    read).
    """

    services: list[Service]
    added: list[Service] = field(default_factory=list)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        """Whether the import changes the plan."""
        return bool(self.added or self.changed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {self.unchanged} unchanged"
            + (
                f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
                if self.warnings
                else ""
            )
        )

    def diff(self) -> PlanDiff:
        """The import as a :class:`planner.interop.diff.PlanDiff` (added and changed
        services, warnings), each change with its values, for the CLI's ``--dry-run`` and
        the GUI's import dialog: ``service 'Login' (login): RTO '1:00' -> '0:30'``."""
        by_id = {s.id: s for s in self.services}
        changed = []
        for service_id, changes in self.changed.items():
            parts = "; ".join(f"{c.label} {_shown(c.before)} -> {_shown(c.after)}" for c in changes)
            text = f"{describe('service', by_id[service_id])}: {parts}"
            fields = tuple(c.field for c in changes)
            changed.append(DiffItem("service", service_id, text, fields))
        return PlanDiff(
            added=tuple(DiffItem("service", s.id, describe("service", s)) for s in self.added),
            changed=tuple(changed),
            warnings=tuple(self.warnings),
        )

    def lines(self) -> list[str]:
        """The import in words, laid out as :meth:`PlanDiff.lines`."""
        return self.diff().lines()


def _shown(text: str, limit: int = 80) -> str:
    return f"'{shortened(printable(text), limit)}'" if text else "(blank)"


@dataclass
class _Reader:
    """One pass over a sheet: the columns found, the errors, the rows by service id."""

    sheet: Sheet
    plan: Plan
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: dict[int, Column] = field(default_factory=dict)
    row_of: dict[str, int] = field(default_factory=dict)

    def at(self, row: int, column: Column | None, message: str) -> None:
        where = f"{self.sheet.where}, row {row}"
        if column is not None:
            where += f", column {column.header}"
        self.errors.append(f"{where}: {message}")

    def read_header(self) -> bool:
        seen: dict[str, int] = {}
        for index, text in enumerate(self.sheet.header):
            if not text.strip():
                if any(index < len(cells) and cells[index].strip() for _, cells in self.sheet.rows):
                    self.warnings.append(
                        f"{self.sheet.where}: column {index + 1} has no header; not read"
                    )
                continue
            column = column_for(text)
            if column is None:
                known = ", ".join(c.header for c in COLUMNS)
                self.warnings.append(
                    f"{self.sheet.where}: column '{shortened(printable(text), 60)}' is not "
                    f"one DR Planner reads (it reads {known}); not read"
                )
                continue
            if column.field in seen:
                self.at(
                    1,
                    column,
                    f"is there twice (columns {seen[column.field] + 1} and {index + 1})",
                )
                continue
            seen[column.field] = index
            self.columns[index] = column
        if "id" not in seen:
            self.errors.append(
                f"{self.sheet.where}: no Id column: row 1 must name the columns, one of them "
                "Id (the service's id)"
            )
            return False
        return True

    def read_rows(self) -> dict[str, dict[str, Any]]:
        """Each row's parsed values by service id, in sheet order."""
        id_index = next(i for i, c in self.columns.items() if c.field == "id")
        values: dict[str, dict[str, Any]] = {}
        for number, cells in self.sheet.rows:
            if not any(cell.strip() for cell in cells):
                continue  # a blank row: Excel leaves them, people add them
            parsed: dict[str, Any] = {}
            for index, column in self.columns.items():
                text = cells[index] if index < len(cells) else ""
                if (number, index) in self.sheet.formulas:
                    self.at(
                        number,
                        column,
                        f"{_shown(text)} is a formula: DR Planner reads values only "
                        "(copy the column and paste it as values)",
                    )
                    continue
                try:
                    parsed[column.field] = self._parse(column, text)
                except fields.ParseError as error:
                    message = str(error)
                    if f"'{text.strip()}'" not in message:  # the parser's words name the text
                        message = f"{_shown(text)}: {message}"
                    self.at(number, column, message)
            if id_index not in self.columns or "id" not in parsed:
                continue
            service_id = parsed.pop("id")
            if service_id in self.row_of:
                self.at(
                    number,
                    self.columns[id_index],
                    f"'{service_id}' is also in row {self.row_of[service_id]}: one row per service",
                )
                continue
            self.row_of[service_id] = number
            values[service_id] = parsed
        return values

    @staticmethod
    def _parse(column: Column, text: str) -> Any:
        if column.is_minutes:
            text = _excel_seconds(text)
        return fields.parse("service", column.field, text)


_WITH_SECONDS = re.compile(r"^\s*(\d+):([0-5]\d):([0-5]\d)\s*$")


def _excel_seconds(text: str) -> str:
    # Excel turns a typed 1:30 into a time and writes it to CSV as 1:30:00.
    match = _WITH_SECONDS.match(text)
    if match is None:
        return text
    hours, minutes, seconds = (int(g) for g in match.groups())
    if seconds:
        return minutes_text(hours * 60 + minutes + seconds / 60)
    return f"{hours}:{minutes:02d}"


def read_service_table(plan: Plan, path: str | Path, display: str | None = None) -> TableImport:
    """What importing the table at ``path`` (.xlsx or .csv) into ``plan`` would do.

    Raises :class:`TableError` (one line per problem) when the file cannot be read or
    anything in it is wrong; ``plan`` is never changed. ``display`` is the name the
    lines give the file (default: ``path`` as given).
    """
    try:
        sheet = read_table(Path(path), display, SHEET_NAME)
    except TableFileError as error:
        raise TableError([str(error)]) from None
    return import_sheet(plan, sheet)


def import_sheet(plan: Plan, sheet: Sheet) -> TableImport:
    """:func:`read_service_table` for a sheet already read."""
    reader = _Reader(sheet, plan)
    if not reader.read_header():
        raise TableError(reader.errors)
    values = reader.read_rows()
    # On with what could be read, so that one pass names the bad cells and the unknown
    # ids alike (a cell that could not be read keeps the service's value meanwhile).
    result = _build(plan, values, reader)
    if reader.errors:
        raise TableError(reader.errors)
    result.warnings = reader.warnings + result.warnings
    return result


def _build(plan: Plan, values: dict[str, dict[str, Any]], reader: _Reader) -> TableImport:
    existing: dict[str, Service] = {}
    for service in plan.services:
        if service.id in existing:
            reader.errors.append(
                f"the plan has two services with the id '{service.id}': rows are matched "
                "by id, so fix the plan first ('drplanner validate' names every problem)"
            )
        existing.setdefault(service.id, service)
    present = {c.field for c in reader.columns.values()}
    result = TableImport(services=[])
    for service in plan.services:
        row = values.get(service.id)
        if row is None:
            result.services.append(service)
            result.warnings.append(
                f"{describe('service', service)} is not in the sheet: left as it is"
            )
            continue
        changes = [
            FieldChange(
                name,
                _text(service, name, getattr(service, name)),
                _text(service, name, value),
            )
            for name, value in row.items()
            if value != getattr(service, name)
        ]
        if changes:
            updated = copy.deepcopy(service)
            for name, value in row.items():
                setattr(updated, name, value)
            result.services.append(updated)
            result.changed[service.id] = changes
        else:
            result.services.append(service)
            result.unchanged += 1
    for service_id, row in values.items():
        if service_id in existing:
            continue
        if "name" not in present:
            reader.at(
                reader.row_of[service_id],
                None,
                f"'{service_id}' is a new service and needs a name: add a Name column",
            )
            continue
        new = Service(service_id, row.pop("name"))
        for name, value in row.items():
            setattr(new, name, value)
        result.services.append(new)
        result.added.append(new)
    _check(plan, result, reader)
    return result


def _text(service: Service, name: str, value: Any) -> str:
    if fields.get("service", name).type.name in ("minutes", "optional_minutes"):
        return minutes_text(value)
    return fields.format_value("service", name, value)


def _check(plan: Plan, result: TableImport, reader: _Reader) -> None:
    """Report, at their cells, the problems the imported services would have that the
    plan does not have now (so an import never makes a plan worse, and a plan's old
    problems elsewhere do not block it)."""
    before = {str(p) for p in validate(plan)}
    after = validate(replace(plan, services=result.services))
    by_field = {c.field: c for c in reader.columns.values()}
    for problem in after:
        if str(problem) in before:
            continue
        row = reader.row_of.get(problem.item or "") if problem.kind == "service" else None
        column = by_field.get(problem.field or "")
        if row is not None:
            if column is None:
                # A field the sheet does not hold: the problem comes from a column that
                # does (say, a failover need above a pool's capacity); say which field.
                where = fields.label("service", problem.field) if problem.field else "service"
                reader.at(row, None, f"service '{problem.item}': {where}: {problem.message}")
            else:
                reader.at(row, column, problem.message)
        else:
            reader.errors.append(f"{reader.sheet.where}: after the import, {problem}")


# ---------------------------------------------------------------- applying


def import_edit(plan: Plan, result: TableImport, label: str = "Import services table") -> Edit:
    """The one undoable edit that applies ``result`` to ``plan`` (the plan it was read
    against): the new list of services swapped in whole (:class:`ReplaceItems`), its
    Change naming exactly the services added and the fields changed."""
    return ReplaceItems(label, {"service": result.services})
