"""What every identifier normaliser shares: the error for a value that is not
normalised, and the accent-stripping used for comparison keys."""

from __future__ import annotations

import unicodedata

from threadline.errors import ThreadlineError


class NotNormalisedError(ThreadlineError, ValueError):
    """A formatting helper was given a value that is not in normalised form.

    Formatting helpers (`format_vrm`, `format_phone`, `postcode_sector` ...) take
    the output of the matching `normalise_*` function. Passing raw text is a
    programming error, so it is raised rather than returned as None.
    """

    def __init__(self, kind: str, value: str) -> None:
        self.kind = kind
        self.value = value
        super().__init__(f"not a normalised {kind}: {value!r}; normalise it first")


def fold(text: str) -> str:
    """Casefold and strip accents, for comparison keys.

    NFKD runs before and after casefolding because casefolding can produce
    characters that decompose further (e.g. `İ` folds to `i` + combining dot);
    combining marks are then dropped, so `Zoë`, `ZOE` and `zoe` fold alike.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
