"""Free text in the terse, clinical style of police logs, with every planted span recorded.

A :class:`TextBuilder` appends literal text and mentions; each mention records
its span (Python string offsets, end exclusive) and the truth key it names.
The sentences say what was seen, reported or disclosed and never describe
abuse: "concern for CSE", "believed to be at risk", "disclosed she had been
taken to an address".
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from threadline.synth.identifiers import (
    Phone,
    Vehicle,
    VehicleRegistry,
    phone_spelling,
    vehicle_spelling,
)
from threadline.synth.names import forename_variants, surname_variants, typo
from threadline.synth.people import Person
from threadline.synth.places import TOWN, Premises, abbreviate_street, street_key


@dataclass(frozen=True)
class Span:
    """A planted mention: ``text[start:end]`` names ``key`` (a person id or identifier key)."""

    start: int
    end: int
    text: str
    key: str
    role: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Body:
    text: str
    spans: tuple[Span, ...]


class TextBuilder:
    """Builds a record's text from literals and mentions, keeping offsets exact."""

    def __init__(self, rng: random.Random, registry: VehicleRegistry, day: dt.date) -> None:
        self.rng = rng
        self.registry = registry
        self.day = day
        self._parts: list[str] = []
        self._length = 0
        self._spans: list[Span] = []

    def add(self, text: str) -> TextBuilder:
        self._parts.append(text)
        self._length += len(text)
        return self

    def mention(
        self, surface: str, key: str, role: str | None = None, label: str | None = None
    ) -> TextBuilder:
        """Append ``surface`` as a span naming ``key`` (``label``: an identifier's usual form)."""
        end = self._length + len(surface)
        self._spans.append(Span(self._length, end, surface, key, role, label))
        return self.add(surface)

    def _variant(self, name: str, variants: tuple[str, ...]) -> str:
        return name if self.rng.random() < 0.6 else self.rng.choice(variants)

    def pick(self, *options: str) -> str:
        """One of several ways of saying the same thing."""
        return self.rng.choice(options)

    def name(self, person: Person, role: str) -> TextBuilder:
        """The person by name: ``Tariq HUSSAIN``, ``HUSSAIN``, ``T. HUSSAIN``, ``Mr HUSSAIN`` ..."""
        fore = self._variant(person.name.forename, forename_variants(person.name.forename))
        sur = self._variant(person.name.surname, surname_variants(person.name.surname))
        if self.rng.random() < 0.05:
            sur = typo(sur, self.rng)
        roll = self.rng.random()
        if roll < 0.5:
            surface = f"{fore} {sur.upper()}"
        elif roll < 0.62:
            surface = f"{fore} {sur}"
        elif roll < 0.76:
            surface = sur.upper()
        elif roll < 0.81:
            surface = f"{sur.upper()} {fore}"
        elif roll < 0.85:
            surface = f"{sur.upper()}, {fore}"
        elif roll < 0.9:
            surface = f"{fore[0]}{self.pick('. ', ' ')}{sur.upper()}"
        elif roll < 0.94:
            surface = fore
        else:
            adult = person.age_at(self.day) >= 18
            title = ("Mr" if adult else "Master") if person.gender == "male" else "Miss"
            if adult and person.gender == "female":
                title = self.pick("Miss", "Ms", "Mrs")
            self.add(f"{title} ")
            surface = sur.upper()
        return self.mention(surface, person.pid, role)

    def nickname(self, person: Person, role: str) -> TextBuilder:
        """A phrase naming the person by nickname (``a male known as 'Taz'``, ``'Taz'``).

        Falls back to the name when the person has no nickname.
        """
        if not person.nicknames:
            return self.name(person, role)
        nick = self.rng.choice(person.nicknames)
        sex = "female" if person.gender == "female" else "male"
        roll = self.rng.random()
        if roll < 0.35:
            return self.add(f"a {sex} known as '").mention(nick, person.pid, role).add("'")
        if roll < 0.5:
            return self.add(f"a {sex} called ").mention(nick, person.pid, role)
        if roll < 0.6:
            return self.add(f"a {sex} who goes by '").mention(nick, person.pid, role).add("'")
        if roll < 0.7:
            return self.add(f"a {sex} nicknamed ").mention(nick, person.pid, role)
        if roll < 0.75:
            return self.add(f"a {sex}, street name ").mention(nick, person.pid, role)
        return self.add("'").mention(nick, person.pid, role).add("'")

    def alias(self, person: Person, role: str) -> TextBuilder:
        """After a name: `` aka 'Taz'``, `` known as Taz``, `` (Taz)`` or `` 'Taz'``."""
        nick = self.rng.choice(person.nicknames)
        roll = self.rng.random()
        if roll < 0.3:
            return self.add(" aka '").mention(nick, person.pid, role).add("'")
        if roll < 0.5:
            return self.add(" known as ").mention(nick, person.pid, role)
        if roll < 0.6:
            return self.add(" also known as ").mention(nick, person.pid, role)
        if roll < 0.75:
            return self.add(" (").mention(nick, person.pid, role).add(")")
        return self.add(" '").mention(nick, person.pid, role).add("'")

    def person(self, person: Person, role: str) -> TextBuilder:
        """Name, nickname, or both (``Tariq HUSSAIN aka 'Taz'``)."""
        roll = self.rng.random()
        if person.nicknames and roll < 0.2:
            return self.name(person, role).alias(person, role)
        if person.nicknames and roll < 0.35:
            return self.nickname(person, role)
        return self.name(person, role)

    def victim(self, person: Person) -> TextBuilder:
        """``Chloe WRIGHT (14)``, ``Chloe WRIGHT aged 14`` ..."""
        self.name(person, "victim")
        age = person.age_at(self.day)
        roll = self.rng.random()
        if roll < 0.6:
            return self.add(f" ({age})")
        if roll < 0.8:
            return self.add(f" aged {age}")
        if roll < 0.9:
            return self.add(f" ({age}yrs)")
        return self

    def vehicle(self, vehicle: Vehicle, *, slip: float = 0.03) -> TextBuilder:
        surface = vehicle_spelling(vehicle, self.rng, self.registry, slip=slip, in_text=True)
        return self.mention(surface, vehicle.key, label=vehicle.mark)

    def described_vehicle(self, vehicle: Vehicle) -> TextBuilder:
        """``silver Vauxhall Astra TA05KTX``, ``silver Astra, VRM TA05 KTX``, ``... (TA05KTX)``."""
        described = vehicle.short_description if self.rng.random() < 0.2 else vehicle.description
        roll = self.rng.random()
        if roll < 0.55:
            return self.add(f"{described} ").vehicle(vehicle)
        if roll < 0.7:
            return self.add(f"{described}, VRM ").vehicle(vehicle)
        if roll < 0.85:
            return self.add(f"{described} reg ").vehicle(vehicle)
        return self.add(f"{described} (").vehicle(vehicle).add(")")

    def phone(self, phone: Phone) -> TextBuilder:
        return self.mention(phone_spelling(phone, self.rng), phone.key, label=phone.national)

    def place(self, place: Premises) -> TextBuilder:
        """A business, public place or address named as one phrase."""
        roll = self.rng.random()
        if place.name:
            if roll < 0.55 or (not place.number and roll < 0.8):
                surface = place.name
            elif roll < 0.8:
                surface = f"{place.name}, {place.street}"
            else:
                surface = f"{place.name}, {place.street_address}"
        elif roll < 0.65:
            surface = place.street_address
        elif roll < 0.82:
            surface = f"{place.street_address}, {place.postcode}"
        else:
            short = abbreviate_street(place.street)
            base = f"{place.number} {short}"
            surface = f"Flat {place.flat}, {base}" if place.flat else base
        return self.mention(surface, place.key, label=place.canonical)

    def street(self, street: str) -> TextBuilder:
        return self.mention(street, street_key(street), label=f"{street}, {TOWN}")

    def sentence(self, write: Sentence, scene: Scene) -> bool:
        """Write one sentence after a space; a sentence that lacks what it needs writes nothing."""
        spaced = bool(self._parts)
        if spaced:
            self.add(" ")
        if write(self, scene):
            return True
        if spaced:
            self._parts.pop()
            self._length -= 1
        return False

    def build(self) -> Body:
        text = "".join(self._parts)
        for span in self._spans:
            if text[span.start : span.end] != span.text:  # pragma: no cover - a builder bug
                raise AssertionError(f"span {span} does not match the text")
        return Body(text, tuple(self._spans))


