"""Unit tests of resolution's pure parts: features, variants, Soundex, constrained clustering."""

from __future__ import annotations

import datetime as dt
from typing import Any

from threadline.resolve.cluster import cluster
from threadline.resolve.features import SubjectRow, person_features
from threadline.resolve.identifiers import (
    Occurrence,
    classify,
    entity_id,
    group_places,
    link_place_keys,
    place_key_names,
    place_keys,
)
from threadline.resolve.mentions import MentionRow
from threadline.resolve.variants import canonical_forename, canonical_surname, fold, soundex


def test_soundex_follows_the_standard() -> None:
    assert soundex("robert") == soundex("rupert") == "R163"
    assert soundex("ashcraft") == "A261"
    assert soundex("tymczak") == "T522"
    assert soundex("pfister") == "P236"
    assert soundex("") is None


def test_variants_group_transliterations_and_nicknames() -> None:
    assert canonical_forename("muhammad") == canonical_forename("mo") == "mohammed"
    assert canonical_forename(fold("Paweł")) == canonical_forename("paul")
    assert canonical_surname("aly") == "ali"
    assert canonical_forename("zebedee") == "zebedee"


def test_features_of_a_subject() -> None:
    row = SubjectRow(
        ref="R/S1",
        name="ALI, Mohamed",
        dob=dt.date(1979, 3, 2),
        phones=["07700 900123", "not a phone"],
        vehicles=["ab12 cde"],
        postcode="rv6 2ab",
        address="12 Canal St, Riverton",
        nominal="NICHE-44821",
    )
    f = person_features(0, row)
    assert (f.fn, f.fn_canon, f.sn, f.sn_canon) == ("mohamed", "mohammed", "ali", "ali")
    assert f.dob == "1979-03-02" and f.dob_swapped == "1979-02-03"
    assert f.phones == ["+447700900123"] and f.vehicles == ["AB12CDE"]
    assert f.postcode == "RV6 2AB" and f.address == "12 canal street"
    assert f.nominal_system == "NICHE-#"


def test_age_gives_a_birth_year_from_the_owners_date() -> None:
    row = SubjectRow(ref="R/S1", name="Mohamed Aly", age=25, owner_date=dt.date(2004, 6, 1))
    f = person_features(0, row)
    assert f.birth_year == 1979 and f.birth_year_from_age and f.dob is None


def test_fingerprint_changes_with_the_subject() -> None:
    a = person_features(0, SubjectRow(ref="X/S1", name="Ann SMITH"))
    b = person_features(5, SubjectRow(ref="X/S1", name="Ann SMITH"))
    c = person_features(0, SubjectRow(ref="X/S1", name="Anne SMITH"))
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


def test_clustering_honours_cannot_link_against_chains() -> None:
    # 0-1 and 1-2 are strong; 0 and 2 must never be together.
    clusters, used = cluster(range(3), [(0, 1), (1, 2)], cannot=[(0, 2)])
    assert sorted(map(sorted, clusters.groups())) == [[0, 1], [2]]
    assert used == [0]


def test_clustering_takes_must_links_first() -> None:
    clusters, used = cluster(range(4), [(2, 3)], must=[(0, 1)])
    assert sorted(map(sorted, clusters.groups())) == [[0, 1], [2, 3]]
    assert used == [0, 1]


def test_clustering_keeps_two_nominals_of_one_system_apart() -> None:
    # 0-1 is stronger than 1-2; 0 and 2 hold different NICHE nominals: the weaker join goes.
    nominals = {0: ("NICHE-#", "NICHE-1"), 2: ("NICHE-#", "NICHE-2")}
    clusters, used = cluster(range(3), [(0, 1), (1, 2)], nominals=nominals)
    assert sorted(map(sorted, clusters.groups())) == [[0, 1], [2]]
    assert used == [0]
    # Nominals of different systems say nothing: CRIMES and NICHE give one man two.
    other = {0: ("NICHE-#", "NICHE-1"), 2: ("CRN#", "CRN2")}
    clusters, _ = cluster(range(3), [(0, 1), (1, 2)], nominals=other)
    assert sorted(map(sorted, clusters.groups())) == [[0, 1, 2]]
    # An analyst's must-link joins two nominals of one system; a third subject with
    # either of them may then join, one with a third nominal may not.
    nominals = {**nominals, 3: ("NICHE-#", "NICHE-2"), 4: ("NICHE-#", "NICHE-3")}
    clusters, _ = cluster(range(5), [(0, 3), (0, 4)], must=[(0, 2)], nominals=nominals)
    assert sorted(map(sorted, clusters.groups())) == [[0, 2, 3], [1], [4]]


def test_resolution_by_rule_keeps_two_nominals_of_one_system_apart() -> None:
    from threadline.resolve.engine import resolve_by_rule
    from threadline.resolve.features import features_table

    born = dt.date(1972, 3, 18)
    rows = [
        SubjectRow("A/S1", "Lee COOPER", dob=born, nominal="NICHE-0817812"),
        SubjectRow("B/S1", "Lee COOPER", dob=born, nominal="NICHE-0838447"),
        SubjectRow("C/S1", "Lee COOPER", dob=born, nominal="CRN0633757"),
    ]
    groups = sorted(map(sorted, resolve_by_rule(features_table(rows), [], []).groups))
    assert groups in ([[0], [1, 2]], [[0, 2], [1]])  # the CRIMES subject joins one of them
    assert sorted(map(sorted, resolve_by_rule(features_table(rows), [(0, 1)], []).groups)) == [
        [0, 1, 2]
    ]


def test_identifiers_classify_and_ids_are_stable() -> None:
    assert classify("ab12 cde") == ("vehicle", "AB12CDE")
    assert classify("07700 900123") == ("phone", "+447700900123")
    assert classify("Ann <ANN@Example.org>") == ("email", "ann@example.org")
    assert classify("hello") is None
    assert entity_id("phone", "+447700900123") == entity_id("phone", "+447700900123")


def _occ(ref: str, record: str | None = None) -> Occurrence:
    return Occurrence("record", ref, "locations", record or ref, "OP", ref)


