"""truth.json agrees with its bundle: refs exist, spans match, opportunities rest on records."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tests.synth.conftest import Bundle
from threadline.evaluate.truth import Truth
from threadline.synth.names import ORIGINS, forename_variants, surname_variants
from threadline.synth.truth import KINDS, RECORD_KINDS

ORIGIN_NAMES = {n for o in ORIGINS for n in (*o.male, *o.female, *o.surnames)}

PERSON_ROLES = {"suspect", "victim", "witness", "other"}


def test_every_subject_is_exactly_one_true_person(scale_one: Bundle) -> None:
    refs = [s["ref"] for s in scale_one.subjects()]
    owners: dict[str, str] = {}
    for pid, person in scale_one.truth["persons"].items():
        assert re.fullmatch(r"P\d{6}", pid)
        for ref in person["subjects"]:
            assert ref not in owners, f"{ref} belongs to {owners[ref]} and {pid}"
            owners[ref] = pid
    assert set(owners) == set(refs)


def test_every_span_matches_the_record_text(scale_one: Bundle) -> None:
    texts = {r["id"]: r.get("text") for r in scale_one.records}
    truth = scale_one.truth
    count = 0
    for entries in (truth["persons"], truth["identifiers"]):
        for key, entry in entries.items():
            for span in entry["mentions"]:
                text = texts[span["record"]]
                assert text is not None, f"{key}: span in {span['record']}, which has no text"
                assert text[span["start"] : span["end"]] == span["text"], (key, span)
                if key in truth["persons"]:
                    assert span["role"] in PERSON_ROLES
                count += 1
    assert count > len(scale_one.records)


def test_spans_do_not_overlap(scale_one: Bundle) -> None:
    by_record: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for entries in (scale_one.truth["persons"], scale_one.truth["identifiers"]):
        for entry in entries.values():
            for span in entry["mentions"]:
                by_record[span["record"]].append((span["start"], span["end"]))
    for record, spans in by_record.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start, record


def test_documents_only_records_have_no_spans_but_their_names_are_kept(scale_one: Bundle) -> None:
    file_only = {r["id"] for r in scale_one.records if "text" not in r}
    assert file_only
    kept = set()
    for entries in (scale_one.truth["persons"], scale_one.truth["identifiers"]):
        for entry in entries.values():
            assert not {m["record"] for m in entry["mentions"]} & file_only
            kept |= {m["record"] for m in entry.get("file_mentions", [])}
    assert kept <= file_only
    assert kept


def test_identifier_keys_and_their_references(scale_one: Bundle) -> None:
    records = {r["id"]: r for r in scale_one.records}
    refs = {s["ref"] for s in scale_one.subjects()}
    items = {i["id"] for i in scale_one.actions + scale_one.events}
    addressed = {s["ref"] for s in scale_one.subjects() if s.get("address")}
    residents = set()
    for key, entry in scale_one.truth["identifiers"].items():
        residents |= set(entry.get("residents", []))
        kind, _, value = key.partition(":")
        assert kind in ("vehicle", "phone", "location"), key
        if kind == "vehicle":
            assert value == entry["label"].replace(" ", "").upper()
        if kind == "phone":
            assert re.fullmatch(r"\+44\d{10}", value)
            assert value == "+44" + entry["label"].replace(" ", "")[1:]
        if kind == "location":
            for record in entry["records"]:
                assert records[record].get("locations"), (key, record)
            assert "subjects" not in entry
            assert set(entry["residents"]) <= addressed
        else:
            assert "records" not in entry
            assert set(entry["subjects"]) <= refs
        assert set(entry["about"]) <= items
    assert residents == addressed


def test_opportunities_rest_on_records_and_known_targets(scale_one: Bundle) -> None:
    records = {r["id"] for r in scale_one.records}
    truth = scale_one.truth
    for group in ("opportunities", "near_misses"):
        for item in truth[group]:
            assert item["kind"] in KINDS
            assert set(item["records"]) <= records, item
            if item["kind"] in RECORD_KINDS:
                assert item["record"] == item["records"][0]
            elif "person" in item:
                assert item["person"] in truth["persons"]
            else:
                assert item["identifier"] in truth["identifiers"], item


def test_near_misses_are_not_opportunities(scale_one: Bundle) -> None:
    def target(o: dict[str, Any]) -> tuple[str, str]:
        return o["kind"], o.get("record") or o.get("person") or o["identifier"]

    found = {target(o) for o in scale_one.truth["opportunities"]}
    assert not {target(o) for o in scale_one.truth["near_misses"]} & found


def test_unactioned_suspects_recomputed_from_the_bundle(scale_one: Bundle) -> None:
    """An end-to-end check of one kind, from the bundle files and the truth's identities."""
    truth = scale_one.truth
    person_of = {ref: pid for pid, p in truth["persons"].items() for ref in p["subjects"]}
    suspect_in: dict[str, set[str]] = defaultdict(set)
    for pid, person in truth["persons"].items():
        for mention in person["mentions"] + person.get("file_mentions", []):
            if mention["role"] == "suspect":
                suspect_in[pid].add(mention["record"])
    kinds = {r["id"]: r["kind"] for r in scale_one.records}
    for record in scale_one.records:
        for subject in record["subjects"]:
            if subject["role"] == "suspect":
                suspect_in[person_of[subject["ref"]]].add(record["id"])
    acted = set()
    for action in scale_one.actions:
        if action["status"] in ("allocated", "resulted", "referred"):
            acted |= {person_of[s["ref"]] for s in action["subjects"]}
    for event in scale_one.events:
        if event["kind"] in ("arrest", "interview", "charge", "conviction", "disruption"):
            acted |= {person_of[s["ref"]] for s in event["subjects"]}
    expected = {
        pid
        for pid, recs in suspect_in.items()
        if len({r for r in recs if kinds[r] != "report"}) >= 3 and pid not in acted
    }
    listed = {o["person"] for o in truth["opportunities"] if o["kind"] == "unactioned-suspect"}
    assert listed == expected
    assert expected