@dataclass
class Scene:
    """What a record is about: the people, vehicle, phone and places its text may name."""

    suspects: list[Person] = field(default_factory=list)
    victims: list[Person] = field(default_factory=list)
    witnesses: list[Person] = field(default_factory=list)
    others: list[Person] = field(default_factory=list)
    vehicle: Vehicle | None = None
    phone: Phone | None = None
    place: Premises | None = None
    house: Premises | None = None
    street: str | None = None


def _pronoun(person: Person) -> str:
    return "she" if person.gender == "female" else "he"


def _possessive(person: Person) -> str:
    return "her" if person.gender == "female" else "his"


def _object(person: Person) -> str:
    return "her" if person.gender == "female" else "him"


def _child(person: Person, day: dt.date) -> str:
    return f"{'Female' if person.gender == 'female' else 'Male'}, {person.age_at(day)},"


def _age_band(person: Person, day: dt.date) -> str:
    return f"{person.description} {max(2, person.age_at(day) // 10)}0s"


Sentence = Callable[[TextBuilder, Scene], bool]


# Intelligence ---------------------------------------------------------------


def _intel_sighting(b: TextBuilder, s: Scene) -> bool:
    if not (s.vehicle and s.place and s.suspects):
        return False
    if s.victims and b.rng.random() < 0.5:
        b.victim(s.victims[0]).add(
            b.pick(" seen getting into ", " observed getting into ", " collected in ")
        )
    else:
        who = s.victims[0] if s.victims else None
        b.add(f"{_child(who, b.day) if who else 'Female, 14,'} seen getting into ")
    b.described_vehicle(s.vehicle).add(f" {b.pick('outside', 'near', 'at the rear of')} ")
    b.place(s.place).add(". Driver ")
    b.person(s.suspects[0], "suspect").add(f", {_age_band(s.suspects[0], b.day)}.")
    return True


