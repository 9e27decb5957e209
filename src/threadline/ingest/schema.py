"""What each line of a case bundle may hold (``bundle.md``), as pydantic models.

Validation is strict where the spec is definite (ids are strings, enums are
closed, dates are ISO 8601, grades belong to their system) and tolerant where
real exports vary (every field but the identifying ones may be missing;
enum values are accepted in any case; unknown keys are kept).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
)

from threadline.domain.grading import VALID_CODES, GradingSystem
from threadline.domain.kinds import (
    ActionStatus,
    EventKind,
    OperationKind,
    OperationStatus,
    RecordKind,
    SubjectRole,
)


def parse_iso_date(value: Any) -> dt.date | None:
    """An ISO 8601 date or timestamp, as the day it names; None stays None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date string such as 2004-06-12")
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"'{value}' is not an ISO 8601 date (YYYY-MM-DD) or timestamp") from None


def _lower_enum(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


IsoDate = Annotated[dt.date | None, BeforeValidator(parse_iso_date)]
NonEmptyId = Annotated[StrictStr, Field(min_length=1, max_length=200)]


class Line(BaseModel):
    """A bundle object: unknown keys are allowed and kept in ``model_extra``."""

    model_config = ConfigDict(extra="allow", frozen=True, str_strip_whitespace=False)

    def unknown_keys(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Manifest(Line):
    format: Literal["threadline-bundle"]
    version: Literal[1]
    name: StrictStr | None = None
    created: StrictStr | None = None
    description: StrictStr | None = None


class OperationLine(Line):
    id: NonEmptyId
    name: StrictStr | None = None
    kind: Annotated[OperationKind | None, BeforeValidator(_lower_enum)] = None
    parent: NonEmptyId | None = None
    lead: StrictStr | None = None
    sio: StrictStr | None = None
    status: Annotated[OperationStatus | None, BeforeValidator(_lower_enum)] = None
    opened: IsoDate = None
    closed: IsoDate = None
    description: StrictStr | None = None


class SubjectIn(Line):
    ref: NonEmptyId
    role: Annotated[SubjectRole | None, BeforeValidator(_lower_enum)] = None
    name: StrictStr | None = None
    aliases: list[StrictStr] = Field(default_factory=list)
    dob: IsoDate = None
    age: Annotated[StrictInt | None, Field(ge=0, le=130)] = None
    gender: StrictStr | None = None
    address: StrictStr | None = None
    postcode: StrictStr | None = None
    phones: list[StrictStr] = Field(default_factory=list)
    vehicles: list[StrictStr] = Field(default_factory=list)
    nominal: StrictStr | None = None

    @field_validator("aliases", "phones", "vehicles", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class LocationIn(Line):
    address: StrictStr | None = None
    postcode: StrictStr | None = None


class LinkIn(Line):
    to: NonEmptyId
    kind: StrictStr | None = None


class GradingIn(Line):
    system: GradingSystem
    source: StrictStr | None = None
    intelligence: StrictStr | None = None
    handling: StrictStr | None = None

    @field_validator("source", "intelligence", "handling")
    @classmethod
    def _code_belongs_to_system(cls, code: str | None, info: ValidationInfo) -> str | None:
        system = info.data.get("system")
        if code is None or system is None:
            return code
        sources, intels, handlings = VALID_CODES[system]
        allowed = {"source": sources, "intelligence": intels, "handling": handlings}[
            str(info.field_name)
        ]
        if code.strip().upper() not in allowed:
            raise ValueError(
                f"{info.field_name} grade '{code}' is not valid in {system.value} "
                f"(expected one of {', '.join(sorted(allowed))})"
            )
        return code

    def code(self, name: str) -> str | None:
        value: str | None = getattr(self, name)
        return value.strip().upper() if value is not None else None


def _list_or_empty(value: Any) -> Any:
    return [] if value is None else value


class RecordLine(Line):
    id: NonEmptyId
    operation: NonEmptyId
    kind: Annotated[RecordKind | None, BeforeValidator(_lower_enum)] = None
    date: IsoDate = None
    received: IsoDate = None
    title: StrictStr | None = None
    text: StrictStr | None = None
    grading: GradingIn | None = None
    author: StrictStr | None = None
    file: StrictStr | None = None
    subjects: Annotated[list[SubjectIn], BeforeValidator(_list_or_empty)] = Field(
        default_factory=list
    )
    locations: Annotated[list[LocationIn], BeforeValidator(_list_or_empty)] = Field(
        default_factory=list
    )
    links: Annotated[list[LinkIn], BeforeValidator(_list_or_empty)] = Field(default_factory=list)


class ActionLine(Line):
    id: NonEmptyId
    operation: NonEmptyId
    number: StrictStr | None = None
    raised: IsoDate = None
    title: StrictStr | None = None
    text: StrictStr | None = None
    status: Annotated[ActionStatus | None, BeforeValidator(_lower_enum)] = None
    allocated_to: StrictStr | None = None
    resulted: IsoDate = None
    result: StrictStr | None = None
    records: Annotated[list[NonEmptyId], BeforeValidator(_list_or_empty)] = Field(
        default_factory=list
    )
    subjects: Annotated[list[SubjectIn], BeforeValidator(_list_or_empty)] = Field(
        default_factory=list
    )
    identifiers: Annotated[list[StrictStr], BeforeValidator(_list_or_empty)] = Field(
        default_factory=list
    )


class EventLine(Line):
    id: NonEmptyId
    operation: NonEmptyId
    date: IsoDate = None
    kind: Annotated[EventKind | None, BeforeValidator(_lower_enum)] = None
    subjects: Annotated[list[SubjectIn], BeforeValidator(_list_or_empty)] = Field(
        default_factory=list
    )
    records: Annotated[list[NonEmptyId], BeforeValidator(_list_or_empty)] = Field(
        default_factory=list
    )
    identifiers: Annotated[list[StrictStr], BeforeValidator(_list_or_empty)] = Field(
        default_factory=list
    )
    location: LocationIn | None = None
    text: StrictStr | None = None
