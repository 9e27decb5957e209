"""How a source system shows a person: the subject, with the noise real exports have.

Each source system (the legacy intelligence system, the crime system, the
incident room, custody, social care ...) writes names in its own style, gives
the person its own nominal, and settles on one spelling of a transliterated
name. On top of that every record adds its own slips: a typo, forename and
surname swapped, day and month of birth swapped, an age instead of a date of
birth, an old address, a phone or a registration mark spelled another way,
fields left empty.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from threadline.synth.identifiers import (
    Phone,
    Vehicle,
    VehicleRegistry,
    phone_spelling,
    vehicle_spelling,
)
from threadline.synth.names import typo
from threadline.synth.people import Person
from threadline.synth.places import Premises, address_spelling, postcode_spelling


@dataclass(frozen=True)
class SourceSystem:
    """A system that exports subjects.

    Attributes:
        style: how it writes names (``fore SUR``, ``SUR fore``, ``SUR, fore``,
            ``Fore Sur``, ``SUR FORE``).
        nominal: format of its person ids, given ``n`` (and ``op`` for systems
            whose nominals are per incident room); None if it has none.
        per_operation: nominals restart in each operation (an incident room).
    """

    name: str
    style: str
    nominal: str | None
    multiplier: int
    offset: int
    per_operation: bool = False

    def nominal_for(self, person: Person, operation: str) -> str | None:
        if self.nominal is None:
            return None
        # An affine map modulo a prime larger than any world's population is a
        # bijection, so nominals are unique within a system yet not sequential.
        offset = self.offset + (sum(map(ord, operation)) * 131 if self.per_operation else 0)
        n = (person.index * self.multiplier + offset) % 1_000_003
        return self.nominal.format(n=n, op=operation)


SYSTEMS: dict[str, SourceSystem] = {
    s.name: s
    for s in (
        SourceSystem("CIS", "SUR, fore", "CIS/{n:07d}", 7919, 104_729),
        SourceSystem("CRIMES", "SUR fore", "CRN{n:07d}", 6007, 31_337),
        SourceSystem("NICHE", "fore SUR", "NICHE-{n:07d}", 4127, 77_777),
        SourceSystem("HOLMES", "SUR fore", "{op}/N{n}", 5003, 1_009, per_operation=True),
        SourceSystem("CUSTODY", "SUR FORE", "CU{n:07d}", 3011, 65_537),
        SourceSystem("PNC", "SUR, fore", "PNC/{n:07d}", 2203, 12_345),
        SourceSystem("CSC", "Fore Sur", "CSC{n:07d}", 1019, 55_001),
        SourceSystem("ANALYST", "fore SUR", None, 1, 0),
    )
}

NEW_SYSTEMS_FROM = dt.date(2006, 4, 1)


def system_for_record(kind: str, day: dt.date) -> SourceSystem:
    """The system a record of this kind came from on this date."""
    if kind in ("statement", "interview"):
        return SYSTEMS["HOLMES"]
    if kind == "referral":
        return SYSTEMS["CSC"]
    if kind == "report":
        return SYSTEMS["ANALYST"]
    if day < NEW_SYSTEMS_FROM:
        return SYSTEMS["CIS"] if kind == "intelligence" else SYSTEMS["CRIMES"]
    return SYSTEMS["NICHE"]


def system_for_event(kind: str) -> SourceSystem:
    if kind in ("arrest", "interview"):
        return SYSTEMS["CUSTODY"]
    if kind in ("charge", "conviction", "acquittal", "nfa", "trace"):
        return SYSTEMS["PNC"]
    if kind in ("safeguarding", "referral"):
        return SYSTEMS["CSC"]
    return SYSTEMS["NICHE"]


@dataclass
class SubjectDraft:
    """A subject ready to be written, with the truth behind it.

    Attributes:
        fields: the subject's JSON fields other than ``ref`` and ``role``.
        phones, vehicles: truth keys of the phones and vehicles it lists,
            whatever spelling (or slip) they are written in.
    """

    person: Person
    role: str
    fields: dict[str, Any]
    phones: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    home: Premises | None = None


@dataclass(frozen=True)
class Detail:
    """How much a system records about someone in a given role."""

    dob: float
    address: float
    phones: float
    vehicles: float
    aliases: float


DETAIL = {
    "suspect": Detail(dob=0.65, address=0.5, phones=0.45, vehicles=0.45, aliases=0.5),
    "victim": Detail(dob=0.85, address=0.75, phones=0.35, vehicles=0.0, aliases=0.1),
    "witness": Detail(dob=0.5, address=0.7, phones=0.5, vehicles=0.1, aliases=0.0),
    "associate": Detail(dob=0.55, address=0.45, phones=0.4, vehicles=0.4, aliases=0.4),
    "reporter": Detail(dob=0.3, address=0.8, phones=0.7, vehicles=0.0, aliases=0.0),
    "other": Detail(dob=0.4, address=0.5, phones=0.3, vehicles=0.2, aliases=0.1),
}


def format_name(forename: str, surname: str, style: str) -> str:
    if style == "fore SUR":
        return f"{forename} {surname.upper()}"
    if style == "SUR fore":
        return f"{surname.upper()} {forename}"
    if style == "SUR, fore":
        return f"{surname.upper()}, {forename}"
    if style == "SUR FORE":
        return f"{surname.upper()} {forename.upper()}"
    return f"{forename} {surname}"


def subject_name(person: Person, system: SourceSystem, rng: random.Random) -> str | None:
    """The name as this system writes it on this record, slips included."""
    forename, surname = person.spelling(system.name, rng)
    roll = rng.random()
    if roll < 0.02:
        return None
    if roll < 0.06:
        # Forename taken for the surname and vice versa at data entry.
        forename, surname = surname, forename
    elif roll < 0.12:
        if rng.random() < 0.7:
            surname = typo(surname, rng)
        else:
            forename = typo(forename, rng)
    elif roll < 0.16:
        return surname.upper()
    elif roll < 0.19:
        return f"{forename[0]}. {surname.upper()}"
    return format_name(forename, surname, system.style)


def _dob_with_slips(dob: dt.date, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.07 and dob.day <= 12 and dob.day != dob.month:
        return dt.date(dob.year, dob.day, dob.month).isoformat()
    if roll < 0.09:
        return dt.date(dob.year + rng.choice((-1, 1)), dob.month, min(dob.day, 28)).isoformat()
    if roll < 0.11:
        return (dob + dt.timedelta(days=rng.choice((-1, 1, 10)))).isoformat()
    return dob.isoformat()


_OCCUPATIONS = ("taxi driver", "takeaway worker", "unemployed", "student", "mechanic", "security")


def render_subject(
    person: Person,
    role: str,
    *,
    system: SourceSystem,
    operation: str,
    day: dt.date,
    rng: random.Random,
    registry: VehicleRegistry,
) -> SubjectDraft:
    """The subject a system writes for ``person`` in ``role`` on ``day``."""
    detail = DETAIL[role]
    fields: dict[str, Any] = {}
    name = subject_name(person, system, rng)
    if name is not None:
        fields["name"] = name
    if person.nicknames and rng.random() < detail.aliases:
        fields["aliases"] = list(person.nicknames)
    roll = rng.random()
    if roll < detail.dob:
        fields["dob"] = _dob_with_slips(person.dob, rng)
    elif roll < detail.dob + (1 - detail.dob) * 0.5:
        age = person.age_at(day)
        fields["age"] = max(0, age + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0))
        if rng.random() < 0.3:
            fields["dob"] = None
    if rng.random() < 0.85:
        fields["gender"] = person.gender
    home_written = None
    if rng.random() < detail.address:
        home = person.home_at(day)
        stale = person.previous_home(day)
        if stale is not None and rng.random() < 0.15:
            home = stale
        fields["address"] = address_spelling(home, rng)
        home_written = home
        if rng.random() < 0.6:
            fields["postcode"] = postcode_spelling(home.postcode, rng)
    phone_keys: list[str] = []
    held_phones = person.phones_at(day) if rng.random() < detail.phones else []
    if held_phones:
        fields["phones"] = [phone_spelling(p, rng) for p in held_phones]
        phone_keys = [p.key for p in held_phones]
    vehicle_keys: list[str] = []
    held_vehicles = person.vehicles_at(day) if rng.random() < detail.vehicles else []
    if held_vehicles:
        fields["vehicles"] = [vehicle_spelling(v, rng, registry, slip=0.04) for v in held_vehicles]
        vehicle_keys = [v.key for v in held_vehicles]
    nominal = system.nominal_for(person, operation)
    if nominal is not None and rng.random() < 0.85:
        fields["nominal"] = nominal
    if role in ("suspect", "associate") and rng.random() < 0.04:
        # Not in the bundle format: an export's own extra column, to be kept on import.
        fields["occupation"] = rng.choice(_OCCUPATIONS)
    labels = {p.key: p.national for p in held_phones if p.key in phone_keys}
    labels.update({v.key: v.mark for v in held_vehicles if v.key in vehicle_keys})
    return SubjectDraft(
        person, role, fields, tuple(phone_keys), tuple(vehicle_keys), labels, home_written
    )


def carry(subject: SubjectDraft, things: Sequence[Phone | Vehicle], rng: random.Random) -> None:
    """Make the subject list these phones or vehicles as the person's own, whatever else it says."""
    for thing in things:
        if isinstance(thing, Phone):
            if thing.key not in subject.phones:
                subject.fields.setdefault("phones", []).append(phone_spelling(thing, rng))
                subject.phones += (thing.key,)
            subject.labels[thing.key] = thing.national
        else:
            if thing.key not in subject.vehicles:
                subject.fields.setdefault("vehicles", []).append(thing.mark)
                subject.vehicles += (thing.key,)
            subject.labels[thing.key] = thing.mark