def intel_phone(b: TextBuilder, s: Scene) -> bool:
    if not (s.suspects and s.phone):
        return False
    roll = b.rng.random()
    if roll < 0.5:
        b.add("Information received that ").person(s.suspects[0], "suspect")
        b.add(" is using ").phone(s.phone).add(" to contact females aged under 16.")
    elif roll < 0.75:
        b.add("Intelligence suggests ").person(s.suspects[0], "suspect")
        b.add(" is contacting young girls on ").phone(s.phone).add(".")
    else:
        b.person(s.suspects[0], "suspect").add(" believed to be using mobile number ")
        b.phone(s.phone).add(" to arrange to meet girls.")
    return True


def intel_address(b: TextBuilder, s: Scene) -> bool:
    if not (s.suspects and s.house):
        return False
    if b.rng.random() < 0.6:
        b.person(s.suspects[0], "suspect").add(" believed to be taking young females to ")
        b.place(s.house).add(".")
    else:
        b.add("Females under 16 reported to be taken to ").place(s.house).add(" by ")
        b.person(s.suspects[0], "suspect").add(".")
    return True


def _intel_driver(b: TextBuilder, s: Scene) -> bool:
    if not (s.suspects and s.place and s.place.is_business and s.vehicle):
        return False
    b.add("Source reports ").person(s.suspects[0], "suspect").add(" works at ").place(s.place)
    b.add(" and uses ").described_vehicle(s.vehicle).add(".")
    return True


def _intel_associating(b: TextBuilder, s: Scene) -> bool:
    if not (s.victims and s.suspects):
        return False
    b.victim(s.victims[0]).add(
        b.pick(
            " believed to be associating with ",
            " has been seen with ",
            " reported to be spending time with ",
        )
    )
    b.person(s.suspects[0], "suspect")
    if len(s.suspects) > 1:
        b.add(" and ").person(s.suspects[1], "suspect")
    b.add(".")
    if s.place:
        b.add(" Seen at ").place(s.place).add(" late at night.")
    return True


def _intel_house_named(b: TextBuilder, s: Scene) -> bool:
    if not (s.house and len(s.suspects) >= 2):
        return False
    b.add("Males believed to be supplying alcohol and cannabis to girls at ").place(s.house)
    b.add(". Named as ").person(s.suspects[0], "suspect").add(" and ")
    b.person(s.suspects[1], "suspect").add(".")
    return True


def _intel_contact(b: TextBuilder, s: Scene) -> bool:
    if not (s.suspects and s.victims and s.phone):
        return False
    b.person(s.suspects[0], "suspect").add(" reported to be in contact with ")
    b.victim(s.victims[0]).add(" via ").phone(s.phone).add(".")
    return True


def _intel_parked(b: TextBuilder, s: Scene) -> bool:
    if not (s.vehicle and s.street):
        return False
    b.add(s.vehicle.description.capitalize() + " ").vehicle(s.vehicle)
    b.add(" seen parked on ").street(s.street).add(" with two young females in rear.")
    return True