def _groups(items: list[tuple[str | None, str | None, Occurrence]]) -> list[list[str]]:
    return sorted(sorted(o.ref for o in p.members) for p in group_places(items))


def test_places_join_on_building_and_premises() -> None:
    assert _groups(
        [
            ("Mumtaz Takeaway, 4 Wellgate, Riverton", "RV6 1AA", _occ("a")),
            ("4 WELLGATE", None, _occ("b")),
            ("Mumtaz Takeaway, Riverton", None, _occ("c")),
            ("9 Other Road", "RV6 1AA", _occ("d")),
        ]
    ) == [["a", "b", "c"], ["d"]]


def test_place_keys_read_the_building_not_the_flat_or_the_town() -> None:
    flat = place_keys("Flat 5, 12 Mill Road, Riverton", "rv6 1aa")
    assert (flat.street, flat.unit, flat.premises, flat.postcode) == (
        "12 mill road",
        "flat 5",
        None,
        "RV6 1AA",
    )
    assert place_keys("Apt. 5 12 Mill Rd", None).unit == "flat 5"
    assert place_keys("Apt. 5 12 Mill Rd", None).street == "12 mill road"
    # A number written as a part of its own goes with the street after it.
    shop = place_keys("Silver News, 58, Orchard Close, Riverton", None)
    assert (shop.premises, shop.street) == ("silver news", "58 orchard close")
    # A bare number before a numbered street is a flat.
    flat6 = place_keys("6, 124 Clover Walk", None)
    assert (flat6.street, flat6.unit) == ("124 clover walk", "flat 6")
    # No comma before the town; the postcode inside the address.
    assert place_keys("12 Mill Road Riverton RV6 1AA", None).street == "12 mill road"
    assert place_keys("12 Mill Road, RV6 1AA", None).postcode == "RV6 1AA"
    # A street without a number after a premises name is an area, not a key.
    park = place_keys("Bramble Rec, Bramble Close, Riverton", None)
    assert (park.premises, park.street, park.road) == ("bramble rec", None, "bramble close")
    assert place_keys("Mumtaz Takeaway, Riverton", None).road is None  # a town is no road
    assert place_key_names(place_keys("Regal Cabs, 10 Mill Rd", None), "OP") == [
        "street:10 mill road",
        "branch:regal cabs@mill road",
        "local:OP:regal cabs",
        "premises:regal cabs",
    ]
    assert place_key_names(place_keys("Flat 5, 12 Mill Road", None)) == [
        "street:12 mill road/flat 5"
    ]
    assert place_key_names(place_keys(None, "RV6 1AA")) == ["postcode:RV6 1AA"]


def test_flats_of_different_buildings_never_share_a_place() -> None:
    assert _groups(
        [
            ("Flat 5, 12 Mill Road", None, _occ("a")),
            ("Flat 5, 30 Station Road", None, _occ("b")),
            ("FLAT 5, 12 MILL RD, RIVERTON", None, _occ("c")),
            ("Flat 6, 12 Mill Road", None, _occ("d")),
        ]
    ) == [["a", "c"], ["b"], ["d"]]


def test_a_premises_is_one_place_however_written() -> None:
    assert _groups(
        [
            ("Silver News, 58, Orchard Close", None, _occ("a")),
            ("Silver News, 58 Orchard Cl, Riverton", "RV1 2AB", _occ("b")),
            ("58 Orchard Close", None, _occ("c")),
            ("Silver News", None, _occ("d")),
        ]
    ) == [["a", "b", "c", "d"]]


def test_a_chains_name_does_not_merge_its_branches() -> None:
    groups = _groups(
        [
            ("Golden Spice, 200 Sorrel Terrace", None, _occ("a", "R1")),
            ("Golden Spice, 14 Mill Lane", None, _occ("b", "R2")),
            # an operation that knows no branch
            ("Golden Spice", None, Occurrence("record", "c", "locations", "R3", "OP2", "c")),
            # named in the text of a record whose locations give the building
            ("Golden Spice", None, Occurrence("mention", "m", "text", "R2", "OP", "m")),
        ]
    )
    assert groups == [["a"], ["b", "m"], ["c"]]


def _in(ref: str, operation: str, record: str | None = None) -> Occurrence:
    return Occurrence("mention", ref, "text", record or ref, operation, ref)


def test_a_chains_branch_is_told_by_its_street_or_by_the_one_its_operation_knows() -> None:
    groups = _groups(
        [
            ("Regal Cabs, 10 Holme Avenue", None, _in("a", "OP1")),
            ("Regal Cabs, 3 Mill Road", None, _in("b", "OP2")),
            # the street without a number tells the branch, whatever the operation
            ("Regal Cabs, Holme Ave", None, _in("c", "OP3")),
            ("REGAL CABS, MILL ROAD, RIVERTON", None, _in("d", "OP1")),
            # the name alone: the one branch its operation knows ...
            ("Regal Cabs", None, _in("e", "OP2")),
            # ... else a place of its own in that operation, never joined across operations
            ("Regal Cabs", None, _in("f", "OP4")),
            ("Regal Cabs", None, _in("g", "OP4")),
            ("Regal Cabs", None, _in("h", "OP5")),
        ]
    )
    assert groups == [["a", "c"], ["b", "d", "e"], ["f", "g"], ["h"]]
    # An operation that knows two branches cannot tell which one the name alone means:
    # it joins no place.
    groups = _groups(
        [
            ("Regal Cabs, 10 Holme Avenue", None, _in("a", "OP1")),
            ("Regal Cabs, Mill Road", None, _in("b", "OP1")),
            ("Regal Cabs", None, _in("c", "OP1")),
        ]
    )
    assert groups == [["a"], ["b"]]
    # Two numbers on one street are two buildings: the street alone tells neither.
    groups = _groups(
        [
            ("Regal Cabs, 10 Mill Road", None, _in("a", "OP1")),
            ("Regal Cabs, 80 Mill Road", None, _in("b", "OP2")),
            ("Regal Cabs, Mill Road", None, _in("c", "OP3")),
        ]
    )
    assert groups == [["a"], ["b"], ["c"]]


