"""Name variants (transliterations and nicknames) and phonetic codes, for comparing names.

The table is data (``variants.yaml`` beside this module), loaded once. Every
name is compared through :func:`name_key` after an extra fold of letters that
NFKD leaves alone (``ł`` → ``l``), then mapped to its group's first spelling
(its *canonical* form). See docs/resolution.md.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from threadline.domain.normalise import name_key

_FOLD = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"})


def fold(token: str) -> str:
    """``name_key`` of one word, with the letters NFKD cannot strip folded to ASCII."""
    return name_key(token.casefold().translate(_FOLD))


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    text = resources.files("threadline.resolve").joinpath("variants.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return _groups(data["forenames"]), _groups(data["surnames"])


def _groups(groups: list[list[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for group in groups:
        canonical = fold(str(group[0]))
        for name in group:
            table.setdefault(fold(str(name)), canonical)
    return table


def canonical_forename(key: str) -> str:
    """The group a folded forename belongs to (itself when it is in no group)."""
    return _tables()[0].get(key, key)


def canonical_surname(key: str) -> str:
    """The group a folded surname belongs to (itself when it is in no group)."""
    return _tables()[1].get(key, key)


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def soundex(key: str) -> str | None:
    """American Soundex of a folded name (``robert`` → ``R163``); None for non-Latin text."""
    letters = [c for c in key if "a" <= c <= "z"]
    if not letters:
        return None
    first = letters[0]
    out = [first.upper()]
    previous = first.translate(_SOUNDEX) if first in "bfpvcgjkqsxzdtlmnr" else ""
    for c in letters[1:]:
        code = c.translate(_SOUNDEX) if c in "bfpvcgjkqsxzdtlmnr" else ""
        if code and code != previous:
            out.append(code)
            if len(out) == 4:
                break
        if c not in "hw":  # h and w do not separate equal codes; vowels do
            previous = code
    return "".join(out).ljust(4, "0")
