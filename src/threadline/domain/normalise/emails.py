"""E-mail addresses."""

from __future__ import annotations

import re
from typing import Final

_MAX_RAW_LENGTH: Final = 320
# Display-name form: "Ann Example <ann@example.org>".
_ANGLE: Final = re.compile(r"<([^<>]*)>")
_MAILTO: Final = re.compile(r"(?i)^mailto:")
_SURROUNDING: Final = " \t\r\n\u00a0.,;:!?()[]{}<>'\"`"
_ADDRESS: Final = re.compile(
    r"(?P<local>[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})"
)


def normalise_email(raw: str) -> str | None:
    """Return an e-mail address in lower case, or None.

    Args:
        raw: an address, possibly with a `mailto:` scheme, surrounding
            punctuation or quotes (`"<Ann@Example.ORG>,"`), or in display-name
            form (`Ann Example <ann@example.org>`).

    Returns:
        The address with local part and domain lower-cased
        (`ann@example.org`), or None when what is left is not a plain ASCII
        address with a dotted domain.

    The local part is lower-cased too, although the standard lets a mail
    server tell `Ann` from `ann`: none of the common ones do, and in case
    material the same address is typed both ways. Dots and `+tags` are kept,
    since whether they matter depends on the provider.
    """
    if len(raw) > _MAX_RAW_LENGTH:
        return None
    text = raw.strip()
    angled = _ANGLE.search(text)
    if angled is not None:
        text = angled[1]
    text = _MAILTO.sub("", text.strip(_SURROUNDING)).strip(_SURROUNDING).lower()
    if not text.isascii() or _ADDRESS.fullmatch(text) is None:
        return None
    return text
