"""Identifiers and places: joined on their normalised keys, not by a model.

Vehicles (registration marks), phones (E.164) and e-mail addresses become one
entity per normalised value. Places are keyed by their building (number and
street, with a flat as a sub-part), their premises name (while it names one
building) and, where neither is given, the full postcode (``place_keys``,
``link_place_keys``). Every value passes through ``threadline.domain.normalise``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from threadline.domain.normalise import (
    format_phone,
    format_vrm,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_text_key,
    normalise_vrm,
)
from threadline.resolve.cluster import Clusters


def entity_id(*parts: str) -> str:
    """A stable entity id: ``E-`` and a short hash of what the entity is keyed by."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return "E-" + digest[:12]


@dataclass(frozen=True)
class Occurrence:
    """Something in the material that names an identifier or a place."""

    kind: str
    """``holder`` (a subject's own field), ``record``, ``action``, ``event`` or ``mention``."""
    ref: str
    via: str
    record_id: str | None
    operation_id: str | None
    raw: str
    span: tuple[int, int] | None = None


@dataclass
class KeyedEntity:
    id: str
    type: str
    key: str
    label: str
    members: list[Occurrence] = field(default_factory=list)


def classify(raw: str) -> tuple[str, str] | None:
    """(type, normalised key) of an identifier written anywhere, or None."""
    vrm = normalise_vrm(raw)
    if vrm:
        return "vehicle", vrm
    phone = normalise_phone(raw)
    if phone:
        return "phone", phone
    email = normalise_email(raw)
    if email:
        return "email", email
    return None


_WORD_OF_THREE = re.compile(r"[^\W\d_]{3,}")


def identifier_place(raw: str) -> tuple[str | None, str | None] | None:
    """An action's or event's identifier that names a place: ``(address, postcode)``, or None.

    ``bundle.md`` lets ``identifiers`` hold vehicles, phones *or addresses*.
    What :func:`classify` does not recognise is a place when it is a postcode
    or holds a word (``12 Canal Street``, ``Mumtaz Takeaway, Wellgate``); a
    fragment such as a partial mark (``AB12``) is neither and is left out.
    """
    if classify(raw) is not None:
        return None
    text = raw.strip()
    postcode = normalise_postcode(text)
    if postcode:
        return None, postcode
    if _WORD_OF_THREE.search(text):
        return text, None
    return None


def display(kind: str, key: str) -> str:
    if kind == "vehicle":
        return format_vrm(key)
    if kind == "phone":
        return format_phone(key)
    return key


def group_identifiers(items: Iterable[tuple[str, str, Occurrence]]) -> list[KeyedEntity]:
    """One entity per (type, normalised key). ``items`` are (type, key, occurrence)."""
    entities: dict[tuple[str, str], KeyedEntity] = {}
    for kind, key, occurrence in items:
        entity = entities.get((kind, key))
        if entity is None:
            entity = KeyedEntity(entity_id(kind, key), kind, key, display(kind, key))
            entities[(kind, key)] = entity
        entity.members.append(occurrence)
    return list(entities.values())


STREET_TYPES = frozenset(
    [
        "road",
        "street",
        "lane",
        "avenue",
        "crescent",
        "square",
        "court",
        "close",
        "place",
        "gardens",
        "grove",
        "terrace",
        "parade",
        "drive",
        "way",
        "walk",
        "row",
        "rise",
        "mews",
        "hill",
        "view",
        "green",
        "gate",
        "yard",
        "wharf",
        "fold",
        "croft",
    ]
)
"""The last word of most street names, after ``normalise_text_key`` has expanded it."""
_UNIT = re.compile(r"^(flat|apartment|apt|unit|room|suite|studio|maisonette)\s+(\w+)(?:\s+(.*))?$")
"""A sub-premises at the start of a part: ``flat 5``, ``unit 2b``, ``apt 3 12 mill road``."""
_UNIT_WORDS = {"apartment": "flat", "apt": "flat", "studio": "flat", "maisonette": "flat"}
_HOUSE_NUMBER = re.compile(r"^\d+[a-z]?(?:\s*-?\s*\d+[a-z]?)?$")
"""A part that is only a building number (``58``, ``12a``, ``12-14``): it goes with the next."""
_NUMBERED = re.compile(r"^\d+[a-z]?\s+\D")


@dataclass(frozen=True)
class PlaceKeys:
    """What an address is keyed by (every value a ``normalise_text_key``).

    ``street`` is the building: its number and street (``12 mill road``), never
    a flat or a town; ``unit`` the flat or unit inside it (``flat 5``), a part
    of the key that does not decide the building; ``premises`` a business's or
    a public place's name; ``postcode`` the full postcode; ``road`` the street
    a premises name is written with when no number is (``Regal Cabs, Mill
    Road``): not a building, but it tells one branch of a chain from another.
    """

    street: str | None
    premises: str | None
    postcode: str | None
    unit: str | None = None
    road: str | None = None


