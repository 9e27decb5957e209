"""True persons: who they are, where they lived, what they drove and which numbers they held.

A person is the ground truth behind many subjects. Their details change over
time (they move, change phone, change car), and records show whatever was true,
or believed, on the record's date. Families share a surname and a home;
decoys are different people given the same or a similar name.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from threadline.synth.identifiers import Phone, PhoneBook, Vehicle, VehicleRegistry
from threadline.synth.names import (
    FullName,
    Origin,
    draw_name,
    draw_origin,
    feminine_surname,
    forename_variants,
    nicknames_for,
    origin_named,
    surname_variants,
)
from threadline.synth.places import Gazetteer, Premises

T = TypeVar("T")


@dataclass(frozen=True)
class Held(Generic[T]):
    """Something a person had from ``start`` until ``end`` (inclusive)."""

    item: T
    start: dt.date
    end: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass
class Person:
    """One true individual.

    Attributes:
        pid: the truth id (``P000123``).
        index: ordinal of creation; source systems derive nominals from it.
        homes: (moved in, premises), oldest first.
        similar_to: ids of earlier persons given the same or a similar name.
    """

    pid: str
    index: int
    name: FullName
    gender: str
    dob: dt.date
    nicknames: tuple[str, ...]
    description: str
    homes: list[tuple[dt.date, Premises]]
    phones: list[Held[Phone]] = field(default_factory=list)
    vehicles: list[Held[Vehicle]] = field(default_factory=list)
    similar_to: list[str] = field(default_factory=list)
    spellings: dict[str, tuple[str, str]] = field(default_factory=dict)
    phone_slots: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    phonebook: PhoneBook | None = None
    keeps_numbers: bool = False

    @property
    def display(self) -> str:
        """``Forename SURNAME``: how the truth labels the person."""
        return f"{self.name.forename} {self.name.surname.upper()}"

    def age_at(self, day: dt.date) -> int:
        years = day.year - self.dob.year
        if (day.month, day.day) < (self.dob.month, self.dob.day):
            years -= 1
        return years

    def home_at(self, day: dt.date) -> Premises:
        current = self.homes[0][1]
        for since, place in self.homes:
            if since <= day:
                current = place
        return current

    def previous_home(self, day: dt.date) -> Premises | None:
        earlier = [place for since, place in self.homes if since <= day]
        return earlier[-2] if len(earlier) >= 2 else None

    def phones_at(self, day: dt.date) -> list[Phone]:
        if self.phone_slots and self.phonebook is not None:
            # Numbers are handed out when first written down, so the drama ranges
            # are spent only on numbers that appear in the material.
            for start, end in [slot for slot in self.phone_slots if slot[0] <= day <= slot[1]]:
                self.phone_slots.remove((start, end))
                phone = self.phonebook.background(day.year, keep=self.keeps_numbers)
                self.phones.append(Held(phone, start, end))
        return [h.item for h in self.phones if h.covers(day)]

    def vehicles_at(self, day: dt.date) -> list[Vehicle]:
        return [h.item for h in self.vehicles if h.covers(day)]

    def phone_at(self, day: dt.date) -> Phone | None:
        found = self.phones_at(day)
        return found[0] if found else None

    def vehicle_at(self, day: dt.date) -> Vehicle | None:
        found = self.vehicles_at(day)
        return found[0] if found else None

    def spelling(self, system: str, rng: random.Random) -> tuple[str, str]:
        """The (forename, surname) spelling one source system settled on for this person."""
        found = self.spellings.get(system)
        if found is None:
            fore = forename_variants(self.name.forename)
            sur = surname_variants(self.name.surname)
            found = (
                self.name.forename if rng.random() < 0.55 else rng.choice(fore),
                self.name.surname if rng.random() < 0.6 else rng.choice(sur),
            )
            self.spellings[system] = found
        return found


@dataclass(frozen=True)
class Traits:
    """What a new person must have or may get.

    Attributes:
        home: a home shared with family; a new house otherwise (and maybe moves later).
        surname, forename, origin: fixed parts of the name (families, namesakes).
        phone_rate, vehicle_rate, nickname_rate: chances of having each.
        reserved_phone: hold one never-reused number for life, or none once they run out.
    """

    home: Premises | None = None
    surname: str | None = None
    forename: str | None = None
    origin: str | None = None
    phone_rate: float = 0.5
    vehicle_rate: float = 0.0
    reserved_phone: bool = False
    nickname_rate: float = 0.5


#: No particular traits: drawn like anyone else.
ANYONE = Traits()


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = (end - start).days
    return start + dt.timedelta(days=rng.randint(0, max(span, 0)))


class PersonFactory:
    """Makes persons, with homes, phones and vehicles for the years they appear in.

    Keeps a short memory of recent names so that some new persons can be
    given an existing person's name (a decoy), as happens with common names.
    """

    DECOY_RATE = 0.05
    SIMILAR_RATE = 0.04

    def __init__(
        self,
        gazetteer: Gazetteer,
        phonebook: PhoneBook,
        registry: VehicleRegistry,
    ) -> None:
        self.gazetteer = gazetteer
        self.phonebook = phonebook
        self.registry = registry
        self.count = 0
        self._recent: deque[tuple[str, FullName, str]] = deque(maxlen=500)
        self.decoy_pairs: list[tuple[str, str]] = []

    def _name(self, rng: random.Random, gender: str, origin: Origin | None) -> tuple[FullName, str]:
        """A name, and the id of the person whose name it copies (or "")."""
        if origin is None and self._recent and rng.random() < self.DECOY_RATE + self.SIMILAR_RATE:
            pid, other, other_gender = rng.choice(self._recent)
            if other_gender == gender:
                if rng.random() < self.DECOY_RATE / (self.DECOY_RATE + self.SIMILAR_RATE):
                    return other, pid
                fore = rng.choice(forename_variants(other.forename))
                sur = rng.choice(surname_variants(other.surname))
                return FullName(fore, sur, other.origin), pid
        return draw_name(rng, gender, origin), ""

    def person(
        self,
        rng: random.Random,
        *,
        gender: str,
        born: tuple[dt.date, dt.date],
        era: tuple[dt.date, dt.date],
        traits: Traits = ANYONE,
    ) -> Person:
        """A new true person who is around during ``era``, born within ``born``."""
        home, surname, forename, origin = (
            traits.home,
            traits.surname,
            traits.forename,
            traits.origin,
        )
        origin_obj = origin_named(origin) if origin else None
        name, copied = self._name(rng, gender, origin_obj)
        if surname or forename:
            origin_obj = origin_obj or origin_named(name.origin)
            sur = surname or name.surname
            if gender == "female":
                sur = feminine_surname(sur, origin_obj.name)
            name = FullName(forename or name.forename, sur, origin_obj.name)
            copied = ""
        self.count += 1
        pid = f"P{self.count:06d}"
        desc_origin = origin_named(name.origin) if name.origin else draw_origin(rng)
        description = rng.choice(desc_origin.descriptions)
        if gender == "female":
            description = description.replace("male", "female")
        dob = _random_day(rng, *born)
        homes = [(dt.date(1990, 1, 1), home or self.gazetteer.house(rng))]
        if home is None:
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                homes.append((_random_day(rng, *era), self.gazetteer.house(rng)))
            homes.sort(key=lambda h: h[0])
        nicknames = nicknames_for(rng, name, gender) if rng.random() < traits.nickname_rate else ()
        person = Person(pid, self.count, name, gender, dob, nicknames, description, homes)
        if copied:
            person.similar_to.append(copied)
            self.decoy_pairs.append((copied, pid))
        self._recent.append((pid, name, gender))
        if rng.random() < traits.phone_rate:
            self._give_phones(rng, person, era, traits.reserved_phone)
        adult_from = dt.date(dob.year + 17, dob.month, min(dob.day, 28))
        if rng.random() < traits.vehicle_rate and adult_from < era[1]:
            self._give_vehicles(rng, person, (max(era[0], adult_from), era[1]))
        return person

    def _give_phones(
        self, rng: random.Random, person: Person, era: tuple[dt.date, dt.date], reserved: bool
    ) -> None:
        if reserved:
            # One number for life that no one else holds, or none once the block is used up.
            phone = self.phonebook.reserved()
            if phone is not None:
                person.phones.append(Held(phone, dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
            return
        changes = sorted(_random_day(rng, *era) for _ in range(rng.choice((0, 0, 1))))
        starts = [dt.date(1990, 1, 1), *changes]
        ends = [*(d - dt.timedelta(days=1) for d in changes), dt.date(2030, 12, 31)]
        person.phone_slots.extend(zip(starts, ends, strict=True))
        person.phonebook = self.phonebook

    def _give_vehicles(
        self, rng: random.Random, person: Person, era: tuple[dt.date, dt.date]
    ) -> None:
        changes = sorted(_random_day(rng, *era) for _ in range(rng.choice((0, 1, 1, 2))))
        starts = [era[0], *changes]
        ends = [*(d - dt.timedelta(days=1) for d in changes), dt.date(2030, 12, 31)]
        for start, end in zip(starts, ends, strict=True):
            person.vehicles.append(Held(self.registry.issue(rng, start), start, end))
