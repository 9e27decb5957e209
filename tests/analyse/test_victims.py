"""Victims of a place counted as children: one child under two spellings is one."""

from __future__ import annotations

from threadline.analyse.opportunities.victims import distinct_victims


def test_one_child_written_twice_is_one_victim() -> None:
    # either order, capitals, one typing slip in either word
    assert distinct_victims({"E1": [("STAN Roxana", None)], "E2": [("Roxana Stan", None)]}) == 1
    assert distinct_victims({"E1": [("WOOD Kelly", None)], "E2": [("Kellly Wood", None)]}) == 1
    assert (
        distinct_victims({"E1": [("GALLAGHR Niamh", None)], "E2": [("Niamh GALLAGHER", None)]}) == 1
    )
    # the same name with dates of birth that differ by a slip (day and month swapped)
    same = {"E1": [("Amy GREEN", "2006-03-04")], "E2": [("Amy Green", "2006-04-03")]}
    assert distinct_victims(same) == 1
    same = {"E1": [("Roxana STAN", "1996-11-23")], "E2": [("STAN Roxana", "1996-12-03")]}
    assert distinct_victims(same) == 1
    # surname first without capitals
    assert distinct_victims({"E1": [("Singh RAJESH", None)], "E2": [("Rajesh Singh", None)]}) == 1
    # a spelling of the forename no table knows, with the same surname and date of birth
    same = {"E1": [("Neve Gallagher", "1982-09-14")], "E2": [("GALLAGHR Niamh", "1982-09-14")]}
    assert distinct_victims(same) == 1


def test_different_children_stay_apart() -> None:
    # sisters: one surname, two forenames
    assert distinct_victims({"E1": [("Amy GREEN", None)], "E2": [("Zoe GREEN", None)]}) == 2
    # one name, dates of birth years apart
    apart = {"E1": [("Amy GREEN", "2006-03-04")], "E2": [("Amy GREEN", "2009-11-20")]}
    assert distinct_victims(apart) == 2
    # twins: one surname, one date of birth, two initials
    twins = {"E1": [("Amy GREEN", "2006-03-04")], "E2": [("Zoe GREEN", "2006-03-04")]}
    assert distinct_victims(twins) == 2
    # too little to tell: an initial, a surname alone, no name at all
    assert distinct_victims({"E1": [("K. SHARMA", None)], "E2": [("Kiran SHARMA", None)]}) == 2
    assert distinct_victims({"E1": [("SHARMA", None)], "E2": [("SHARMA", None)]}) == 2
    assert distinct_victims({"E1": [(None, None)], "E2": [(None, None)], "E3": []}) == 3
