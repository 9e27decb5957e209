"""Telephone numbers, normalised to E.164 (`+447700900123`).

Parsing and validation are `phonenumbers`' (Google's libphonenumber), with one
addition: Ofcom reserves ranges of UK numbers for use in drama and fiction,
guaranteed never to be allocated to a real subscriber. Synthetic material uses
them so that no real person's number appears, but `phonenumbers` rejects some
of them as invalid (the mobile range 07700 900xxx, for one), so they are
recognised here before validation.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Final

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from threadline.domain.normalise.common import NotNormalisedError

# Ofcom's drama ranges, as UK national significant numbers (no leading 0).
# Every range is 1,000 numbers: a 7-digit prefix followed by any 3 digits.
DRAMA_PREFIXES: Final[frozenset[str]] = frozenset(
    {
        "7700900",  # mobile 07700 900000-900999
        "1134960",  # Leeds 0113 496 0000-0999
        "1144960",  # Sheffield
        "1154960",  # Nottingham
        "1164960",  # Leicester
        "1174960",  # Bristol
        "1184960",  # Reading
        "1214960",  # Birmingham
        "1314960",  # Edinburgh
        "1414960",  # Glasgow
        "1514960",  # Liverpool
        "1614960",  # Manchester
        "2079460",  # London 020 7946 0000-0999
        "1914980",  # Tyneside 0191 498 0000-0999
        "2896496",  # Northern Ireland 028 9649 6000-6999
        "2920180",  # Cardiff 029 2018 0000-0999
        "1632960",  # no area 01632 960000-960999
        "8081570",  # freephone 08081 570000-570999
        "9098790",  # premium rate 0909 8790000-8790999
        "3069990",  # UK-wide 03069 990000-990999
    }
)
_DRAMA_NSN_LENGTH: Final = 10

_MIN_DIGITS: Final = 6
_MAX_DIGITS: Final = 17
_MAX_RAW_LENGTH: Final = 40

# A label or URI scheme in front of the number ("Tel: ...", "tel:+44...").
_LABEL: Final = re.compile(r"(?i)^(?:tel(?:ephone)?|mob(?:ile)?|phone|ph)\b\s*[:.]?\s*")
# What a written number may consist of once the label is gone. Slashes are
# refused: they are how dates and crime references are written.
_SPELLING: Final = re.compile(r"\+?[0-9 \t\u00a0().\-]+")
_NON_DIGIT: Final = re.compile(r"[^0-9]")
# Dates written with separators: 12.06.2004, 12-06-04, 2004-06-12, 12 06 2004.
_DATE_LIKE: Final = re.compile(
    r"[0-9]{1,2}[ .\-][0-9]{1,2}[ .\-](?:[0-9]{2}|[0-9]{4})"
    r"|[0-9]{4}[ .\-][0-9]{1,2}[ .\-][0-9]{1,2}"
)


def normalise_phone(raw: str, region: str = "GB") -> str | None:
    """Return a telephone number in E.164 form, or None.

    Args:
        raw: a number in any common spelling: `07700 900123`, `07700900123`,
            `+44 7700 900123`, `0044 7700 900 123`, `(0113) 496 0000`,
            `+44 (0)7700 900123`, optionally after a `Tel:`/`Mob:` label or
            a `tel:` URI scheme.
        region: ISO 3166 code of the country whose national format to assume
            when the number has no international prefix.

    Returns:
        E.164 (`+447700900123`) for a number in an Ofcom drama range or one
        `phonenumbers` considers valid. None for anything else, including
        years, dates, crime and case references, and runs of fewer than 6 or
        more than 17 digits (refused before `phonenumbers` sees them, which
        keeps this cheap over millions of values).
    """
    if len(raw) > _MAX_RAW_LENGTH:
        return None
    text = _LABEL.sub("", raw.strip(), count=1)
    if _SPELLING.fullmatch(text) is None or _DATE_LIKE.fullmatch(text.strip()) is not None:
        return None
    digits = _NON_DIGIT.sub("", text)
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS or _is_compact_date(digits):
        return None
    international = text.startswith("+")
    drama = _drama_number(digits, international=international, region=region)
    if drama is not None:
        return drama
    return _parse_valid(("+" if international else "") + digits, region)


def _drama_number(digits: str, *, international: bool, region: str) -> str | None:
    """The E.164 form if the digits spell a UK drama-range number."""
    if international:
        if not digits.startswith("44"):
            return None
        nsn = digits[2:]
    elif digits.startswith("0044"):
        nsn = digits[4:]
    elif region != "GB":
        return None
    else:
        nsn = digits
    # A trunk 0 written after the country code ("+44 (0)7700 ...") or a
    # national number's own leading 0.
    if nsn.startswith("0"):
        nsn = nsn[1:]
    if len(nsn) == _DRAMA_NSN_LENGTH and nsn[:7] in DRAMA_PREFIXES:
        return "+44" + nsn
    return None


def _is_compact_date(digits: str) -> bool:
    """Whether eight bare digits read as a date (`12062004`, `20040612`)."""
    if len(digits) != 8:
        return False
    for fmt in ("%d%m%Y", "%Y%m%d"):
        try:
            year = dt.datetime.strptime(digits, fmt).year
        except ValueError:
            continue
        if 1900 <= year <= 2099:
            return True
    return False


@functools.lru_cache(maxsize=65536)
def _parse_valid(spelling: str, region: str) -> str | None:
    # Cached: the same numbers recur across thousands of records, and parsing
    # is the one expensive step.
    try:
        number = phonenumbers.parse(spelling, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_drama_number(e164: str) -> bool:
    """Whether a normalised number lies in an Ofcom drama range."""
    nsn = e164.removeprefix("+44")
    return e164.startswith("+44") and len(nsn) == _DRAMA_NSN_LENGTH and nsn[:7] in DRAMA_PREFIXES


_E164: Final = re.compile(r"\+[1-9][0-9]{5,15}")


def format_phone(e164: str) -> str:
    """The display form of a normalised number.

    UK numbers take the national form (`07700 900123`, `0113 496 0000`);
    others the international form (`+33 1 23 45 67 89`), since a national form
    would hide the country.

    Raises:
        NotNormalisedError: `e164` is not the output of `normalise_phone`.
    """
    if _E164.fullmatch(e164) is None:
        raise NotNormalisedError("telephone number", e164)
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException as exc:
        raise NotNormalisedError("telephone number", e164) from exc
    style = (
        PhoneNumberFormat.NATIONAL if number.country_code == 44 else PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


# In free text a number must be written with its trunk 0 or an international
# prefix; a bare run such as 7700900123 is more often some other reference.
_FREE_TEXT_START: Final = re.compile(r"\+|\(?0")


def is_plausible_phone_token(text: str, region: str = "GB") -> bool:
    """Whether a token found in free text should be taken as a telephone number.

    It must begin with `+`, `0` or `(0` and normalise with `normalise_phone`;
    so years, dates, times and bare reference numbers never match.
    """
    return _FREE_TEXT_START.match(text) is not None and normalise_phone(text, region) is not None
