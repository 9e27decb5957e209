"""The fictional town of Cindermoor: streets, premises and postcodes.

Cindermoor does not exist, and neither do its streets. Its postcodes use the
area ``CQ``, which is not a UK postcode area (no area has ever begun ``CQ``),
so no address here can be a real one.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from threadline.synth.rng import stream

TOWN = "Cindermoor"
POSTCODE_AREA = "CQ"

_STEMS = [
    "Canal",
    "Mill",
    "Church",
    "Station",
    "Moor",
    "Cinder",
    "Foundry",
    "Kiln",
    "Tanner",
    "Weaver",
    "Holly",
    "Alder",
    "Rowan",
    "Ash",
    "Beech",
    "Chapel",
    "Market",
    "Bridge",
    "Brook",
    "Furnace",
    "Colliery",
    "Ironside",
    "Wharf",
    "Lock",
    "Spinner",
    "Dyer",
    "Forge",
    "Hopper",
    "Slate",
    "Quarry",
    "Orchard",
    "Meadow",
    "Hawthorn",
    "Linden",
    "Sorrel",
    "Bramble",
    "Heron",
    "Plover",
    "Lapwing",
    "Vicarage",
    "Thistle",
    "Nettle",
    "Clover",
    "Harebell",
    "Fern",
    "Whin",
    "Heather",
    "Gorse",
    "Tarn",
    "Beck",
    "Ghyll",
    "Fold",
    "Garth",
    "Croft",
    "Mount",
    "Ridge",
    "Hollow",
    "Dale",
    "Lea",
    "Holme",
    "Carr",
    "Moss",
    "Royd",
    "Booth",
    "Slack",
    "Hey",
    "Clough",
    "Ing",
    "Storrs",
    "Stubbing",
    "Greave",
    "Sike",
    "Riddings",
    "Bank",
    "Hagg",
    "Wren",
    "Finch",
    "Lark",
    "Rook",
    "Kite",
]
_SUFFIXES = [
    "Street",
    "Lane",
    "Road",
    "Terrace",
    "Close",
    "Avenue",
    "Row",
    "Walk",
    "Way",
    "Grove",
    "Crescent",
    "Court",
]
_GATES = ("Wellgate", "Bridgegate", "Moorgate", "Kilngate", "Netherby Gate", "Southgate Row")
_ABBREVIATIONS = {
    "Street": "St",
    "Road": "Rd",
    "Lane": "Ln",
    "Avenue": "Ave",
    "Terrace": "Terr",
    "Crescent": "Cres",
    "Close": "Cl",
    "Court": "Ct",
}

STREETS: tuple[str, ...] = tuple(
    [f"{stem} {suffix}" for stem in _STEMS for suffix in _SUFFIXES] + list(_GATES)
)

# Letters a postcode's inward unit may use (Royal Mail leaves out C I K M O V).
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_BUSINESS_KINDS: dict[str, tuple[str, ...]] = {
    "takeaway": (
        "Kebab House",
        "Pizza",
        "Fish Bar",
        "Grill",
        "Chicken",
        "Spice",
        "Balti House",
        "Peri Peri",
        "Burger Bar",
        "Noodle Bar",
    ),
    "taxi firm": ("Cars", "Taxis", "Private Hire", "Cabs"),
    "shop": ("Mini Mart", "Food & Wine", "Convenience Store", "News"),
    "guest house": ("Guest House", "Hotel", "Lodge"),
    "car wash": ("Hand Car Wash", "Valeting"),
    "snooker club": ("Snooker Club", "Pool Hall"),
    "shisha lounge": ("Shisha Lounge",),
    "arcade": ("Amusements",),
}
_ADJECTIVES = [
    "Golden",
    "Star",
    "Royal",
    "Lucky",
    "Express",
    "Central",
    "Moorside",
    "Canal",
    "Crown",
    "Rapid",
    "Supreme",
    "Village",
    "Premier",
    "Sunrise",
    "Silver",
    "Eagle",
    "Phoenix",
    "Empire",
    "Mayfair",
    "Diamond",
    "Cinder",
    "Northern",
    "Castle",
    "Victoria",
    "Park",
    "Station",
    "Bridge",
    "Orchid",
    "Lotus",
    "Galaxy",
    "City",
    "Metro",
    "Regal",
    "Elite",
    "Ace",
    "Prime",
    "Jubilee",
    "Millennium",
    "Tower",
    "Vale",
]

# Public places where young people gather; shared by the whole town.
PUBLIC_PLACES: tuple[tuple[str, str], ...] = (
    ("Cindermoor Interchange", "Station Road"),
    ("Moor Park", "Moor Lane"),
    ("Canal Basin", "Wharf Row"),
    ("Ironside Retail Park", "Ironside Way"),
    ("Bramble Rec", "Bramble Close"),
    ("Netherby Woods", "Netherby Gate"),
    ("Furnace Hill Flats", "Furnace Road"),
    ("Market Square", "Market Street"),
)


def slug(text: str) -> str:
    """Lower-case words joined by hyphens: a stable key part."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def street_key(street: str) -> str:
    """The truth key of a street named on its own."""
    return "location:" + slug(street)


