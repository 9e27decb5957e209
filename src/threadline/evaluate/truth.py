"""Ground truth of a synthetic bundle (``truth.json``), loaded and indexed for scoring.

The truth says which subject refs are one person, which spans of free text name
a person or an identifier, and which opportunities (and planted near-misses)
the material holds. The shape is the one at the end of ``spec/bundle.md``, plus
what the generator adds (a mention's ``role`` and ``text``, a location's
``records``, and optionally which distinct persons have similar names). Any key
that is not present is treated as absent, and unknown keys are ignored, so a
newer generator's truth still loads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from threadline.errors import InputError, Location

#: Top-level keys that may list groups (or pairs) of similar-named persons.
DECOY_GROUP_KEYS = ("decoys", "decoy_pairs")

#: Keys under which a person entry may name the distinct persons with similar names.
DECOY_PERSON_KEYS = ("decoy_of", "similar_to")


@dataclass(frozen=True, slots=True)
class TruthSpan:
    """A span of a record's text that names a true person or identifier.

    Attributes:
        record: id of the record whose ``text`` holds the span.
        start: first code point, counted as Python string indices.
        end: one past the last code point.
        type: ``person``, or the identifier key's prefix (``vehicle``, ``phone``,
            ``location``, ...).
        key: the person id (``P0001``) or identifier key (``vehicle:AB12CDE``).
        role: for person spans, the role the text gives them, when the truth says.
        text: the spanned text, when the truth carries it.
    """

    record: str
    start: int
    end: int
    type: str
    key: str
    role: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class TruthPerson:
    """One true individual: every subject ref that is them, every span naming them."""

    id: str
    subjects: tuple[str, ...]
    mentions: tuple[TruthSpan, ...]


@dataclass(frozen=True, slots=True)
class TruthIdentifier:
    """One true vehicle, phone or location, keyed ``type:value``."""

    key: str
    type: str
    value: str
    mentions: tuple[TruthSpan, ...]
    records: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TruthOpportunity:
    """A true opportunity or a planted near-miss.

    Attributes:
        kind: one of the kinds of ``spec/opportunities.md``.
        person: the person id it is about, if any.
        identifier: the identifier key it is about, if any.
        records: the records it rests on.
        record: the anchoring record of a record-anchored kind, if given.
    """

    kind: str
    person: str | None
    identifier: str | None
    records: tuple[str, ...]
    record: str | None

    @property
    def anchor(self) -> str | None:
        """The anchoring record: ``record``, else the first of ``records``."""
        if self.record is not None:
            return self.record
        return self.records[0] if self.records else None

    @property
    def targets(self) -> frozenset[str]:
        """The person and identifier keys this opportunity is about."""
        return frozenset(k for k in (self.person, self.identifier) if k is not None)


def canonical_identifier(value: str) -> str:
    """Compare identifiers without regard to spacing or letter case.

    Entities carry normalised values (``AB12CDE``, ``+447700900123``) by contract;
    this only forgives spacing and case so that the instrument judges
    normalisation, not formatting.
    """
    return "".join(value.split()).upper()


@dataclass
class Truth:
    """A loaded ``truth.json`` with the indexes scoring needs.

    Attributes:
        persons: true persons by id.
        identifiers: true identifiers by key.
        opportunities: the true opportunities, in file order.
        near_misses: the planted look-alikes, in file order.
        decoy_pairs: unordered pairs of distinct persons the truth marks as
            similar-named, or ``None`` when the truth marks none at all.
        person_of_subject: subject ref → person id.
        spans_by_record: record id → every truth span in it, sorted by start.
        identifier_by_value: (type, canonical value) → identifier key.
        locations_of_record: record id → keys of the locations its
            ``locations`` field names (from the truth's per-location ``records``).
    """

    persons: dict[str, TruthPerson]
    identifiers: dict[str, TruthIdentifier]
    opportunities: list[TruthOpportunity]
    near_misses: list[TruthOpportunity]
    decoy_pairs: frozenset[tuple[str, str]] | None = None
    person_of_subject: dict[str, str] = field(init=False, repr=False)
    spans_by_record: dict[str, list[TruthSpan]] = field(init=False, repr=False)
    identifier_by_value: dict[tuple[str, str], str] = field(init=False, repr=False)
    locations_of_record: dict[str, list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.person_of_subject = {}
        for person in self.persons.values():
            for ref in person.subjects:
                other = self.person_of_subject.setdefault(ref, person.id)
                if other != person.id:
                    raise InputError(
                        Location("truth", field=f"persons.{person.id}.subjects"),
                        f"subject ref {ref!r} is also listed under person {other!r}",
                    )
        spans: dict[str, list[TruthSpan]] = {}
        for span in self.all_spans():
            spans.setdefault(span.record, []).append(span)
        for record_spans in spans.values():
            record_spans.sort(key=lambda s: (s.start, s.end, s.type, s.key))
        self.spans_by_record = spans
        self.identifier_by_value = {
            (ident.type, canonical_identifier(ident.value)): ident.key
            for ident in self.identifiers.values()
        }
        self.locations_of_record = {}
        for ident in self.identifiers.values():
            if ident.type != "location":
                continue
            for record in ident.records:
                self.locations_of_record.setdefault(record, []).append(ident.key)

    def all_spans(self) -> Iterable[TruthSpan]:
        """Every truth span: persons' first, then identifiers', in file order."""
        for person in self.persons.values():
            yield from person.mentions
        for ident in self.identifiers.values():
            yield from ident.mentions

    @classmethod
    def load(cls, path: Path) -> Truth:
        """Read and index a ``truth.json`` file.

        Raises:
            InputError: the file is unreadable, not JSON, or not in the truth's shape.
        """
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(Location(str(path)), f"cannot read the truth file: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise InputError(Location(str(path)), f"the truth file is not UTF-8: {exc}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(Location(str(path), exc.lineno), f"not valid JSON: {exc.msg}") from exc
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "truth") -> Truth:
        """Build a truth from parsed JSON.

        Args:
            data: the parsed ``truth.json`` object.
            source: the file name to put in error messages.

        Raises:
            InputError: a part of ``data`` is not in the truth's shape; the
                message names the field (``persons.P0001.mentions[2].start``).
        """
        reader = _Reader(source)
        top = reader.mapping(data, "")
        persons_raw = reader.mapping(top.get("persons", {}), "persons")
        persons = {pid: reader.person(pid, entry) for pid, entry in persons_raw.items()}
        idents_raw = reader.mapping(top.get("identifiers", {}), "identifiers")
        identifiers = {key: reader.identifier(key, entry) for key, entry in idents_raw.items()}
        opportunities = reader.opportunities(top.get("opportunities", []), "opportunities")
        near_misses = reader.opportunities(top.get("near_misses", []), "near_misses")
        decoys = reader.decoys(top, persons_raw)
        try:
            return cls(persons, identifiers, opportunities, near_misses, decoys)
        except InputError as exc:
            raise InputError(Location(source, field=exc.location.field), exc.message) from exc


class _Reader:
    """Shape checks for the truth file that name the offending field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> InputError:
        return InputError(Location(self.source, field=where or None), message)

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, "expected a JSON object")
        return value

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, "expected a list of strings")
        return tuple(value)

    def optional_string(self, entry: Mapping[str, Any], key: str, where: str) -> str | None:
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"{where}.{key}", "expected a string")
        return value

    def span(self, value: Any, where: str, type_: str, key: str) -> TruthSpan:
        entry = self.mapping(value, where)
        record = entry.get("record")
        if not isinstance(record, str):
            raise self.fail(f"{where}.record", "expected the record id as a string")
        bounds: list[int] = []
        for name in ("start", "end"):
            offset = entry.get(name)
            if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
                raise self.fail(f"{where}.{name}", "expected a non-negative integer offset")
            bounds.append(offset)
        if bounds[1] < bounds[0]:
            raise self.fail(f"{where}.end", "the span ends before it starts")
        return TruthSpan(
            record=record,
            start=bounds[0],
            end=bounds[1],
            type=type_,
            key=key,
            role=self.optional_string(entry, "role", where),
            text=self.optional_string(entry, "text", where),
        )

    def spans(
        self, entry: Mapping[str, Any], where: str, type_: str, key: str
    ) -> tuple[TruthSpan, ...]:
        raw = entry.get("mentions", [])
        if not isinstance(raw, list):
            raise self.fail(f"{where}.mentions", "expected a list of spans")
        return tuple(
            self.span(item, f"{where}.mentions[{i}]", type_, key) for i, item in enumerate(raw)
        )

    def person(self, pid: str, value: Any) -> TruthPerson:
        where = f"persons.{pid}"
        entry = self.mapping(value, where)
        subjects = self.strings(entry.get("subjects", []), f"{where}.subjects")
        return TruthPerson(pid, subjects, self.spans(entry, where, "person", pid))

    def identifier(self, key: str, value: Any) -> TruthIdentifier:
        where = f"identifiers.{key}"
        type_, sep, ident_value = key.partition(":")
        if not sep or not type_ or not ident_value:
            raise self.fail(where, "an identifier key must be 'type:value', e.g. 'vehicle:AB12CDE'")
        type_ = type_.lower()
        entry = self.mapping(value, where)
        records = self.strings(entry.get("records", []), f"{where}.records")
        return TruthIdentifier(
            key, type_, ident_value, self.spans(entry, where, type_, key), records
        )

    def opportunities(self, value: Any, where: str) -> list[TruthOpportunity]:
        if not isinstance(value, list):
            raise self.fail(where, "expected a list of opportunities")
        found: list[TruthOpportunity] = []
        for i, item in enumerate(value):
            at = f"{where}[{i}]"
            entry = self.mapping(item, at)
            kind = entry.get("kind")
            if not isinstance(kind, str) or not kind:
                raise self.fail(f"{at}.kind", "expected the opportunity's kind")
            found.append(
                TruthOpportunity(
                    kind=kind,
                    person=self.optional_string(entry, "person", at),
                    identifier=self.optional_string(entry, "identifier", at),
                    records=self.strings(entry.get("records", []), f"{at}.records"),
                    record=self.optional_string(entry, "record", at),
                )
            )
        return found

    def decoys(
        self, top: Mapping[str, Any], persons: Mapping[str, Any]
    ) -> frozenset[tuple[str, str]] | None:
        """Collect similar-named pairs from every form the truth may use.

        Forms: top-level ``"decoys"`` or ``"decoy_pairs"``: ``[["P1", "P2", ...], ...]``
        (each group is persons with similar names), or a person's ``"decoy_of"`` /
        ``"similar_to"`` (a person id or a list of them). ``None`` means the
        truth marks no decoys at all (as opposed to an empty set of pairs).
        """
        groups: list[tuple[str, ...]] = []
        marked = False
        for key in DECOY_GROUP_KEYS:
            if key not in top or top[key] is None:
                continue
            marked = True
            raw = top[key]
            if not isinstance(raw, list):
                raise self.fail(key, "expected a list of groups of person ids")
            groups.extend(self.strings(g, f"{key}[{i}]") for i, g in enumerate(raw))
        for pid, entry in persons.items():
            for key in DECOY_PERSON_KEYS:
                if key not in entry or entry[key] is None:
                    continue
                marked = True
                raw = entry[key]
                others = (
                    (raw,) if isinstance(raw, str) else self.strings(raw, f"persons.{pid}.{key}")
                )
                groups.extend((pid, other) for other in others)
        if not marked:
            return None
        pairs: set[tuple[str, str]] = set()
        for group in groups:
            members = sorted(set(group))
            for i, a in enumerate(members):
                pairs.update((a, b) for b in members[i + 1 :])
        return frozenset(pairs)