def _split_unit(part: str) -> tuple[str | None, str]:
    match = _UNIT.match(part)
    if match is None:
        return None, part
    word, number, rest = match.groups()
    return f"{_UNIT_WORDS.get(word, word)} {number}", (rest or "").strip()


def _building(part: str) -> str:
    """``12 mill road cindermoor`` (no comma before the town) is ``12 mill road``."""
    words = part.split()
    last = max((i for i, w in enumerate(words) if i > 1 and w in STREET_TYPES), default=None)
    return " ".join(words[: last + 1]) if last is not None else part


def _road(part: str) -> str | None:
    """The street a part names without a number (``mill road``), or None (a town, a name)."""
    words = part.split()
    last = max((i for i, w in enumerate(words) if i > 0 and w in STREET_TYPES), default=None)
    return " ".join(words[: last + 1]) if last is not None else None


def road_of(building: str) -> str:
    """The street of a building key: ``12a mill road`` and ``12 14 mill road`` are ``mill road``."""
    words = building.split()
    while len(words) > 1 and any(c.isdigit() for c in words[0]):
        words = words[1:]
    return " ".join(words)


def place_keys(address: str | None, postcode: str | None) -> PlaceKeys:
    """The keys of a place as written: building (number and street), unit, premises, postcode.

    ``Flat 5, 12 Mill Road`` is the building ``12 mill road`` with the unit
    ``flat 5``; ``Silver News, 58, Orchard Close`` the premises ``silver news``
    in the building ``58 orchard close``. Parts after the building (a town) are
    left out. A street without a number after a premises name (``Bramble Rec,
    Bramble Close``) is no building: it is kept as the premises' ``road``. A
    part without a number before any building is a premises name (``Moor
    Park``, or a bare ``Station Road``). A postcode written in the address
    counts as the postcode.
    """
    parts = [normalise_text_key(p) for p in (address or "").split(",")]
    code = normalise_postcode(postcode) if postcode else None
    unit = premises = street = pending = road = None
    for part in parts:
        if not part:
            continue
        if normalise_postcode(part):
            code = code or normalise_postcode(part)
            continue
        found, part = _split_unit(part)
        unit = unit or found
        if not part or street is not None:
            continue  # a locality or town after the building
        if _HOUSE_NUMBER.match(part):
            pending = part
            continue
        if pending is not None:
            if _NUMBERED.match(part):  # "6, 124 Clover Walk": flat 6 of number 124
                unit = unit or f"flat {pending}"
            else:
                part = f"{pending} {part}"
            pending = None
        if _NUMBERED.match(part):
            street = _building(part)
        elif premises is None:
            premises = part
        elif road is None:
            road = _road(part)
    return PlaceKeys(street, premises, code, unit if street else None, None if street else road)


def place_key_names(keys: PlaceKeys, operation: str | None = None) -> list[str]:
    """Prefixed keys, the one that decides the occurrence's place first.

    - ``street:12 mill road/flat 5``: a building, with a flat after a slash
      (two flats of one building are two places; ``flat 5`` alone names nothing);
    - ``branch:regal cabs@mill road``: a premises name and its street, with or
      without a number;
    - ``local:OP:regal cabs``: a premises name as the operation ``OP`` writes
      it (an operation that knows one Regal Cabs means that one by the name alone);
    - ``premises:regal cabs``: the name anywhere;
    - ``postcode:RV6 1AA``, only without a building or a premises name.

    Which of these join their occurrences is decided by :func:`link_place_keys`.
    """
    names = []
    if keys.street:
        names.append(f"street:{keys.street}/{keys.unit}" if keys.unit else f"street:{keys.street}")
    if keys.premises:
        road = road_of(keys.street) if keys.street else keys.road
        if road:
            names.append(f"branch:{keys.premises}@{road}")
        if operation:
            names.append(f"local:{operation}:{keys.premises}")
        names.append(f"premises:{keys.premises}")
    if not names and keys.postcode:
        names.append(f"postcode:{keys.postcode}")
    return names


_NAMING_ORDER = ("street:", "premises:", "branch:", "local:", "postcode:")


