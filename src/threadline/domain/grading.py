"""Intelligence grading in both systems, and the one mapping that compares them.

Historic material is graded 5x5x5 (source A-E, intelligence 1-5, handling 1-5);
material since 2016 is graded 3x5x2 (source 1-3, intelligence A-E, handling
P/C). The two systems swap letters and digits between source and
intelligence, so a grade is always kept with its system, and compared only
through :func:`comparable`, which maps both onto the 3x5x2 scale:

=================================  =======================  =============
5x5x5                              3x5x2 equivalent          reliability
=================================  =======================  =============
source A always reliable           1 reliable                1.0
source B mostly reliable           1 reliable                0.8
source C sometimes reliable        2 untested                0.5
source E untested                  2 untested                0.5
source D unreliable                3 not reliable            0.2
intelligence 1 known true          A known directly          1.0
intelligence 2 known to source     A known directly          0.9
intelligence 3 corroborated        B indirect, corroborated  0.8
intelligence 4 cannot be judged    C known indirectly        0.5
intelligence 5 suspected false     E suspected false         0.1
handling 1 law enforcement         LAW_ENFORCEMENT
handling 2 non-prosecuting parties CONDITIONS (partners)
handling 3 overseas law enforcement LAW_ENFORCEMENT
handling 4 originating agency only ORIGINATOR
handling 5 refer to originator     ORIGINATOR
=================================  =======================  =============

3x5x2 source 1/2/3 score 1.0/0.5/0.2; intelligence A/B/C/D/E score
1.0/0.8/0.5/0.3/0.1; handling P is PERMITTED, C is CONDITIONS.

The "reliable and known or corroborated" test of ``opportunities.md``
(3x5x2 1A/1B; 5x5x5 A or B with 1, 2 or 3) is exactly ``comparable(g)``
having source ``1`` and intelligence ``A`` or ``B``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class GradingSystem(StrEnum):
    FIVE_BY_FIVE = "5x5x5"
    THREE_BY_FIVE = "3x5x2"


class Sharing(StrEnum):
    """How far material may travel, on one scale for both systems (widest first)."""

    PERMITTED = "permitted"
    """Lawful sharing permitted (3x5x2 P)."""
    CONDITIONS = "conditions"
    """Sharing with partners permitted subject to conditions (3x5x2 C, 5x5x5 2)."""
    LAW_ENFORCEMENT = "law_enforcement"
    """Law enforcement and prosecuting agencies only (5x5x5 1 and 3)."""
    ORIGINATOR = "originator"
    """No dissemination beyond the originating operation (5x5x5 4 and 5)."""


VALID_CODES: dict[GradingSystem, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
    GradingSystem.FIVE_BY_FIVE: (
        frozenset("ABCDE"),
        frozenset("12345"),
        frozenset("12345"),
    ),
    GradingSystem.THREE_BY_FIVE: (
        frozenset("123"),
        frozenset("ABCDE"),
        frozenset("PC"),
    ),
}

_SOURCE_5 = {"A": "1", "B": "1", "C": "2", "D": "3", "E": "2"}
_INTEL_5 = {"1": "A", "2": "A", "3": "B", "4": "C", "5": "E"}
_HANDLING_5 = {
    "1": Sharing.LAW_ENFORCEMENT,
    "2": Sharing.CONDITIONS,
    "3": Sharing.LAW_ENFORCEMENT,
    "4": Sharing.ORIGINATOR,
    "5": Sharing.ORIGINATOR,
}
_HANDLING_3 = {"P": Sharing.PERMITTED, "C": Sharing.CONDITIONS}
_SOURCE_SCORE_5 = {"A": 1.0, "B": 0.8, "C": 0.5, "D": 0.2, "E": 0.5}
_INTEL_SCORE_5 = {"1": 1.0, "2": 0.9, "3": 0.8, "4": 0.5, "5": 0.1}
_SOURCE_SCORE_3 = {"1": 1.0, "2": 0.5, "3": 0.2}
_INTEL_SCORE_3 = {"A": 1.0, "B": 0.8, "C": 0.5, "D": 0.3, "E": 0.1}


@dataclass(frozen=True)
class Grading:
    """A grade as it arrived: its system and whichever of the three codes were given."""

    system: GradingSystem
    source: str | None = None
    intelligence: str | None = None
    handling: str | None = None

    def __str__(self) -> str:
        codes = "".join(c or "?" for c in (self.source, self.intelligence, self.handling))
        return f"{self.system.value} {codes}"


@dataclass(frozen=True)
class ComparableGrade:
    """A grade on the 3x5x2 scale, with scores in [0, 1] for ranking."""

    source: str | None
    intelligence: str | None
    sharing: Sharing | None
    source_score: float | None
    intelligence_score: float | None

    @property
    def reliable_and_known(self) -> bool:
        """Reliable source, and known directly or indirectly but corroborated."""
        return self.source == "1" and self.intelligence in ("A", "B")

    @property
    def reliability(self) -> float:
        """One number for how far the grade can be relied on; 0.5 where a part is missing."""
        s = self.source_score if self.source_score is not None else 0.5
        i = self.intelligence_score if self.intelligence_score is not None else 0.5
        return s * i


def comparable(grading: Grading) -> ComparableGrade:
    """Map a grade of either system onto the one comparable scale (see the module table)."""
    if grading.system is GradingSystem.FIVE_BY_FIVE:
        s, i, h = grading.source, grading.intelligence, grading.handling
        return ComparableGrade(
            source=_SOURCE_5.get(s) if s else None,
            intelligence=_INTEL_5.get(i) if i else None,
            sharing=_HANDLING_5.get(h) if h else None,
            source_score=_SOURCE_SCORE_5.get(s) if s else None,
            intelligence_score=_INTEL_SCORE_5.get(i) if i else None,
        )
    s, i, h = grading.source, grading.intelligence, grading.handling
    return ComparableGrade(
        source=s,
        intelligence=i,
        sharing=_HANDLING_3.get(h) if h else None,
        source_score=_SOURCE_SCORE_3.get(s) if s else None,
        intelligence_score=_INTEL_SCORE_3.get(i) if i else None,
    )
