"""What resolution compares about a subject: its features, computed once per subject.

A subject's name, dates, gender, address, phones, vehicles and nominal become
the plain columns the Splink model compares (``people.py``). Every key goes
through ``threadline.domain.normalise``. Features are a pure function of the
subject (and its owner's date), so a fingerprint of them tells a re-run what
changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from threadline.domain.normalise import (
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
    parse_name,
    postcode_outward,
    postcode_sector,
)
from threadline.resolve.identifiers import place_keys
from threadline.resolve.variants import canonical_forename, canonical_surname, fold, soundex

BIRTH_BAND = 6
"""Years per birth band (``PersonFeatures.birth_band``): birth years up to 3 apart, an age's
slip or a year mistyped, share a band or a shifted band."""

GENDERS = {"male": "m", "m": "m", "man": "m", "female": "f", "f": "f", "woman": "f"}


@dataclass
class SubjectRow:
    """A subject as read from the store, with what its owner adds (operation, date)."""

    ref: str
    name: str | None
    aliases: Sequence[Any] = ()
    dob: dt.date | None = None
    age: int | None = None
    gender: str | None = None
    address: str | None = None
    postcode: str | None = None
    phones: Sequence[Any] = ()
    vehicles: Sequence[Any] = ()
    nominal: str | None = None
    operation: str | None = None
    record_id: str | None = None
    owner_date: dt.date | None = None
    role: str | None = None
    item: str | None = None
    """The record, action or event the subject belongs to."""
    lists: Sequence[str] = ()
    """The records that item lists: an action's or event's ``records``, a record's ``links``."""
    seen_with: Sequence[str] = ()
    """The vehicles and phones its record ties to it (``fragments.py``), as identifier keys."""


@dataclass
class PersonFeatures:
    """The columns of the model's input table, one row per subject."""

    unique_id: int
    ref: str
    fn: str | None = None
    """First forename, folded (``name_key``)."""
    fn_canon: str | None = None
    """Its variant group (transliterations, nicknames)."""
    fn_sdx: str | None = None
    fn_initial: str | None = None
    fn_is_initial: bool = False
    sn: str | None = None
    sn_canon: str | None = None
    sn_sdx: str | None = None
    fn_as_sn: str | None = None
    sn_initial: str | None = None
    sn_as_fn: str | None = None
    """The surname read as a forename and the forename as a surname: written in one
    case (``WARD MARK``) a name's order is a guess, so swaps compare these."""
    sn_alone: str | None = None
    """The surname's variant group, only when no forename is given (``ALI``): blocking
    compares these few subjects with everyone of that surname group, not all pairs of it."""
    aliases: list[str] = field(default_factory=list)
    """Variant groups of the aliases."""
    dob: str | None = None
    dob_swapped: str | None = None
    """The date of birth with day and month swapped, where that is a date."""
    birth_year: int | None = None
    """From the date of birth, else the owner's date minus the age."""
    birth_year_from_age: bool = False
    birth_band: int | None = None
    birth_band_shifted: int | None = None
    """The birth year in bands of BIRTH_BAND years, and in the same bands shifted by half
    a band: two birth years at most half a band apart share one or the other, so blocking
    on a name and a band finds a year's slip or an age's without comparing every pair
    of a common name."""
    gender: str | None = None
    postcode: str | None = None
    postcode_sector: str | None = None
    postcode_outward: str | None = None
    address: str | None = None
    phones: list[str] = field(default_factory=list)
    vehicles: list[str] = field(default_factory=list)
    nominal: str | None = None
    nominal_system: str | None = None
    operation: str | None = None
    seen: int | None = None
    """The year of the owner's date (a record's date or receipt, an action's raising, an
    event's date): when the material places the subject (``engine.placed_apart``)."""
    item: str | None = None
    """The record, action or event the subject belongs to (``fragments.py``)."""
    lists: list[str] = field(default_factory=list)
    """The records its item lists (``fragments.py``)."""
    seen_with: list[str] = field(default_factory=list)
    """The vehicles and phones its record ties to it (``fragments.py``)."""

    def fingerprint(self) -> str:
        """A hash of everything compared (not the row number)."""
        return hashlib.blake2b(repr(astuple(self)[1:]).encode(), digest_size=16).hexdigest()