def place_entity_key(names: set[str]) -> str:
    """The key a place entity is named by: its smallest street line, else premises name,
    else branch, else the name in one operation, else postcode.

    ``names`` are prefixed keys (``street:...``, ``premises:...``, ...).
    """
    for prefix in _NAMING_ORDER:
        chosen = sorted(n for n in names if n.startswith(prefix))
        if chosen:
            return chosen[0]
    raise ValueError("a place needs at least one key")


def premises_of(name: str) -> str | None:
    """The premises name a ``premises:``, ``branch:`` or ``local:`` key is about."""
    if name.startswith("premises:"):
        return name[9:]
    if name.startswith("branch:"):
        return name[7:].rsplit("@", 1)[0]
    if name.startswith("local:"):
        return name[6:].split(":", 1)[1]
    return None


def _site(names: Iterable[str]) -> str | None:
    """The street an occurrence puts its premises on (its ``branch:`` key), else its building."""
    branch = next((n for n in names if n.startswith("branch:")), None)
    return branch or next((n for n in names if n.startswith("street:")), None)


def _ambiguous(groups: Iterable[Iterable[str]]) -> set[str]:
    """Premises, branch and local keys written on two streets or at two buildings."""
    sites: dict[str, set[str]] = defaultdict(set)
    buildings: dict[str, set[str]] = defaultdict(set)
    for names in groups:
        names = list(names)
        site = _site(names)
        street = next((n.split("/", 1)[0] for n in names if n.startswith("street:")), None)
        for name in names:
            if name.startswith(("premises:", "local:", "branch:")) and street is not None:
                buildings[name].add(street)
            if name.startswith(("premises:", "local:")) and site is not None:
                sites[name].add(site)
    return {n for n in {*sites, *buildings} if len(sites[n]) > 1 or len(buildings[n]) > 1}


def unplaceable(written: Sequence[list[str]], held: Iterable[set[str]] = ()) -> list[bool]:
    """Which occurrences name a chain only, in an operation that knows two of its branches.

    ``Regal Cabs`` alone, where the operation writes Regal Cabs at 10 Holme
    Avenue and on Mill Road, is one of them and nobody can say which: such an
    occurrence joins no place (its mention stays, unjoined), rather than make a
    place of its own that would count the victims of both, and be called never
    disrupted when one of them was.
    """
    ambiguous = _ambiguous([*written, *(sorted(keys) for keys in held)])
    return [
        not any(n.startswith(("street:", "branch:")) for n in names)
        and bool(names)
        and names[0].startswith("local:")
        and names[0] in ambiguous
        for names in written
    ]


def link_place_keys(written: Iterable[list[str]], held: Iterable[set[str]] = ()) -> dict[str, str]:
    """Key name → the entity key of its place: keys written together, or already held together.

    ``written`` are the key names of each occurrence, ``held`` those of places
    already stored. Buildings and postcodes always join. A premises name
    (``premises:``), an operation's use of it (``local:``) and a premises name
    on a street (``branch:``) join only while they are unambiguous: written on
    at most one street and at at most one building. So a chain's name
    (``Golden Spice`` at two buildings) merges none of its branches; an
    occurrence naming only it is a place of its own, one per operation,
    unless its operation knows one branch.
    """
    written = list(written)
    groups = [*written, *(sorted(keys) for keys in held)]
    ambiguous = _ambiguous(groups)

    def joins(name: str) -> bool:
        return name not in ambiguous

    index: dict[str, int] = {}
    clusters = Clusters()
    for position, names in enumerate(groups):
        for name in names:
            if name not in index:
                index[name] = len(index)
                clusters.add(index[name])
        linked = names
        if position < len(written):  # a stored place stays whole
            linked = [n for n in names if joins(n)]
        for other in linked[1:]:
            clusters.union(index[linked[0]], index[other])
    by_root: dict[int, set[str]] = defaultdict(set)
    for name, i in index.items():
        by_root[clusters.find(i)].add(name)
    return {name: place_entity_key(by_root[clusters.find(i)]) for name, i in index.items()}


