"""The services spreadsheet: lossless XLSX and CSV round trips on the examples, edits
that change exactly the edited fields, and broken sheets that change nothing and name
every bad cell."""

from __future__ import annotations

import codecs
import copy
import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from planner.interop.diff import plan_diff
from planner.interop.service_table import (
    COLUMNS,
    TableError,
    import_edit,
    read_service_table,
    write_service_table,
)
from planner.model import Plan, Pool, Rack, Server, Service, Site
from planner.model.plan import DataCopy
from planner.storage import plan_to_json, read_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [ROOT / "resources" / "examples" / name for name in ("pangyo.json", "pangyo-after.json")]
HEADERS = [c.header for c in COLUMNS]


def small_plan() -> Plan:
    return Plan(
        name="판교 DR",
        sites=[Site("pangyo", "판교")],
        racks=[Rack("r1", "pangyo", "Rack 1")],
        servers=[Server(f"s{i}", "r1", f"web-{i}", i) for i in range(1, 5)],
        pools=[Pool("dba", "DBA", 2), Pool("oncall", "On call", 3)],
        services=[
            Service(
                "db",
                "데이터베이스",
                tier=0,
                rto_minutes=60,
                restore_minutes=720,
                failover_minutes=30,
                failover_needs={"dba": 1},
                servers=["s1"],
                standby_servers=["s2"],
                needs={"dba": 2},
                owner="김철수",
                team="DBA",
                notes="keep me",
                steps=["promote", "check"],
                color="#c0392b",
                x=10,
                y=20,
                data=[DataCopy("main", ["s1"])],
            ),
            Service("web", "Web", tier=1, restore_minutes=10, servers=["s3"], depends_on=["db"]),
            Service("0012", "Numbered", restore_minutes=5),
        ],
    )