_DIGITS = re.compile(r"\d+")


# Names, addresses and numbers recur across thousands of subjects: parse each once.
@lru_cache(maxsize=1 << 18)
def _name_parts(name: str | None) -> tuple[str | None, str | None, bool]:
    if not name:
        return None, None, False
    parts = parse_name(name)
    forename = next((fold(f) for f in parts.forenames if fold(f)), None)
    surname = fold(parts.surname.replace(" ", "")) if parts.surname else None
    is_initial = forename is not None and len(forename) == 1
    return forename, surname or None, is_initial


def _swap_day_month(dob: dt.date) -> str | None:
    if dob.day > 12 or dob.day == dob.month:
        return None
    return dt.date(dob.year, dob.day, dob.month).isoformat()


def _unique(values: Iterable[str | None]) -> list[str]:
    return sorted({v for v in values if v})


_phone = lru_cache(maxsize=1 << 18)(normalise_phone)
_vrm = lru_cache(maxsize=1 << 18)(normalise_vrm)


@lru_cache(maxsize=1 << 18)
def _street(address: str) -> str | None:
    """The home as a place key: building and flat (``12 mill road/flat 5``), else the
    premises name. Not the first part as written: that is often a flat (``Flat 5``) or
    a bare number (``70, Alder Street``), which other homes share."""
    keys = place_keys(address, None)
    if keys.street:
        return f"{keys.street}/{keys.unit}" if keys.unit else keys.street
    return keys.premises


@lru_cache(maxsize=1 << 14)
def _alias(alias: str) -> str:
    return canonical_forename(fold(alias))


@lru_cache(maxsize=1 << 18)
def _name_features(name: str | None) -> dict[str, Any]:
    forename, surname, is_initial = _name_parts(name)
    out: dict[str, Any] = {}
    if forename:
        out["fn"] = forename
        out["fn_canon"] = forename if is_initial else canonical_forename(forename)
        out["fn_sdx"] = soundex(forename)
        out["fn_initial"] = forename[0]
        out["fn_is_initial"] = is_initial
        if not is_initial:
            out["fn_as_sn"] = canonical_surname(forename)
    if surname:
        out["sn"] = surname
        out["sn_canon"] = canonical_surname(surname)
        out["sn_sdx"] = soundex(surname)
        out["sn_initial"] = surname[0]
        out["sn_as_fn"] = canonical_forename(surname)
        if not forename:
            out["sn_alone"] = out["sn_canon"]
    return out


@lru_cache(maxsize=1 << 16)
def _postcode_features(raw: str) -> tuple[str, str, str] | None:
    postcode = normalise_postcode(raw)
    if not postcode:
        return None
    return postcode, postcode_sector(postcode), postcode_outward(postcode)


def _birth_bands(year: int) -> tuple[int, int]:
    return year // BIRTH_BAND, (year + BIRTH_BAND // 2) // BIRTH_BAND


@lru_cache(maxsize=1 << 16)
def _dob_features(dob: dt.date) -> tuple[str, str | None, int, int, int]:
    return (dob.isoformat(), _swap_day_month(dob), dob.year, *_birth_bands(dob.year))


def _gender(raw: str) -> str | None:
    return GENDERS.get(raw.strip().casefold())


def _nominal(raw: str) -> tuple[str, str] | None:
    nominal = raw.strip().upper()
    return (nominal, _DIGITS.sub("#", nominal)) if nominal else None


def _aliases(values: tuple[str, ...]) -> list[str] | None:
    return _unique(_alias(a) for a in values) or None


def _phones(values: tuple[str, ...]) -> list[str] | None:
    return _unique(_phone(p) for p in values) or None


def _vehicles(values: tuple[str, ...]) -> list[str] | None:
    return _unique(_vrm(v) for v in values) or None