def test_a_premises_name_alone_joins_the_building_its_record_gives() -> None:
    groups = _groups(
        [
            ("Regal Cabs, 10 Holme Avenue", None, _in("a", "OP1")),
            ("Regal Cabs, 3 Mill Road", None, _in("b", "OP1")),
            # the record gives only the building; its text names the premises known there
            ("10 Holme Avenue", None, _in("c", "OP2", "R1")),
            ("Regal Cabs", None, _in("d", "OP2", "R1")),
            # a building where the name is not known tells nothing
            ("7 Kiln Lane", None, _in("e", "OP3", "R2")),
            ("Regal Cabs", None, _in("f", "OP3", "R2")),
        ]
    )
    assert groups == [["a", "c", "d"], ["b"], ["e"], ["f"]]


def test_a_premises_known_at_one_place_is_one_place_in_every_operation() -> None:
    groups = _groups(
        [
            ("Lucky Kebab House, 127 Bank Terrace", None, _in("a", "OP1")),
            ("Lucky Kebab House, 127 Bank Terr", "CQ5 8ZU", _in("b", "OP2")),
            ("Lucky Kebab House, Bank Terrace", None, _in("c", "OP3")),
            ("Lucky Kebab House", None, _in("d", "OP4")),
        ]
    )
    assert groups == [["a", "b", "c", "d"]]


def test_a_new_key_that_renames_a_stored_place_keeps_its_members() -> None:
    # The stored place is named by its premises; a building written with that premises
    # renames it (a new entity id) and every member must follow.
    held = [{"premises:mumtaz takeaway"}]
    place_of = link_place_keys([["street:4 wellgate", "premises:mumtaz takeaway"]], held)
    assert place_of["premises:mumtaz takeaway"] == "street:4 wellgate"
    # A stored place never splits, even when its premises name turns out to be a chain's.
    held = [{"street:4 wellgate", "premises:golden spice"}]
    place_of = link_place_keys([["street:9 mill lane", "premises:golden spice"]], held)
    assert place_of["premises:golden spice"] == "street:4 wellgate"
    assert place_of["street:9 mill lane"] == "street:9 mill lane"


def test_dates_of_birth_a_generation_apart_never_share_a_cluster() -> None:
    from threadline.resolve.cluster import dates_compatible

    assert dates_compatible("1979-03-02", "1979-02-03")  # day and month swapped
    assert dates_compatible("1979-03-02", "1978-03-02")  # a year out
    assert dates_compatible("1979-03-02", "1979-03-12")
    assert not dates_compatible("1979-03-02", "1952-03-02")
    # a birth year from an age: within three years of a date's year, or of another such year
    assert dates_compatible("~1981", "1979-03-02") and dates_compatible("~1976", "~1979")
    assert not dates_compatible("~1959", "1977-05-31") and not dates_compatible("~1952", "~1945")
    # Father (0) and son (2) share a name and an address; 1 has no date of birth.
    traits = {0: "1952-05-01", 2: "1979-03-02"}
    clusters, _ = cluster(range(3), [(0, 1), (1, 2)], traits=traits, compatible=dates_compatible)
    assert sorted(map(sorted, clusters.groups())) == [[0, 1], [2]]
    # An analyst's must-link overrides the dates (never a cannot-link).
    clusters, _ = cluster(range(3), [], must=[(0, 2)], traits=traits, compatible=dates_compatible)
    assert sorted(map(sorted, clusters.groups())) == [[0, 2], [1]]


def _mention(id_: int, record: str, text: str, operation: str = "OP1") -> MentionRow:
    return MentionRow(id_, record, 0, len(text), text, "person", None, operation)


def _subjects() -> list[SubjectRow]:
    rows = [
        ("R1/S1", "Jian LIN", (), "OP1", "R1"),
        ("R2/S1", "Adam COOPER", ("Coop",), "OP1", "R2"),
        ("R3/S1", "Adam COOPER", (), "OP2", "R3"),
        ("R4/S1", "Roxana CONSTANTIN", ("Rocky",), "OP1", "R4"),
        ("R5/S1", "Ruth CONSTANT", ("Rocky",), "OP2", "R5"),
        ("R6/S1", "Emma BYRNE", (), "OP1", "R6"),
        ("R7/S1", "Eric BYRNE", (), "OP1", "R7"),
        ("R8/S1", "Tom BYRNE", (), "OP2", "R8"),
        ("R9/S1", "Dee WALSH", ("Snowy",), "OP1", "R9"),
    ]
    return [
        SubjectRow(ref, name, aliases, operation=op, record_id=record)
        for ref, name, aliases, op, record in rows
    ]


def _join_in_records(
    subjects: list[SubjectRow],
    mentions: list[MentionRow],
    entity_of: dict[str, str],
    context: dict[str, set[str]] | None = None,
    known: dict[str, Any] | None = None,
) -> dict[int, tuple[str, str]]:
    """``join_person_mentions`` as the stage calls it: the subjects of the mentions' own
    records are local, every subject carries its name."""
    from threadline.resolve.engine import features_table
    from threadline.resolve.mentions import join_person_mentions, name_carriers

    carriers = name_carriers(features_table(subjects), mentions)
    records = {m.record_id for m in mentions}
    local = [s for s in subjects if s.record_id in records]
    return join_person_mentions(mentions, local, entity_of, carriers, context, known)


def _joined(mentions: list[MentionRow]) -> dict[int, tuple[str, str]]:
    subjects = _subjects()
    # one person entity per subject, except the two Adam COOPERs (two people)
    entity_of = {s.ref: "E-" + s.ref.split("/")[0] for s in subjects}
    return _join_in_records(subjects, mentions, entity_of)


def test_mentions_join_full_names_within_the_operation() -> None:
    from threadline.resolve import mentions as rules

    joined = _joined(
        [
            _mention(1, "X1", "Jian Lin"),  # one person anywhere
            _mention(2, "X2", "COOPER Adam"),  # two people, one in this operation
            _mention(3, "X3", "Adam Cooper", operation="OP9"),  # two people, none here
            _mention(4, "R2", "Adam COOPER"),  # a subject of the record
        ]
    )
    assert joined == {
        1: ("E-R1", rules.FULL_ANYWHERE),
        2: ("E-R2", rules.FULL_IN_OPERATION),
        4: ("E-R2", rules.FULL_IN_RECORD),
    }