def _intel_gathering(b: TextBuilder, s: Scene) -> bool:
    if not s.place:
        return False
    b.add("Young females reported to be gathering at ").place(s.place)
    b.add(" after dark with older males.")
    return True


def intel_driving(b: TextBuilder, s: Scene) -> bool:
    if not s.suspects:
        return False
    b.person(s.suspects[0], "suspect")
    b.add(
        b.pick(
            " known to drive young females around town and give them cigarettes and alcohol.",
            " reported to be giving lifts to girls from the children's home.",
            f" seen regularly with groups of young females in {_possessive(s.suspects[0])} car.",
            " said to be buying alcohol for girls under 16.",
        )
    )
    return True


# Crime ------------------------------------------------------------------------


def _crime_missing(b: TextBuilder, s: Scene) -> bool:
    if not s.victims:
        return False
    v = s.victims[0]
    if b.rng.random() < 0.6:
        b.add("Report of ").victim(v).add(" missing from home.")
    else:
        b.victim(v).add(b.pick(" reported missing by carers.", " missing overnight."))
    if s.others:
        b.add(" Reported by ").name(s.others[0], "other").add(".")
    where = s.house or s.place
    if where and s.suspects:
        b.add(" Located at ").place(where).add(" in company of ")
        b.person(s.suspects[0], "suspect").add(".")
    elif where:
        b.add(" Located at ").place(where).add(".")
    b.add(" Concern for CSE.")
    return True


def _crime_lift(b: TextBuilder, s: Scene) -> bool:
    if not (s.victims and s.vehicle and s.street and s.suspects):
        return False
    b.victim(s.victims[0]).add(" found in ").described_vehicle(s.vehicle).add(" on ")
    b.street(s.street).add(" with ").person(s.suspects[0], "suspect")
    b.add(". Male stated he was giving her a lift home.")
    return True


def _crime_disclosed(b: TextBuilder, s: Scene) -> bool:
    if not (s.victims and s.suspects):
        return False
    v, where = s.victims[0], s.place or s.house
    if where is None:
        return False
    b.name(v, "victim").add(f" disclosed {_pronoun(v)} had been taken to an address near ")
    b.place(where).add(" by males, including ")
    b.nickname(s.suspects[0], "suspect").add(".")
    return True


def _crime_at_risk(b: TextBuilder, s: Scene) -> bool:
    if not s.victims:
        return False
    b.victim(s.victims[0]).add(" believed to be at risk of CSE. Returned home late in ")
    b.add("possession of new phone and clothing.")
    return True


def _crime_abduction(b: TextBuilder, s: Scene) -> bool:
    if not (s.suspects and s.victims):
        return False
    b.add("Offence of child abduction recorded against ").person(s.suspects[0], "suspect")
    b.add(" re ").victim(s.victims[0]).add(".")
    return True


# Statements -----------------------------------------------------------------


def _statement_collected(b: TextBuilder, s: Scene) -> bool:
    where = s.place or s.house
    if not (s.suspects and s.vehicle and where):
        return False
    pron = _pronoun(s.victims[0]) if s.victims else "she"
    b.add(f"{pron.capitalize()} states {pron} was collected from ")
    b.place(where).add(" by ")
    b.nickname(s.suspects[0], "suspect").add(" in a ").add(s.vehicle.description)
    b.add(", registration ").vehicle(s.vehicle).add(".")
    return True


def _statement_taken(b: TextBuilder, s: Scene) -> bool:
    if not (s.house and s.suspects):
        return False
    pron = _pronoun(s.victims[0]) if s.victims else "she"
    b.add(f"{pron.capitalize()} disclosed {pron} had been taken to ").place(s.house)
    b.add(f". {pron.capitalize()} named ").person(s.suspects[0], "suspect").add(" as present.")
    return True


def statement_number(b: TextBuilder, s: Scene) -> bool:
    if not (s.phone and s.suspects):
        return False
    pron = _pronoun(s.victims[0]) if s.victims else "she"
    b.add(f"{pron.capitalize()} had the number of ").nickname(s.suspects[0], "suspect")
    b.add(" saved as ").phone(s.phone).add(".")
    return True


