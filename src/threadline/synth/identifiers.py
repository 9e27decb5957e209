"""Phones and vehicles that belong to nobody, spelled the many ways records spell them.

Phones come only from the ranges Ofcom reserves for drama (07700 900xxx,
01xx 496 0xxx, 020 7946 0xxx, 01632 960xxx): about 14,000 numbers. Scenarios
that plant an opportunity on a phone draw from a reserved block that is never
reused, so a planted case cannot be spoilt by chance; background people draw
from the rest. Once a large world has used that up, numbers are reused, as
networks recycle them: each time the number last handed out the most years
away. The truth keys an identifier by its number, so two people who held the
same number years apart are one identifier there, exactly as a detector sees
them, and the opportunity check stays consistent with the bundle.

Vehicle marks follow the format of their registration date (suffix before
August 1983, prefix to August 2001, current since). Current-format marks
carry the memory tag region letters T and U, which the DVLA does not allocate,
so they cannot be a real vehicle's; older marks are random within their format.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from threadline.synth.rng import stream

_MOBILE = "07700 900"
_GEOGRAPHIC = (
    "0113",
    "0114",
    "0115",
    "0116",
    "0117",
    "0118",
    "0121",
    "0131",
    "0141",
    "0151",
    "0161",
)


@dataclass(frozen=True)
class Phone:
    """A phone number in its canonical national form (``07700 900123``)."""

    national: str

    @property
    def digits(self) -> str:
        return self.national.replace(" ", "")

    @property
    def e164(self) -> str:
        return "+44" + self.digits[1:]

    @property
    def key(self) -> str:
        return "phone:" + self.e164


def _all_numbers() -> tuple[list[str], list[str]]:
    mobiles = [f"{_MOBILE}{n:03d}" for n in range(1000)]
    others = [f"{code} 496 0{n:03d}" for code in _GEOGRAPHIC for n in range(1000)]
    others += [f"020 7946 0{n:03d}" for n in range(1000)]
    others += [f"01632 960{n:03d}" for n in range(1000)]
    return mobiles, others


class PhoneBook:
    """Hands out drama-range numbers: a reserved block for scenarios, the rest for background."""

    RESERVED_MOBILES = 300
    RESERVED_OTHERS = 3700

    def __init__(self, seed: int) -> None:
        rng = stream(seed, "phonebook")
        mobiles, others = _all_numbers()
        rng.shuffle(mobiles)
        rng.shuffle(others)
        self._reserved = [Phone(n) for n in mobiles[: self.RESERVED_MOBILES]]
        self._reserved += [Phone(n) for n in others[: self.RESERVED_OTHERS]]
        self._background = [Phone(n) for n in mobiles[self.RESERVED_MOBILES :]]
        self._background += [Phone(n) for n in others[self.RESERVED_OTHERS :]]
        self._next_reserved = 0
        self._next_background = 0
        self._last_used: dict[int, list[Phone]] = {}
        self.reused = 0

    def background(self, year: int, *, keep: bool = False) -> Phone:
        """A number for a background person first written down in ``year``.

        Fresh numbers first; once the pool runs out, a number last handed out
        as many years as possible before or after, as networks recycle numbers.

        Args:
            keep: the number is never handed out again (for men who will be
                charged, so that no later holder shares a number with them by
                chance and becomes a network associate of theirs).
        """
        if self._next_background < len(self._background):
            phone = self._background[self._next_background]
            self._next_background += 1
        else:
            self.reused += 1
            last = max(self._last_used, key=lambda y: (abs(y - year), -y))
            phone = self._last_used[last].pop()
            if not self._last_used[last]:
                del self._last_used[last]
        if not keep:
            self._last_used.setdefault(year, []).append(phone)
        return phone

    def reserved_left(self) -> int:
        return len(self._reserved) - self._next_reserved

    def reserved(self) -> Phone | None:
        """A number no one else will ever hold, or None when the block is used up."""
        if self._next_reserved >= len(self._reserved):
            return None
        phone = self._reserved[self._next_reserved]
        self._next_reserved += 1
        return phone


def phone_spelling(phone: Phone, rng: random.Random) -> str:
    """The number as someone wrote it down: spaced, run together, international ..."""
    groups = phone.national.split(" ")
    trunk = groups[0][1:]
    rest = groups[1:]
    styles = [
        phone.national,
        phone.digits,
        "+44 " + " ".join([trunk, *rest]),
        phone.e164,
        "0044 " + " ".join([trunk, *rest]),
        f"({groups[0]}) " + " ".join(rest),
        "-".join(groups),
        "+44 (0)" + " ".join([trunk, *rest]),
    ]
    if groups[0] == "07700":
        styles.append(f"07700 900 {phone.digits[-3:]}")
    elif groups[0] == "020":
        styles.append(f"0207 946 {phone.digits[-4:]}")
    weights = [6, 4, 1.5, 1, 0.5, 1, 1, 0.5] + [1] * (len(styles) - 8)
    return rng.choices(styles, weights)[0]


@dataclass(frozen=True)
class Vehicle:
    """A vehicle: its mark (``TA05 KTX``), colour and model, when it was first registered."""

    mark: str
    colour: str
    model: str
    registered: dt.date

    @property
    def description(self) -> str:
        """``silver Vauxhall Astra``."""
        return f"{self.colour} {self.model}"

    @property
    def short_description(self) -> str:
        """Without the make, as officers often write it: ``silver Astra``."""
        make, _, rest = self.model.partition(" ")
        return f"{self.colour} {rest or make}"

    @property
    def compact(self) -> str:
        return self.mark.replace(" ", "")

    @property
    def key(self) -> str:
        return "vehicle:" + self.compact


_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # no I or Q
_OLD_LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"  # no I, O, Q, Z in the older blocks
_MEMORY_SECOND = "ABCDEFGHJKLMNOPRSTUVWXY"
_FICTIONAL_REGIONS = "TU"

# Prefix-format year letters, by the first day each came into use.
_PREFIX_LETTERS = (
    (dt.date(1983, 8, 1), "A"),
    (dt.date(1984, 8, 1), "B"),
    (dt.date(1985, 8, 1), "C"),
    (dt.date(1986, 8, 1), "D"),
    (dt.date(1987, 8, 1), "E"),
    (dt.date(1988, 8, 1), "F"),
    (dt.date(1989, 8, 1), "G"),
    (dt.date(1990, 8, 1), "H"),
    (dt.date(1991, 8, 1), "J"),
    (dt.date(1992, 8, 1), "K"),
    (dt.date(1993, 8, 1), "L"),
    (dt.date(1994, 8, 1), "M"),
    (dt.date(1995, 8, 1), "N"),
    (dt.date(1996, 8, 1), "P"),
    (dt.date(1997, 8, 1), "R"),
    (dt.date(1998, 8, 1), "S"),
    (dt.date(1999, 3, 1), "T"),
    (dt.date(1999, 9, 1), "V"),
    (dt.date(2000, 3, 1), "W"),
    (dt.date(2000, 9, 1), "X"),
    (dt.date(2001, 3, 1), "Y"),
)
_SUFFIX_LETTERS = (
    (dt.date(1970, 8, 1), "J"),
    (dt.date(1971, 8, 1), "K"),
    (dt.date(1972, 8, 1), "L"),
    (dt.date(1973, 8, 1), "M"),
    (dt.date(1974, 8, 1), "N"),
    (dt.date(1975, 8, 1), "P"),
    (dt.date(1976, 8, 1), "R"),
    (dt.date(1977, 8, 1), "S"),
    (dt.date(1978, 8, 1), "T"),
    (dt.date(1979, 8, 1), "V"),
    (dt.date(1980, 8, 1), "W"),
    (dt.date(1981, 8, 1), "X"),
    (dt.date(1982, 8, 1), "Y"),
)
CURRENT_FROM = dt.date(2001, 9, 1)

# Three-letter blocks a reader takes for a word or record furniture, not a mark.
_WORDS = frozenset(
    [
        "THE",
        "AND",
        "FOR",
        "ARE",
        "WAS",
        "HIS",
        "HER",
        "HIM",
        "SHE",
        "YOU",
        "NOT",
        "BUT",
        "ALL",
        "ANY",
        "CAN",
        "HAD",
        "HAS",
        "ONE",
        "OUR",
        "OUT",
        "DAY",
        "GET",
        "MAY",
        "NEW",
        "NOW",
        "OLD",
        "SEE",
        "TWO",
        "WAY",
        "WHO",
        "BOY",
        "DID",
        "ITS",
        "LET",
        "PUT",
        "SAY",
        "TOO",
        "USE",
        "OFF",
        "PER",
        "VIA",
        "HRS",
        "MIN",
        "SEC",
        "YRS",
        "KGS",
        "LBS",
        "GBP",
        "PCT",
        "MPH",
        "KPH",
        "JAN",
        "FEB",
        "MAR",
        "APR",
        "JUN",
        "JUL",
        "AUG",
        "SEP",
        "OCT",
        "NOV",
        "DEC",
        "MON",
        "TUE",
        "WED",
        "THU",
        "FRI",
        "SAT",
        "SUN",
        "DCI",
        "DCS",
        "DSU",
        "SGT",
        "INS",
        "SIO",
        "OIC",
        "CID",
        "ACC",
        "INT",
        "ACT",
        "OPS",
        "CAD",
        "URN",
        "CRN",
        "LOG",
        "MSG",
        "REP",
        "RPT",
        "AKA",
        "NFA",
        "TIE",
        "DOB",
        "REF",
        "TEL",
        "MOB",
        "NOS",
        "NUM",
        "VRM",
        "APP",
        "BLK",
        "SCH",
        "APX",
        "GRP",
        "CSE",
        "SRO",
    ]
)

_COLOURS = ("silver", "black", "white", "grey", "blue", "red", "dark blue", "green", "gold")
_MODELS = (
    "Vauxhall Astra",
    "Vauxhall Corsa",
    "VW Golf",
    "VW Passat",
    "Ford Focus",
    "Ford Fiesta",
    "Ford Mondeo",
    "Toyota Prius",
    "Toyota Avensis",
    "Skoda Octavia",
    "BMW 3 Series",
    "Audi A3",
    "Audi A4",
    "Peugeot 206",
    "Peugeot 307",
    "Nissan Micra",
    "Honda Civic",
    "Mercedes C Class",
    "Renault Clio",
    "Seat Leon",
    "Ford Transit van",
    "Citroen Berlingo",
)


def age_identifier(day: dt.date) -> str:
    """The two digits of a current-format mark registered on ``day``."""
    if 3 <= day.month <= 8:
        return f"{day.year % 100:02d}"
    year = day.year if day.month >= 9 else day.year - 1
    return f"{(year % 100) + 50:02d}"


def _letter_for(day: dt.date, table: tuple[tuple[dt.date, str], ...]) -> str:
    letter = table[0][1]
    for start, candidate in table:
        if day >= start:
            letter = candidate
    return letter


def _number(rng: random.Random) -> int:
    return rng.choice((rng.randint(1, 9), rng.randint(10, 99), rng.randint(100, 999)))


def make_mark(rng: random.Random, registered: dt.date) -> str:
    """A mark in the format in use on the registration date."""
    if registered >= CURRENT_FROM:
        tag = rng.choice(_FICTIONAL_REGIONS) + rng.choice(_MEMORY_SECOND)
        tail = "".join(rng.choice(_LETTERS) for _ in range(3))
        return f"{tag}{age_identifier(registered)} {tail}"
    letters = "".join(rng.choice(_OLD_LETTERS) for _ in range(3))
    while letters in _WORDS:
        letters = "".join(rng.choice(_OLD_LETTERS) for _ in range(3))
    if registered >= _PREFIX_LETTERS[0][0]:
        return f"{_letter_for(registered, _PREFIX_LETTERS)}{_number(rng)} {letters}"
    return f"{letters} {_number(rng)}{_letter_for(registered, _SUFFIX_LETTERS)}"


class VehicleRegistry:
    """Issues marks, each once in the whole world, and remembers them."""

    def __init__(self) -> None:
        self._issued: set[str] = set()

    def issue(self, rng: random.Random, first_seen: dt.date) -> Vehicle:
        earliest = max(dt.date(1978, 1, 1), first_seen - dt.timedelta(days=365 * 12))
        span = (first_seen - earliest).days
        registered = earliest + dt.timedelta(days=rng.randint(0, max(span, 0)))
        while True:
            mark = make_mark(rng, registered)
            if mark.replace(" ", "") not in self._issued:
                break
        self._issued.add(mark.replace(" ", ""))
        return Vehicle(mark, rng.choice(_COLOURS), rng.choice(_MODELS), registered)

    def is_issued(self, compact: str) -> bool:
        return compact in self._issued


_CONFUSIONS = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B"}


def _slip(mark: str, rng: random.Random, *, keep_shape: bool) -> str:
    """The mark with one character wrong.

    A letter read as a digit (O for 0, S for 5 ...) happens in typed exports;
    in free text only slips that keep the mark's shape are made, since a mark
    whose letter block holds a digit is no longer recognisable as a mark there.
    """
    chars = list(mark)
    i = rng.choice([i for i, c in enumerate(chars) if c != " "])
    if not keep_shape and chars[i] in _CONFUSIONS and rng.random() < 0.6:
        chars[i] = _CONFUSIONS[chars[i]]
    elif chars[i].isalpha():
        chars[i] = rng.choice([c for c in _OLD_LETTERS if c != chars[i]])
    else:
        chars[i] = rng.choice([d for d in "123456789" if d != chars[i]])
    return "".join(chars)


def vehicle_spelling(
    vehicle: Vehicle,
    rng: random.Random,
    registry: VehicleRegistry,
    *,
    slip: float = 0.0,
    in_text: bool = False,
) -> str:
    """The mark as written: with or without its space, in capitals or not, maybe mistyped.

    Args:
        slip: chance of one wrong character. A slip that would make another
            issued mark is not made.
        in_text: free text keeps marks in capitals with at most the one usual
            space, as officers type them; structured fields vary more.
    """
    mark = vehicle.mark
    if slip and rng.random() < slip:
        candidate = _slip(mark, rng, keep_shape=in_text)
        if not registry.is_issued(candidate.replace(" ", "")):
            mark = candidate
    roll = rng.random()
    if roll < 0.6:
        return mark
    if roll < 0.88 or in_text:
        return mark.replace(" ", "")
    if roll < 0.95:
        return mark.lower()
    head, _, tail = mark.partition(" ")
    if len(head) == 4 and head[:2].isalpha():
        return f"{head[:2]} {head[2:]} {tail}"
    return mark