def test_mentions_join_a_surname_and_initial_only_when_unique_in_the_operation() -> None:
    from threadline.resolve import mentions as rules

    joined = _joined(
        [
            _mention(1, "X1", "J. LIN"),
            _mention(2, "X2", "E BYRNE"),  # Emma and Eric, both of OP1
            _mention(3, "X3", "T. BYRNE", operation="OP2"),
        ]
    )
    assert joined == {
        1: ("E-R1", rules.INITIAL_IN_OPERATION),
        3: ("E-R8", rules.INITIAL_IN_OPERATION),
    }


def test_mentions_one_word_needs_the_record_or_a_listed_alias() -> None:
    from threadline.resolve import mentions as rules

    joined = _joined(
        [
            # the record names Jian LIN in full, then "LIN"
            _mention(1, "X1", "Jian LIN"),
            _mention(2, "X1", "LIN"),
            # a surname alone, not in its record: several BYRNEs anywhere
            _mention(3, "X2", "BYRNE"),
            # a nickname alone that no subject lists: not enough
            _mention(4, "X3", "Ghost"),
            # a nickname only Dee WALSH lists, in her operation
            _mention(5, "X4", "Snowy"),
            # "Rocky" is listed by two people (one per operation): not enough
            _mention(6, "X5", "Rocky"),
            # a nickname listed in the record's own subject
            _mention(7, "R2", "COOPER"),
        ]
    )
    assert joined == {
        1: ("E-R1", rules.FULL_ANYWHERE),
        2: ("E-R1", rules.WORD_NAMED_IN_RECORD),
        5: ("E-R9", rules.ALIAS_LISTED),
        7: ("E-R2", rules.WORD_IN_RECORD),
    }


def test_mentions_stop_where_the_record_is_ambiguous() -> None:
    # Two subjects of one record share the surname: "BYRNE" alone joins neither, and the
    # operation-wide rules are not consulted.
    from threadline.resolve.engine import features_table
    from threadline.resolve.mentions import join_person_mentions, name_carriers

    subjects = [
        SubjectRow("R1/S1", "Emma BYRNE", operation="OP1", record_id="R1"),
        SubjectRow("R1/S2", "Eric BYRNE", operation="OP1", record_id="R1"),
    ]
    mentions = [_mention(1, "R1", "BYRNE"), _mention(2, "R1", "E. BYRNE")]
    entity_of = {"R1/S1": "E-1", "R1/S2": "E-2"}
    carriers = name_carriers(features_table(subjects), mentions)
    assert join_person_mentions(mentions, subjects, entity_of, carriers) == {}


def test_a_rare_name_weighs_more_than_a_common_one() -> None:
    import math

    import pyarrow as pa

    from threadline.resolve.engine import features_table
    from threadline.resolve.people import adjust_for_name_frequency

    names = ["Jian LIN"] * 2 + ["John SMITH"] * 50 + [f"Person{i} OTHER{i}" for i in range(48)]
    table = features_table([SubjectRow(f"R{i}/S1", n) for i, n in enumerate(names)])
    u_exact = 0.05
    exact = math.log2(0.9 / u_exact)
    model = {
        "comparisons": [
            {
                "output_column_name": "name",
                "comparison_levels": [
                    {"label_for_charts": "exact", "m_probability": 0.9, "u_probability": u_exact}
                ],
            }
        ]
    }
    scored = pa.table(
        {
            "unique_id_l": pa.array([0, 2, 0], pa.int64()),
            "unique_id_r": pa.array([1, 3, 2], pa.int64()),
            "match_weight": [3.0, 3.0, 1.0],
            "match_probability": [0.89, 0.89, 0.67],
            "mw_name": [exact, exact, 2.0],  # the third pair is not an exact name
        }
    )
    out = adjust_for_name_frequency(scored, table, model).to_pydict()
    rare, common, other = out["mw_name_frequency"]
    assert rare == math.log2(u_exact / (2 / 100)) and rare > 0
    assert common == math.log2(u_exact / (50 / 100)) and common < 0
    assert other == 0.0
    assert out["match_weight"] == [3.0 + rare, 3.0 + common, 1.0]
    p = out["match_probability"][0]
    assert abs(p - 1 / (1 + 2 ** -(3.0 + rare))) < 1e-12


def test_an_undated_subject_between_a_mother_and_daughter_of_one_name_stays_alone() -> None:
    import pyarrow as pa

    from threadline.resolve.engine import ScoredPairs, _cluster

    # 0 and 3: Orla KELLY born 1989; 1: Orla KELLY born 1952, same home; 2: no date.
    left, right = [2, 2, 0], [0, 1, 3]
    weights = [12.0, 11.9, 11.0]
    table = pa.table(
        {
            "unique_id_l": pa.array(left, pa.int64()),
            "unique_id_r": pa.array(right, pa.int64()),
            "match_weight": weights,
            "match_probability": [0.9998, 0.9997, 0.9995],
        }
    )
    pairs = ScoredPairs(table, left, right, weights, [0.9998, 0.9997, 0.9995], {})
    dobs = {0: "1989-05-30", 1: "1952-04-15", 3: "1989-05-30"}
    groups, _ = _cluster([0, 1, 2, 3], pairs, [], [], [], dobs)
    assert sorted(groups) == [[0, 3], [1], [2]]
    # with only one of them in reach, it joins her
    pairs = ScoredPairs(table.slice(0, 1), left[:1], right[:1], weights[:1], [0.9998], {})
    groups, _ = _cluster([0, 1, 2, 3], pairs, [], [], [], dobs)
    assert sorted(groups) == [[0, 2], [1], [3]]


