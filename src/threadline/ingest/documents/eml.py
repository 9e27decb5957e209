"""E-mail originals (`.eml`), read with the standard library's `email` package."""

from __future__ import annotations

import email
import re
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, MIMEPart

from threadline.errors import DocumentError
from threadline.ingest.documents.extracted import ExtractedText, TextBudget
from threadline.ingest.documents.html_text import html_to_text
from threadline.ingest.documents.limits import DocumentLimits

MEDIA_TYPE = "message/rfc822"

# The headers a reviewer needs to place a message: who, to whom, when, about what.
HEADERS = ("From", "To", "Date", "Subject")

# Folding puts a line break before white space; unfolding removes the break only.
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def read_eml(data: bytes, limits: DocumentLimits) -> ExtractedText:
    """Extract an `.eml` original.

    The text is the From, To, Date and Subject headers present, as
    "Header: value" lines (as written, encoded words decoded; the first of a
    repeated header), a blank line, then the body: the text/plain part, or
    the text/html part converted to text when there is no plain one.
    Attachments are not read.
    """
    message = email.message_from_bytes(data, _class=EmailMessage, policy=policy.default)
    parts = _count_parts(message, limits.max_mime_parts)
    budget = TextBudget(limits.max_text_chars)
    raw_headers = {name.lower(): value for name, value in reversed(list(message.raw_items()))}
    lines = []
    for name in HEADERS:
        raw = raw_headers.get(name.lower())
        if raw is not None:
            lines.append(f"{name}: {_header_text(raw)}")
    head = "\n".join(lines)
    budget.spend(len(head))
    body, found = _body_text(message, budget)
    text = f"{head}\n\n{body}" if body else head
    return ExtractedText(
        text=text,
        media_type=MEDIA_TYPE,
        detail=f"eml, {parts} part{'' if parts == 1 else 's'}, {found}",
    )


def _header_text(raw: str) -> str:
    """A header value as written, unfolded, with encoded words decoded.

    The parsed header objects of `policy.default` re-render addresses
    (quoting a bare "PC 1234", say); a reviewer should see what was sent.
    """
    unfolded = _FOLD.sub("", raw).strip()
    try:
        return str(make_header(decode_header(unfolded)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return unfolded


def _count_parts(message: EmailMessage, limit: int) -> int:
    count = 0
    for _ in message.walk():
        count += 1
        if count > limit:
            raise DocumentError(f"e-mail has more than the limit of {limit:,} MIME parts")
    return count


def _body_text(message: EmailMessage, budget: TextBudget) -> tuple[str, str]:
    """The message body as text, and which kind of part it came from."""
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        text = _decoded(plain)
        budget.spend(len(text))
        return text, "text/plain body"
    html = message.get_body(preferencelist=("html",))
    if html is not None:
        return html_to_text(_decoded(html), budget), "text/html body"
    return "", "no text body"


def _decoded(part: MIMEPart) -> str:
    """A text part's content, even when it names a charset Python does not know."""
    try:
        content = part.get_content()
    except LookupError:
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""
