"""UK postcodes, recognised by shape.

A full postcode is an outward code (area letters, district digits: `RV6`,
`LS12`, `SW1A`) and an inward code (sector digit, unit letters: `2AB`). Shape
alone decides, never a list of real areas: synthetic material uses areas that
do not exist (`RV6 2AB`), and historic material may hold retired ones.
"""

from __future__ import annotations

import re
from typing import Final

from threadline.domain.normalise.common import NotNormalisedError

_OUTWARD: Final = r"[A-Z]{1,2}[0-9][0-9A-Z]?"
_INWARD: Final = r"[0-9][A-Z]{2}"
# Whitespace may be missing or doubled, but only between the two halves: a space
# elsewhere ("RV6 22AB") means the text is something else, or mistyped.
_FULL_SPACED: Final = re.compile(rf"({_OUTWARD})\s*({_INWARD})")
_FULL_NORMALISED: Final = re.compile(rf"({_OUTWARD}) ({_INWARD})")
_OUTWARD_ONLY: Final = re.compile(_OUTWARD)

# Punctuation that clings to a postcode taken from an address line or a
# sentence ("..., RV6 2AB." or "(RV6 2AB)").
_SURROUNDING: Final = " \t\r\n\u00a0.,;:()[]'\""
_MAX_RAW_LENGTH: Final = 24


def _trimmed(raw: str) -> str | None:
    if len(raw) > _MAX_RAW_LENGTH or not raw.isascii():
        return None
    return raw.strip(_SURROUNDING).upper()


def normalise_postcode(raw: str) -> str | None:
    """Return a full UK postcode uppercased with one space, or None.

    Args:
        raw: a postcode in any case, with or without the space between its
            halves (`"rv62ab"`, `" RV6  2AB "`, `"(RV6 2AB)"`).

    Returns:
        `"RV6 2AB"`, or None when the text is not shaped like a full postcode
        (an outward code alone gives None: see `normalise_partial_postcode`)
        or has a space inside one of its halves.
    """
    text = _trimmed(raw)
    if text is None:
        return None
    match = _FULL_SPACED.fullmatch(text)
    if match is None:
        return None
    return f"{match[1]} {match[2]}"


def normalise_partial_postcode(raw: str) -> str | None:
    """Return an outward code written alone (`"rv6"` gives `"RV6"`), or None.

    Full postcodes give None here; take their outward code with
    `postcode_outward(normalise_postcode(raw))`.
    """
    # No space may fall inside: "RV6 2" is a sector, not the outward code "RV62".
    outward = _trimmed(raw)
    if outward is None or _OUTWARD_ONLY.fullmatch(outward) is None:
        return None
    return outward


def _parts(norm: str) -> tuple[str, str]:
    match = _FULL_NORMALISED.fullmatch(norm)
    if match is None:
        raise NotNormalisedError("postcode", norm)
    return match[1], match[2]


def postcode_outward(norm: str) -> str:
    """The outward code (district) of a normalised postcode: `RV6 2AB` gives `RV6`.

    Raises:
        NotNormalisedError: `norm` is not the output of `normalise_postcode`.
    """
    return _parts(norm)[0]


def postcode_sector(norm: str) -> str:
    """The sector of a normalised postcode: `RV6 2AB` gives `RV6 2`.

    A sector is a few thousand addresses: close enough to say two places are
    near, too coarse to say they are the same.

    Raises:
        NotNormalisedError: `norm` is not the output of `normalise_postcode`.
    """
    outward, inward = _parts(norm)
    return f"{outward} {inward[0]}"
