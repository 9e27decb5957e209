"""Hypothesis strategies shared by the normalisation tests (no tests of its own).

Identifiers written the many ways case material writes them.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from threadline.domain.normalise import DRAMA_PREFIXES

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def letters(n_min: int, n_max: int) -> st.SearchStrategy[str]:
    return st.text(LETTERS, min_size=n_min, max_size=n_max)


def number(n_max_digits: int) -> st.SearchStrategy[str]:
    """A number block as marks write it: no leading zero."""
    return st.integers(1, 10**n_max_digits - 1).map(str)


current_vrms = st.builds(
    lambda a, d, b: f"{a}{d:02d}{b}", letters(2, 2), st.integers(0, 99), letters(3, 3)
)
prefix_vrms = st.builds(lambda a, d, b: a + d + b, letters(1, 1), number(3), letters(3, 3))
suffix_vrms = st.builds(lambda a, d, b: a + d + b, letters(3, 3), number(3), letters(1, 1))
dateless_vrms = st.one_of(
    st.builds(lambda a, d: a + d, letters(1, 3), number(4)),
    st.builds(lambda d, a: d + a, number(4), letters(1, 3)),
)
VRMS_BY_FORMAT = {
    "current": current_vrms,
    "prefix": prefix_vrms,
    "suffix": suffix_vrms,
    "dateless": dateless_vrms,
}
any_vrm = st.one_of(*VRMS_BY_FORMAT.values())


@st.composite
def respelled(
    draw: st.DrawFn, norm: str, separators: tuple[str, ...] = (" ", "-", ".", "  ")
) -> str:
    """`norm` with random case and random separators between its characters."""
    out = []
    for i, ch in enumerate(norm):
        if i and draw(st.booleans()):
            out.append(draw(st.sampled_from(separators)))
        out.append(ch.lower() if draw(st.booleans()) else ch)
    pad = draw(st.sampled_from(["", " ", "  ", "\t"]))
    return pad + "".join(out) + pad


drama_nsns = st.builds(
    lambda prefix, tail: f"{prefix}{tail:03d}",
    st.sampled_from(sorted(DRAMA_PREFIXES)),
    st.integers(0, 999),
)


def _groups(digits: str, sizes: tuple[int, ...]) -> list[str]:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    if i < len(digits):
        out.append(digits[i:])
    return [g for g in out if g]


def phone_spellings(nsn: str) -> list[str]:
    """Every common way of writing a UK national significant number."""
    national = "0" + nsn
    area = 5 if nsn[0] in "7" or nsn[:4] in {"1632", "8081", "3069"} else 4
    if nsn[:2] in {"20", "28", "29"}:
        area = 3
    head, rest = national[:area], national[area:]
    return [
        f"{head} {rest}",
        national,
        f"{head} {' '.join(_groups(rest, (3, 3, 4)))}",
        f"({head}) {rest}",
        f"({head}) {' '.join(_groups(rest, (3,)))}",
        f"{head}-{rest}",
        f"+44 {head[1:]} {rest}",
        f"+44{nsn}",
        f"+44 (0){head[1:]} {rest}",
        f"+44 (0) {head[1:]} {rest}",
        f"0044 {head[1:]} {' '.join(_groups(rest, (3,)))}",
        f"0044{nsn}",
        f"Tel: {head} {rest}",
        f"tel:+44{nsn}",
    ]


DATE_FORMATS = (
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y-%m-%d",
    "%d%m%Y",
    "%Y%m%d",
    "%d %m %Y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%d%m%y",
    "%d %b %Y",
    "%d%b%Y",
    "%b %Y",
    "%d %b",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H%M",
    "%Y%m%d%H%M",
    "%H%M",
    "%H%M HRS",
    "%H:%M",
)


def _write(moment: dt.datetime, fmt: str, upper: bool) -> str:
    written = moment.strftime(fmt)
    return written.upper() if upper else written


written_dates = st.builds(
    _write,
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2099, 12, 31, 23, 59)),
    st.sampled_from(DATE_FORMATS),
    st.booleans(),
)
years = st.integers(1900, 2099).map(str)
