"""Personal names: which part is the surname, and the comparison form of each word.

Police systems write names many ways: `Mohammed ALI` (surname in capitals),
`ALI Mohammed` (surname first, in capitals), `ALI, Mohammed` (comma form),
`Ali M` (surname and initial), `Mr Ali`. `parse_name` turns all of them into
the same `NameParts`. It decides by layout, not by knowing names: that is
resolution's job, which compares the `tokens`.

The rules, in order:

1. Text in parentheses or double quotes is dropped (nicknames written inline:
   `Mohammed "Mo" ALI`); aliases belong in a subject's `aliases`.
2. A leading title (Mr, Mrs, Ms, Miss, Mx, Dr, with or without a full stop)
   is dropped; it is remembered for rule 7.
3. Comma form: the part before the first comma is the surname, the part after
   holds the forenames.
4. Capitals: when some words are written in capitals (two letters or more,
   ignoring a hyphenated particle such as `al-`) and others in mixed or lower
   case, the last run of capitalised words is the surname, with any particles
   directly before it (`Yusuf bin AHMED`).
5. Trailing initials: a single word followed only by initials is the surname
   (`Ali M`, `SMITH J P`).
6. Otherwise the last word is the surname, with any particles directly before
   it (`Ludwig van Beethoven`, `Maria de la Cruz`); the rest are forenames.
7. A single word is a surname when a title preceded it (`Mr Ali`) or when it
   is in capitals (`ALI`), and a forename otherwise (`Taz`): in police
   records a lone capitalised-word name is usually a first name or nickname,
   while a lone word in capitals follows the surname convention.

Particles (al, el, de, da, di, du, del, della, der, den, la, le, van, von,
bin, ibn, bint) stay with the surname. Under rule 4 only particles written in
lower case join it, so that a forename such as `Al` or `Van` in `Al SMITH`
stays a forename. Under rule 6 particles of any case join it, but at least
one word is always left as a forename (`Van Morrison`: forename Van); the cost
is that `De Souza`, written without capitals, reads as forename `De`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from threadline.domain.normalise.common import fold

TITLES: Final[frozenset[str]] = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})
PARTICLES: Final[frozenset[str]] = frozenset(
    {
        "al",
        "el",
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "der",
        "den",
        "la",
        "le",
        "van",
        "von",
        "bin",
        "ibn",
        "bint",
    }
)

_DROPPED: Final = re.compile(r"\([^)]*\)|\"[^\"]*\"|[\u201c][^\u201d]*[\u201d]")
# A hyphenated particle prefix, which does not stop a word counting as capitals
# ("al-HASSAN" is written with its surname in capitals).
_PARTICLE_PREFIX: Final = re.compile(r"(?i)^(?:al|el|bin|ibn|abu|ben)[-\u2010\u2011]")
_MAX_RAW_LENGTH: Final = 200


@dataclass(frozen=True)
class NameParts:
    """A personal name split into forenames and surname.

    Attributes:
        forenames: forenames and initials as written, in order.
        surname: the surname as written (particles included, words joined by
            single spaces), or None when the name gives none.
        tokens: the comparison key (`name_key`) of every word, forenames
            first then surname, so that `ALI, Mohammed` and `Mohammed ALI`
            give the same tokens. Words with no letters are left out.
    """

    forenames: tuple[str, ...]
    surname: str | None
    tokens: tuple[str, ...]


def name_key(token: str) -> str:
    """The comparison form of one name word.

    Casefolded, accents stripped (NFKD), and everything but letters dropped:
    `O'Neill`, `O’NEILL` and `Oneill` give `oneill`; `Zoë` gives `zoe`;
    `Smith-Jones` gives `smithjones`.
    """
    return "".join(ch for ch in fold(token) if ch.isalpha())


def _letters(word: str) -> str:
    return "".join(ch for ch in word if ch.isalpha())


def _is_initial(word: str) -> bool:
    """`M`, `M.`, or dotted initials such as `J.P.`."""
    letters = _letters(word)
    return len(letters) == 1 or (0 < len(letters) <= 3 and word.count(".") >= len(letters))


def _is_capitals(word: str) -> bool:
    letters = _letters(_PARTICLE_PREFIX.sub("", word))
    return len(letters) >= 2 and letters.isupper() and not _is_initial(word)


def _has_lower(word: str) -> bool:
    return any(ch.islower() for ch in word)


def _is_particle(word: str) -> bool:
    return word.casefold().strip(".") in PARTICLES


def _words(text: str) -> list[str]:
    # Keep only words with a letter in them: stray punctuation and numbers
    # ("PC 1234" written into a name field) are not names.
    return [w for w in text.replace(",", " ").split() if any(ch.isalpha() for ch in w)]


def _make(forenames: list[str], surname: list[str]) -> NameParts:
    tokens = tuple(k for k in (name_key(w) for w in (*forenames, *surname)) if k)
    return NameParts(tuple(forenames), " ".join(surname) if surname else None, tokens)


def _attach_particles(words: list[str], start: int, *, lower_only: bool) -> int:
    """Move a surname's start back over the particles directly before it.

    At least one word is always left as a forename: in `Al Smith` or
    `Van Morrison` the would-be particle is a forename.
    """
    while (
        start > 1
        and _is_particle(words[start - 1])
        and (not lower_only or words[start - 1].islower())
    ):
        start -= 1
    if start == 1 and _is_particle(words[0]) and words[0].islower():
        # A lower-case particle cannot be a forename ("de SOUZA").
        start = 0
    return start


def _split_by_capitals(words: list[str]) -> tuple[list[str], list[str]] | None:
    capitals = [_is_capitals(w) for w in words]
    if not any(capitals) or not any(
        _has_lower(w) and not c for w, c in zip(words, capitals, strict=True)
    ):
        return None
    end = max(i for i, c in enumerate(capitals) if c) + 1
    start = end - 1
    while start > 0 and capitals[start - 1]:
        start -= 1
    start = _attach_particles(words, start, lower_only=True)
    return words[:start] + words[end:], words[start:end]


def _split_by_order(words: list[str]) -> tuple[list[str], list[str]]:
    trailing = len(words)
    while trailing > 0 and _is_initial(words[trailing - 1]):
        trailing -= 1
    if trailing == 1 and trailing < len(words):
        return words[1:], words[:1]
    start = _attach_particles(words, len(words) - 1, lower_only=False)
    return words[:start], words[start:]


def parse_name(raw: str) -> NameParts:
    """Split a personal name into forenames and surname by the rules above.

    Args:
        raw: a name as written in a record, subject or free text.

    Returns:
        The `NameParts`. Empty or letterless input gives no forenames, no
        surname and no tokens.
    """
    text = unicodedata.normalize("NFC", _DROPPED.sub(" ", raw[:_MAX_RAW_LENGTH]))
    head, comma, tail = text.partition(",")
    words = _words(text)
    titled = bool(words) and words[0].casefold().rstrip(".") in TITLES
    if titled:
        words = words[1:]
    if comma:
        surname = [w for w in _words(head) if w.casefold().rstrip(".") not in TITLES]
        forenames = [w for w in _words(tail) if w.casefold().rstrip(".") not in TITLES]
        if surname:
            return _make(forenames, surname)
    if not words:
        return _make([], [])
    if len(words) == 1:
        word = words[0]
        if titled or _is_capitals(word):
            return _make([], [word])
        return _make([word], [])
    split = _split_by_capitals(words)
    forenames, surname = split if split is not None else _split_by_order(words)
    return _make(forenames, surname)
