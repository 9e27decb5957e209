"""The thresholds of ``spec/opportunities.md`` and the scoring weights, as settings.

Defaults are the spec's bracketed values. Each can be set from the
environment (``THREADLINE_DETECT_SUSPECT_RECORDS=4`` ...) or passed to
:class:`~threadline.analyse.opportunities.stage.DetectStage`. Every setting is
documented in docs/opportunities.md.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DetectSettings(BaseSettings):
    """Thresholds (the spec's defaults) and scoring weights."""

    model_config = SettingsConfigDict(env_prefix="THREADLINE_DETECT_", extra="ignore")

    suspect_records: int = Field(3, ge=1)
    """unactioned-suspect: distinct non-report records naming the person as a suspect."""
    operations: int = Field(2, ge=2)
    """cross-operation-link: operations whose records involve the entity."""
    identifier_records: int = Field(2, ge=1)
    """untraced-identifier: records involving the vehicle or phone."""
    disclosure_days: int = Field(90, ge=0)
    """victim-disclosure-not-followed: days after the record's moment (both ends included)."""
    hotspot_victims: int = Field(3, ge=1)
    """location-hotspot: distinct victims of the records involving the place."""
    nfa_later_records: int = Field(1, ge=1)
    """no-disruption-after-nfa: records with a later moment than the nfa/acquittal."""
    high_grade_days: int = Field(28, ge=0)
    """high-grade-intel-undeveloped: days after the record's moment (both ends included)."""
    associate_records: int = Field(2, ge=1)
    """network-associate: records shared as suspect/associate with a charged or convicted person."""

    weight_evidence: float = Field(0.30, ge=0)
    weight_reliability: float = Field(0.15, ge=0)
    weight_victims: float = Field(0.25, ge=0)
    weight_time: float = Field(0.10, ge=0)
    weight_centrality: float = Field(0.20, ge=0)
    evidence_scale: float = Field(4.0, gt=0)
    """Independent records at which the evidence part reaches 1 - 1/e."""
    victims_scale: float = Field(2.0, gt=0)
    """Victims at which the victims part reaches 1 - 1/e."""
    years_full: float = Field(10.0, gt=0)
    """Years unaddressed at which the time part reaches 1."""
    place_join_confidence: float = Field(0.85, ge=0, le=1)
    """Confidence in a place joined on address text keys: a street line or premises name is
    weaker evidence of one place than a registration mark or a phone number is of one
    vehicle or phone."""
    ungraded_reliability: float = Field(0.5, ge=0, le=1)
    """Reliability taken for records without a grade (statements, crime reports)."""
