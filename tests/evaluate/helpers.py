"""Truth files and predictions for testing the instrument.

``perfect_prediction`` builds, from any truth, the prediction a flawless
analysis would make; tests then damage it in one way and check the score moves
exactly as the definitions in docs/evaluation.md say.
"""

from __future__ import annotations

import copy
from typing import Any

from threadline.evaluate import Prediction, Truth

RECORD_KINDS = {"victim-disclosure-not-followed", "high-grade-intel-undeveloped"}


def small_truth_data() -> dict[str, Any]:
    """A hand-made truth: four persons (two similar-named), three identifiers, six opportunities."""
    return {
        "persons": {
            "P0001": {
                "subjects": ["INT-000001/S1", "INT-000002/S1", "EV-0001/S1"],
                "mentions": [
                    {
                        "record": "INT-000003",
                        "start": 10,
                        "end": 13,
                        "text": "Taz",
                        "role": "suspect",
                    },
                    {
                        "record": "INT-000004",
                        "start": 0,
                        "end": 9,
                        "text": "T HUSSAIN",
                        "role": "suspect",
                    },
                ],
            },
            "P0002": {
                "subjects": ["INT-000001/S2", "ST-000005/S1"],
                "mentions": [
                    {
                        "record": "INT-000003",
                        "start": 30,
                        "end": 38,
                        "text": "Child A1",
                        "role": "victim",
                    }
                ],
            },
            "P0003": {"subjects": ["INT-000006/S1"], "mentions": []},
            "P0004": {
                "subjects": ["INT-000007/S1", "INT-000008/S1"],
                "extra": "kept and ignored",
            },
        },
        "identifiers": {
            "vehicle:AB12CDE": {
                "mentions": [{"record": "INT-000003", "start": 40, "end": 48, "text": "AB12 CDE"}]
            },
            "phone:+447700900123": {
                "mentions": [
                    {"record": "INT-000004", "start": 20, "end": 31, "text": "07700900123"}
                ]
            },
            "location:L001": {
                "mentions": [
                    {"record": "INT-000003", "start": 50, "end": 65, "text": "Mumtaz Takeaway"}
                ],
                "records": ["INT-000001", "ST-000005"],
            },
        },
        "decoys": [["P0001", "P0004"]],
        "opportunities": [
            {
                "kind": "unactioned-suspect",
                "person": "P0001",
                "records": ["INT-000001", "INT-000002"],
            },
            {
                "kind": "untraced-identifier",
                "identifier": "vehicle:AB12CDE",
                "records": ["INT-000003"],
            },
            {
                "kind": "high-grade-intel-undeveloped",
                "person": "P0001",
                "record": "INT-000002",
                "records": ["INT-000002"],
            },
            {"kind": "location-hotspot", "identifier": "location:L001", "records": ["INT-000001"]},
            {
                "kind": "cross-operation-link",
                "person": "P0004",
                "records": ["INT-000007", "INT-000008"],
            },
            {"kind": "victim-disclosure-not-followed", "records": ["ST-000005"]},
        ],
        "near_misses": [
            {"kind": "unactioned-suspect", "person": "P0003", "records": ["INT-000006"]},
            {
                "kind": "untraced-identifier",
                "identifier": "phone:+447700900123",
                "records": ["INT-000004"],
            },
        ],
    }


def entity_id(key: str) -> str:
    """The id the perfect prediction gives the entity of a person id or identifier key."""
    return f"E-{key}"


def perfect_prediction(data: dict[str, Any]) -> Prediction:
    """The prediction a flawless analysis makes of the material behind ``data``."""
    entities: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    for pid, person in data.get("persons", {}).items():
        spans = [dict(m) for m in person.get("mentions", [])]
        entities.append(
            {
                "id": entity_id(pid),
                "type": "person",
                "label": pid,
                "subjects": list(person.get("subjects", [])),
                "mentions": [_span(m) for m in spans],
                "identifiers": [],
                "operations": [],
            }
        )
        mentions.extend({**_span(m), "type": "person", **_role(m)} for m in spans)
    for key, ident in data.get("identifiers", {}).items():
        type_, _, value = key.partition(":")
        spans = [dict(m) for m in ident.get("mentions", [])]
        entities.append(
            {
                "id": entity_id(key),
                "type": type_,
                "label": value,
                "subjects": [],
                "mentions": [_span(m) for m in spans],
                "identifiers": [] if type_ == "location" else [value],
                "records": list(ident.get("records", [])),
                "operations": [],
            }
        )
        mentions.extend({**_span(m), "type": type_} for m in spans)
    opportunities = [
        opportunity_for(entry, rank, f"O-{rank}")
        for rank, entry in enumerate(data.get("opportunities", []), start=1)
    ]
    return Prediction(entities=entities, mentions=mentions, opportunities=opportunities)


def opportunity_for(entry: dict[str, Any], rank: int, id_: str) -> dict[str, Any]:
    """A predicted opportunity that raises exactly the truth entry ``entry``."""
    records = list(entry.get("records", []))
    if entry["kind"] in RECORD_KINDS and entry.get("record"):
        records = [entry["record"], *[r for r in records if r != entry["record"]]]
    about = entry.get("person") or entry.get("identifier")
    return {
        "id": id_,
        "rank": rank,
        "kind": entry["kind"],
        "score": 1.0 / rank,
        "title": "",
        "explanation": "",
        "status": "new",
        "entities": [entity_id(about)] if about else [],
        "records": records,
        "operations": [],
    }


def _span(m: dict[str, Any]) -> dict[str, Any]:
    return {"record": m["record"], "start": m["start"], "end": m["end"], "text": m.get("text", "")}


def _role(m: dict[str, Any]) -> dict[str, Any]:
    return {"role": m["role"]} if "role" in m else {}


def small_truth() -> Truth:
    return Truth.from_dict(small_truth_data())


def damaged(prediction: Prediction) -> Prediction:
    """A deep copy to damage without touching the original."""
    return copy.deepcopy(prediction)
