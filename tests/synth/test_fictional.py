"""Nothing in the world belongs to a real person; its text reads like non-graphic police logs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from tests.synth.conftest import Bundle
from threadline.domain.normalise.phones import is_drama_number, normalise_phone
from threadline.domain.normalise.postcodes import normalise_postcode
from threadline.domain.normalise.vehicles import is_plausible_vrm_token, normalise_vrm
from threadline.synth.names import ORIGINS
from threadline.synth.places import POSTCODE_AREA, TOWN

# Words a clinical, non-graphic log of this kind never needs.
GRAPHIC = re.compile(
    r"\b(rape[ds]?|raping|naked|nude|penetrat\w*|oral|genital\w*|intercourse|sex with|"
    r"sexually assaulted|molest\w*|grope[ds]?|touched her|indecent images)\b",
    re.IGNORECASE,
)


def test_every_phone_is_in_an_ofcom_drama_range(scale_one: Bundle) -> None:
    spellings = [p for s in scale_one.subjects() for p in s.get("phones", [])]
    spellings += [
        m["text"]
        for key, entry in scale_one.truth["identifiers"].items()
        if key.startswith("phone:")
        for m in entry["mentions"]
    ]
    assert len(spellings) > 200
    for spelling in spellings:
        e164 = normalise_phone(spelling)
        assert e164 is not None and is_drama_number(e164), spelling


def test_phone_spans_normalise_to_their_truth_key(scale_one: Bundle) -> None:
    for key, entry in scale_one.truth["identifiers"].items():
        if key.startswith("phone:"):
            for mention in entry["mentions"]:
                assert normalise_phone(mention["text"]) == key.removeprefix("phone:"), mention


def test_every_postcode_is_in_an_area_that_does_not_exist(scale_one: Bundle) -> None:
    postcodes = [s["postcode"] for s in scale_one.subjects() if s.get("postcode")]
    for item in scale_one.records:
        postcodes += [p["postcode"] for p in item.get("locations", []) if p.get("postcode")]
    assert len(postcodes) > 200
    for postcode in postcodes:
        normalised = normalise_postcode(postcode)
        assert normalised is not None and normalised.startswith(POSTCODE_AREA), postcode
    assert POSTCODE_AREA == "CQ"  # no UK postcode area begins with CQ


def test_addresses_are_in_the_fictional_town(scale_one: Bundle) -> None:
    towns = Counter()
    for subject in scale_one.subjects():
        address = subject.get("address")
        if address and "," in address:
            towns[address.rsplit(",", 1)[1].strip().title()] += 1
    assert towns[TOWN] > 100
    assert "Riverton" not in (scale_one.path / "records.jsonl").read_text(encoding="utf-8")


def test_vehicle_spans_are_marks_a_reader_recognises(scale_one: Bundle) -> None:
    mentions = [
        (key, m["text"])
        for key, entry in scale_one.truth["identifiers"].items()
        if key.startswith("vehicle:")
        for m in entry["mentions"]
    ]
    assert len(mentions) > 100
    slips = 0
    for key, text in mentions:
        assert is_plausible_vrm_token(text), text
        slips += normalise_vrm(text) != key.removeprefix("vehicle:")
    # A few marks are written with one wrong character, as in real logs.
    assert 0 < slips < len(mentions) * 0.1


def test_current_format_marks_carry_an_unallocated_region_letter(scale_one: Bundle) -> None:
    marks = [k.removeprefix("vehicle:") for k in scale_one.truth["identifiers"] if "vehicle:" in k]
    current = [m for m in marks if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z]{3}", m)]
    assert current
    assert all(m[0] in "TU" for m in current)


def test_the_text_is_never_graphic(scale_one: Bundle) -> None:
    texts = [r.get("text", "") for r in scale_one.records]
    texts += [a["text"] + " " + a.get("result", "") for a in scale_one.actions]
    texts += [e["text"] for e in scale_one.events]
    for text in texts:
        assert not GRAPHIC.search(text), text


def _origin_of() -> dict[str, str]:
    """Given names that belong to one origin only, mapped to it."""
    seen: dict[str, set[str]] = defaultdict(set)
    for origin in ORIGINS:
        for name in origin.male + origin.female:
            seen[name].add(origin.name)
    return {name: next(iter(found)) for name, found in seen.items() if len(found) == 1}


def test_no_role_is_tied_to_an_origin(scale_one: Bundle) -> None:
    origin_of = _origin_of()
    person_of = {ref: pid for pid, p in scale_one.truth["persons"].items() for ref in p["subjects"]}
    roles: dict[str, set[str]] = defaultdict(set)
    for subject in scale_one.subjects():
        roles[subject["role"]].add(person_of[subject["ref"]])
    shares: dict[str, Counter[str]] = {}
    for role in ("suspect", "victim", "reporter"):
        origins = Counter(
            origin_of.get(scale_one.truth["persons"][pid]["name"].split()[0], "?")
            for pid in roles[role]
        )
        shares[role] = origins
    total = sum(shares["suspect"].values()) + sum(shares["victim"].values())
    for origin in ("english", "pakistani", "polish", "irish", "somali"):
        suspect = shares["suspect"][origin] / sum(shares["suspect"].values())
        victim = shares["victim"][origin] / sum(shares["victim"].values())
        assert suspect > 0 and victim > 0, origin
        # Drawn from one pool whatever the role: shares differ only by chance.
        assert 0.5 < suspect / victim < 2.0, (origin, suspect, victim, total)
