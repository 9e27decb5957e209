"""Comparison keys for places: addresses and premises names.

`12 Canal Street, Riverton`, `12 CANAL ST, RIVERTON` and `12 canal st. riverton`
must meet under one key, and `Mumtaz Takeaway & Grill` must meet
`MUMTAZ TAKEAWAY AND GRILL`. The key is for comparison only; it is never shown.
"""

from __future__ import annotations

import re
from typing import Final

from threadline.domain.normalise.common import fold

# Street types written short, expanded wherever they stand.
ABBREVIATIONS: Final[dict[str, str]] = {
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cres": "crescent",
    "sq": "square",
    "ct": "court",
    "cl": "close",
    "pl": "place",
    "gdns": "gardens",
    "gr": "grove",
    "tce": "terrace",
    "terr": "terrace",
    "ter": "terrace",
    "pde": "parade",
    "cresc": "crescent",
    "crt": "court",
    "clo": "close",
    "gro": "grove",
    "grn": "green",
    "wk": "walk",
    "mws": "mews",
}
# Abbreviations with a second reading away from the end of a street name:
# `St Mary's Road` (saint), `Dr Patel Surgery` (doctor).
_STREET_POSITION_ONLY: Final[dict[str, str]] = {"st": "street", "dr": "drive"}
_OTHER_READING: Final[dict[str, str]] = {"st": "saint", "dr": "doctor"}
# Words after which `st` means saint, not street ("Church of St Peter").
_NOT_A_STREET_NAME: Final[frozenset[str]] = frozenset({"of", "and", "the"})

_MAX_RAW_LENGTH: Final = 1000
# Apostrophes vanish ("Mary's" is "marys"); every other non-alphanumeric
# character separates words.
_APOSTROPHES: Final = re.compile(r"['\u2019\u2018`]")
_SEGMENT_BREAK: Final = re.compile(r"[,;\n]")
_NON_WORD: Final = re.compile(r"[^\w\s]+|_")
_AMPERSAND: Final = re.compile(r"\s*&\s*")


def normalise_text_key(raw: str) -> str:
    """The comparison key of a place name or address.

    Steps: casefold and strip accents; `&` becomes `and`; apostrophes are
    dropped and other punctuation becomes a space; common street-type
    abbreviations are expanded (Rd, Ave/Av, Ln, Cres/Cresc, Sq, Ct/Crt,
    Cl/Clo, Pl, Gdns, Gr/Gro, Tce/Terr/Ter, Pde, Grn, Wk, Mws); whitespace
    collapses to single spaces.

    `St` and `Dr` are expanded to `street` and `drive` only where a street
    type stands: at the end of a comma-separated part of the address, or
    directly after a word (not a number, not "of", "and", "the"). Elsewhere
    `St` reads as saint (`12 St Mary's Rd` gives `12 saint marys road`) and
    `Dr` as doctor (`Dr Khan Surgery`), so that the written-out forms agree
    with them. Expanding both readings to full words also keeps the key
    stable: a key normalised again gives itself.

    Non-Latin letters are kept (casefolded), so names in other scripts still
    compare with each other.
    """
    text = fold(raw[:_MAX_RAW_LENGTH])
    text = _AMPERSAND.sub(" and ", _APOSTROPHES.sub("", text))
    words: list[str] = []
    for segment in _SEGMENT_BREAK.split(text):
        words.extend(_expand(_NON_WORD.sub(" ", segment).split()))
    return " ".join(words)


def _expand(words: list[str]) -> list[str]:
    expanded = []
    for i, word in enumerate(words):
        if word in _STREET_POSITION_ONLY:
            last = i == len(words) - 1
            after_word = i > 0 and words[i - 1].isalpha() and words[i - 1] not in _NOT_A_STREET_NAME
            if last or after_word:
                expanded.append(_STREET_POSITION_ONLY[word])
            else:
                expanded.append(_OTHER_READING[word])
        else:
            expanded.append(ABBREVIATIONS.get(word, word))
    return expanded
