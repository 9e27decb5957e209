"""A small case bundle written by hand, following bundle.md, for the import tests.

It has an umbrella and two operations (one closed, graded 5x5x5; one current,
graded 3x5x2), records of several kinds with subjects, locations, links and
unknown keys, an original document, actions and events.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MANIFEST: dict[str, Any] = {
    "format": "threadline-bundle",
    "version": 1,
    "name": "Hand-written test bundle",
    "created": "2026-11-28T10:00:00Z",
    "description": "Fictional material for tests.",
}

OPERATIONS: list[dict[str, Any]] = [
    {
        "id": "STOVE",
        "name": "Operation Stovewood",
        "kind": "umbrella",
        "parent": None,
        "lead": "NCA",
        "sio": "DCI Rana Okafor",
        "status": "open",
        "opened": "2014-12-01",
        "closed": None,
        "description": "Umbrella",
    },
    {
        "id": "CLOVER",
        "name": "Operation Clover",
        "kind": "closed",
        "parent": "STOVE",
        "status": "closed",
        "opened": "2003-02-01",
        "closed": "2006-05-31",
    },
    {
        "id": "CHARD",
        "name": "Operation Chard",
        "kind": "current",
        "parent": "STOVE",
        "status": "open",
        "opened": "2017-01-09",
        "force_code": "RV",
    },
]

RECORDS: list[dict[str, Any]] = [
    {
        "id": "INT-000123",
        "operation": "CLOVER",
        "kind": "intelligence",
        "date": "2004-06-12",
        "received": "2004-06-14",
        "title": "Males collecting girls from Canal Street",
        "text": "Female, 14, seen getting into silver Astra RV05 KTX outside Mumtaz Takeaway. "
        "Driver known as 'Mo'.",
        "grading": {"system": "5x5x5", "source": "B", "intelligence": "2", "handling": "1"},
        "author": "PC 1234",
        "subjects": [
            {
                "ref": "INT-000123/S1",
                "role": "suspect",
                "name": "Mohammed ALI",
                "aliases": ["Mo"],
                "dob": "1979-03-02",
                "gender": "male",
                "address": "12 Canal Street, Riverton",
                "postcode": "RV6 2AB",
                "phones": ["07700 900123"],
                "vehicles": ["RV05 KTX"],
                "nominal": "NICHE-44821",
                "custody_photo": "none",
            },
            {"ref": "INT-000123/S2", "role": "victim", "name": "Zoë KOWALSKA", "age": 14},
        ],
        "locations": [{"address": "Mumtaz Takeaway, 4 Wellgate, Riverton", "postcode": "RV6 1AA"}],
        "links": [{"to": "CR-000045", "kind": "related"}],
        "source_system": "NICHE",
    },
    {
        "id": "CR-000045",
        "operation": "CLOVER",
        "kind": "crime",
        "date": "2004-07-01",
        "title": "Missing from home",
        "text": "MFH report. Located at 4 Wellgate.",
        "subjects": [
            {"ref": "CR-000045/S1", "role": "victim", "name": "Zoe Kowalska", "dob": "1990-01-05"}
        ],
    },
    {
        "id": "ST-000007",
        "operation": "CHARD",
        "kind": "statement",
        "date": "2018-03-02T14:30:00Z",
        "title": "Statement of witness",
        "file": "files/ST-000007.txt",
        "grading": {"system": "3x5x2", "source": "1", "intelligence": "B", "handling": "P"},
        "subjects": [{"ref": "ST-000007/S1", "role": "witness", "name": "Aaliyah Brown"}],
    },
    {
        "id": "INT-000200",
        "operation": "CHARD",
        "kind": "intelligence",
        "received": "2019-11-02",
        "text": "Mohamed Aly using 07700900123.",
        "grading": {"system": "3x5x2", "source": "2", "intelligence": "c", "handling": "C"},
        "links": [{"to": "INT-999999", "kind": "see also"}],
    },
]

ACTIONS: list[dict[str, Any]] = [
    {
        "id": "ACT-0042",
        "operation": "CLOVER",
        "number": "A42",
        "raised": "2004-06-20",
        "title": "Trace and interview ALI re INT-000123",
        "text": "TIE ALI.",
        "status": "cancelled",
        "allocated_to": None,
        "records": ["INT-000123"],
        "subjects": [{"ref": "ACT-0042/S1", "role": "suspect", "name": "ALI"}],
        "identifiers": ["RV05 KTX"],
    },
    {
        "id": "ACT-0043",
        "operation": "CHARD",
        "number": "A1",
        "raised": "2019-11-05",
        "status": "resulted",
        "allocated_to": "DC 567",
        "resulted": "2019-12-01",
        "result": "Subscriber traced.",
        "records": ["INT-000200"],
        "identifiers": ["07700 900123"],
    },
]

EVENTS: list[dict[str, Any]] = [
    {
        "id": "EV-0007",
        "operation": "CLOVER",
        "date": "2005-01-11",
        "kind": "arrest",
        "subjects": [{"ref": "EV-0007/S1", "role": "suspect", "name": "Mohammed Ali"}],
        "records": ["CR-000045"],
        "identifiers": ["07700 900123"],
        "location": {"address": "12 Canal Street", "postcode": "RV6 2AB"},
        "text": "Arrested.",
    },
    {
        "id": "EV-0008",
        "operation": "CLOVER",
        "date": "2005-02-01",
        "kind": "nfa",
        "subjects": [{"ref": "EV-0008/S1", "role": "suspect", "name": "Mohammed Ali"}],
        "text": "NFA, insufficient evidence.",
    },
]

DOCUMENT_TEXT = "Statement of Aaliyah Brown.\nI saw a silver car outside the takeaway.\n"


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), "utf-8")


def write_bundle(
    root: Path,
    *,
    manifest: dict[str, Any] | None = None,
    operations: list[dict[str, Any]] | None = None,
    records: list[dict[str, Any]] | None = None,
    actions: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Path:
    """Write the bundle (or a variant of it) to ``root`` and return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "files").mkdir(exist_ok=True)
    (root / "files" / "ST-000007.txt").write_text(DOCUMENT_TEXT, "utf-8")
    (root / "manifest.json").write_text(json.dumps(manifest or MANIFEST), "utf-8")
    write_jsonl(root / "operations.jsonl", OPERATIONS if operations is None else operations)
    write_jsonl(root / "records.jsonl", RECORDS if records is None else records)
    write_jsonl(root / "actions.jsonl", ACTIONS if actions is None else actions)
    write_jsonl(root / "events.jsonl", EVENTS if events is None else events)
    return root


EXPECTED_COUNTS = {
    "operations": 3,
    "records": 4,
    "subjects": 7,
    "actions": 2,
    "events": 2,
    "mentions": 0,
    "entities": 0,
    "opportunities": 0,
}