SCHEMA = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("ref", pa.string()),
        ("fn", pa.string()),
        ("fn_canon", pa.string()),
        ("fn_sdx", pa.string()),
        ("fn_initial", pa.string()),
        ("fn_is_initial", pa.bool_()),
        ("sn", pa.string()),
        ("sn_canon", pa.string()),
        ("sn_sdx", pa.string()),
        ("sn_initial", pa.string()),
        ("fn_as_sn", pa.string()),
        ("sn_as_fn", pa.string()),
        ("sn_alone", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("dob", pa.string()),
        ("dob_swapped", pa.string()),
        ("birth_year", pa.int64()),
        ("birth_year_from_age", pa.bool_()),
        ("birth_band", pa.int64()),
        ("birth_band_shifted", pa.int64()),
        ("gender", pa.string()),
        ("postcode", pa.string()),
        ("postcode_sector", pa.string()),
        ("postcode_outward", pa.string()),
        ("address", pa.string()),
        ("phones", pa.list_(pa.string())),
        ("vehicles", pa.list_(pa.string())),
        ("phone1", pa.string()),
        ("vehicle1", pa.string()),
        ("nominal", pa.string()),
        ("nominal_system", pa.string()),
        ("operation", pa.string()),
        ("seen", pa.int64()),
        ("item", pa.string()),
        ("lists", pa.list_(pa.string())),
        ("seen_with", pa.list_(pa.string())),
    ]
)
"""The model's input table: PersonFeatures' fields, plus each subject's first phone and
first vehicle (for blocking). Empty lists are nulls, so that they count as missing."""

NAME_COLUMNS = (
    "fn",
    "fn_canon",
    "fn_sdx",
    "fn_initial",
    "fn_is_initial",
    "sn",
    "sn_canon",
    "sn_sdx",
    "sn_initial",
    "fn_as_sn",
    "sn_as_fn",
    "sn_alone",
)

PARALLEL_FROM = 20_000
"""Distinct names or addresses from which they are parsed in worker processes."""


def _names_features(names: list[str]) -> list[dict[str, Any]]:
    return [_name_features(name) for name in names]


def _streets(addresses: list[str]) -> list[str | None]:
    return [_street(address) for address in addresses]


