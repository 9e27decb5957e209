"""What an extractor finds: a typed span of a record's text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Mention types (``mentions.type``).
MENTION_TYPES = (
    "person",
    "vehicle",
    "phone",
    "location",
    "organisation",
    "email",
    "postcode",
    "age",
    "date",
)

#: Person roles (``mentions.role``).
ROLES = ("suspect", "victim", "witness", "other")


@dataclass(frozen=True, slots=True)
class Found:
    """One mention: ``text[start:end]`` (code points, end exclusive) names something of ``type``.

    Attributes:
        normalised: the comparison value (VRM without spaces, E.164, postcode
            ``RV6 2AB``, place key, lower-cased e-mail, the person's name as written).
        extractor: which rule or model found it (``spacy-ner``, ``rule:vrm`` ...).
        confidence: how sure the extractor is, in [0, 1].
        detail: extra facts (``{"nickname": true}``, a linked description).
    """

    start: int
    end: int
    text: str
    type: str
    normalised: str | None
    extractor: str
    confidence: float
    role: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def with_role(self, role: str | None, **detail: Any) -> Found:
        return Found(
            self.start,
            self.end,
            self.text,
            self.type,
            self.normalised,
            self.extractor,
            self.confidence,
            role,
            {**self.detail, **detail},
        )

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end
