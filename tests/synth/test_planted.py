"""Planted opportunities of all eight kinds, and near-misses, at scale 1."""

from __future__ import annotations

from collections import Counter

from tests.synth.conftest import Bundle
from threadline.synth.truth import KINDS


def test_every_planted_opportunity_is_found_and_no_near_miss_is(scale_one: Bundle) -> None:
    assert scale_one.summary.planted_missing == ()
    assert scale_one.summary.near_misses_spoiled == ()
    assert scale_one.summary.planted > 50


def test_each_kind_is_planted_several_times(scale_one: Bundle) -> None:
    planted = Counter(o["kind"] for o in scale_one.truth["opportunities"] if o.get("planted"))
    assert set(planted) == set(KINDS)
    assert min(planted.values()) >= 4


def test_each_kind_has_near_misses(scale_one: Bundle) -> None:
    near = Counter(o["kind"] for o in scale_one.truth["near_misses"])
    assert set(near) == set(KINDS)
    assert min(near.values()) >= 4


def test_background_gives_rise_to_opportunities_by_chance(scale_one: Bundle) -> None:
    unplanted = Counter(o["kind"] for o in scale_one.truth["opportunities"] if not o.get("planted"))
    assert set(unplanted) == set(KINDS)


def test_the_boundaries_are_planted_on_both_sides(scale_one: Bundle) -> None:
    planted = {o.get("variant") for o in scale_one.truth["opportunities"] if o.get("planted")}
    near = {o["variant"] for o in scale_one.truth["near_misses"]}
    assert {"action on day 91", "cancelled action", "action on day 29"} <= planted
    assert {"raised and cancelled actions only", "phone only"} <= planted
    assert {"live action on day 90", "suspect arrested on day 90", "arrest on day 28"} <= near
    assert {"arrested", "traced", "disrupted", "covered by the owner's link"} <= near
    assert {"third record is a report", "victims' home address only"} <= near


def test_summary_counts_are_truth_counts(scale_one: Bundle) -> None:
    opportunities = Counter(o["kind"] for o in scale_one.truth["opportunities"])
    near = Counter(o["kind"] for o in scale_one.truth["near_misses"])
    assert scale_one.summary.opportunities == {k: opportunities[k] for k in KINDS}
    assert scale_one.summary.near_misses == {k: near[k] for k in KINDS}