def test_features_of_many_subjects_are_each_subjects_own() -> None:
    # Computed once per distinct value and spread back over the rows: every row must
    # get what it would get alone, whatever repeats and whatever is missing.
    from threadline.resolve.features import features_table

    owner = dt.date(2010, 6, 1)
    rows = [
        SubjectRow("A/S1", "ALI, Mohamed", dob=dt.date(1979, 3, 2), phones=["07700 900123"]),
        SubjectRow("A/S2", "Mohamed ALI", age=31, owner_date=owner, postcode="rv6 2ab"),
        SubjectRow("A/S3", None, aliases=["Mo", 7], vehicles=["ab12 cde"], nominal="NICHE-1"),
        SubjectRow("A/S4", "ALI", dob=dt.date(1979, 3, 2), address="12 Canal St, Riverton"),
        SubjectRow("A/S5", "ALI, Mohamed", age=200, owner_date=owner, gender="Male"),
        SubjectRow("A/S6", "J SMITH", phones=["07700 900123", "junk"], address=""),
    ]
    together = features_table(rows, start=10).to_pylist()
    for i, row in enumerate(rows):
        alone = features_table([row], start=10 + i).to_pylist()[0]
        assert together[i] == alone
    assert together[1]["birth_year"] == 1979 and together[1]["birth_year_from_age"]
    assert together[4]["birth_year"] is None and not together[4]["birth_year_from_age"]
    assert together[3]["sn_alone"] == "ali" and together[0]["sn_alone"] is None
    assert together[5]["phone1"] == "+447700900123" and together[5]["phones"] == ["+447700900123"]
    assert together[2]["aliases"] == [canonical_forename("mo")] and together[2]["fn"] is None


def test_one_slip_is_one_edit_of_a_name_long_enough() -> None:
    from threadline.resolve.spelling import deletion_keys, one_slip

    assert one_slip("wilkinson", "wikinson")  # a letter dropped
    assert one_slip("fletcher", "fletcehr")  # two neighbours swapped
    assert one_slip("briggs", "brigggs")  # a letter doubled
    assert one_slip("hussain", "hossain")  # a letter mistyped
    assert not one_slip("ali", "alo")  # too short to tell a slip from another name
    assert not one_slip("meuh", "miah")  # two slips
    assert not one_slip("smith", "smith")
    assert not deletion_keys("fletcher").isdisjoint(deletion_keys("fletcehr"))


def test_mentions_join_a_misspelt_or_fuller_name_of_a_subject_of_the_record() -> None:
    from threadline.resolve import mentions as rules

    subjects = [
        SubjectRow("R1/S1", "Zoe WILKINSON", operation="OP1", record_id="R1"),
        SubjectRow("R2/S1", "J. PARKIN", operation="OP1", record_id="R2"),
        SubjectRow("R3/S1", "Gallagher SEAN", operation="OP1", record_id="R3"),
        SubjectRow("R4/S1", "Adebayo CHUKWU", ("Taxi Man",), operation="OP1", record_id="R4"),
        SubjectRow("R5/S1", "Eoin BYRNE", ("Razor",), operation="OP1", record_id="R5"),
        SubjectRow("R6/S1", "Callum MARSH", operation="OP1", record_id="R6"),
        SubjectRow("R7/S1", "Adam GREEN", operation="OP2", record_id="R7"),
        SubjectRow("R8/S1", "Adam GREEN", operation="OP2", record_id="R8"),
    ]
    entity_of = {s.ref: "E-" + s.ref.split("/")[0] for s in subjects}
    mentions = [
        _mention(1, "R1", "Zoë WIKINSON"),  # one slip from the record's subject
        _mention(2, "R2", "James PARKIN"),  # fills in the initial the record gives
        _mention(3, "R3", "Sean GALLAGHER"),  # the other reading of a name in capitals
        _mention(4, "R4", "Taxi Man"),  # a nickname of two words the subject lists
        _mention(5, "R5", "Razor"),  # a nickname the record's subject lists
        _mention(6, "X1", "Callum MRASH"),  # nobody carries it: one slip from one of OP1
        _mention(7, "X2", "Adam GREEN", operation="OP2"),  # two people carry it exactly
        _mention(8, "X3", "Adam GREON", operation="OP2"),  # one slip from two people
    ]
    assert _join_in_records(subjects, mentions, entity_of) == {
        1: ("E-R1", rules.FULL_ALIKE_IN_RECORD),
        2: ("E-R2", rules.FULL_COMPLETES_IN_RECORD),
        3: ("E-R3", rules.FULL_IN_RECORD),
        4: ("E-R4", rules.ALIAS_IN_RECORD),
        5: ("E-R5", rules.ALIAS_IN_RECORD),
        6: ("E-R6", rules.FULL_ALIKE_IN_OPERATION),
    }


def test_a_name_several_people_carry_joins_the_one_seen_with_the_records_car() -> None:
    from threadline.resolve import mentions as rules
    from threadline.resolve.engine import features_table
    from threadline.resolve.mentions import join_person_mentions, name_carriers

    subjects = [
        SubjectRow("R1/S1", "Hawre ABDULLAH", operation="OP1", record_id="R1"),
        SubjectRow("R2/S1", "Hawre ABDULLAH", operation="OP1", record_id="R2"),
        SubjectRow("R3/S1", "Hawre ABDULLAH", ("Ginger",), operation="OP2", record_id="R3"),
    ]
    entity_of = {s.ref: "E-" + s.ref.split("/")[0] for s in subjects}
    context = {
        "R1": {"M521GPW"},  # the first Hawre ABDULLAH's record names the car
        "R3": {"+447700900123"},
        "X1": {"M521GPW"},  # a log naming him with the car, and no subject
        "X2": {"M521GPW"},  # a surname alone, with the car
        "X3": {"+447700900999"},  # a car or phone nobody else is seen with
        "X4": {"+447700900123"},  # the third one's phone, but he is of OP2
    }
    mentions = [
        _mention(1, "X1", "Hawre ABDULLAH"),
        _mention(2, "X2", "ABDULLAH"),
        _mention(3, "X3", "Hawre ABDULLAH"),
        _mention(4, "X4", "ABDULLAH"),
        _mention(5, "R1", "ABDULLAH"),  # a subject of the record: its own rule
    ]
    local = [s for s in subjects if s.record_id in {m.record_id for m in mentions}]
    carriers = name_carriers(features_table(subjects), mentions)
    joined = join_person_mentions(mentions, local, entity_of, carriers, context)
    assert joined == {
        1: ("E-R1", rules.FULL_WITH_IDENTIFIER),
        2: ("E-R1", rules.WORD_WITH_IDENTIFIER),
        5: ("E-R1", rules.WORD_IN_RECORD),
    }
    # A companion tells them apart as a car does: the victim E-V of R2 is named in X5 too.
    context = {"R2": {"person:E-V"}, "X5": {"person:E-V"}}
    joined = join_person_mentions(
        [_mention(6, "X5", "Hawre ABDULLAH")], [], entity_of, carriers, context
    )
    assert joined == {6: ("E-R2", rules.FULL_WITH_IDENTIFIER)}
    # Without what the records name, a name three people carry joins none of them.
    assert join_person_mentions(mentions, local, entity_of, carriers) == {
        5: ("E-R1", rules.WORD_IN_RECORD)
    }


