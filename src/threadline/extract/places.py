"""Places named in free text: addresses, streets, businesses, with one key per place.

A place is found by its shape, never by a gazetteer (synthetic towns and
historic streets are in none): a house number before a street name, capitalised
words ending in a street type, or capitalised words ending in a kind of
premises (takeaways, taxi firms, hotels, shops ...). A business followed by
its street or address (``Sunrise Balti House, 149 Linden Street``) is one
mention. The normalised value is the place's key: the business name when there
is one, else the address without town and postcode, through
:func:`threadline.domain.normalise.normalise_text_key`, so that
``Golden Grill``, ``Golden Grill, Mill Road`` and ``Golden Grill, 4 Mill Rd``
meet, and ``9 Kiln Lane`` meets ``9 Kiln Ln``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from threadline.domain.normalise import normalise_postcode, normalise_text_key
from threadline.extract.lexicon import is_common
from threadline.extract.spans import Found

_STREET_TYPES: Final = (
    "Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Av|Terrace|Terr|Tce|Close|Cl|Court|Ct|"
    "Crescent|Cres|Row|Walk|Way|Grove|Gr|Drive|Dr|Place|Pl|Square|Sq|Gardens|Gdns|"
    "Parade|Pde|Mews|Gate|Park|Wharf|Broadway|Circus|Embankment|Precinct|Promenade"
)
# Street types that are also common surnames ("Hannah Hill", "Darren Green"):
# taken only after a house number.
_NUMBERED_STREET_TYPES: Final = _STREET_TYPES + "|Hill|Green|Rise|Vale|View|Fold|Croft|Yard|Bank"
_BUSINESS_WORDS: Final = (
    "Takeaway|Take Away|Kebab House|Kebabs?|Pizza|Pizzeria|Fish Bar|Chippy|Grill|Chicken|"
    "Spice|Balti House|Balti|Tandoori|Curry House|Peri Peri|Burger Bar|Burgers|Noodle Bar|"
    "Diner|Cafe|Café|Restaurant|Bistro|Cars|Taxis?|Private Hire|Cabs|Minicabs|"
    "Mini Mart|Minimart|Food & Wine|Food and Wine|Convenience Store|Stores?|News|"
    "Newsagents?|Off Licence|Supermarket|Guest House|Hotel|Lodge|Inn|Motel|Hostel|"
    "Hand Car Wash|Car Wash|Valeting|Garage|Snooker Club|Pool Hall|Club|Shisha Lounge|"
    "Shisha Bar|Lounge|Bar|Pub|Tavern|Arms|Amusements|Arcade|Barbers?|Salon|Gym|"
    "Leisure Centre|Community Centre|Centre|Retail Park|Shopping Centre|Rec|Recreation Ground|"
    "Playing Fields?|Interchange|Bus Station|Train Station|Station|Car Park|Woods|Basin|Flats|"
    "Common|Heath|Quay|Marina|Meadows|Reservoir|Cemetery|Allotments|Precinct|"
    "Industrial Estate|Trading Estate|Business Park|Academy|School|College|Care Home|"
    "Children's Home|Youth Club|Hospital|Library|Church|Mosque|Gurdwara|Temple"
)
_CAP: Final = r"[A-Z][A-Za-z'’\-]*"
# Premises written in lower case after their name: "the Lucky Star snooker hall".
_PREMISES_NOUNS: Final = (
    r"snooker\shall|pool\shall|public\shouse|pub|car\spark|youth\sclub|care\shome|"
    r"children's\shome|flats|takeaway|shop|hotel|guest\shouse|hostel|estate|club|cafe"
)
_STREET_NAME: Final = (
    rf"(?:(?:{_CAP}\s){{1,3}}(?:{_STREET_TYPES})\b|[A-Z][a-z]+gate\b(?:\s(?:Row|Road))?)"
)
_NUMBERED_STREET_NAME: Final = (
    rf"(?:(?:{_CAP}\s){{1,3}}(?:{_NUMBERED_STREET_TYPES})\b|[A-Z][a-z]+gate\b(?:\s(?:Row|Road))?)"
)
_NUMBER: Final = r"\d{1,4}[A-Za-z]?"
_ADDRESS: Final = (
    rf"(?:(?:Flat|Apartment|Apt|Unit|Room)\s{_NUMBER},?\s|{_NUMBER}/)?"
    rf"{_NUMBER},?\s{_NUMBERED_STREET_NAME}"
)
# The town after an address, when a postcode or the end of a phrase follows it.
_TOWN: Final = r",\s[A-Z][a-z]+(?=,?\s[A-Z]{1,2}[0-9]|[.,;)]|\s*$)"
_POSTCODE_TAIL: Final = r",?\s[A-Z]{1,2}[0-9][0-9A-Z]?\s?[0-9][A-Z]{2}\b"
_BUSINESS: Final = (
    rf"(?:{_CAP}\s|&\s){{1,3}}(?:{_BUSINESS_WORDS})\b|(?:{_CAP}\s){{1,3}}(?:{_PREMISES_NOUNS})\b"
)

_PLACE: Final = re.compile(
    # The lookahead lets the engine skip, cheaply, positions no place can start at.
    rf"(?=[A-Z0-9])(?<![\w'’])(?:(?P<business>{_BUSINESS})(?:,\s(?P<business_at>{_ADDRESS}|{_STREET_NAME}))?"
    rf"(?P<business_postcode>{_POSTCODE_TAIL})?"
    rf"|(?P<address>{_ADDRESS})(?P<town>{_TOWN})?(?P<address_postcode>{_POSTCODE_TAIL})?"
    rf"|(?P<street>{_STREET_NAME}))"
)
_LEADING_WORD: Final = re.compile(r"[A-Za-z'’\-]+\s")


# A road's own type: a place whose name ends in one is a road, not a place on a road.
_ROAD: Final = re.compile(
    r"(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Av|Terrace|Terr|Tce|Close|Cl|Court|Ct|"
    r"Crescent|Cres|Row|Walk|Way|Grove|Gr|Drive|Dr|Gardens|Gdns|Mews|Gate|gate)$"
)


# The lines of an e-mail's header that name its correspondents.
_CORRESPONDENT_LINE: Final = re.compile(
    r"^(?:From|To|Cc|Bcc|Reply-To|Sender)[ \t]*:.*$", re.IGNORECASE | re.MULTILINE
)


def _as_correspondent(place: Found) -> Found:
    """A school or a firm on an e-mail's ``From:`` or ``To:`` line sent or received the
    message: an organisation, not a place where anything happened."""
    return Found(
        place.start,
        place.end,
        place.text,
        "organisation",
        place.text,
        "rule:correspondent",
        place.confidence,
    )


def places(text: str) -> list[Found]:
    """Every named place in ``text``, as ``location`` mentions.

    A named place followed by the road it is on (``Moor Park, Moor Lane``) is
    one mention, keyed by the place's name. A name on an e-mail header line
    that names a correspondent (``From: Cindermoor Academy DSL <...>``) is an
    ``organisation`` mention instead: the sender is not the scene.
    """
    headers = [m.span() for m in _CORRESPONDENT_LINE.finditer(text)]
    found = [
        _as_correspondent(p) if any(a <= p.start < b for a, b in headers) else p
        for p in _places(text)
    ]
    merged: list[Found] = []
    for place in found:
        last = merged[-1] if merged else None
        if (
            last is not None
            and text[last.end : place.start] == ", "
            and last.detail.get("kind") in ("business", "street")
            and not _ROAD.search(last.text)
            and place.detail.get("kind") in ("street", "address")
            and "address" not in last.detail
        ):
            merged[-1] = Found(
                last.start,
                place.end,
                text[last.start : place.end],
                "location",
                last.normalised,
                last.extractor,
                last.confidence,
                detail={**last.detail, "address": place.normalised or ""},
            )
            continue
        merged.append(place)
    return merged


def _places(text: str) -> Iterator[Found]:
    for match in _PLACE.finditer(text):
        start, end = match.start(), match.end()
        kind = (
            "business"
            if match.group("business")
            else "address"
            if match.group("address")
            else "street"
        )
        # Sentence words before the name ("Premises Golden Grill") are not part of it.
        while kind != "address":
            lead = _LEADING_WORD.match(text, start)
            if lead is None or not is_common(lead.group().strip()):
                break
            start = lead.end()
        if kind != "address" and start >= (match.end(kind) - 1):
            continue
        name_end = match.end(kind)
        if kind != "address" and _only_common(text[start:name_end]):
            continue
        surface = text[start:end]
        detail: dict[str, str] = {"kind": kind}
        postcode_group = match.group("business_postcode") or match.group("address_postcode")
        if postcode_group:
            postcode = normalise_postcode(postcode_group.strip(" ,"))
            if postcode:
                detail["postcode"] = postcode
        if match.group("business_at"):
            detail["address"] = normalise_text_key(match.group("business_at"))
        key = normalise_text_key(text[start:name_end])
        yield Found(
            start,
            end,
            surface,
            "location",
            key,
            f"rule:{kind}",
            0.85 if kind != "street" else 0.75,
            detail=detail,
        )


def _only_common(name: str) -> bool:
    """Only a street type or kind of premises is left once sentence words are taken off."""
    words = name.split()
    return len(words) < 2 and not name.lower().endswith("gate")
