"""How long person-resolution scoring takes on 10k, 100k and 1,000,000 subject refs.

Prints, for each size, the seconds to index the truth, to score resolution
alone, and to run the whole ``evaluate`` (with no mentions or opportunities),
and the cost per ref as a ratio to the smallest size measured in the same run:
a ratio near 1 means the scoring stays linear (no pair is ever enumerated).

    .venv/bin/python bench/evaluate.py [--max 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from threadline.evaluate import Prediction, Truth, evaluate
from threadline.evaluate.resolution import score_resolution


def world(refs: int, seed: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A truth of persons with 1 to 8 refs each, and a noisy predicted clustering.

    The prediction splits about a tenth of persons in two, merges about a
    twentieth with their neighbour, and leaves about 1% of refs unpredicted.
    """
    rng = random.Random(seed)
    persons: dict[str, dict[str, Any]] = {}
    made = 0
    while made < refs:
        size = min(rng.randint(1, 8), refs - made)
        persons[f"P{len(persons):07d}"] = {
            "subjects": [f"INT-{made + i:07d}/S1" for i in range(size)]
        }
        made += size
    entities: list[dict[str, Any]] = []
    for person in persons.values():
        kept = [r for r in person["subjects"] if rng.random() > 0.01]
        roll = rng.random()
        if roll < 0.1 and len(kept) > 1:
            cut = rng.randint(1, len(kept) - 1)
            entities.append({"id": f"E{len(entities)}", "type": "person", "subjects": kept[:cut]})
            entities.append({"id": f"E{len(entities)}", "type": "person", "subjects": kept[cut:]})
        elif roll < 0.15 and entities:
            entities[-1]["subjects"].extend(kept)
        else:
            entities.append({"id": f"E{len(entities)}", "type": "person", "subjects": kept})
    return {"persons": persons}, entities


def timed(action: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=1_000_000, help="largest number of refs")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [n for n in (10_000, 100_000, 1_000_000) if n < args.max] + [args.max]
    print(
        f"{'refs':>10} {'index truth s':>14} {'resolution s':>13} {'evaluate s':>11} "
        f"{'per-ref ratio':>14}  pairwise P/R/F1, B-cubed F1"
    )
    baseline: float | None = None
    for n in sizes:
        data, entities = world(n, args.seed)
        index_s, truth = timed(lambda data=data: Truth.from_dict(data))
        resolution_s, score = timed(
            lambda truth=truth, entities=entities: score_resolution(truth, entities)
        )
        prediction = Prediction(entities=entities)
        evaluate_s, _ = timed(
            lambda truth=truth, prediction=prediction: evaluate(truth, prediction)
        )
        per_ref = (index_s + evaluate_s) / n
        baseline = baseline or per_ref
        p = score.pairwise
        print(
            f"{n:>10,} {index_s:>14.2f} {resolution_s:>13.2f} {evaluate_s:>11.2f} "
            f"{per_ref / baseline:>14.2f}  {p.precision:.3f}/{p.recall:.3f}/{p.f1:.3f}, "
            f"{score.bcubed.f1:.3f}"
        )


if __name__ == "__main__":
    main()
