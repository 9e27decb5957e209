"""Identifiers and places: joined on their normalised keys, not by a model.

Vehicles (registration marks), phones (E.164) and e-mail addresses become one
entity per normalised value. Places become one entity per street line
(``normalise_text_key`` of the address's first part), joined also on a
premises name and, where no address is given, on the full postcode. Every
value passes through ``threadline.domain.normalise``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
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


@dataclass(frozen=True)
class PlaceKeys:
    street: str | None
    premises: str | None
    postcode: str | None


def place_keys(address: str | None, postcode: str | None) -> PlaceKeys:
    """The keys a place is joined on: its street line, premises name and postcode."""
    parts = [p.strip() for p in (address or "").split(",") if p.strip()]
    premises = None
    street = None
    if parts:
        first = normalise_text_key(parts[0])
        if first and not any(c.isdigit() for c in first) and len(parts) > 1:
            # "Mumtaz Takeaway, 4 Wellgate, Riverton": a premises name, then the street line.
            premises = first
            second = normalise_text_key(parts[1])
            # A street line has a number; "Mumtaz Takeaway, Riverton" names only a town.
            street = second if any(c.isdigit() for c in second) else None
        else:
            street = first or None
    code = normalise_postcode(postcode) if postcode else None
    return PlaceKeys(street, premises, code)


def place_entity_key(names: set[str]) -> str:
    """The key a place entity is named by: its smallest street line, else premises, else postcode.

    ``names`` are prefixed keys (``street:...``, ``premises:...``, ``postcode:...``).
    """
    for prefix in ("street:", "premises:", "postcode:"):
        chosen = sorted(n for n in names if n.startswith(prefix))
        if chosen:
            return chosen[0]
    raise ValueError("a place needs at least one key")


def group_places(items: Iterable[tuple[str | None, str | None, Occurrence]]) -> list[KeyedEntity]:
    """Places that share a street line, a premises name, or (without an address) a postcode."""
    keyed: list[tuple[PlaceKeys, Occurrence]] = []
    for address, postcode, occurrence in items:
        keys = place_keys(address, postcode)
        if keys.street or keys.premises or keys.postcode:
            keyed.append((keys, occurrence))
    clusters = Clusters()
    first_with: dict[str, int] = {}
    for index, (keys, _) in enumerate(keyed):
        clusters.add(index)
        names = [f"street:{keys.street}" if keys.street else None]
        names.append(f"premises:{keys.premises}" if keys.premises else None)
        if not keys.street and not keys.premises:
            names.append(f"postcode:{keys.postcode}")
        for name in names:
            if name is None:
                continue
            if name in first_with:
                clusters.union(first_with[name], index)
            else:
                first_with[name] = index
    entities = []
    for group in clusters.groups():
        occurrences = [keyed[i] for i in group]
        street_keys = sorted({k.street for k, _ in occurrences if k.street})
        premises_keys = sorted({k.premises for k, _ in occurrences if k.premises})
        postcodes = Counter(k.postcode for k, _ in occurrences if k.postcode)
        key = (street_keys or premises_keys or [""])[0]
        if not key:
            key = postcodes.most_common(1)[0][0]
        labels = Counter(o.raw for _, o in occurrences)
        label = max(labels, key=lambda raw: (labels[raw], len(raw)))
        entity = KeyedEntity(entity_id("location", key), "location", key, label)
        entity.members = [o for _, o in occurrences]
        entities.append(entity)
    return entities
