"""The closed vocabularies of the case bundle (``bundle.md``), as enums.

Values are the bundle's own spellings, so that ``Kind(value)`` parses a bundle
field and ``kind.value`` writes it back unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class OperationKind(StrEnum):
    UMBRELLA = "umbrella"
    CURRENT = "current"
    CLOSED = "closed"
    REVIEW = "review"


class OperationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class RecordKind(StrEnum):
    INTELLIGENCE = "intelligence"
    CRIME = "crime"
    STATEMENT = "statement"
    INTERVIEW = "interview"
    REFERRAL = "referral"
    REPORT = "report"
    OTHER = "other"


class SubjectRole(StrEnum):
    SUSPECT = "suspect"
    VICTIM = "victim"
    WITNESS = "witness"
    ASSOCIATE = "associate"
    REPORTER = "reporter"
    OTHER = "other"


class ActionStatus(StrEnum):
    RAISED = "raised"
    ALLOCATED = "allocated"
    RESULTED = "resulted"
    REFERRED = "referred"
    CANCELLED = "cancelled"

    @property
    def is_live(self) -> bool:
        """A live action is one that was allocated, resulted or referred (``opportunities.md``)."""
        return self in (ActionStatus.ALLOCATED, ActionStatus.RESULTED, ActionStatus.REFERRED)


class EventKind(StrEnum):
    ARREST = "arrest"
    INTERVIEW = "interview"
    CHARGE = "charge"
    CONVICTION = "conviction"
    ACQUITTAL = "acquittal"
    NFA = "nfa"
    DISRUPTION = "disruption"
    TRACE = "trace"
    SAFEGUARDING = "safeguarding"
    REFERRAL = "referral"


class OwnerKind(StrEnum):
    """What a subject belongs to: subjects appear in records, actions and events."""

    RECORD = "record"
    ACTION = "action"
    EVENT = "event"
