"""People named only in the text become persons of their own (``resolve/text_people.py``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.analyse.opportunity_world import World
from threadline.analyse.stage import SilentProgress
from threadline.extract.stage import ExtractStage
from threadline.ingest import import_path
from threadline.ingest.importer import Importer
from threadline.resolve.export import entity_objects
from threadline.resolve.mentions import MentionRow
from threadline.resolve.stage import ResolveStage
from threadline.resolve.text_people import FULL_NAME, NAMED_IN_RECORD, text_people
from threadline.store.entity_models import EntityMember
from threadline.workspace import Workspace


def mention(mid: int, record: str, text: str, type_: str = "person") -> MentionRow:
    return MentionRow(mid, record, 0, len(text), text, type_, text, "CLOVER")


def test_full_names_in_either_order_are_one_person_and_a_lone_surname_follows_them() -> None:
    found = text_people(
        [
            mention(1, "R1", "Florin STAN"),
            mention(2, "R1", "STAN"),
            mention(3, "R2", "STAN Florin"),
            mention(4, "R3", "Florin STAN"),
            mention(5, "R4", "STAN"),  # no full name in R4: too little
            mention(6, "R1", "RV05 KTX", "vehicle"),
        ]
    )
    assert len(found) == 1
    [stan] = found
    assert sorted(stan.mentions) == [
        (1, FULL_NAME),
        (2, NAMED_IN_RECORD),
        (3, FULL_NAME),
        (4, FULL_NAME),
    ]
    assert stan.label == "Florin STAN"


def test_initials_nicknames_and_ambiguous_words_make_no_person() -> None:
    found = text_people(
        [
            mention(1, "R1", "F STAN"),
            mention(2, "R1", "Taz"),
            mention(3, "R2", "Adam COOPER"),
            mention(4, "R2", "Jack COOPER"),
            mention(5, "R2", "COOPER"),  # two Coopers named in R2: which one?
        ]
    )
    assert sorted(p.label for p in found) == ["Adam COOPER", "Jack COOPER"]
    assert all(len(p.mentions) == 1 for p in found)


def test_ids_are_stable_across_runs() -> None:
    first = text_people([mention(1, "R1", "Florin STAN")])
    again = text_people([mention(9, "R7", "STAN Florin")])
    assert first[0].id == again[0].id


def test_a_name_some_subject_carries_is_left_to_the_subject_rules() -> None:
    stan = ("florin", "stan")
    found = text_people([mention(1, "R1", "Florin STAN")], subject_names=[stan])
    assert found == []


def test_a_nickname_of_two_words_a_subject_lists_is_no_person() -> None:
    found = text_people(
        [mention(1, "R1", "Taxi Man"), mention(2, "R2", "Big Man")], nicknames={"taximan"}
    )
    assert [p.label for p in found] == ["Big Man"]


def test_persons_of_the_text_are_stored_on_both_databases(
    workspace: Workspace, tmp_path: Path
) -> None:
    w = World()
    text = "Source reports Florin STAN collecting girls from Mill Road. STAN uses a grey van."
    w.record("R1", text=text)
    w.record("R2", op="CHARD", text="STAN Florin seen again.")
    import_path(Importer(workspace), w.write(tmp_path / "bundle"))
    ExtractStage().run(workspace, SilentProgress())
    ResolveStage().run(workspace, SilentProgress())
    with workspace.reading() as session:
        [person] = list(entity_objects(session, type_="person"))
        vias = set(session.scalars(select(EntityMember.via).where(EntityMember.kind == "mention")))
    assert person["label"] == "Florin STAN"
    assert person["operations"] == ["CHARD", "CLOVER"]
    assert [m["text"] for m in person["mentions"]] == ["Florin STAN", "STAN", "STAN Florin"]
    assert NAMED_IN_RECORD in vias  # longer than the 40 characters the column once had


def test_a_name_one_slip_from_a_subjects_makes_no_person_of_the_text() -> None:
    from threadline.resolve.engine import features_table
    from threadline.resolve.features import SubjectRow
    from threadline.resolve.mentions import misspelt_names

    table = features_table([SubjectRow("R9/S1", "Sean MURPHY", operation="CLOVER")])
    mentions = [mention(1, "R1", "Seán MIRPHY"), mention(2, "R2", "Florin STAN")]
    misspelt = misspelt_names(table, mentions)
    assert misspelt == {1}  # most likely Sean MURPHY mistyped, whoever of that name
    found = text_people(mentions, misspelt=misspelt)
    assert [p.label for p in found] == ["Florin STAN"]


def test_a_carried_name_written_with_one_car_in_two_records_is_a_person_of_its_own() -> None:
    from threadline.resolve.text_people import WITH_IDENTIFIER

    campbell = ("clive", "campbell")
    mentions = [
        mention(1, "R1", "CAMPBELL Clive"),
        mention(2, "R1", "CAMPBELL"),
        mention(3, "R2", "Clive Campbell"),
        mention(4, "R3", "Clive CAMPBELL"),  # another car: another man, perhaps
        mention(5, "R4", "Clive CAMPBELL"),  # no car at all
    ]
    cars = {"R1": {"F781TRG"}, "R2": {"F781TRG"}, "R3": {"AB12CDE"}}
    found = text_people(mentions, subject_names=[campbell], identifiers=cars)
    [person] = found
    assert sorted(person.mentions) == [
        (1, WITH_IDENTIFIER),
        (2, NAMED_IN_RECORD),
        (3, WITH_IDENTIFIER),
    ]
    assert person.key == "campbell|clive@F781TRG"
    # A man of that name seen with the car elsewhere: the name and car are his (or a
    # namesake's the rules could not tell apart), never a stranger's.
    seen = {("campbell|clive", "F781TRG")}
    assert text_people(mentions, subject_names=[campbell], identifiers=cars, seen=seen) == []
    # One record is not enough.
    assert text_people(mentions[:2], subject_names=[campbell], identifiers=cars) == []


def test_names_seen_with_reads_the_records_of_every_carrier() -> None:
    from threadline.resolve.mentions import Carrier, PersonNames
    from threadline.resolve.text_people import names_seen_with

    carriers = [Carrier("R9/S1", "CLOVER", "clive", "campbell", "c", (), "clive", "campbell")]
    known = {"E-1": PersonNames(frozenset(), frozenset(), frozenset({"R9", "EV-1"}))}
    joined = {7: ("E-1", "rule")}
    mentions = [mention(7, "R8", "Clive CAMPBELL")]
    identifiers = {"EV-1": {"F781TRG"}, "R8": {"07700900123"}, "R2": {"AB12CDE"}}
    seen = names_seen_with(carriers, {"R9/S1": "E-1"}, known, joined, mentions, identifiers)
    assert seen == {("campbell|clive", "F781TRG"), ("campbell|clive", "07700900123")}


def test_a_short_name_with_a_letter_dropped_makes_no_person_of_the_text() -> None:
    from threadline.resolve.engine import features_table
    from threadline.resolve.features import SubjectRow
    from threadline.resolve.mentions import misspelt_names
    from threadline.resolve.spelling import dropped_letter, one_slip

    table = features_table([SubjectRow("R9/S1", "Adam HALL", operation="CLOVER")])
    mentions = [
        mention(1, "R1", "Adam HLL"),  # HALL with a letter dropped
        mention(2, "R2", "Jordan HLL"),  # another forename: not Adam HALL
        mention(3, "R3", "HALL Adm"),  # either order
    ]
    assert not one_slip("hll", "hall")  # too short for a slip that joins
    assert dropped_letter("hll", "hall") and not dropped_letter("ali", "alo")
    assert misspelt_names(table, mentions) == {1, 3}
    assert [p.label for p in text_people(mentions, misspelt={1, 3})] == ["Jordan HLL"]
