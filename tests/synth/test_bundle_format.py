"""Every line of a generated bundle follows spec/bundle.md, checked by a small checker of its own.

The checker is written from the spec, not from the importer, so the generator
is held to the contract and not to one reading of it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from tests.synth.conftest import Bundle

OPERATION_KINDS = {"umbrella", "current", "closed", "review"}
ROLES = {"suspect", "victim", "witness", "associate", "reporter", "other"}
RECORD_KINDS = {"intelligence", "crime", "statement", "interview", "referral", "report", "other"}
STATUSES = {"raised", "allocated", "resulted", "referred", "cancelled"}
EVENT_KINDS = {
    "arrest",
    "interview",
    "charge",
    "conviction",
    "acquittal",
    "nfa",
    "disruption",
    "trace",
    "safeguarding",
    "referral",
}
GRADES = {
    "5x5x5": (set("ABCDE"), set("12345"), set("12345")),
    "3x5x2": (set("123"), set("ABCDE"), set("PC")),
}
SUBJECT_KEYS = {
    "ref",
    "role",
    "name",
    "aliases",
    "dob",
    "age",
    "gender",
    "address",
    "postcode",
    "phones",
    "vehicles",
    "nominal",
}
RECORD_KEYS = {
    "id",
    "operation",
    "kind",
    "date",
    "received",
    "title",
    "text",
    "grading",
    "author",
    "file",
    "subjects",
    "locations",
    "links",
}
ACTION_KEYS = {
    "id",
    "operation",
    "number",
    "raised",
    "title",
    "text",
    "status",
    "allocated_to",
    "resulted",
    "result",
    "records",
    "subjects",
    "identifiers",
}
EVENT_KEYS = {
    "id",
    "operation",
    "date",
    "kind",
    "subjects",
    "records",
    "identifiers",
    "location",
    "text",
}
FILE_SUFFIXES = (".txt", ".pdf", ".docx", ".eml", ".html")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?")


def iso_day(value: Any) -> dt.date:
    assert isinstance(value, str) and _TIMESTAMP.fullmatch(value), value
    return dt.date.fromisoformat(value[:10])


def optional_day(item: dict[str, Any], key: str) -> dt.date | None:
    value = item.get(key)
    return None if value is None else iso_day(value)


def check_subjects(owner: str, subjects: Any, refs: set[str]) -> None:
    assert isinstance(subjects, list)
    for subject in subjects:
        ref = subject["ref"]
        assert isinstance(ref, str) and ref.startswith(owner + "/"), ref
        assert ref not in refs, f"subject ref {ref} used twice"
        refs.add(ref)
        assert subject.get("role") in ROLES
        for key in ("name", "gender", "address", "postcode", "nominal"):
            assert subject.get(key) is None or isinstance(subject[key], str)
        for key in ("aliases", "phones", "vehicles"):
            value = subject.get(key, [])
            assert isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        if subject.get("dob") is not None:
            iso_day(subject["dob"])
        if subject.get("age") is not None:
            assert isinstance(subject["age"], int) and 0 <= subject["age"] <= 130


def check_place(place: Any) -> None:
    assert isinstance(place, dict)
    assert isinstance(place.get("address"), str)
    assert place.get("postcode") is None or isinstance(place["postcode"], str)


def test_manifest(scale_one: Bundle) -> None:
    manifest = scale_one.manifest
    assert manifest["format"] == "threadline-bundle"
    assert manifest["version"] == 1
    assert isinstance(manifest["name"], str) and isinstance(manifest["description"], str)
    iso_day(manifest["created"])


def test_operations(scale_one: Bundle) -> None:
    ids = [op["id"] for op in scale_one.operations]
    assert len(ids) == len(set(ids))
    kinds = {op["id"]: op["kind"] for op in scale_one.operations}
    for op in scale_one.operations:
        assert isinstance(op["id"], str) and isinstance(op["name"], str)
        assert op["kind"] in OPERATION_KINDS
        assert op["status"] in ("open", "closed")
        opened = iso_day(op["opened"])
        closed = optional_day(op, "closed")
        assert (op["status"] == "closed") == (closed is not None)
        assert closed is None or closed >= opened
        assert op["parent"] is None or kinds[op["parent"]] == "umbrella"
    assert set(kinds.values()) == OPERATION_KINDS
    current = [op for op in scale_one.operations if op["kind"] == "current"]
    closed_ops = [op for op in scale_one.operations if op["kind"] == "closed"]
    assert 2 <= len(current) <= 3 and all(op["parent"] for op in current)
    assert len(closed_ops) >= 5
    assert all(op["opened"] >= "1997" and op["closed"] <= "2013-12-31" for op in closed_ops)


def test_every_record_line(scale_one: Bundle) -> None:
    ops = {op["id"] for op in scale_one.operations}
    ids = [r["id"] for r in scale_one.records]
    assert len(ids) == len(set(ids))
    known = set(ids)
    refs: set[str] = set()
    for record in scale_one.records:
        assert record["operation"] in ops
        assert record["kind"] in RECORD_KINDS
        date = optional_day(record, "date")
        optional_day(record, "received")
        assert isinstance(record["title"], str)
        assert "text" in record or "file" in record
        if "text" in record:
            assert isinstance(record["text"], str) and record["text"]
        if "file" in record:
            assert record["file"].startswith("files/") and record["file"].endswith(FILE_SUFFIXES)
            assert (scale_one.path / record["file"]).is_file()
        grading = record.get("grading")
        if grading is not None:
            sources, intels, handlings = GRADES[grading["system"]]
            assert grading["source"] in sources
            assert grading["intelligence"] in intels
            assert grading["handling"] in handlings
            if date is not None:
                assert (grading["system"] == "5x5x5") == (date < dt.date(2016, 1, 1))
        check_subjects(record["id"], record["subjects"], refs)
        for place in record.get("locations", []):
            check_place(place)
        for link in record.get("links", []):
            assert link["to"] in known and isinstance(link["kind"], str)


def test_every_action_and_event_line(scale_one: Bundle) -> None:
    ops = {op["id"] for op in scale_one.operations}
    records = {r["id"] for r in scale_one.records}
    refs = {s["ref"] for r in scale_one.records for s in r["subjects"]}
    for name, items in (("actions", scale_one.actions), ("events", scale_one.events)):
        ids = [i["id"] for i in items]
        assert len(ids) == len(set(ids)), name
        for item in items:
            assert item["operation"] in ops
            assert all(r in records for r in item["records"])
            assert all(isinstance(i, str) and i for i in item["identifiers"])
            check_subjects(item["id"], item["subjects"], refs)
    for action in scale_one.actions:
        assert action["status"] in STATUSES
        raised = iso_day(action["raised"])
        resulted = optional_day(action, "resulted")
        assert resulted is None or resulted >= raised
        assert isinstance(action["number"], str) and isinstance(action["title"], str)
    for event in scale_one.events:
        assert event["kind"] in EVENT_KINDS
        iso_day(event["date"])
        assert isinstance(event["text"], str)
        if "location" in event:
            check_place(event["location"])


def test_the_bundle_uses_the_whole_format(scale_one: Bundle) -> None:
    records, actions, events = scale_one.records, scale_one.actions, scale_one.events
    assert {r["kind"] for r in records} == RECORD_KINDS
    assert {a["status"] for a in actions} == STATUSES
    assert {e["kind"] for e in events} == EVENT_KINDS
    assert {r["grading"]["system"] for r in records if r.get("grading")} == set(GRADES)
    assert {s["role"] for s in scale_one.subjects()} == ROLES
    assert any(r.get("links") for r in records)
    assert any(r.get("locations") for r in records)
    assert any("location" in e for e in events)
    assert any("received" not in r for r in records)
    assert any(r.get("received") is None and "date" in r for r in records)
    assert any(r.get("date") is None for r in records)
    assert any("T" in (r.get("received") or "") for r in records)
    suffixes = Counter(r["file"].rsplit(".", 1)[1] for r in records if "file" in r)
    assert set(suffixes) == {"pdf", "docx", "eml", "html"}
    assert any("text" not in r for r in records), "some records come only as a document"


def test_unknown_keys_appear_on_some_lines(scale_one: Bundle) -> None:
    assert any(
        set(op)
        - {
            "id",
            "name",
            "kind",
            "parent",
            "lead",
            "sio",
            "status",
            "opened",
            "closed",
            "description",
        }
        for op in scale_one.operations
    )
    assert any(set(r) - RECORD_KEYS for r in scale_one.records)
    assert any(set(a) - ACTION_KEYS for a in scale_one.actions)
    assert any(set(e) - EVENT_KEYS for e in scale_one.events)
    assert any(set(s) - SUBJECT_KEYS for s in scale_one.subjects())


def test_subject_refs_are_unique_across_the_bundle(scale_one: Bundle) -> None:
    refs = [s["ref"] for s in scale_one.subjects()]
    assert len(refs) == len(set(refs))
    assert len(refs) == scale_one.summary.subjects


def test_scale_one_is_about_two_thousand_records(scale_one: Bundle) -> None:
    assert 1700 <= len(scale_one.records) <= 2300
    assert scale_one.summary.records == len(scale_one.records)
    assert scale_one.summary.actions == len(scale_one.actions)
    assert scale_one.summary.events == len(scale_one.events)
