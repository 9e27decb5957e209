"""``threadline synth``: a synthetic world of case material, with ground truth.

The world is the fictional town of Cindermoor: an umbrella operation with two
or three live operations, five to seven closed historic operations, and an
independent review. It is written one neighbourhood at a time, straight to
disk, with planted opportunities and near-misses in each; ``truth.json`` says
who every subject and span really is and lists every opportunity the
definitions find in the whole bundle, by a reference check over the true world.

Same seed and scale, same bytes. See ``docs/synth.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from threadline.errors import ThreadlineError
from threadline.synth.cells import Neighbourhood, hubs
from threadline.synth.operations import NOW
from threadline.synth.rng import stream
from threadline.synth.scenarios import NEAR_MISSES, OPPORTUNITIES, Stage
from threadline.synth.truth import KINDS, Opportunity
from threadline.synth.world import World
from threadline.synth.writer import BundleWriter

__all__ = ["CELLS_PER_SCALE", "SynthError", "SynthSummary", "generate"]

#: Neighbourhoods per unit of scale: scale 1 is about 2,000 records.
CELLS_PER_SCALE = 86

Progress = Callable[[int, int], None]


class SynthError(ThreadlineError):
    """The generator cannot write where it was asked to, or was asked something it cannot do."""


@dataclass(frozen=True)
class SynthSummary:
    """What a run wrote.

    Attributes:
        opportunities: true opportunities in ``truth.json`` per kind (every kind listed).
        near_misses: near-misses in ``truth.json`` per kind (every kind listed).
        planted: opportunities the scenarios planted (all of them are in ``opportunities``
            unless ``planted_missing`` says otherwise).
        planted_missing: planted opportunities the reference check did not find
            (``kind target``); empty unless the generator has a bug.
        near_misses_spoiled: near-misses the check found to be opportunities after
            all; left out of ``truth.json``; empty unless the generator has a bug.
        phones_reused: background phone numbers handed out again to another person
            (only in very large worlds; see ``identifiers.py``).
    """

    out: Path
    seed: int
    scale: float
    operations: int
    records: int
    actions: int
    events: int
    files: int
    subjects: int
    persons: int
    opportunities: dict[str, int]
    near_misses: dict[str, int]
    planted: int
    planted_missing: tuple[str, ...]
    near_misses_spoiled: tuple[str, ...]
    phones_reused: int

    def to_json(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        out["out"] = str(self.out)
        return out


def _prepare(out: Path) -> Path:
    """A fresh sibling directory to write into, renamed to ``out`` when complete."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SynthError(f"{out}: the output directory exists and is not empty; choose another")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.parent / f".{out.name}.partial"
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir()
    return partial


def _key(opportunity: Opportunity) -> tuple[str, str]:
    return opportunity.kind, opportunity.target


def generate(
    out: Path,
    *,
    seed: int = 1,
    scale: float = 1.0,
    progress: Progress | None = None,
) -> SynthSummary:
    """Write a synthetic case bundle with ``truth.json`` into ``out``.

    Args:
        out: a directory that does not exist yet (or is empty).
        seed: the world; the same seed and scale give the same bytes.
        scale: 1 is about 2,000 records; the number of records grows in proportion.
        progress: called with (neighbourhoods written, neighbourhoods in all).

    Raises:
        SynthError: ``out`` is not empty, or the scale is not positive.
    """
    if not scale > 0:
        raise SynthError(f"scale must be a positive number, not {scale}")
    partial = _prepare(out)
    try:
        summary = _write(partial, out, seed, scale, progress)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if out.exists():
        out.rmdir()
    partial.rename(out)
    return summary


def _write(
    target: Path, out: Path, seed: int, scale: float, progress: Progress | None
) -> SynthSummary:
    with tempfile.TemporaryDirectory(prefix="threadline-synth-") as scratch:
        writer = BundleWriter(target, Path(scratch) / "ledger.sqlite")
        try:
            world = World(seed, scale, writer)
            for number, op in enumerate(world.operations):
                writer.operation(op, {"force_code": "MS"} if number == 1 else None)
            travellers = hubs(world)
            cells = max(1, round(CELLS_PER_SCALE * scale))
            for index in range(cells):
                Neighbourhood(world, index, travellers).generate()
                stage = Stage(world, stream(seed, "scenario", index))
                OPPORTUNITIES[index % len(OPPORTUNITIES)](stage)
                NEAR_MISSES[index % len(NEAR_MISSES)](stage)
                writer.ledger.flush()
                if progress is not None:
                    progress(index + 1, cells)
            writer.close()
            found = writer.facts.opportunities()
            found_keys = {_key(o) for o in found}
            planted = {_key(p.opportunity): p.opportunity for p in world.planted if not p.near_miss}
            missing = tuple(f"{k} {t}" for k, t in planted if (k, t) not in found_keys)
            found = [
                dataclasses.replace(o, planted=True, variant=planted[_key(o)].variant)
                if _key(o) in planted
                else o
                for o in found
            ]
            near = [p.opportunity for p in world.planted if p.near_miss]
            spoiled = tuple(f"{o.kind} {o.target}" for o in near if _key(o) in found_keys)
            near = [o for o in near if _key(o) not in found_keys]
            near.sort(key=lambda o: (KINDS.index(o.kind), o.target))
            with (target / "truth.json").open("w", encoding="utf-8", newline="\n") as handle:
                writer.ledger.write_truth(
                    handle,
                    opportunities=found,
                    near_misses=near,
                    decoys=world.people.decoy_pairs,
                )
            _manifest(target, seed, scale)
        finally:
            writer.close()
            writer.ledger.close()
    counts = writer.counts
    return SynthSummary(
        out=out,
        seed=seed,
        scale=scale,
        operations=len(world.operations),
        records=counts["records"],
        actions=counts["actions"],
        events=counts["events"],
        files=counts["files"],
        subjects=counts["subjects"],
        persons=world.people.count,
        opportunities=_per_kind(found),
        near_misses=_per_kind(near),
        planted=len(planted),
        planted_missing=missing,
        near_misses_spoiled=spoiled,
        phones_reused=world.phonebook.reused,
    )


def _per_kind(items: list[Opportunity]) -> dict[str, int]:
    counts = Counter(o.kind for o in items)
    return {kind: counts.get(kind, 0) for kind in KINDS}


def _manifest(target: Path, seed: int, scale: float) -> None:
    created = dt.datetime(NOW.year, NOW.month, NOW.day, 18, 0, tzinfo=dt.UTC)
    manifest = {
        "format": "threadline-bundle",
        "version": 1,
        "name": f"Cindermoor synthetic CSE material (seed {seed}, scale {scale:g})",
        "created": created.isoformat().replace("+00:00", "Z"),
        "description": (
            "Synthetic case material about a fictional town, written by threadline synth. "
            "No real person, place, phone or vehicle. truth.json holds the ground truth."
        ),
        "generator": {"name": "threadline synth", "seed": seed, "scale": scale},
    }
    with (target / "manifest.json").open("w", encoding="utf-8", newline="\n") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")
