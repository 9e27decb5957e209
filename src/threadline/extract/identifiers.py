"""Identifiers found by rules: registration marks, phones, postcodes, e-mails, ages, dates.

Every pattern is compiled once, at import. Candidates are found by a loose
pattern and then judged by :mod:`threadline.domain.normalise`, the one place
that decides what a mark, a number or a postcode is, so that extraction,
import and resolution agree on every value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Final

from threadline.domain.normalise import (
    is_plausible_phone_token,
    is_plausible_vrm_token,
    normalise_email,
    normalise_partial_postcode,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
    vrm_format,
)
from threadline.extract.lexicon import is_car_make
from threadline.extract.spans import Found

# A run that has the shape of a mark in one of the four families, in any case,
# with at most one space or hyphen. Alternatives are tried longest family first.
_VRM: Final = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"[A-Za-z]{2}[0-9]{2}[ -]?[A-Za-z]{3}"  # current
    r"|[A-Za-z][0-9]{1,3}[ -]?[A-Za-z]{3}"  # prefix
    r"|[A-Za-z]{3}[ -]?[0-9]{1,3}[A-Za-z]"  # suffix
    r"|[A-Za-z]{1,3}[ -]?[0-9]{1,4}"  # dateless, letters first
    r"|[0-9]{1,4}[ -]?[A-Za-z]{1,3}"  # dateless, digits first
    r")(?![A-Za-z0-9])"
)

# Words just before a mark that say a vehicle is meant: with one of them, a
# current-format mark in lower case is taken too (officers rarely type one,
# but retyped logs do).
_VEHICLE_CUE: Final = re.compile(
    r"(?i)\b(?:reg(?:istration)?(?:\s+(?:no|number|mark))?|vrm|index|plate[sd]?|vehicle|"
    r"car|van|taxi|pnc\s+check\s+on)\b[\s.:#]*$"
)

# A phone starts with +, 0 or (0 and runs on through digits and separators.
_PHONE_START: Final = re.compile(r"(?<![\w+])(?:\+|\(0|0)[0-9 ().\-]{5,24}")
_PHONE_CUT: Final = re.compile(r"[0-9](?=[^0-9]|$)")

_POSTCODE: Final = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{1,2}[0-9][0-9A-Za-z]?[ \t]?[0-9][A-Za-z]{2}(?![A-Za-z0-9])"
)
_PARTIAL_POSTCODE: Final = re.compile(
    r"(?i)\b(?:post\s*code|area|district)\s+(?:of\s+)?([A-Z]{1,2}[0-9][0-9A-Z]?)(?![A-Za-z0-9])"
)

_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")

# Ages: "(14)", "aged 14", "age 14", "Female, 14,", "14 years old", "14yrs".
_AGE_PATTERNS: Final = (
    re.compile(r"\((\d{1,2})\s*(?:yrs?|years?)?\)"),
    re.compile(r"(?i)\b(?:aged|age)\s+(\d{1,2})\b"),
    re.compile(r"(?i)\b(?:female|male|girl|boy)s?,\s*(\d{1,2})\b"),
    re.compile(r"(?i)(?=\d)\b(\d{1,2})\s*(?:years?|yrs?)(?:\s*old|\b)"),
    re.compile(r"(?i)(?=\d)\b(\d{1,2})-year-old\b"),
)

_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_WORD: Final = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_NUMERIC: Final = re.compile(
    r"(?<![0-9/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![0-9/.\-]?\d)"
)
_DATE_ISO: Final = re.compile(r"(?<![0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])")
_DATE_WORDS: Final = re.compile(
    rf"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_WORD})\s+(\d{{4}})\b"
)
_TIME: Final = re.compile(
    r"(?i)(?=\d)(?<![0-9:])(?:([01]?\d|2[0-3])[:.]([0-5]\d)(?:\s*(?:hrs|hours))?"
    r"|([01]\d|2[0-3])([0-5]\d)\s*(?:hrs|hours)\b"
    r"|(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s*([ap])\.?m\b\.?)"
)


def vehicles(text: str) -> Iterator[Found]:
    """UK registration marks: current, prefix, suffix and dateless, spaced or not.

    A mark in capitals passes the free-text rule of ``docs/normalisation.md``;
    a current-format mark in lower or mixed case is taken only after a word
    that says a vehicle is meant ("registration", "reg", "VRM", "car" ...).
    """
    for match in _VRM.finditer(text):
        surface = match.group()
        normalised = normalise_vrm(surface)
        if normalised is None:
            continue
        if vrm_format(normalised) == "dateless" and is_car_make(
            surface.split()[0].rstrip("0123456789")
        ):
            continue  # a make and model number: "BMW 3 Series"
        if is_plausible_vrm_token(surface):
            confidence = 0.95 if vrm_format(normalised) == "current" else 0.85
            yield Found(
                match.start(), match.end(), surface, "vehicle", normalised, "rule:vrm", confidence
            )
        elif (
            not surface.isupper()
            and vrm_format(normalised) == "current"
            and _VEHICLE_CUE.search(text, max(0, match.start() - 40), match.start())
        ):
            yield Found(match.start(), match.end(), surface, "vehicle", normalised, "rule:vrm", 0.7)


def phones(text: str, region: str = "GB") -> Iterator[Found]:
    """Telephone numbers written from ``+``, ``0`` or ``(0``, normalised to E.164.

    The loose run of digits and separators is cut back at digit boundaries
    until a prefix is a number (``07700 900123 2004`` gives the phone alone);
    the free-text rule of the normalisation module keeps out years, dates and
    references.
    """
    position = 0
    while True:
        match = _PHONE_START.search(text, position)
        if match is None:
            return
        found = _longest_phone(text, match.start(), match.end(), region)
        if found is None:
            position = match.start() + 1
            continue
        yield found
        position = found.end


def _longest_phone(text: str, start: int, end: int, region: str) -> Found | None:
    run = text[start:end]
    cuts = [m.end() for m in _PHONE_CUT.finditer(run)]
    for cut in reversed(cuts):
        surface = run[:cut]
        if run.startswith("(") and surface.count("(") != surface.count(")"):
            continue
        if not is_plausible_phone_token(surface, region):
            continue
        normalised = normalise_phone(surface, region)
        if normalised is not None:
            return Found(start, start + cut, surface, "phone", normalised, "rule:phone", 0.95)
    return None


def postcodes(text: str) -> Iterator[Found]:
    """Full postcodes in any case and spacing; outward codes alone after "postcode" or "area"."""
    for match in _POSTCODE.finditer(text):
        normalised = normalise_postcode(match.group())
        if normalised is not None:
            yield Found(
                match.start(),
                match.end(),
                match.group(),
                "postcode",
                normalised,
                "rule:postcode",
                0.9,
            )
    for match in _PARTIAL_POSTCODE.finditer(text):
        partial = normalise_partial_postcode(match.group(1))
        if partial is not None:
            yield Found(
                match.start(1),
                match.end(1),
                match.group(1),
                "postcode",
                partial,
                "rule:postcode",
                0.6,
                detail={"partial": True},
            )


def emails(text: str) -> Iterator[Found]:
    """E-mail addresses, lower-cased."""
    for match in _EMAIL.finditer(text):
        surface = match.group().rstrip(".")
        normalised = normalise_email(surface)
        if normalised is not None:
            end = match.start() + len(surface)
            yield Found(match.start(), end, surface, "email", normalised, "rule:email", 0.95)


def ages(text: str) -> Iterator[Found]:
    """Ages in years (0–99), the number alone as the span, the years as the value."""
    seen: set[int] = set()
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(text):
            if match.start(1) in seen:
                continue
            seen.add(match.start(1))
            yield Found(
                match.start(1),
                match.end(1),
                match.group(1),
                "age",
                str(int(match.group(1))),
                "rule:age",
                0.8,
            )


def dates(text: str) -> Iterator[Found]:
    """Dates (ISO value) and times of day (``HH:MM``)."""
    for match in _DATE_ISO.finditer(text):
        value = _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if value:
            yield _date_found(match, value, 0.95)
    for match in _DATE_NUMERIC.finditer(text):
        year = int(match.group(4))
        if len(match.group(4)) == 2:
            year += 2000 if year < 50 else 1900
        # UK order: day first.
        value = _date(year, int(match.group(3)), int(match.group(1)))
        if value:
            yield _date_found(match, value, 0.85)
    for match in _DATE_WORDS.finditer(text):
        month = _MONTHS[match.group(2).lower().rstrip(".")]
        value = _date(int(match.group(3)), month, int(match.group(1)))
        if value:
            yield _date_found(match, value, 0.95)
    for match in _TIME.finditer(text):
        hour, minute = _time(match)
        yield Found(
            match.start(),
            match.end(),
            match.group(),
            "date",
            f"{hour:02d}:{minute:02d}",
            "rule:time",
            0.8,
            detail={"time": True},
        )


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_found(match: re.Match[str], value: str, confidence: float) -> Found:
    return Found(match.start(), match.end(), match.group(), "date", value, "rule:date", confidence)


def _time(match: re.Match[str]) -> tuple[int, int]:
    if match.group(1) is not None:
        return int(match.group(1)), int(match.group(2))
    if match.group(3) is not None:
        return int(match.group(3)), int(match.group(4))
    hour = int(match.group(5)) % 12
    if match.group(7).lower() == "p":
        hour += 12
    return hour, int(match.group(6) or 0)


def identifiers(text: str) -> list[Found]:
    """Every identifier in ``text``; a postcode or date never doubles as a vehicle or phone."""
    found = [*vehicles(text), *phones(text), *emails(text)]
    for extra in (*postcodes(text), *ages(text), *dates(text)):
        if not any(f.overlaps(extra.start, extra.end) for f in found):
            found.append(extra)
    return found
