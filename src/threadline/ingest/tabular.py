"""A spreadsheet (CSV or XLSX) with a column mapping, as a source of items."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from threadline.ingest.kinds import OPERATION, RECORD
from threadline.ingest.mapping import Cell, Mapping, RowMapper, load_mapping
from threadline.ingest.problems import Problems
from threadline.ingest.sources import SourceItem

csv.field_size_limit(64 * 1024 * 1024)


class TabularSource:
    def __init__(self, path: Path, mapping_path: Path) -> None:
        self.path = path.resolve()
        self.files_root = self.path.parent
        self.format = "xlsx" if self.path.suffix.lower() in (".xlsx", ".xlsm") else "csv"
        self.mapping_path = mapping_path
        self.mapping: Mapping | None = None

    def open(self, problems: Problems) -> dict[str, Any]:
        self.mapping = load_mapping(self.mapping_path)
        if not self.path.is_file():
            problems.add(self.path.name, None, None, "file does not exist")
        return {
            "name": self.path.name,
            "mapping": self.mapping.model_dump(mode="json", exclude_defaults=True),
        }

    def items(self, problems: Problems) -> Iterator[SourceItem]:
        mapping = self.mapping
        assert mapping is not None, "open() first"
        for i, op in enumerate(mapping.operations, start=1):
            raw = json.dumps(op, ensure_ascii=False)
            yield SourceItem(OPERATION, self.mapping_path.name, i, raw, op)
        mapper = RowMapper(mapping)
        label = self.path.name
        rows = self._xlsx_rows(problems) if self.format == "xlsx" else self._csv_rows(problems)
        for number, row in rows:
            mapped = mapper.record(row, label, number, problems)
            if mapped is None:
                continue
            record, fields = mapped
            raw = json.dumps(row, ensure_ascii=False)
            yield SourceItem(RECORD, label, number, raw, record, fields)

    def _check_header(self, header: list[str], problems: Problems) -> bool:
        assert self.mapping is not None
        missing = sorted(self.mapping.columns() - set(header))
        for column in missing:
            problems.add(
                self.path.name,
                self.mapping.header_row,
                column,
                f"column named in {self.mapping_path.name} is not in the header",
            )
        return not missing

    def _csv_rows(self, problems: Problems) -> Iterator[tuple[int, dict[str, Cell]]]:
        assert self.mapping is not None
        try:
            handle = self.path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            problems.add(self.path.name, None, None, f"cannot read: {exc.strerror}")
            return
        with handle:
            reader = csv.reader(handle)
            try:
                for _ in range(self.mapping.header_row - 1):
                    next(reader)
                header = [h.strip() for h in next(reader)]
            except StopIteration:
                problems.add(self.path.name, None, None, "no header row")
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                problems.add(self.path.name, reader.line_num, None, f"cannot read: {exc}")
                return
            if not self._check_header(header, problems):
                return
            while True:
                start = reader.line_num + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except (csv.Error, UnicodeDecodeError) as exc:
                    problems.add(self.path.name, start, None, f"cannot read: {exc}")
                    return
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header):
                    problems.add(
                        self.path.name,
                        start,
                        None,
                        f"{len(cells)} cells but the header has {len(header)} columns",
                    )
                    continue
                yield start, dict(zip(header, cells, strict=False))

    def _xlsx_rows(self, problems: Problems) -> Iterator[tuple[int, dict[str, Cell]]]:
        import openpyxl  # heavy; only spreadsheets need it

        assert self.mapping is not None
        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a bad file
            problems.add(self.path.name, None, None, f"not a readable XLSX workbook: {exc}")
            return
        try:
            if self.mapping.sheet is not None and self.mapping.sheet not in book.sheetnames:
                problems.add(self.path.name, None, "sheet", f"no sheet '{self.mapping.sheet}'")
                return
            sheet = book[self.mapping.sheet] if self.mapping.sheet else book.worksheets[0]
            rows = sheet.iter_rows(min_row=self.mapping.header_row, values_only=True)
            try:
                header = [_cell(v) or "" for v in next(rows)]
            except StopIteration:
                problems.add(self.path.name, None, None, "no header row")
                return
            if not self._check_header(header, problems):
                return
            for number, values in enumerate(rows, start=self.mapping.header_row + 1):
                cells = [_cell(v) for v in values]
                if not any(c for c in cells):
                    continue
                yield number, dict(zip(header, cells, strict=False))
        finally:
            book.close()


def _cell(value: object) -> Cell:
    """A spreadsheet cell as text, the way a person reading the sheet would write it."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