def test_location_hotspots_recomputed_from_the_bundle(scale_one: Bundle) -> None:
    truth = scale_one.truth
    person_of = {ref: pid for pid, p in truth["persons"].items() for ref in p["subjects"]}
    victims = {
        r["id"]: {person_of[s["ref"]] for s in r["subjects"] if s["role"] == "victim"}
        for r in scale_one.records
    }
    stopped = set()
    for event in scale_one.events:
        if event["kind"] in ("disruption", "referral"):
            stopped |= {k for k, e in truth["identifiers"].items() if event["id"] in e["about"]}
    expected = set()
    for key, entry in truth["identifiers"].items():
        if not key.startswith("location:") or key in stopped:
            continue
        involved = set(entry["records"])
        involved |= {m["record"] for m in entry["mentions"] + entry.get("file_mentions", [])}
        if len({v for r in involved for v in victims[r]}) >= 3:
            expected.add(key)
    listed = {o["identifier"] for o in truth["opportunities"] if o["kind"] == "location-hotspot"}
    assert listed == expected
    assert expected


def _alike(a: str, b: str, variants: Callable[[str], tuple[str, ...]]) -> bool:
    """Same name, or spellings of one name (Omar/Umar), whatever the case."""
    folded = {v.casefold(): v for group in (variants(x) for x in ORIGIN_NAMES) for v in group}
    for spelling in (folded.get(a.casefold(), a), a.title(), a):
        if b.casefold() in {v.casefold() for v in variants(spelling)}:
            return True
    return a.casefold() == b.casefold()


def test_decoys_are_persons_with_the_same_or_a_similar_name(scale_one: Bundle) -> None:
    decoys = scale_one.truth["decoys"]
    assert decoys
    persons = scale_one.truth["persons"]
    for group in decoys:
        assert len(group) == 2
        if all(p in persons for p in group):
            (fore_a, *_, sur_a), (fore_b, *_, sur_b) = (persons[p]["name"].split() for p in group)
            assert _alike(fore_a, fore_b, forename_variants), group
            assert _alike(sur_a, sur_b, surname_variants), group


def test_the_evaluation_instrument_reads_the_truth(scale_one: Bundle) -> None:
    truth = Truth.load(scale_one.path / "truth.json")
    assert len(truth.persons) == len(scale_one.truth["persons"])
    assert len(truth.opportunities) == len(scale_one.truth["opportunities"])
    assert len(truth.near_misses) == len(scale_one.truth["near_misses"])
    assert truth.decoy_pairs
    located = {r for r in truth.locations_of_record}
    assert located == {
        r
        for k, e in scale_one.truth["identifiers"].items()
        if k.startswith("location:")
        for r in e["records"]
    }
