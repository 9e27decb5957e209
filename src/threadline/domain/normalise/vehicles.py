"""UK vehicle registration marks (VRMs).

Four families of mark meet in historic material (the normalised form has no
spaces; the display form has the conventional one):

- current (September 2001 on): two letters, two digits, three letters, `AB12 CDE`;
- prefix (1983-2001): one letter, 1-3 digits, three letters, `A123 BCD`;
- suffix (1963-1983): three letters, 1-3 digits, one letter, `ABC 123D`;
- dateless (before 1963, and cherished marks): 1-3 letters and 1-4 digits in
  either order, `ABC 123`, `1234 AB`; Northern Ireland marks such as
  `ABZ 1234` have the same shape.

Marks are recognised by shape only: synthetic material may use letter
combinations the DVLA never issued. The families cannot be confused with one
another once spaces are gone, because the first block has a different length
(1, 2 or 3 letters) or the mark has only two blocks.

`normalise_vrm` is for values that are known to be marks (a subject's
`vehicles`, an action's `identifiers`). Free text needs the stricter
`is_plausible_vrm_token`, which is what the extraction stage relies on.
"""

from __future__ import annotations

import re
from typing import Final, Literal, cast

from threadline.domain.normalise.common import NotNormalisedError

VrmFormat = Literal["current", "prefix", "suffix", "dateless"]

# Number blocks never start with 0 outside the current format's age identifier
# ("02", "07" ...); refusing a leading zero keeps out references like "AB 012".
_VRM: Final = re.compile(
    r"(?P<current>[A-Z]{2}[0-9]{2}[A-Z]{3})"
    r"|(?P<prefix>[A-Z][1-9][0-9]{0,2}[A-Z]{3})"
    r"|(?P<suffix>[A-Z]{3}[1-9][0-9]{0,2}[A-Z])"
    r"|(?P<dateless>[A-Z]{1,3}[1-9][0-9]{0,3}|[1-9][0-9]{0,3}[A-Z]{1,3})"
)
_DATELESS_SPLIT: Final = re.compile(r"([A-Z]+|[0-9]+)")

# Characters a mark may be written with inside it: spaces of any kind,
# hyphens and dots ("AB12-CDE", "A.B.C. 123").
_SEPARATORS: Final = str.maketrans("", "", " \t\r\n\u00a0\u2009\u202f-.")

_MAX_RAW_LENGTH: Final = 32