def test_a_nickname_joins_the_person_its_record_names_who_lists_it() -> None:
    from threadline.resolve import mentions as rules
    from threadline.resolve.engine import features_table
    from threadline.resolve.mentions import join_person_mentions, name_carriers

    subjects = [
        SubjectRow("R1/S1", "Imran SHAH", ("Immy",), operation="OP1", record_id="R1"),
        SubjectRow("R2/S1", "Tariq HUSSAIN", ("Immy",), operation="OP1", record_id="R2"),
    ]
    entity_of = {s.ref: "E-" + s.ref.split("/")[0] for s in subjects}
    # "Immy" is listed by two people, but X1 names one of them in full.
    mentions = [
        _mention(1, "X1", "Imran SHAH"),
        _mention(2, "X1", "Immy"),
        _mention(3, "X2", "Immy"),
    ]
    carriers = name_carriers(features_table(subjects), mentions)
    assert join_person_mentions(mentions, [], entity_of, carriers) == {
        1: ("E-R1", rules.FULL_ANYWHERE),
        2: ("E-R1", rules.ALIAS_OF_NAMED_IN_RECORD),
    }


def test_said_alike_is_vowels_and_doubled_letters_not_consonants() -> None:
    from threadline.resolve.spelling import alike_words, sounding

    assert sounding("rasul") == sounding("rasool")  # a transliteration's vowels
    assert sounding("qader") == sounding("kadir")  # q, c and k are one sound
    assert sounding("khan") == sounding("kan")  # a silent h
    assert sounding("ali") is None  # too little left to tell one name from another
    assert sounding("jones") != sounding("james")
    assert alike_words("nuri", "noori")
    assert not alike_words("nuri", "noori", said_from=5)  # a lone word needs more letters
    assert alike_words("okfor", "okafor")  # one slip
    assert not alike_words("wright", "white")


def test_mentions_join_the_subject_of_their_record_however_its_person_is_written() -> None:
    from threadline.resolve import mentions as rules
    from threadline.resolve.mentions import PersonNames

    subjects = [
        SubjectRow("R1/S1", "Aram RASUL", operation="OP1", record_id="R1"),
        SubjectRow("R2/S1", "Aram RASOOL", operation="OP2", record_id="R2"),
        SubjectRow("R3/S1", "Jawad NOORI", operation="OP1", record_id="R3"),
        SubjectRow("R4/S1", "Craig MOORE", operation="OP1", record_id="R4"),
        SubjectRow("R5/S1", "Paige GREEN", operation="OP1", record_id="R5"),
        SubjectRow("R5/S2", "Atkinson MARK", operation="OP1", record_id="R5"),
        SubjectRow("R6/S1", "Adebayo OKAFOR", operation="OP1", record_id="R6"),
        SubjectRow("R7/S1", "Florin IONESCU", operation="OP1", record_id="R7"),
        SubjectRow("R7/S2", "Marius IONESCU", operation="OP1", record_id="R7"),
    ]
    entity_of = {s.ref: "E-" + s.ref.split("/")[0] for s in subjects}
    entity_of["R2/S1"] = "E-R1"  # one man, written two ways
    entity_of["R5/S2"] = "E-R5b"
    entity_of["R7/S2"] = "E-R7b"
    known = {
        "E-R1": PersonNames(
            frozenset({rules.Name.of("Aram RASUL"), rules.Name.of("Aram RASOOL")}), frozenset()
        ),
        "E-R4": PersonNames(
            frozenset({rules.Name.of("Craig MOORE")}), frozenset({rules.nickname_key("Big Man")})
        ),
    }
    mentions = [
        _mention(1, "R1", "Aram RASOOL"),  # how his person is written elsewhere
        _mention(2, "R3", "Jawad NURI"),  # said alike
        _mention(3, "R4", "Big Man"),  # a nickname another of his subjects lists
        _mention(4, "R5", "P. GREN"),  # an initial and a misspelt surname
        _mention(5, "R5", "M ATKINSON"),  # a name in capitals read the other way round
        _mention(6, "R6", "OKFOR"),  # a lone surname, one slip
        _mention(7, "R7", "IONECU"),  # one slip from two subjects: which one?
        _mention(8, "R4", "MORE"),  # too short to be said alike alone, but one slip
    ]
    assert _join_in_records(subjects, mentions, entity_of, {}, known) == {
        1: ("E-R1", rules.FULL_OF_PERSON_IN_RECORD),
        2: ("E-R3", rules.FULL_SAID_IN_RECORD),
        3: ("E-R4", rules.FULL_OF_PERSON_IN_RECORD),
        4: ("E-R5", rules.INITIAL_ALIKE_IN_RECORD),
        5: ("E-R5b", rules.INITIAL_ALIKE_IN_RECORD),
        6: ("E-R6", rules.WORD_ALIKE_IN_RECORD),
        8: ("E-R4", rules.WORD_ALIKE_IN_RECORD),
    }