def _map_parallel(
    compute: Callable[[list[str]], list[Any]], values: list[str], workers: int
) -> list[Any]:
    """``compute`` over ``values``, split among ``workers`` processes when there are many."""
    if workers < 2 or len(values) < PARALLEL_FROM:
        return compute(values)
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(values) // (workers * 4))
    chunks = [values[i : i + size] for i in range(0, len(values), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [out for part in pool.map(compute, chunks) for out in part]


class _Distinct:
    """A column of values encoded as its distinct values and, per row, an index into them:
    features are computed once per distinct value, then spread back over the rows."""

    def __init__(self, values: list[Any]) -> None:
        index: dict[Any, int] = {}
        self.values: list[Any] = []
        rows: list[int | None] = []
        for value in values:
            if value is None:
                rows.append(None)
                continue
            at = index.get(value)
            if at is None:
                at = index[value] = len(self.values)
                self.values.append(value)
            rows.append(at)
        self.rows = pa.array(rows, pa.int64())

    def spread(self, computed: list[Any], type_: pa.DataType) -> pa.Array:
        return pa.array(computed, type_).take(self.rows)


def features_table(rows: Sequence[SubjectRow], start: int = 0, workers: int = 1) -> pa.Table:
    """The features of ``rows`` as the model's input table, rows numbered from ``start``.

    Column by column, and every feature computed once per distinct value (a name,
    a date, an address recur across thousands of subjects); names and addresses,
    the costly ones, are parsed in ``workers`` processes when there are many.
    """
    types = {f.name: f.type for f in SCHEMA}
    columns: dict[str, pa.Array] = {
        "unique_id": pa.array(range(start, start + len(rows)), pa.int64()),
        "ref": pa.array([r.ref for r in rows], pa.string()),
        "operation": pa.array([r.operation for r in rows], pa.string()),
        "seen": pa.array([r.owner_date.year if r.owner_date else None for r in rows], pa.int64()),
        "item": pa.array([r.item for r in rows], pa.string()),
        "lists": pa.array([sorted(set(r.lists)) or None for r in rows], pa.list_(pa.string())),
        "seen_with": pa.array(
            [sorted(set(r.seen_with)) or None for r in rows], pa.list_(pa.string())
        ),
    }
    names = _Distinct([r.name or None for r in rows])
    parsed = _map_parallel(_names_features, names.values, workers)
    for name in NAME_COLUMNS:
        columns[name] = names.spread([p.get(name) for p in parsed], types[name])
    columns["fn_is_initial"] = pc.fill_null(columns["fn_is_initial"], False)

    dobs = _Distinct([r.dob for r in rows])
    dated = [_dob_features(d) for d in dobs.values]
    for i, name in enumerate(("dob", "dob_swapped", "birth_year", "birth_band")):
        columns[name] = dobs.spread([d[i] for d in dated], types[name])
    columns["birth_band_shifted"] = dobs.spread([d[4] for d in dated], pa.int64())
    # Where there is no date of birth, a birth year from the owner's date minus the age.
    from_age = [
        r.owner_date.year - r.age
        if r.dob is None and r.age is not None and r.owner_date is not None and 0 <= r.age < 120
        else None
        for r in rows
    ]
    if any(year is not None for year in from_age):
        aged = pa.array(from_age, pa.int64())
        columns["birth_year"] = pc.coalesce(columns["birth_year"], aged)
        bands = [_birth_bands(y) if y is not None else (None, None) for y in from_age]
        for i, name in enumerate(("birth_band", "birth_band_shifted")):
            columns[name] = pc.coalesce(columns[name], pa.array([b[i] for b in bands], pa.int64()))
        columns["birth_year_from_age"] = pc.is_valid(aged)
    else:
        columns["birth_year_from_age"] = pa.array([False] * len(rows), pa.bool_())

    genders = _Distinct([r.gender for r in rows])
    columns["gender"] = genders.spread([_gender(g) for g in genders.values], pa.string())
    postcodes = _Distinct([r.postcode or None for r in rows])
    coded = [_postcode_features(p) or (None, None, None) for p in postcodes.values]
    for i, name in enumerate(("postcode", "postcode_sector", "postcode_outward")):
        columns[name] = postcodes.spread([c[i] for c in coded], pa.string())
    addresses = _Distinct([r.address or None for r in rows])
    columns["address"] = addresses.spread(
        _map_parallel(_streets, addresses.values, workers), pa.string()
    )
    nominals = _Distinct([r.nominal for r in rows])
    systems = [_nominal(n) or (None, None) for n in nominals.values]
    for i, name in enumerate(("nominal", "nominal_system")):
        columns[name] = nominals.spread([c[i] for c in systems], pa.string())

    for name, compute in (("aliases", _aliases), ("phones", _phones), ("vehicles", _vehicles)):
        # Only text is a phone, a mark or an alias (a JSON list may hold anything).
        lists = _Distinct(
            [tuple(v for v in getattr(r, name) if isinstance(v, str)) or None for r in rows]
        )
        columns[name] = lists.spread([compute(v) for v in lists.values], types[name])
    for name, lists_of in (("phone1", "phones"), ("vehicle1", "vehicles")):
        columns[name] = pc.list_element(columns[lists_of], 0)  # lists are never empty
    return pa.table([columns[name] for name in SCHEMA.names], schema=SCHEMA)


def person_features(unique_id: int, subject: SubjectRow) -> PersonFeatures:
    """The features of one subject (as :func:`features_table` computes them). Pure; never
    raises on odd input."""
    row = features_table([subject], unique_id).to_pylist()[0]
    for name in ("aliases", "phones", "vehicles", "lists", "seen_with"):
        row[name] = row[name] or []
    del row["phone1"], row["vehicle1"]
    return PersonFeatures(**row)
