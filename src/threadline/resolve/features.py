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
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from typing import Any

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


def person_features(unique_id: int, subject: SubjectRow) -> PersonFeatures:
    """The features of one subject. Pure; never raises on odd input."""
    features = PersonFeatures(
        unique_id=unique_id,
        ref=subject.ref,
        operation=subject.operation,
        **_name_features(subject.name),
    )
    features.aliases = _unique(_alias(a) for a in subject.aliases if isinstance(a, str))
    if subject.dob is not None:
        features.dob = subject.dob.isoformat()
        features.dob_swapped = _swap_day_month(subject.dob)
        features.birth_year = subject.dob.year
    elif subject.age is not None and subject.owner_date is not None and 0 <= subject.age < 120:
        features.birth_year = subject.owner_date.year - subject.age
        features.birth_year_from_age = True
    if features.birth_year is not None:
        features.birth_band = features.birth_year // BIRTH_BAND
        features.birth_band_shifted = (features.birth_year + BIRTH_BAND // 2) // BIRTH_BAND
    features.gender = GENDERS.get((subject.gender or "").strip().casefold())
    postcode = _postcode_features(subject.postcode) if subject.postcode else None
    if postcode:
        features.postcode, features.postcode_sector, features.postcode_outward = postcode
    if subject.address:
        features.address = _street(subject.address)
    features.phones = _unique(_phone(p) for p in subject.phones if isinstance(p, str))
    features.vehicles = _unique(_vrm(v) for v in subject.vehicles if isinstance(v, str))
    if subject.nominal and subject.nominal.strip():
        features.nominal = subject.nominal.strip().upper()
        features.nominal_system = _DIGITS.sub("#", features.nominal)
    return features
