"""The measuring instrument: an analysis scored against a synthetic bundle's truth.

Every later stage (mention extraction, entity resolution, opportunity
detection) is measured with :func:`evaluate`. The definitions of every score
are in ``docs/evaluation.md``.

Example::

    truth = Truth.load(Path("bundle/truth.json"))
    prediction = Prediction.from_jsonl(Path("entities.jsonl"), Path("opportunities.jsonl"))
    print(evaluate(truth, prediction).to_json())
"""

from __future__ import annotations

from threadline.evaluate.mentions import score_mentions
from threadline.evaluate.opportunities import score_opportunities
from threadline.evaluate.prediction import Prediction
from threadline.evaluate.report import EvaluationReport
from threadline.evaluate.resolution import score_resolution
from threadline.evaluate.truth import Truth

__all__ = ["EvaluationReport", "Prediction", "Truth", "evaluate"]


def evaluate(truth: Truth, prediction: Prediction) -> EvaluationReport:
    """Score a prediction against the truth.

    Raises:
        InputError: the prediction has a field of the wrong type; the error
            names the list, the position in it (1-based) and the field.
    """
    prediction.validate()
    return EvaluationReport(
        resolution=score_resolution(truth, prediction.entities),
        mentions=score_mentions(truth, prediction.mentions),
        opportunities=score_opportunities(truth, prediction.opportunities, prediction.entities),
    )