def write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """A workbook (by hand) or a CSV file, by suffix."""
    if path.suffix == ".xlsx":
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Services"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    else:
        lines = [",".join(header)] + [",".join(f'"{v}"' for v in row) for row in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def applied(plan: Plan, path: Path) -> Plan:
    """A copy of ``plan`` with the table imported through the one edit."""
    after = copy.deepcopy(plan)
    result = read_service_table(after, path)
    import_edit(after, result).apply(after)
    return after


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_examples_round_trip_without_a_change(
    tmp_path: Path, example: Path, suffix: str
) -> None:
    plan = read_plan(example)
    path = tmp_path / f"services{suffix}"
    assert write_service_table(plan, path) == len(plan.services)
    result = read_service_table(plan, path)
    assert not result, result.lines()
    assert result.unchanged == len(plan.services)
    assert result.warnings == []
    assert plan_to_json(applied(plan, path)) == plan_to_json(plan)


# A new value for every column of the table, as text a person would type.
EDITS = {
    "name": ("이름 바꿈 / renamed", "이름 바꿈 / renamed"),
    "tier": ("tier 2", 2),
    "rto_minutes": ("90", 90),
    "rpo_minutes": ("0:15", 15),
    "restore_minutes": ("12:30", 750),
    "failover_minutes": ("", None),
    "restart_minutes": ("45", 45),
    "min_instances": ("2", 2),
    "servers": ("s1, s4", ["s1", "s4"]),
    "standby_servers": ("", []),
    "depends_on": ("0012", ["0012"]),
    "needs": ("dba=1, oncall=3", {"dba": 1, "oncall": 3}),
    "owner": ("이영희", "이영희"),
    "team": ("", None),
}


def test_every_column_is_edited() -> None:
    assert set(EDITS) == {c.field for c in COLUMNS} - {"id"}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("field", sorted(EDITS))
def test_an_edited_cell_changes_exactly_its_field(tmp_path: Path, suffix: str, field: str) -> None:
    plan = small_plan()
    path = tmp_path / f"services{suffix}"
    write_service_table(plan, path)
    column = HEADERS.index(next(c.header for c in COLUMNS if c.field == field))
    text, value = EDITS[field]
    if suffix == ".xlsx":
        workbook = load_workbook(path)
        sheet = workbook["Services"]
        sheet.cell(row=2, column=column + 1).value = text or None
        workbook.save(path)
    else:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        import csv

        rows = list(csv.reader(lines))
        rows[1][column] = text
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
    result = read_service_table(plan, path)
    assert [c.field for c in result.changed["db"]] == [field]
    assert list(result.changed) == ["db"] and not result.added
    after = applied(plan, path)
    expected = copy.deepcopy(plan)
    setattr(expected.services[0], field, value)
    assert after == expected  # data copies, steps, notes, colour, x/y, failover needs kept


def test_the_import_is_one_edit_that_undoes_exactly(tmp_path: Path) -> None:
    plan = small_plan()
    before = copy.deepcopy(plan)
    path = write(
        tmp_path / "s.csv",
        ["id", "name", "RTO", "depends_on"],
        [["db", "DB", "2:00", ""], ["web", "Web", "1:00", "db"], ["new", "새 서비스", "30", "web"]],
    )
    result = read_service_table(plan, path)
    assert [s.id for s in result.added] == ["new"]
    edit = import_edit(plan, result)
    change = edit.apply(plan)
    assert change.added_ids("service") == {"new"}
    assert change.changed_fields("service", "db") == {"name", "rto_minutes"}
    assert change.changed_fields("service", "web") == {"rto_minutes"}
    assert plan.service("new").depends_on == ["web"]
    assert plan.service("new").rto_minutes == 30
    edit.revert(plan)
    assert plan == before
    edit.apply(plan)
    assert plan.service("db").rto_minutes == 120
    # The plan's own diff of the import says the same as the import does.
    diff = plan_diff(before, plan)
    assert [d.id for d in diff.added] == ["new"]
    assert {d.id: d.fields for d in diff.changed} == {
        "db": ("name", "rto_minutes"),
        "web": ("rto_minutes",),
    }
    assert not diff.removed and not diff.moved


def test_a_plan_repeating_a_service_id_is_refused(tmp_path: Path) -> None:
    plan = small_plan()
    plan.services.append(Service("web", "Web again"))
    path = write(tmp_path / "s.csv", ["id", "rto"], [["web", "1:00"]])
    with pytest.raises(TableError, match="the plan has two services with the id 'web'"):
        read_service_table(plan, path)


def test_a_dependency_swap_is_not_refused_on_the_way(tmp_path: Path) -> None:
    # web depends on db; the sheet makes db depend on web instead: one cycle check, on
    # the result, so the swap goes through (field by field it would pass a cycle).
    plan = small_plan()
    path = write(tmp_path / "s.csv", ["id", "depends on"], [["db", "web"], ["web", ""]])
    after = applied(plan, path)
    assert after.service("db").depends_on == ["web"]
    assert after.service("web").depends_on == []


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_broken_sheet_names_every_bad_cell_and_changes_nothing(
    tmp_path: Path, suffix: str
) -> None:
    plan = small_plan()
    before = copy.deepcopy(plan)
    header = ["Id", "Name", "Tier", "RTO", "Servers", "Needs", "Depends on"]
    rows = [
        ["db", "DB", "0", "1:75", "s1", "dba=1", ""],  # row 2: bad duration
        ["web", "Web", "7", "1:00", "nope", "", "db"],  # row 3: bad tier, unknown server
        ["0012", "N", "1", "", "", "ghost=1", ""],  # row 4: unknown pool
        ["web", "Again", "1", "", "", "", ""],  # row 5: duplicate id
        ["loop-a", "A", "1", "", "", "", "loop-b"],  # rows 6-7: a cycle
        ["loop-b", "B", "1", "", "", "", "loop-a, missing"],
    ]
    path = write(tmp_path / f"services{suffix}", header, rows)
    with pytest.raises(TableError) as raised:
        read_service_table(plan, path)
    where = f"{path}, sheet 'Services'" if suffix == ".xlsx" else str(path)
    lines = raised.value.lines
    assert f"{where}, row 2, column RTO: '1:75' is not a number of minutes or a time" in (lines[0])
    expected = [
        f"{where}, row 3, column Tier: The tier must be one of 0, 1, 2, 3, not '7'",
        f"{where}, row 5, column Id: 'web' is also in row 3: one row per service",
        f"{where}, row 3, column Servers: unknown server 'nope'",
        f"{where}, row 4, column Needs: unknown pool 'ghost'",
        f"{where}, row 7, column Depends on: unknown service 'missing'",
        f"{where}, row 6, column Depends on: dependency cycle loop-a -> loop-b -> loop-a",
    ]
    for line in expected:
        assert line in lines
    assert len(lines) == 1 + len(expected), lines
    assert plan == before


def test_a_sheet_without_an_id_column_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", ["Name", "RTO"], [["DB", "1:00"]])
    with pytest.raises(TableError) as raised:
        read_service_table(small_plan(), path)
    assert raised.value.lines == [
        f"{path}, sheet 'Services': no Id column: row 1 must name the columns, one of them "
        "Id (the service's id)"
    ]


def test_minutes_and_clock_times_are_both_read(tmp_path: Path) -> None:
    plan = small_plan()
    path = write(
        tmp_path / "s.csv",
        ["id", "rto", "Restore (h:mm)", "FAILOVER", "restart_minutes"],
        [["db", "90", "1:30", "1:30:00", "1h30m"]],
    )
    after = applied(plan, path)
    db = after.service("db")
    assert (db.rto_minutes, db.restore_minutes, db.failover_minutes) == (90, 90, 90)
    assert db.restart_minutes == 90


def test_excel_times_and_numbers_are_read_as_typed(tmp_path: Path) -> None:
    # Typed into a cell not formatted as text, 1:30 becomes a time and 90 a number.
    plan = small_plan()
    path = write(
        tmp_path / "s.xlsx",
        ["Id", "RTO", "Restore", "Failover", "Min. instances"],
        [["db", datetime.time(1, 30), datetime.timedelta(hours=26), 90, 1.0]],
    )
    db = applied(plan, path).service("db")
    assert (db.rto_minutes, db.restore_minutes, db.failover_minutes) == (90, 1560, 90)
    assert db.min_instances == 1


def test_fractional_minutes_round_trip_exactly(tmp_path: Path) -> None:
    plan = small_plan()
    plan.services[0].rto_minutes = 90.5
    plan.services[1].restore_minutes = 0.25
    for suffix in (".xlsx", ".csv"):
        path = tmp_path / f"s{suffix}"
        write_service_table(plan, path)
        assert not read_service_table(plan, path)


def test_korean_survives_and_the_csv_has_a_byte_order_mark(tmp_path: Path) -> None:
    plan = small_plan()
    path = tmp_path / "s.csv"
    write_service_table(plan, path)
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert "데이터베이스" in data.decode("utf-8-sig")
    # Without the mark (another tool's CSV) it reads the same.
    path.write_bytes(data[len(codecs.BOM_UTF8) :])
    assert not read_service_table(plan, path)
    path.write_bytes(data.decode("utf-8-sig").encode("cp949"))
    with pytest.raises(TableError, match="is not UTF-8 text"):
        read_service_table(plan, path)


HOSTILE = ['=HYPERLINK("http://x","click")', "+1", "-2", "@SUM(A1)", "'quoted", "a\nb"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_names_that_look_like_formulas_are_written_as_text(tmp_path: Path, suffix: str) -> None:
    plan = small_plan()
    plan.services = [Service(f"h{i}", name) for i, name in enumerate(HOSTILE)]
    path = tmp_path / f"s{suffix}"
    write_service_table(plan, path)
    assert not read_service_table(plan, path)
    if suffix == ".xlsx":
        sheet = load_workbook(path)["Services"]
        for row, name in enumerate(HOSTILE, start=2):
            cell = sheet.cell(row=row, column=2)
            assert (cell.value, cell.data_type) == (name, "s")
            assert cell.quotePrefix == name.startswith(("=", "+", "-", "@", "'"))
    else:
        text = path.read_bytes().decode("utf-8-sig")
        assert '\r\nh0,"\'=HYPERLINK(""http://x"",""click"")",' in text
        assert "\r\nh1,'+1," in text and "\r\nh4,''quoted," in text


def test_ids_stay_text(tmp_path: Path) -> None:
    plan = small_plan()
    path = tmp_path / "s.xlsx"
    write_service_table(plan, path)
    sheet = load_workbook(path)["Services"]
    assert sheet.cell(row=4, column=1).value == "0012"
    assert sheet.cell(row=4, column=1).number_format == "@"
    assert sheet.freeze_panes == "B2"
    assert sheet.cell(row=1, column=1).font.bold


def test_a_partial_sheet_updates_only_its_columns_and_warns(tmp_path: Path) -> None:
    plan = small_plan()
    path = write(tmp_path / "s.csv", ["ID", "rto", "Comment"], [["web", "0:20", "mine"]])
    result = read_service_table(plan, path)
    assert {k: [c.field for c in v] for k, v in result.changed.items()} == {"web": ["rto_minutes"]}
    assert result.warnings[0].startswith(f"{path}: column 'Comment' is not one DR Planner reads")
    assert "service '데이터베이스' (db) is not in the sheet: left as it is" in result.warnings
    assert result.lines()[:2] == ["Changed (1):", "  service 'Web' (web): RTO (blank) -> '0:20'"]
    after = applied(plan, path)
    assert [s.id for s in after.services] == ["db", "web", "0012"]


def test_a_new_service_needs_a_name(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", ["id", "rto"], [["fresh", "1:00"]])
    with pytest.raises(TableError) as raised:
        read_service_table(small_plan(), path)
    assert raised.value.lines == [
        f"{path}, row 2: 'fresh' is a new service and needs a name: add a Name column"
    ]


def test_a_formula_is_refused_at_its_cell(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", ["Id", "RTO"], [["db", "=60+30"]])
    with pytest.raises(TableError) as raised:
        read_service_table(small_plan(), path)
    assert raised.value.lines == [
        f"{path}, sheet 'Services', row 2, column RTO: '=60+30' is a formula: DR Planner "
        "reads values only (copy the column and paste it as values)"
    ]


def test_min_instances_above_the_servers_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", ["id", "min instances"], [["web", "3"]])
    with pytest.raises(TableError) as raised:
        read_service_table(small_plan(), path)
    assert raised.value.lines == [
        f"{path}, row 2, column Min. instances: 3 is more than its 1 active and standby instances"
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("s.xlsx", b"PK\x03\x04 not really a zip", "is not an Excel workbook (.xlsx)"),
        ("s.xlsx", b"", "is not an Excel workbook (.xlsx)"),
        ("s.ods", b"x", "the name must end in .xlsx or .csv"),
        ("s.csv", b"id\x00,name\n", "holds NUL characters"),
    ],
)
def test_files_that_are_no_table_are_one_line(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(TableError) as raised:
        read_service_table(small_plan(), path)
    assert len(raised.value.lines) == 1 and message in raised.value.lines[0]


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(TableError) as raised:
        read_service_table(small_plan(), tmp_path / "none.xlsx")
    assert raised.value.lines == [f"{tmp_path / 'none.xlsx'}: no such file"]


def test_semicolon_csv_from_a_european_excel(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('Id;RTO;Servers\ndb;2:00;"s1, s4"\n', encoding="utf-8")
    db = applied(small_plan(), path).service("db")
    assert (db.rto_minutes, db.servers) == (120, ["s1", "s4"])


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planner.interop.tabular as tabular

    path = tmp_path / "s.xlsx"
    write_service_table(small_plan(), path)
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(TableError) as raised:
        read_service_table(small_plan(), path)
    assert len(raised.value.lines) == 1
    assert "would unpack to" in raised.value.lines[0]
