"""How many children a place's records name as victims: one child written twice counts once.

``location-hotspot`` needs at least [3] *distinct* victims. Resolution keeps
apart two victim subjects that share only a name (right for a suspect with a
common name, where joining strangers is the danger), so a girl recorded as
``STAN Roxana`` in a crime report and as ``Roxana Stan`` in her statement about
the same takeaway may be two person entities, and two girls would look like
three. Among the victims of *one place's* records, the question is narrower:
two entries that give the same forename and surname (either order, even
swapped without capitals, one typing slip or a known variant in either word)
and dates of birth no more than a slip or a month apart, or the same surname,
the same full date of birth and the same initial (``Niamh``, ``Neve``), are
counted as one child. Entries with only a surname or an initial
(``K. SHARMA``) are never folded into another: there is too little to tell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from threadline.domain.normalise import parse_name
from threadline.resolve.cluster import Clusters, date_slip
from threadline.resolve.spelling import one_slip
from threadline.resolve.variants import canonical_forename, canonical_surname, fold

SAME_CHILD_DAYS = 31
"""Dates of birth this far apart may be one child's, recorded from memory."""

Written = tuple[str | None, str | None]
"""A victim subject's name and date of birth (ISO), as written."""


def _words_agree(a: str, b: str, canonical: str) -> bool:
    if a == b or one_slip(a, b):
        return True
    table = canonical_forename if canonical == "forename" else canonical_surname
    return table(a) == table(b)


def _dates_agree(a: str | None, b: str | None) -> bool:
    """Equal, day and month swapped, one character apart or within a month (a date
    recorded from memory); unknown agrees with anything."""
    if a is None or b is None or date_slip(a, b):
        return True
    try:
        return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days) <= SAME_CHILD_DAYS
    except ValueError:
        return True  # not a date: no evidence either way


def _name(raw: str | None) -> tuple[str, str] | None:
    """(forename, surname) folded, or None when the name lacks either or gives an initial."""
    if not raw:
        return None
    parts = parse_name(raw)
    if not parts.forenames or not parts.surname:
        return None
    forename = fold(parts.forenames[0])
    surname = fold(parts.surname)
    if len(forename) < 2 or not surname:
        return None
    return forename, surname


def _names_agree(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return _words_agree(a[0], b[0], "forename") and _words_agree(a[1], b[1], "surname")


def _same_child(left: Iterable[Written], right: Iterable[Written]) -> bool:
    right = list(right)
    for name_a, dob_a in left:
        a = _name(name_a)
        if a is None:
            continue
        for name_b, dob_b in right:
            b = _name(name_b)
            if b is None:
                continue
            if (_names_agree(a, b) or _names_agree(a, (b[1], b[0]))) and _dates_agree(dob_a, dob_b):
                return True
            # One surname, one full date of birth, one initial: Niamh and Neve.
            if (
                dob_a is not None
                and dob_a == dob_b
                and a[0][0] == b[0][0]
                and _words_agree(a[1], b[1], "surname")
            ):
                return True
    return False


def distinct_victims(victims: Mapping[str, Iterable[Written]]) -> int:
    """How many children ``victims`` (person → its victim entries at the place) are."""
    persons = sorted(victims)
    written = {p: list(victims[p]) for p in persons}
    clusters = Clusters()
    for i in range(len(persons)):
        clusters.add(i)
    for i, left in enumerate(persons):
        for j in range(i + 1, len(persons)):
            if _same_child(written[left], written[persons[j]]):
                clusters.union(i, j)
    return len({clusters.find(i) for i in range(len(persons))})
