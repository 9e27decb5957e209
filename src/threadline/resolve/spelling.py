"""Names written with one slip: the test the rules for text mentions use.

A log typed in a hurry drops, doubles, swaps or mistypes a letter (``WIKINSON``
for ``WILKINSON``, ``Fletcehr`` for ``Fletcher``). Two folded names are *one
slip apart* when one insertion, deletion, substitution or swap of neighbours
turns one into the other, and both have at least :data:`MIN_LENGTH` letters
(``ALI`` and ``ALO`` are two names, not one name mistyped).

:func:`deletion_keys` finds such pairs without comparing every name with every
other: two words one slip apart always share a key (a word, or the word less
one letter), so names are looked up by their keys and only the few that share
one are compared.
"""

from __future__ import annotations

from functools import lru_cache

MIN_LENGTH = 4


@lru_cache(maxsize=1 << 16)
def deletion_keys(word: str) -> frozenset[str]:
    """The word and every word one deletion from it."""
    return frozenset({word, *(word[:i] + word[i + 1 :] for i in range(len(word)))})


def one_slip(a: str, b: str) -> bool:
    """Whether two different folded words are one insertion, deletion, substitution or
    swap of neighbouring letters apart (both at least MIN_LENGTH letters)."""
    if a == b or min(len(a), len(b)) < MIN_LENGTH or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    if len(a) < len(b):  # one letter more in b
        i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
        return a[i:] == b[i + 1 :]
    diff = [k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def dropped_letter(a: str, b: str) -> bool:
    """Whether one of two folded words is the other with one letter left out, the
    longer having at least MIN_LENGTH letters (``HLL`` for ``HALL``, ``SHW`` for
    ``SHAW``): the commonest slip of all, on names too short for :func:`one_slip`.
    Too loose to join anything by (``ALI`` is not ``ALIM``); used only to refuse
    a name a person of its own (``mentions.misspelt_names``)."""
    short, long = sorted((a, b), key=len)
    return (
        len(long) >= MIN_LENGTH
        and len(short) == len(long) - 1
        and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
    )


_SPOKEN = str.maketrans({"q": "k", "c": "k", "h": None, "w": None})


@lru_cache(maxsize=1 << 16)
def sounding(word: str) -> str | None:
    """A folded word as it is said rather than spelled: ``q`` and ``c`` as ``k``, ``h``
    and ``w`` dropped, every run of vowels as one ``*`` and doubled letters once.
    Transliterations and hurried typing differ in vowels and doubled letters
    (``RASUL``/``RASOOL``, ``NURI``/``NOORI``, ``KARIM``/``KAREEM``,
    ``QADER``/``KADIR``, ``KHAN``/``KAN``) far more than in consonants. None when
    fewer than two consonants are left: ``ALI`` and ``ALO`` say too little.
    """
    letters = "".join(c for c in word if "a" <= c <= "z")
    out: list[str] = []
    for c in letters[:1] + letters[1:].translate(_SPOKEN):
        c = "*" if c in "aeiouy" else c.translate(_SPOKEN) or c
        if not out or c != out[-1]:
            out.append(c)
    return "".join(out) if sum(c != "*" for c in out) >= 2 else None


def alike_words(a: str, b: str, *, said_from: int = 0) -> bool:
    """Two folded words that may be one name: the same, one slip apart, or said alike
    (:func:`sounding`) when both have at least ``said_from`` letters."""
    if a == b or one_slip(a, b):
        return True
    if min(len(a), len(b)) < said_from:
        return False
    key = sounding(a)
    return key is not None and key == sounding(b)
