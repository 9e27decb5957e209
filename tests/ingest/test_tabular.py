"""Spreadsheets with a column mapping, and loose documents."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.support.bundles import write_bundle
from tests.support.snapshot import snapshot
from threadline.cli.main import app
from threadline.ingest import Importer, import_bundle, import_path
from threadline.store.models import Record, Subject, Version
from threadline.workspace import Workspace

runner = CliRunner()

MAPPING = """\
format: threadline-mapping
version: 1
operation: CLOVER
record:
  id: Log Ref
  kind: {value: intelligence}
  date: {column: Date, date_format: "%d/%m/%Y"}
  title: Title
  text: Details
grading:
  system: {value: 5x5x5}
  source: Src
  intelligence: Int
  handling: Hdl
subjects:
  - ref: {template: "{Log Ref}/S1"}
    role: {value: suspect}
    name: Suspect
    dob: {column: Suspect DOB, date_format: "%d/%m/%Y"}
    phones: {column: Phones, split: ";"}
    vehicles: VRM
locations:
  - address: Location
    postcode: Postcode
"""

HEADER = ["Log Ref", "Date", "Title", "Details", "Src", "Int", "Hdl", "Suspect", "Suspect DOB",
          "Phones", "VRM", "Location", "Postcode"]  # fmt: skip
ROWS = [
    ["IL-1", "12/06/2004", "Girls collected", "Silver Astra seen.", "B", "2", "1",
     "Mohammed ALI", "02/03/1979", "07700 900123; 07700900124", "RV05 KTX", "4 Wellgate",
     "RV6 1AA"],
    ["IL-2", "13/06/2004", "Taxi", "No suspect named.", "C", "3", "1",
     "", "", "", "", "", ""],
]  # fmt: skip


def _csv(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _loaded(tmp_path: Path, workspace: Workspace) -> Path:
    import_bundle(workspace, write_bundle(tmp_path / "bundle"))
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING)
    return mapping


def test_csv_rows_become_records(tmp_path: Path, workspace: Workspace) -> None:
    mapping = _loaded(tmp_path, workspace)
    sheet = _csv(tmp_path / "log.csv", ROWS)
    summary = import_path(Importer(workspace), sheet, mapping=mapping)
    assert summary.added == {"record": 2}
    with workspace.reading() as session:
        first = session.get(Record, "IL-1")
        assert first is not None
        assert first.date is not None and first.date.isoformat() == "2004-06-12"
        assert (first.grading_system, first.grading_source, first.grading_intelligence) == (
            "5x5x5", "B", "2"
        )  # fmt: skip
        suspect = session.get(Subject, "IL-1/S1")
        assert suspect is not None
        assert suspect.phones == ["07700 900123", "07700900124"]
        assert suspect.vehicles == ["RV05 KTX"]
        assert [loc.address for loc in first.locations] == ["4 Wellgate"]
        second = session.get(Record, "IL-2")
        assert second is not None and second.subjects == [] and second.locations == []
        raw = session.query(Version.raw).filter(Version.item_id == "IL-1").scalar()
        assert json.loads(raw)["Suspect"] == "Mohammed ALI"
    again = import_path(Importer(workspace), sheet, mapping=mapping)
    assert again.added == {} and again.unchanged == {"record": 2}


def test_xlsx_rows_become_records(tmp_path: Path, workspace: Workspace) -> None:
    mapping = _loaded(tmp_path, workspace)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "log.xlsx"
    book.save(path)
    summary = import_path(Importer(workspace), path, mapping=mapping)
    assert summary.added == {"record": 2} and summary.format == "xlsx"
    with workspace.reading() as session:
        assert session.get(Subject, "IL-1/S1") is not None


def test_bad_cell_names_file_row_and_column(tmp_path: Path, workspace: Workspace) -> None:
    mapping = _loaded(tmp_path, workspace)
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][1] = "2004-06-13"  # not the mapped format
    rows[0][5] = "9"  # not a 5x5x5 intelligence grade
    sheet = _csv(tmp_path / "log.csv", rows)
    before = snapshot(workspace)
    with pytest.raises(Exception) as caught:
        import_path(Importer(workspace), sheet, mapping=mapping)
    message = str(caught.value)
    assert "log.csv, line 3, field 'Date': '2004-06-13' does not match the date format" in message
    assert "log.csv, line 2, field 'Int': intelligence grade '9' is not valid in 5x5x5" in message
    assert snapshot(workspace) == before


def test_missing_column_is_refused_before_reading(tmp_path: Path, workspace: Workspace) -> None:
    mapping = _loaded(tmp_path, workspace)
    sheet = tmp_path / "log.csv"
    sheet.write_text("Log Ref,Date\nIL-1,12/06/2004\n")
    with pytest.raises(Exception) as caught:
        import_path(Importer(workspace), sheet, mapping=mapping)
    assert (
        "log.csv, line 1, field 'Details': column named in mapping.yaml is not in the header"
        in str(caught.value)
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("format: threadline-mapping\nversion: 1\nrecord: {title: T}\n", "'id' must be mapped"),
        ("format: other\nversion: 1\nrecord: {id: X}\noperation: A\n", "field 'format'"),
        (
            "format: threadline-mapping\nversion: 1\noperation: A\nrecord: {id: X, colour: C}\n",
            "unknown field(s) colour",
        ),
        ("format: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_mapping_is_refused(tmp_path: Path, workspace: Workspace, text: str, says: str) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(text)
    sheet = _csv(tmp_path / "log.csv", ROWS)
    with pytest.raises(Exception) as caught:
        import_path(Importer(workspace), sheet, mapping=mapping)
    assert "mapping.yaml" in str(caught.value) and says in str(caught.value)


def test_spreadsheet_without_mapping_is_refused(tmp_path: Path, cli_env: dict[str, str]) -> None:
    runner.invoke(app, ["init"])
    result = runner.invoke(app, ["import", str(_csv(tmp_path / "log.csv", ROWS))])
    assert result.exit_code == 1
    assert "needs --mapping" in result.stderr


def test_loose_documents_become_records(tmp_path: Path, workspace: Workspace) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "bundle"))
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Note one.")
    (folder / "sub" / "b.html").write_text("<p>Note <b>two</b>.</p>")
    (folder / "copy.txt").write_text("Note one.")  # same bytes: the same record
    (folder / "ignored.bin").write_bytes(b"\x00\x01")
    summary = import_path(Importer(workspace), folder, operation="CHARD", kind="report")
    assert summary.added == {"record": 2}
    with workspace.reading() as session:
        texts = sorted(
            r.document_text or "" for r in session.query(Record).filter(Record.id.like("DOC-%"))
        )
        assert texts == ["Note one.", "Note two."]
    again = import_path(Importer(workspace), folder, operation="CHARD")
    assert again.added == {}