def test_a_name_several_people_carry_joins_the_one_seen_at_the_records_place() -> None:
    from threadline.resolve import mentions as rules
    from threadline.resolve.engine import features_table
    from threadline.resolve.mentions import PersonNames, join_person_mentions, name_carriers

    subjects = [
        SubjectRow("R1/S1", "Hawre ABDULLAH", operation="OP1", record_id="R1"),
        SubjectRow("R2/S1", "Hawre ABDULLAH", operation="OP1", record_id="R2"),
        SubjectRow("A1/S1", "H. ABDULLAH", operation="OP1"),
    ]
    entity_of = {"R1/S1": "E-1", "R2/S1": "E-2", "A1/S1": "E-2"}
    known = {
        "E-1": PersonNames(frozenset(), frozenset(), frozenset({"R1"})),
        "E-2": PersonNames(frozenset(), frozenset(), frozenset({"R2", "A1"})),
    }
    context = {
        "A1": {rules.PLACE + "E-takeaway"},  # an action about the second, at the takeaway
        "X1": {rules.PLACE + "E-takeaway"},
        "X2": {rules.PLACE + "E-takeaway"},
    }
    mentions = [
        _mention(1, "X1", "Hawre ABDULLAH"),  # a full name at the place: the second
        _mention(2, "X2", "ABDULLAH"),  # a lone word at a place is too little
        _mention(3, "X3", "Hawre ABDULLAH"),  # named with a companion the text names
        _mention(4, "X3", "Rocky ZHANG"),
    ]
    carriers = name_carriers(features_table(subjects), mentions)
    joined = join_person_mentions(mentions, [], entity_of, carriers, context, known)
    assert joined == {1: ("E-2", rules.FULL_WITH_IDENTIFIER)}
    # A companion the text of X3 names is a subject of a record of the first one.
    context["R1"] = {rules.PERSON + "E-Z"}
    entity_of["R1/S2"] = "E-Z"
    subjects.append(SubjectRow("R1/S2", "Rocky ZHANG", operation="OP1", record_id="R1"))
    known["E-Z"] = PersonNames(frozenset(), frozenset(), frozenset({"R1"}))
    carriers = name_carriers(features_table(subjects), mentions)
    joined = join_person_mentions(mentions, [], entity_of, carriers, context, known)
    assert joined[3] == ("E-1", rules.FULL_WITH_IDENTIFIER)


def test_a_mention_does_not_join_beyond_its_record_a_person_of_the_opposite_role() -> None:
    from dataclasses import replace

    from threadline.resolve import mentions as rules
    from threadline.resolve.engine import features_table
    from threadline.resolve.mentions import PersonNames, join_person_mentions, name_carriers

    subjects = [
        SubjectRow("R1/S1", "Chloe WRIGHT", operation="OP1", record_id="R1", role="victim"),
        SubjectRow("R2/S1", "Imran SHAH", operation="OP1", record_id="R2", role="suspect"),
    ]
    entity_of = {s.ref: "E-" + s.ref.split("/")[0] for s in subjects}
    known = {
        "E-R1": PersonNames(frozenset(), frozenset(), frozenset({"R1"}), frozenset({"victim"})),
        "E-R2": PersonNames(frozenset(), frozenset(), frozenset({"R2"}), frozenset({"suspect"})),
    }
    mentions = [
        _mention(1, "X1", "Chloe WRIGHT"),
        _mention(2, "X2", "Imran SHAH"),
        _mention(3, "X3", "Chloe WRIGHT"),
        _mention(4, "X4", "Imran SHAH"),
    ]
    roles = {1: "victim", 2: "suspect", 3: "suspect", 4: "victim"}
    mentions = [replace(m, role=roles[m.id]) for m in mentions]
    carriers = name_carriers(features_table(subjects), mentions)
    joined = join_person_mentions(mentions, [], entity_of, carriers, known=known)
    # The girl named as a victim, the man named as a suspect; never the other way round.
    assert joined == {1: ("E-R1", rules.FULL_ANYWHERE), 2: ("E-R2", rules.FULL_ANYWHERE)}
    # Within the record the subject decides, whatever the role.
    local = [s for s in subjects if s.record_id == "R1"]
    inside = replace(mentions[2], record_id="R1")
    assert join_person_mentions([inside], local, entity_of, carriers, known=known) == {
        3: ("E-R1", rules.FULL_IN_RECORD)
    }
    # A person of both roles (a victim once, a suspect since) is no contradiction.
    both = PersonNames(frozenset(), frozenset(), frozenset(), frozenset({"victim", "suspect"}))
    assert not both.contradicts("suspect") and not both.contradicts("victim")


def test_a_nickname_several_people_list_joins_the_one_seen_with_the_records_car() -> None:
    from threadline.resolve import mentions as rules
    from threadline.resolve.engine import features_table
    from threadline.resolve.mentions import join_person_mentions, name_carriers

    subjects = [
        SubjectRow("R1/S1", "S. ALI", ("Dizzy",), operation="OP1", record_id="R1"),
        SubjectRow("R2/S1", "Omar FAROOQ", ("Dizzy",), operation="OP1", record_id="R2"),
    ]
    entity_of = {s.ref: "E-" + s.ref.split("/")[0] for s in subjects}
    context = {"R1": {"D6MYV"}, "X1": {"D6MYV"}, "X2": {"AB12CDE"}}
    mentions = [_mention(1, "X1", "Dizzy"), _mention(2, "X2", "Dizzy")]
    carriers = name_carriers(features_table(subjects), mentions)
    joined = join_person_mentions(mentions, [], entity_of, carriers, context)
    assert joined == {1: ("E-R1", rules.WORD_WITH_IDENTIFIER)}


def test_a_role_only_the_extractors_default_gave_contradicts_nothing() -> None:
    from threadline.resolve.mentions import PersonNames, _mention_row

    row = ("R1", 0, 12, "Rebecca HALL", "person", None, "OP1")
    assert _mention_row(1, *row, "suspect", "default").role is None  # no cue: a prior
    assert _mention_row(1, *row, "suspect", "before").role == "suspect"
    assert _mention_row(1, *row, "victim", "age").role == "victim"
    girl = PersonNames(frozenset(), frozenset(), frozenset(), frozenset({"victim"}))
    assert girl.contradicts("suspect") and not girl.contradicts(None)