def _statement_witness(b: TextBuilder, s: Scene) -> bool:
    if not (s.victims and s.vehicle and s.place):
        return False
    pron = _pronoun(s.witnesses[0]) if s.witnesses else "she"
    b.add(f"Witness states {pron} saw ").victim(s.victims[0]).add(" getting into ")
    b.described_vehicle(s.vehicle).add(" outside ").place(s.place).add(".")
    return True


def _statement_parent(b: TextBuilder, s: Scene) -> bool:
    if not (s.victims and s.phone):
        return False
    v = s.victims[0]
    b.add("I am the parent of ").victim(v).add(". ")
    b.add(f"{_pronoun(v).capitalize()} has been coming home late with items I did not buy. ")
    b.add("I rang ").phone(s.phone).add(" and a male answered.")
    return True


def _statement_alcohol(b: TextBuilder, s: Scene) -> bool:
    if not (s.house and len(s.suspects) >= 2):
        return False
    b.add("Witness states ").person(s.suspects[0], "suspect").add(" gave girls alcohol at ")
    b.place(s.house).add(". Another male present was called ")
    b.name(s.suspects[1], "suspect").add(".")
    return True


# Interviews -----------------------------------------------------------------


def _interview_caution(b: TextBuilder, s: Scene) -> bool:
    if not s.suspects:
        return False
    b.add("Interview under caution of ").name(s.suspects[0], "suspect")
    b.add(" re concern for CSE. No comment to most questions.")
    if s.phone:
        b.add(" Phone ").phone(s.phone).add(" seized.")
    if s.vehicle:
        b.add(" Admits owning ").described_vehicle(s.vehicle).add(".")
    if s.place and s.place.is_business:
        b.add(f" States {_pronoun(s.suspects[0])} works at ").place(s.place).add(".")
    if s.victims:
        b.add(" Denies knowing ").name(s.victims[0], "victim").add(".")
    return True


def _interview_abe(b: TextBuilder, s: Scene) -> bool:
    where = s.house or s.place
    if not (s.victims and s.suspects and where):
        return False
    v = s.victims[0]
    b.add("ABE interview of ").victim(v).add(f". {_pronoun(v).capitalize()} disclosed that ")
    b.nickname(s.suspects[0], "suspect").add(f" took {_object(v)} to ")
    b.place(where).add(".")
    if len(s.suspects) > 1:
        b.add(f" {_pronoun(v).capitalize()} named ").name(s.suspects[1], "suspect")
        b.add(" as present.")
    return True


# Referrals ------------------------------------------------------------------


def _referral_csc(b: TextBuilder, s: Scene) -> bool:
    if not s.victims:
        return False
    b.add("Referral from children's social care. ").victim(s.victims[0])
    b.add(" believed to be at risk of CSE.")
    return True


def _referral_seen(b: TextBuilder, s: Scene) -> bool:
    if not (s.vehicle and s.place):
        return False
    b.add("Seen in ").described_vehicle(s.vehicle).add(" with older males near ")
    b.place(s.place).add(".")
    return True


def _referral_school(b: TextBuilder, s: Scene) -> bool:
    if not (s.victims and s.suspects):
        return False
    b.add("Referral from school. ").victim(s.victims[0])
    b.add(" has been missing from lessons and has a new phone. Staff concerned about ")
    b.nickname(s.suspects[0], "suspect").add(".")
    return True


def _referral_health(b: TextBuilder, s: Scene) -> bool:
    if not (s.victims and s.suspects):
        return False
    b.add("Health referral. ").victim(s.victims[0]).add(" attended with concerns. Named ")
    b.name(s.suspects[0], "suspect").add(f" as boyfriend, {_age_band(s.suspects[0], b.day)}.")
    return True


# Reports and other ------------------------------------------------------------


def _report_network(b: TextBuilder, s: Scene) -> bool:
    if len(s.suspects) < 2:
        return False
    b.add("Analyst report. Network of associates around ").name(s.suspects[0], "suspect")
    b.add(": ")
    for i, p in enumerate(s.suspects[1:4]):
        if i:
            b.add(", ")
        b.name(p, "suspect")
    b.add(".")
    if s.vehicle:
        b.add(" Vehicle ").vehicle(s.vehicle).add(" linked.")
    if s.place:
        b.add(" Premises ").place(s.place).add(" recurs in intelligence.")
    return True


def _report_review(b: TextBuilder, s: Scene) -> bool:
    if not (s.suspects and s.place):
        return False
    b.add("Review of historic intelligence. Previous logs name ").name(s.suspects[0], "suspect")
    b.add(" at ").place(s.place).add(" with young females. Not developed at the time.")
    return True


