"""Column mappings: how a spreadsheet's rows become bundle records.

Real exports often come as spreadsheets. A small YAML *mapping* says which
column holds which record and subject field (``docs/import.md`` documents the
format, with an example). Each row becomes one record in bundle shape, and
from then on is imported exactly like a bundle's record.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from threadline.errors import InputError, Location
from threadline.ingest.problems import Problems, field_path

Cell = str | None


class ValueSpec(BaseModel):
    """Where one field's value comes from: a column, a constant, or a template over columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    value: Any = None
    template: str | None = None
    date_format: str | None = None
    """``strptime`` format of a date column, e.g. ``%d/%m/%Y``; default ISO 8601."""
    split: str | None = None
    """Separator of a list held in one cell, e.g. ``;``."""
    type: Literal["text", "int"] = "text"

    @model_validator(mode="after")
    def _one_source(self) -> ValueSpec:
        given = [k for k in ("column", "value", "template") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'column', 'value' or 'template'")
        return self

    def columns(self) -> list[str]:
        if self.column is not None:
            return [self.column]
        if self.template is not None:
            return [name for _, name, _, _ in string.Formatter().parse(self.template) if name]
        return []


def _spec(value: Any) -> Any:
    return {"column": value} if isinstance(value, str) else value


Spec = ValueSpec


class GradingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    system: Spec
    source: Spec | None = None
    intelligence: Spec | None = None
    handling: Spec | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {k: _spec(v) for k, v in data.items()} if isinstance(data, dict) else data


class GroupSpec(BaseModel):
    """A group of fields (a record, a subject, a location): field name → value spec."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    fields: dict[str, Spec]

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and "fields" not in data:
            return {"fields": {k: _spec(v) for k, v in data.items()}}
        return data


RECORD_FIELDS = {"id", "operation", "kind", "date", "received", "title", "text", "author", "file"}
SUBJECT_FIELDS = {
    "ref", "role", "name", "aliases", "dob", "age", "gender", "address", "postcode",
    "phones", "vehicles", "nominal",
}  # fmt: skip
LOCATION_FIELDS = {"address", "postcode"}
LIST_FIELDS = {"aliases", "phones", "vehicles"}
DATE_FIELDS = {"date", "received", "dob"}


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["threadline-mapping"]
    version: Literal[1]
    operation: str | None = None
    operations: list[dict[str, Any]] = Field(default_factory=list)
    sheet: str | None = None
    header_row: int = Field(default=1, ge=1)
    record: GroupSpec
    grading: GradingSpec | None = None
    subjects: list[GroupSpec] = Field(default_factory=list)
    locations: list[GroupSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_fields(self) -> Mapping:
        for name, group, allowed in (
            [("record", self.record, RECORD_FIELDS)]
            + [(f"subjects[{i}]", g, SUBJECT_FIELDS) for i, g in enumerate(self.subjects)]
            + [(f"locations[{i}]", g, LOCATION_FIELDS) for i, g in enumerate(self.locations)]
        ):
            unknown = sorted(set(group.fields) - allowed)
            if unknown:
                raise ValueError(
                    f"{name}: unknown field(s) {', '.join(unknown)}; "
                    f"expected some of {', '.join(sorted(allowed))}"
                )
        if "id" not in self.record.fields:
            raise ValueError("record: 'id' must be mapped (a column or a template)")
        if self.operation is None and "operation" not in self.record.fields:
            raise ValueError("give 'operation', or map record 'operation' to a column")
        for i, group in enumerate(self.subjects):
            if "ref" not in group.fields:
                raise ValueError(f"subjects[{i}]: 'ref' must be mapped (e.g. a template)")
        return self

    def columns(self) -> set[str]:
        specs: list[ValueSpec] = list(self.record.fields.values())
        for group in [*self.subjects, *self.locations]:
            specs.extend(group.fields.values())
        if self.grading is not None:
            specs.extend(
                s
                for s in (
                    self.grading.system,
                    self.grading.source,
                    self.grading.intelligence,
                    self.grading.handling,
                )
                if s is not None
            )
        return {c for spec in specs for c in spec.columns()}


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; problems name the mapping file and the field."""
    label = path.name
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(Location(str(path)), "mapping file does not exist") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(Location(label, line), f"not valid YAML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(Location(label), f"not valid UTF-8 (byte {exc.start + 1})") from None
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = field_path(tuple(p for p in first["loc"] if p != "fields")) or None
        message = str(first["msg"]).removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(Location(label, None, where), message + more) from None


class RowMapper:
    """Turns one row (header → cell text) into a bundle-shaped record."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping

    def record(
        self, row: dict[str, Cell], label: str, number: int, problems: Problems
    ) -> tuple[dict[str, Any], dict[str, str]] | None:
        fields: dict[str, str] = {}
        before = problems.total
        record = self._group(self.mapping.record.fields, row, "", fields, label, number, problems)
        if "operation" not in record or record["operation"] is None:
            record["operation"] = self.mapping.operation
        grading = self._grading(row, fields, label, number, problems)
        if grading is not None:
            record["grading"] = grading
        subjects: list[dict[str, Any]] = []
        for group in self.mapping.subjects:
            prefix = f"subjects[{len(subjects)}]."
            subject = self._group(group.fields, row, prefix, fields, label, number, problems)
            if _has_content(subject, group.fields):
                subjects.append(subject)
        record["subjects"] = subjects
        locations: list[dict[str, Any]] = []
        for group in self.mapping.locations:
            prefix = f"locations[{len(locations)}]."
            location = self._group(group.fields, row, prefix, fields, label, number, problems)
            if _has_content(location, group.fields):
                locations.append(location)
        record["locations"] = locations
        if problems.total > before:
            return None
        return record, fields

    def _grading(
        self,
        row: dict[str, Cell],
        fields: dict[str, str],
        label: str,
        number: int,
        problems: Problems,
    ) -> dict[str, Any] | None:
        spec = self.mapping.grading
        if spec is None:
            return None
        specs = {
            k: v
            for k, v in (
                ("system", spec.system),
                ("source", spec.source),
                ("intelligence", spec.intelligence),
                ("handling", spec.handling),
            )
            if v is not None
        }
        grading = self._group(specs, row, "grading.", fields, label, number, problems)
        if all(grading.get(k) is None for k in ("source", "intelligence", "handling")):
            return None
        fields.setdefault("grading", fields.get("grading.system", "grading"))
        return grading

    def _group(
        self,
        specs: dict[str, ValueSpec],
        row: dict[str, Cell],
        prefix: str,
        fields: dict[str, str],
        label: str,
        number: int,
        problems: Problems,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in specs.items():
            if spec.column is not None:
                fields[prefix + name] = spec.column
            elif spec.template is not None:
                fields[prefix + name] = spec.template
            try:
                out[name] = _value(spec, name, row)
            except ValueError as exc:
                problems.add(label, number, fields.get(prefix + name, prefix + name), str(exc))
        return out


def _has_content(group: dict[str, Any], specs: dict[str, ValueSpec]) -> bool:
    """A group with no value from any column (only constants and templates) is absent."""
    return any(group.get(name) not in (None, [], "") for name, spec in specs.items() if spec.column)


def _value(spec: ValueSpec, name: str, row: dict[str, Cell]) -> Any:
    if spec.value is not None:
        return spec.value
    if spec.template is not None:
        values = {c: row.get(c) or "" for c in spec.columns()}
        if not any(values.values()):
            return None
        return spec.template.format(**values)
    assert spec.column is not None
    cell = row.get(spec.column)
    if cell is None or not cell.strip():
        return [] if name in LIST_FIELDS else None
    cell = cell.strip()
    if name in LIST_FIELDS:
        parts = re.split(re.escape(spec.split), cell) if spec.split else [cell]
        return [p.strip() for p in parts if p.strip()]
    if name in DATE_FIELDS and spec.date_format:
        try:
            return dt.datetime.strptime(cell, spec.date_format).date().isoformat()
        except ValueError:
            raise ValueError(
                f"'{cell}' does not match the date format {spec.date_format}"
            ) from None
    if spec.type == "int" or name == "age":
        try:
            return int(float(cell))
        except ValueError:
            raise ValueError(f"'{cell}' is not a whole number") from None
    return cell