def with_record_context(keyed: list[tuple[list[str], Occurrence]]) -> list[list[str]]:
    """Each occurrence's key names, a premises name alone completed from its own record.

    ``Golden Spice`` in a record's text, where the record's ``locations`` give
    ``Golden Spice, 200 Sorrel Terrace`` (or ``Golden Spice, Sorrel Terrace``),
    is that place, even when the name is a chain's. So it is where the record
    gives only the building (``200 Sorrel Terrace``) and Golden Spice is
    written at that building somewhere in the material.
    """

    def placed(names: list[str]) -> bool:
        return any(n.startswith(("street:", "branch:")) for n in names)

    at: dict[tuple[str, str], list[str]] = {}
    buildings: dict[str, set[str]] = defaultdict(set)
    known: set[tuple[str, str]] = set()
    for names, occurrence in keyed:
        street = next((n for n in names if n.startswith("street:")), None)
        if occurrence.record_id and street is not None:
            buildings[occurrence.record_id].add(street)
        for name in names:
            if name.startswith("premises:") and placed(names):
                if occurrence.record_id:
                    at.setdefault((occurrence.record_id, name), names)
                if street is not None:
                    known.add((name, street))
    out = []
    for names, occurrence in keyed:
        premises = next((n for n in names if n.startswith("premises:")), None)
        if occurrence.record_id and premises is not None and not placed(names):
            found = at.get((occurrence.record_id, premises))
            if found is None:
                there = [b for b in buildings[occurrence.record_id] if (premises, b) in known]
                if len(there) == 1:
                    road = road_of(there[0][7:].split("/", 1)[0])
                    found = [there[0], f"branch:{premises[9:]}@{road}", *names]
            names = found or names
        out.append(names)
    return out


LINKED_TIES = 2
"""How many ties (a person, vehicle or phone in another record) must point at one branch."""


def with_linked_records(
    keyed: Sequence[tuple[list[str], Occurrence]],
    written: Sequence[list[str]],
    context: Mapping[str, set[str]],
) -> list[list[str]]:
    """Each occurrence's key names, a chain's name alone completed from the records its
    record shares people, vehicles or phones with.

    A victim's statement says ``collected from Express Burger Bar``; the
    operation knows two Express Burger Bars, or none. The same suspect and his car
    are in two other records, both at ``Express Burger Bar, 2 Ash Terrace``: an
    analyst reads the statement as that branch. So does this: ``context`` maps a
    record to what it involves (``person:<entity id>`` of its subjects, vehicle
    and phone keys); a premises name written without a street (in a text mention
    or a record's ``locations``) takes the keys of the one branch of that name
    that other records sharing those things name, when at least ``LINKED_TIES``
    (thing, record) pairs point at it and none at another branch. ``written``
    are the key names after :func:`with_record_context`; homes are left alone.
    """

    def placed(names: list[str]) -> bool:
        return any(n.startswith(("street:", "branch:")) for n in names)

    sites_at: dict[tuple[str, str], set[str]] = defaultdict(set)
    names_at: dict[tuple[str, str], list[str]] = {}
    for names, (_, occurrence) in zip(written, keyed, strict=True):
        site = _site(names)
        if not occurrence.record_id or site is None or not placed(names):
            continue
        for name in names:
            if name.startswith("premises:"):
                sites_at[(occurrence.record_id, name)].add(site)
                names_at.setdefault((name, site), names)
    if not sites_at:
        return list(written)
    records_of: dict[str, set[str]] = defaultdict(set)
    for item, things in context.items():
        for thing in things:
            records_of[thing].add(item)
    out = []
    for names, (_, occurrence) in zip(written, keyed, strict=True):
        premises = next((n for n in names if n.startswith("premises:")), None)
        record = occurrence.record_id
        if premises is None or record is None or occurrence.kind == "holder" or placed(names):
            out.append(names)
            continue
        ties: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for thing in context.get(record, ()):
            for other in records_of[thing]:
                if other != record:
                    for site in sites_at.get((other, premises), ()):
                        ties[site].add((thing, other))
        if len(ties) == 1:
            [(site, found)] = ties.items()
            if len(found) >= LINKED_TIES:
                names = names_at[(premises, site)]
        out.append(names)
    return out


def group_places(items: Iterable[tuple[str | None, str | None, Occurrence]]) -> list[KeyedEntity]:
    """Places from scratch: occurrences joined by ``link_place_keys``, one entity per place."""
    keyed = [
        (names, occurrence)
        for address, postcode, occurrence in items
        if (names := place_key_names(place_keys(address, postcode), occurrence.operation_id))
    ]
    written = with_record_context(keyed)
    dropped = unplaceable(written)
    keyed = [k for k, drop in zip(keyed, dropped, strict=True) if not drop]
    written = [w for w, drop in zip(written, dropped, strict=True) if not drop]
    place_of = link_place_keys(written)
    entities: dict[str, KeyedEntity] = {}
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for names, (_, occurrence) in zip(written, keyed, strict=True):
        key = place_of[names[0]]
        if key not in entities:
            entities[key] = KeyedEntity(
                entity_id("location", key), "location", key.split(":", 1)[1], ""
            )
        entities[key].members.append(occurrence)
        labels[key][occurrence.raw] += 1
    for key, entity in entities.items():
        counted = labels[key]
        entity.label = max(counted, key=lambda raw: (counted[raw], len(raw), raw))
    return list(entities.values())