def _other_pnc(b: TextBuilder, s: Scene) -> bool:
    if not s.vehicle:
        return False
    b.add("PNC check on ").vehicle(s.vehicle, slip=0.0).add(": keeper not at given address.")
    return True


def _other_licensing(b: TextBuilder, s: Scene) -> bool:
    if not (s.place and s.place.is_business):
        return False
    b.add("Licensing enquiry re ").place(s.place).add(".")
    if s.others:
        b.add(" Licence holder ").name(s.others[0], "other").add(".")
    return True


def _other_visit(b: TextBuilder, s: Scene) -> bool:
    if not s.place:
        return False
    b.add("Premises visit to ").place(s.place)
    b.add(". Staff spoken to re young people on premises late at night.")
    return True


_INTELLIGENCE = (
    _intel_sighting,
    intel_phone,
    intel_address,
    _intel_driver,
    _intel_associating,
    _intel_house_named,
    _intel_contact,
    _intel_parked,
    _intel_gathering,
    intel_driving,
)

#: Per record kind: (sentences that can open a record, sentences that can follow).
SENTENCES: dict[str, tuple[tuple[Sentence, ...], tuple[Sentence, ...]]] = {
    "intelligence": (_INTELLIGENCE, _INTELLIGENCE),
    "crime": ((_crime_missing, _crime_lift, _crime_abduction, _crime_at_risk), (_crime_disclosed,)),
    "statement": (
        (
            _statement_collected,
            _statement_taken,
            _statement_witness,
            _statement_parent,
            _statement_alcohol,
        ),
        (statement_number, _statement_taken),
    ),
    "interview": ((_interview_caution, _interview_abe), ()),
    "referral": ((_referral_csc, _referral_school, _referral_health), (_referral_seen,)),
    "report": ((_report_network, _report_review), (_report_review,)),
    "other": ((_other_pnc, _other_licensing, _other_visit), (_other_visit,)),
}

_CLOSINGS: dict[str, tuple[str, ...]] = {
    "intelligence": (
        "Concern for CSE.",
        "Intelligence to be developed.",
        "No further information.",
        "Submitted for information.",
        "",
    ),
    "crime": ("Referral made to children's social care.", "Strategy meeting to follow.", ""),
    "statement": ("Statement ends.", ""),
    "interview": ("Interview concluded.", "Released pending enquiries.", ""),
    "referral": ("Strategy discussion requested.", "For police information.", ""),
    "report": ("For SIO.", ""),
    "other": ("", "No further action by this office."),
}

TITLES: dict[str, tuple[str, ...]] = {
    "intelligence": (
        "Males collecting girls from premises",
        "Vehicle seen with young female",
        "Phone used to contact female",
        "Concern for CSE",
        "Older males frequenting address",
        "Young females at premises late at night",
    ),
    "crime": (
        "Missing from home - concern for CSE",
        "Child abduction offence",
        "Concern for welfare",
        "CSE concern reported",
    ),
    "statement": ("Statement of witness", "Statement of parent", "Statement of complainant"),
    "interview": ("Interview under caution", "ABE interview summary"),
    "referral": (
        "Referral from children's social care",
        "Referral from school",
        "Health referral",
    ),
    "report": ("Analyst report - associates", "Review of historic intelligence"),
    "other": ("PNC vehicle check", "Licensing enquiry", "Premises visit"),
}


def compose(
    kind: str,
    scene: Scene,
    rng: random.Random,
    registry: VehicleRegistry,
    day: dt.date,
    *,
    first: Sentence | None = None,
    extra: int = 1,
) -> Body:
    """One to three sentences of the record kind's style about the scene.

    Args:
        first: a sentence to lead with (scenarios use it to be sure what is named).
        extra: how many further sentences to try.
    """
    b = TextBuilder(rng, registry, day)
    leads, details = (list(group) for group in SENTENCES[kind])
    rng.shuffle(leads)
    rng.shuffle(details)
    used: list[Sentence] = []
    for sentence in ([first] if first else []) + leads:
        if b.sentence(sentence, scene):
            used.append(sentence)
            break
    for sentence in details:
        if len(used) > extra:
            break
        if sentence not in used and b.sentence(sentence, scene):
            used.append(sentence)
    written = len(used)
    closing = rng.choice(_CLOSINGS[kind])
    if closing:
        b.add((" " if written else "") + closing)
    if not written and not closing:
        b.add("No further information.")
    return b.build()
