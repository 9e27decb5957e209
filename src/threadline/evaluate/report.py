"""The evaluation report: stable JSON for scripts, a few compact tables for people.

The JSON keys are documented in ``docs/evaluation.md`` and are a contract:
later stages compare their numbers run to run through them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table

from threadline.evaluate.mentions import MentionScore
from threadline.evaluate.opportunities import CUTOFFS, OpportunityScore
from threadline.evaluate.resolution import ResolutionScore

#: Bumped whenever a key of :meth:`EvaluationReport.to_dict` changes meaning or goes.
REPORT_VERSION = 1

#: Scores are rounded so that the JSON is stable across platforms' last digits.
DIGITS = 6


def _score(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def _shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Every score of one evaluation."""

    resolution: ResolutionScore
    mentions: MentionScore
    opportunities: OpportunityScore

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data, keys in a fixed order."""
        return {
            "format": "threadline-evaluation",
            "version": REPORT_VERSION,
            "resolution": _resolution_dict(self.resolution),
            "mentions": _mentions_dict(self.mentions),
            "opportunities": _opportunities_dict(self.opportunities),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text (see ``docs/evaluation.md`` for the keys)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Group(*self.tables())

    def tables(self) -> list[Table]:
        """The report as Rich tables: resolution, mentions, opportunities, near-misses."""
        tables = [
            _resolution_table(self.resolution),
            _mentions_table(self.mentions),
            _opportunities_table(self.opportunities),
        ]
        if self.opportunities.near_misses_raised:
            tables.append(_near_miss_table(self.opportunities))
        return tables


def _resolution_dict(score: ResolutionScore) -> dict[str, Any]:
    pairwise, bcubed = score.pairwise, score.bcubed
    decoys = None
    if score.decoy_pairs is not None:
        merged = score.decoys_merged or ()
        decoys = {
            "marked_pairs": score.decoy_pairs,
            "merged_pairs": len(merged),
            "merged": [list(pair) for pair in merged],
        }
    return {
        "refs": score.refs,
        "true_persons": score.true_persons,
        "predicted_clusters": score.predicted_clusters,
        "unpredicted_refs": score.unpredicted_refs,
        "unknown_refs": score.unknown_refs,
        "pairwise": {
            "precision": _score(pairwise.precision),
            "recall": _score(pairwise.recall),
            "f1": _score(pairwise.f1),
            "correct_pairs": pairwise.correct_pairs,
            "predicted_pairs": pairwise.predicted_pairs,
            "true_pairs": pairwise.true_pairs,
        },
        "bcubed": {
            "precision": _score(bcubed.precision),
            "recall": _score(bcubed.recall),
            "f1": _score(bcubed.f1),
        },
        "mixed_clusters": score.mixed_clusters,
        "merged_person_pairs": score.merged_person_pairs,
        "decoys": decoys,
    }


def _mentions_dict(score: MentionScore) -> dict[str, Any]:
    return {
        "by_type": {
            t.type: {
                "truth": t.truth,
                "predicted": t.predicted,
                "scored": t.scored,
                "matched": t.matched,
                "recall": _score(t.recall),
                "precision": _score(t.precision),
                "f1": _score(t.f1),
            }
            for t in score.by_type.values()
        },
        "roles": {
            "compared": score.roles.compared,
            "correct": score.roles.correct,
            "accuracy": _score(score.roles.accuracy),
            "confusion": score.roles.confusion,
        },
        "unscored_types": score.unscored_types,
    }


def _opportunities_dict(score: OpportunityScore) -> dict[str, Any]:
    overall: dict[str, Any] = {
        "truth": score.truth,
        "predicted": score.predicted,
        "matched": score.matched,
        "recall": _score(score.recall),
        "precision": _score(score.precision),
    }
    overall.update({f"precision_at_{k}": _score(score.precision_at(k)) for k in CUTOFFS})
    by_kind: dict[str, Any] = {}
    for kind in score.by_kind.values():
        entry: dict[str, Any] = {
            "truth": kind.truth,
            "predicted": kind.predicted,
            "matched": kind.matched,
        }
        entry.update({f"recall_at_{k}": _score(kind.recall_at(k)) for k in CUTOFFS})
        entry.update({"recall": _score(kind.recall), "precision": _score(kind.precision)})
        by_kind[kind.kind] = entry
    return {
        "overall": overall,
        "by_kind": by_kind,
        "near_misses": {
            "planted": score.near_misses,
            "raised": [
                {"kind": r.kind, "about": r.about, "prediction": r.prediction, "rank": r.rank}
                for r in score.near_misses_raised
            ],
        },
        "missed": [{"kind": m.kind, "about": m.about} for m in score.missed],
    }


def _resolution_table(score: ResolutionScore) -> Table:
    table = Table(title="Person resolution (subject refs)", title_justify="left")
    for column in ("measure", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    for name, s in (("pairwise", score.pairwise), ("B-cubed", score.bcubed)):
        table.add_row(name, _shown(s.precision), _shown(s.recall), _shown(s.f1))
    decoys = (
        f"{len(score.decoys_merged or ())} of {score.decoy_pairs} similar-named pairs merged"
        if score.decoy_pairs is not None
        else "decoys not marked in the truth"
    )
    table.caption = (
        f"{score.refs} refs, {score.true_persons} persons, {score.predicted_clusters} clusters "
        f"({score.unpredicted_refs} refs unpredicted); clusters mixing persons: "
        f"{score.mixed_clusters}; {decoys}"
    )
    table.caption_justify = "left"
    return table


def _mentions_table(score: MentionScore) -> Table:
    table = Table(title="Mentions by type", title_justify="left")
    table.add_column("type")
    for column in ("truth", "predicted", "matched", "recall", "precision"):
        table.add_column(column, justify="right")
    for t in score.by_type.values():
        table.add_row(
            t.type,
            str(t.truth),
            str(t.scored),
            str(t.matched),
            _shown(t.recall),
            _shown(t.precision),
        )
    roles = score.roles
    table.caption = (
        f"person roles: {_shown(roles.accuracy)} accurate over {roles.compared} compared; "
        "predicted counts only records that have truth spans"
    )
    table.caption_justify = "left"
    return table


def _opportunities_table(score: OpportunityScore) -> Table:
    table = Table(title="Opportunities by kind", title_justify="left")
    table.add_column("kind")
    for column in ("truth", "predicted", "matched"):
        table.add_column(column, justify="right")
    for k in CUTOFFS:
        table.add_column(f"R@{k}", justify="right")
    table.add_column("recall", justify="right")
    table.add_column("precision", justify="right")
    for kind in score.by_kind.values():
        table.add_row(
            kind.kind,
            str(kind.truth),
            str(kind.predicted),
            str(kind.matched),
            *(_shown(kind.recall_at(k)) for k in CUTOFFS),
            _shown(kind.recall),
            _shown(kind.precision),
        )
    at = ", ".join(f"P@{k} {_shown(score.precision_at(k))}" for k in CUTOFFS)
    table.caption = (
        f"all kinds: recall {_shown(score.recall)}, precision {_shown(score.precision)}, {at}; "
        f"near-misses raised {len(score.near_misses_raised)} of {score.near_misses}"
    )
    table.caption_justify = "left"
    return table


def _near_miss_table(score: OpportunityScore) -> Table:
    table = Table(title="Near-misses raised", title_justify="left")
    for column in ("rank", "kind", "about", "prediction"):
        table.add_column(column)
    for raised in score.near_misses_raised:
        table.add_row(str(raised.rank), raised.kind, raised.about, raised.prediction or "")
    return table
