"""The four kinds of item a bundle carries, and where each is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from threadline.ingest.rows import ItemRows, action_rows, event_rows, operation_rows, record_rows
from threadline.ingest.schema import ActionLine, EventLine, Line, OperationLine, RecordLine
from threadline.store.models import (
    Action,
    ActionIdentifier,
    ActionRecord,
    Base,
    Event,
    EventIdentifier,
    EventRecord,
    Operation,
    Record,
    RecordLink,
    RecordLocation,
    Subject,
)


@dataclass(frozen=True)
class ItemKind:
    name: str
    filename: str
    required: bool
    line_model: type[Line]
    table: type[Base]
    owner_column: str | None
    children: dict[str, type[Base]]
    to_rows: Callable[..., ItemRows]


OPERATION = ItemKind(
    "operation", "operations.jsonl", True, OperationLine, Operation, None, {}, operation_rows
)
RECORD = ItemKind(
    "record",
    "records.jsonl",
    True,
    RecordLine,
    Record,
    "record_id",
    {"subjects": Subject, "locations": RecordLocation, "links": RecordLink},
    record_rows,
)
ACTION = ItemKind(
    "action",
    "actions.jsonl",
    False,
    ActionLine,
    Action,
    "action_id",
    {"subjects": Subject, "records": ActionRecord, "identifiers": ActionIdentifier},
    action_rows,
)
EVENT = ItemKind(
    "event",
    "events.jsonl",
    False,
    EventLine,
    Event,
    "event_id",
    {"subjects": Subject, "records": EventRecord, "identifiers": EventIdentifier},
    event_rows,
)

ITEM_KINDS = (OPERATION, RECORD, ACTION, EVENT)
"""In the order they must be applied: operations before what belongs to them."""

BY_NAME = {k.name: k for k in ITEM_KINDS}