def _linked_groups(
    items: list[tuple[str, Occurrence]], context: dict[str, set[str]]
) -> list[list[str]]:
    """Places as the stage makes them, with the records' people, vehicles and phones."""
    from itertools import compress

    from threadline.resolve.identifiers import (
        link_place_keys,
        place_key_names,
        place_keys,
        unplaceable,
        with_linked_records,
        with_record_context,
    )

    keyed = [(place_key_names(place_keys(a, None), o.operation_id), o) for a, o in items]
    written = with_linked_records(keyed, with_record_context(keyed), context)
    kept = [not drop for drop in unplaceable(written)]
    keyed, written = list(compress(keyed, kept)), list(compress(written, kept))
    place_of = link_place_keys(written)
    groups: dict[str, list[str]] = {}
    for names, (_, occurrence) in zip(written, keyed, strict=True):
        groups.setdefault(place_of[names[0]], []).append(occurrence.ref)
    return sorted(groups.values())


def test_a_chains_name_alone_is_the_branch_its_records_people_and_cars_are_seen_at() -> None:
    items = [
        ("Express Burger Bar, 2 Ash Terrace", _in("a", "OP1", "R1")),
        ("Express Burger Bar, 155 Slate Row", _in("b", "OP1", "R2")),
        ("Express Burger Bar, Ash Terrace", _in("c", "OP2", "R3")),
        # the operation knows both branches: the name alone is no place ...
        ("Express Burger Bar", _in("d", "OP1", "R4")),
        # ... unless the same man and his car are in records at one of them
        ("Express Burger Bar", _in("e", "OP1", "R5")),
        # an operation that knows no branch, tied to one by two records of one man
        ("Express Burger Bar", _in("f", "OP3", "R6")),
    ]
    context = {
        "R1": {"person:E-1"},
        "R3": {"person:E-1", "vehicle:X80YCL"},
        "R2": {"person:E-2"},
        "R4": {"person:E-9"},
        "R5": {"person:E-1", "vehicle:X80YCL"},
        "R6": {"person:E-1"},
    }
    assert _linked_groups(items, context) == [["a", "c", "e", "f"], ["b"]]
    # one tie is not enough, and ties to two branches tell neither
    context["R5"] = {"vehicle:X80YCL"}
    context["R6"] = {"person:E-1", "person:E-2"}
    assert _linked_groups(items, context) == [["a", "c"], ["b"], ["f"]]


def _attachment(operation: str, seen: int) -> list[list[int]]:
    """0 and 1: one Conor McCARTHY, a victim in OP1 in 2000 (a strong pair); 2: a Conor
    McCARTHY alone, in ``operation`` in ``seen``, whose only pair with 1 is weak, on the
    name and a date of birth one character off."""
    import pyarrow as pa

    from threadline.resolve.engine import ScoredPairs, _cluster

    left, right, weights, probabilities = [0, 1], [1, 2], [20.0, 4.7], [0.99999, 0.964]
    scored = pa.table(
        {
            "unique_id_l": pa.array(left, pa.int64()),
            "unique_id_r": pa.array(right, pa.int64()),
            "match_weight": weights,
            "match_probability": probabilities,
            "mw_name": [10.9, 10.9],
            "mw_dob": [12.0, 6.55],
        }
    )
    levels = {
        "name": [(10.9, "exact")],
        "dob": [(12.0, "exact"), (6.55, "one character off")],
    }
    pairs = ScoredPairs(scored, left, right, weights, probabilities, levels)
    features = pa.table(
        {
            "unique_id": pa.array([0, 1, 2], pa.int64()),
            "operation": ["OP1", "OP1", operation],
            "seen": pa.array([2000, 2001, seen], pa.int64()),
            "nominal": pa.array([None, None, None], pa.string()),
            "nominal_system": pa.array([None, None, None], pa.string()),
        }
    )
    dobs = {0: "1986-06-18", 1: "1986-06-18", 2: "1986-06-10"}
    groups, _ = _cluster([0, 1, 2], pairs, [], [], [], dobs, [], features)
    return sorted(groups)


def test_a_slipped_date_attaches_only_a_subject_the_material_places_near() -> None:
    # Another operation, twenty years on, nothing else in common: a second man.
    assert _attachment("OP2", 2020) == [[0, 1], [2]]
    # The same operation, or records of one period: a slip of the same man's date.
    assert _attachment("OP1", 2020) == [[0, 1, 2]]
    assert _attachment("OP2", 2009) == [[0, 1, 2]]


def test_a_join_on_a_name_and_a_home_alone_comes_after_better_founded_ones() -> None:
    import pyarrow as pa

    from threadline.resolve.engine import ScoredPairs, _cluster

    # 0: Patrick QUINN with a date, a home and no nominal; 1: a Patrick QUINN with the
    # home only and NICHE-2; 2: Patrick QUINN with the date and NICHE-1. The home-only
    # pair 0-1 is the heavier, but a family shares a home: 0-2 goes first, and the
    # nominals then refuse 0-1.
    left, right, weights, probabilities = [0, 0], [1, 2], [11.9, 10.0], [0.9997, 0.999]
    scored = pa.table(
        {
            "unique_id_l": pa.array(left, pa.int64()),
            "unique_id_r": pa.array(right, pa.int64()),
            "match_weight": weights,
            "match_probability": probabilities,
            "mw_name": [11.2, 11.2],
            "mw_home": [12.6, None],
            "mw_dob": [None, 12.0],
        }
    )
    pairs = ScoredPairs(scored, left, right, weights, probabilities, {})
    features = pa.table(
        {
            "unique_id": pa.array([0, 1, 2], pa.int64()),
            "operation": ["OP1", "OP2", "OP1"],
            "seen": pa.array([2011, 2012, 2009], pa.int64()),
            "nominal": pa.array([None, "NICHE-2", "NICHE-1"], pa.string()),
            "nominal_system": pa.array([None, "NICHE-#", "NICHE-#"], pa.string()),
        }
    )
    dobs = {0: "1981-08-19", 2: "1981-08-19"}
    groups, _ = _cluster([0, 1, 2], pairs, [], [], [], dobs, [], features)
    assert sorted(groups) == [[0, 2], [1]]