# Confusions typical of handwriting, typing from handwriting and ANPR reads.
# D is left out: D/0 confusion is real for ANPR but rare in typed logs, and
# folding it would join too many unrelated marks.
_CONFUSABLE: Final = str.maketrans(
    {"O": "0", "Q": "0", "I": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
)

# Letter blocks that, next to a number in capitals, are almost always words,
# abbreviations, units, months, days, ranks or document references rather
# than a dateless mark ("ON 12", "PC 1234", "JAN 2004", "1430 HRS").
_STOPWORD_GROUPS: Final = (
    # Common short words.
    "A AN AS AT BE BY DO GO HE IF IN IS IT ME MY NO OF OK ON OR SO TO UP US WE THE AND FOR ARE"
    " WAS HIS HER HIM SHE YOU NOT BUT ALL ANY CAN HAD HAS ONE OUR OUT DAY GET MAY NEW NOW OLD"
    " SEE TWO WAY WHO BOY DID ITS LET PUT SAY TOO USE OFF PER VIA",
    # Times, ordinals and units.
    "AM PM ST ND RD TH HRS HR MIN SEC YRS YR YO KG KGS MG ML MPH KPH KM MM CM FT LB LBS GBP PCT",
    # Months and days.
    "JAN FEB MAR APR JUN JUL AUG SEP OCT NOV DEC MON TUE WED THU FRI SAT SUN",
    # Ranks, references and record furniture.
    "PC DC DS DI DCI DCS DSU SGT PS INS CI SIO OIC CID ACC INT CR EV ACT OP OPS CAD URN CRN LOG"
    " MSG REP RPT AKA NFA TIE RE CC BC AD AGE DOB REF TEL MOB NOS NUM VRM APP BLK CH PG PP PAR"
    " SCH APX GRP",
)
FREE_TEXT_STOPWORDS: Final[frozenset[str]] = frozenset(
    word for group in _STOPWORD_GROUPS for word in group.split()
)


def _strip(raw: str) -> str | None:
    if len(raw) > _MAX_RAW_LENGTH or not raw.isascii():
        # Non-ASCII is refused before upper-casing: "ß".upper() is "SS", which
        # would turn text that is not a mark into one.
        return None
    return raw.translate(_SEPARATORS).upper()


def normalise_vrm(raw: str) -> str | None:
    """Return a UK registration mark in normalised form, or None.

    Args:
        raw: a mark in any case, with any spaces, hyphens or dots inside it
            (`"ab12 cde"`, `"A-123-BCD"`, `" ABC 123D "`).

    Returns:
        The mark uppercased without separators (`"AB12CDE"`) when it has the
        shape of a current, prefix, suffix or dateless mark; otherwise None.
        Nothing is "corrected": `"AB12 C0E"` is not a mark and gives None.
        Use `vrm_confusable_key` for fuzzy matching instead.
    """
    norm = _strip(raw)
    if norm is None or _VRM.fullmatch(norm) is None:
        return None
    return norm


def vrm_format(norm: str) -> VrmFormat | None:
    """Which family a normalised mark belongs to, or None if it is not one."""
    match = _VRM.fullmatch(norm)
    if match is None:
        return None
    return cast(VrmFormat, match.lastgroup)


def format_vrm(norm: str) -> str:
    """The display form of a normalised mark, with the conventional space.

    `AB12 CDE`, `A123 BCD`, `ABC 123D`, and dateless marks split between
    letters and digits (`ABZ 1234`, `1234 AB`).

    Raises:
        NotNormalisedError: `norm` is not the output of `normalise_vrm`.
    """
    kind = vrm_format(norm)
    if kind == "current":
        return f"{norm[:4]} {norm[4:]}"
    if kind == "prefix":
        return f"{norm[:-3]} {norm[-3:]}"
    if kind == "suffix":
        return f"{norm[:3]} {norm[3:]}"
    if kind == "dateless":
        first, second = _DATELESS_SPLIT.findall(norm)
        return f"{first} {second}"
    raise NotNormalisedError("vehicle registration mark", norm)


def vrm_confusable_key(norm: str) -> str:
    """A key under which marks that differ only by common misreadings agree.

    Maps O and Q to 0, I to 1, Z to 2, S to 5, B to 8 and G to 6, so that
    `AB12 CDE` written as `A8I2 CDE` shares a key with it. The key is for
    finding candidates in resolution, never for display or identity: two
    marks with one key may still be different vehicles.
    """
    return norm.upper().translate(_CONFUSABLE)


def is_plausible_vrm_token(text: str) -> bool:
    """Whether a token found in free text should be taken as a registration mark.

    Stricter than `normalise_vrm`, because free text is full of letter and
    number runs that have the shape of a dateless mark. The rule:

    1. Written in capitals (no lower-case letters), ASCII, with at most one
       separator (a space or hyphen), and that separator where the display
       form puts its space (`AB12 CDE`, `A123 BCD`, `ABC 123D`, `ABC 123`).
       So `A 12 DAY` or `ab12 cde` are not taken.
    2. It normalises to a mark (at least one letter and one digit, so years
       and times never match).
    3. Current-format marks are accepted as they are. Prefix and suffix marks
       are refused when their three-letter block is in `FREE_TEXT_STOPWORDS`
       (`M1 AND`).
    4. Dateless marks need at least two letters and either three letters or
       at least three digits (so postcode halves `RV6`, `2AB`, `LS12`,
       HOLMES references `S1`, `M1`, and road numbers `A61` do not match);
       their letters must not be in `FREE_TEXT_STOPWORDS` (`ON 12`,
       `PC 1234`, `JAN 2004`, `1430 HRS`); and a four-digit number between
       1900 and 2099 is refused as a likely year (`ABC 2004`).

    Marks in lower case, or dateless marks that break rule 4, are missed in
    free text by design: a missed mark costs less than a false mark joining
    unrelated records. Generators of synthetic text should only plant marks
    that pass this test.
    """
    if len(text) > _MAX_RAW_LENGTH or not text.isascii() or text != text.upper():
        return False
    separators = [i for i, c in enumerate(text) if c in " -"]
    if len(separators) > 1:
        return False
    norm = text.replace(" ", "").replace("-", "")
    match = _VRM.fullmatch(norm)
    if match is None:
        return False
    if separators and format_vrm(norm).index(" ") != separators[0]:
        return False
    kind = match.lastgroup
    if kind == "prefix":
        return norm[-3:] not in FREE_TEXT_STOPWORDS
    if kind == "suffix":
        return norm[:3] not in FREE_TEXT_STOPWORDS
    if kind == "dateless":
        return _plausible_dateless(norm)
    return True


def _plausible_dateless(norm: str) -> bool:
    first, second = _DATELESS_SPLIT.findall(norm)
    letters, digits = (first, second) if first.isalpha() else (second, first)
    if len(letters) < 2 or (len(letters) < 3 and len(digits) < 3):
        return False
    if letters in FREE_TEXT_STOPWORDS:
        return False
    return not (len(digits) == 4 and 1900 <= int(digits) <= 2099)