@dataclass(frozen=True)
class Premises:
    """A place with an address: a house, a flat, a business or a public place.

    Attributes:
        key: the truth key (``location:4-wellgate``).
        street: the street it is on.
        number: the house number; 0 for a public place without one.
        postcode: the canonical postcode (``CQ3 4RT``).
        name: a business's or public place's name, if any.
        flat: a flat number, if any.
        kind: ``house``, ``flat``, ``public`` or a business kind.
    """

    key: str
    street: str
    number: int
    postcode: str
    name: str | None = None
    flat: int | None = None
    kind: str = "house"

    @property
    def street_address(self) -> str:
        """``Flat 3, 27 Mill Lane``, ``4 Wellgate`` or ``Station Road``."""
        base = f"{self.number} {self.street}" if self.number else self.street
        return f"Flat {self.flat}, {base}" if self.flat else base

    @property
    def canonical(self) -> str:
        """The full address a careful clerk would write."""
        parts = [self.name] if self.name else []
        parts += [self.street_address, TOWN]
        return ", ".join(parts)

    @property
    def is_business(self) -> bool:
        return self.kind not in ("house", "flat", "public")


class Gazetteer:
    """Hands out addresses that exist only in Cindermoor, each at most once.

    Postcodes are derived from the street and a block of house numbers, and
    every (street, block) gets its own unit, so a postcode names one stretch
    of one street.
    """

    def __init__(self, seed: int) -> None:
        rng = stream(seed, "gazetteer")
        self._sector: dict[str, str] = {
            street: f"{POSTCODE_AREA}{rng.randint(1, 9)} {rng.randint(0, 9)}" for street in STREETS
        }
        self._units: dict[tuple[str, int], str] = {}
        self._next_unit: dict[str, int] = {}
        self._unit_order = [a + b for a in _UNIT_LETTERS for b in _UNIT_LETTERS]
        rng.shuffle(self._unit_order)
        self._taken: set[tuple[str, int, int]] = set()
        self._far_end: dict[str, int] = {}
        self.public = tuple(self._public(name, street) for name, street in PUBLIC_PLACES)

    def postcode(self, street: str, number: int) -> str:
        block = (number - 1) // 12 if number > 0 else -1
        unit = self._units.get((street, block))
        if unit is None:
            sector = self._sector[street]
            index = self._next_unit.get(sector, 0)
            self._next_unit[sector] = index + 1
            unit = self._unit_order[index % len(self._unit_order)]
            self._units[(street, block)] = unit
        return f"{self._sector[street]}{unit}"

    def _public(self, name: str, street: str) -> Premises:
        return Premises(
            key="location:" + slug(name),
            street=street,
            number=0,
            postcode=self.postcode(street, 0),
            name=name,
            kind="public",
        )

    def _free_number(self, rng: random.Random, street: str, flat: int) -> int:
        for _ in range(50):
            number = rng.randint(1, 240)
            if (street, number, flat) not in self._taken:
                return number
        # A crowded street: a new building at the far end.
        number = self._far_end.get(street, 240) + 1
        self._far_end[street] = number
        return number

    def house(self, rng: random.Random) -> Premises:
        """A home that nobody else in the world has been given."""
        street = rng.choice(STREETS)
        flat = rng.randint(1, 12) if rng.random() < 0.25 else 0
        number = self._free_number(rng, street, flat)
        self._taken.add((street, number, flat))
        address = f"flat-{flat}-{number}-{street}" if flat else f"{number}-{street}"
        return Premises(
            key="location:" + slug(address),
            street=street,
            number=number,
            postcode=self.postcode(street, number),
            flat=flat or None,
            kind="flat" if flat else "house",
        )

    def business(self, rng: random.Random, kind: str | None = None) -> Premises:
        """A business premises; names may repeat across town (a chain), addresses never."""
        kind = kind or rng.choice(tuple(_BUSINESS_KINDS))
        name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_BUSINESS_KINDS[kind])}"
        street = rng.choice(STREETS)
        number = self._free_number(rng, street, 0)
        self._taken.add((street, number, 0))
        return Premises(
            key="location:" + slug(f"{number}-{street}"),
            street=street,
            number=number,
            postcode=self.postcode(street, number),
            name=name,
            kind=kind,
        )


def abbreviate_street(street: str) -> str:
    head, _, last = street.rpartition(" ")
    short = _ABBREVIATIONS.get(last)
    return f"{head} {short}" if head and short else street


def postcode_spelling(postcode: str, rng: random.Random) -> str:
    """A postcode as clerks type it: spaced, run together or in lower case."""
    roll = rng.random()
    if roll < 0.7:
        return postcode
    if roll < 0.88:
        return postcode.replace(" ", "")
    return postcode.lower()


def address_spelling(place: Premises, rng: random.Random, *, with_name: bool = True) -> str:
    """One way a source system writes a place's address."""
    street = place.street if rng.random() < 0.8 else abbreviate_street(place.street)
    if place.number:
        sep = " " if rng.random() < 0.9 else ", "
        base = f"{place.number}{sep}{street}"
    else:
        base = street
    if place.flat:
        base = f"Flat {place.flat}, {base}" if rng.random() < 0.8 else f"{place.flat}/{base}"
    parts = []
    if place.name and with_name and (not place.number or rng.random() < 0.85):
        parts.append(place.name)
    parts.append(base)
    if rng.random() < 0.6:
        parts.append(TOWN)
    text = ", ".join(parts)
    return text.upper() if rng.random() < 0.12 else text


def location_value(place: Premises, rng: random.Random) -> dict[str, str]:
    """A ``locations`` entry (or an event's ``location``) naming the place."""
    value = {"address": address_spelling(place, rng)}
    if rng.random() < 0.75:
        value["postcode"] = postcode_spelling(place.postcode, rng)
    return value
