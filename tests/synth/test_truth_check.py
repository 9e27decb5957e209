"""The reference check of opportunities.md, on tiny hand-built worlds."""

from __future__ import annotations

import datetime as dt

import pytest

from threadline.synth.operations import is_high_grade
from threadline.synth.truth import FactBook, MentionFact, Opportunity, SubjectFact

D0 = dt.date(2010, 3, 1)
S = SubjectFact
M = MentionFact


def day(offset: int) -> dt.date:
    return D0 + dt.timedelta(days=offset)


def rec(
    book: FactBook,
    rid: str,
    *,
    op: str = "A",
    kind: str = "intelligence",
    at: int | None = 0,
    received: int | None = None,
    subjects: tuple[SubjectFact, ...] = (),
    mentions: tuple[MentionFact, ...] = (),
    locations: tuple[str, ...] = (),
    links: tuple[str, ...] = (),
    high: bool = False,
) -> None:
    book.add_record(
        rid,
        operation=op,
        kind=kind,
        date=day(at) if at is not None else None,
        received=day(received) if received is not None else None,
        high_grade=high,
        subjects=subjects,
        mentions=mentions,
        locations=locations,
        links=links,
    )


def act(
    book: FactBook,
    aid: str,
    *,
    status: str,
    at: int = 0,
    op: str = "A",
    records: tuple[str, ...] = (),
    persons: tuple[str, ...] = (),
    identifiers: tuple[str, ...] = (),
) -> None:
    book.add_action(
        aid,
        operation=op,
        status=status,
        raised=day(at),
        records=records,
        subjects=[S(p, "suspect") for p in persons],
        identifiers=identifiers,
    )


def event(
    book: FactBook,
    eid: str,
    kind: str,
    *,
    at: int = 0,
    op: str = "A",
    subjects: tuple[SubjectFact, ...] = (),
    records: tuple[str, ...] = (),
    identifiers: tuple[str, ...] = (),
    location: str | None = None,
) -> None:
    book.add_event(
        eid,
        operation=op,
        kind=kind,
        date=day(at),
        subjects=subjects,
        records=records,
        identifiers=identifiers,
        location=location,
    )


def found(book: FactBook, kind: str) -> dict[str, Opportunity]:
    return {o.target: o for o in book.opportunities() if o.kind == kind}


# unactioned-suspect ----------------------------------------------------------------------


def three_times(book: FactBook, *, third_kind: str = "crime") -> None:
    rec(book, "R1", subjects=(S("P1", "suspect"),))
    rec(book, "R2", kind="statement", subjects=(S("V1", "victim"),), mentions=(M("P1", "suspect"),))
    rec(book, "R3", kind=third_kind, subjects=(S("P1", "suspect"),))


def test_a_suspect_in_three_records_never_acted_on_is_raised() -> None:
    book = FactBook()
    three_times(book)
    got = found(book, "unactioned-suspect")
    assert set(got) == {"P1"}
    assert got["P1"].records == ("R1", "R2", "R3")


def test_reports_do_not_count_towards_the_three() -> None:
    book = FactBook()
    three_times(book, third_kind="report")
    assert found(book, "unactioned-suspect") == {}


def test_a_mention_in_another_role_is_not_a_suspect_mention() -> None:
    book = FactBook()
    rec(book, "R1", subjects=(S("P1", "suspect"),))
    rec(book, "R2", subjects=(S("P1", "suspect"),))
    rec(book, "R3", mentions=(M("P1", "witness"),))
    assert found(book, "unactioned-suspect") == {}


@pytest.mark.parametrize("status", ["raised", "cancelled"])
def test_an_action_that_is_not_live_does_not_act_on_him(status: str) -> None:
    book = FactBook()
    three_times(book)
    act(book, "A1", status=status, persons=("P1",), records=("R1",))
    assert set(found(book, "unactioned-suspect")) == {"P1"}


@pytest.mark.parametrize("status", ["allocated", "resulted", "referred"])
def test_a_live_action_about_him_acts_on_him(status: str) -> None:
    book = FactBook()
    three_times(book)
    act(book, "A1", status=status, persons=("P1",))
    assert found(book, "unactioned-suspect") == {}


@pytest.mark.parametrize(
    ("kind", "acts"),
    [
        ("arrest", True),
        ("interview", True),
        ("charge", True),
        ("conviction", True),
        ("disruption", True),
        ("nfa", False),
        ("acquittal", False),
        ("trace", False),
        ("safeguarding", False),
        ("referral", False),
    ],
)
def test_which_events_act_on_a_person(kind: str, acts: bool) -> None:
    book = FactBook()
    three_times(book)
    event(book, "E1", kind, subjects=(S("P1", "suspect"),))
    assert (found(book, "unactioned-suspect") == {}) is acts


# cross-operation-link --------------------------------------------------------------------


def test_the_same_person_in_two_operations_unjoined_is_raised() -> None:
    book = FactBook()
    rec(book, "R1", op="A", subjects=(S("P1", "suspect"),))
    rec(book, "R2", op="B", mentions=(M("P1", "other"),))
    got = found(book, "cross-operation-link")
    assert set(got) == {"P1"}
    assert got["P1"].operations == ("A", "B")


def test_one_operation_is_not_enough() -> None:
    book = FactBook()
    rec(book, "R1", op="A", subjects=(S("P1", "suspect"),))
    rec(book, "R2", op="A", subjects=(S("P1", "suspect"),))
    assert found(book, "cross-operation-link") == {}


def test_an_umbrella_is_an_operation_of_its_own() -> None:
    # Coordination by the same umbrella is not a join: its records count apart.
    book = FactBook()
    rec(book, "R1", op="UMBRELLA", subjects=(S("P1", "suspect"),))
    rec(book, "R2", op="LIVE", subjects=(S("P1", "suspect"),))
    assert set(found(book, "cross-operation-link")) == {"P1"}


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_a_link_joins_either_way(direction: str) -> None:
    book = FactBook()
    rec(
        book,
        "R1",
        op="A",
        subjects=(S("P1", "suspect"),),
        links=("R2",) if direction == "forward" else (),
    )
    rec(
        book,
        "R2",
        op="B",
        subjects=(S("P1", "suspect"),),
        links=("R1",) if direction == "backward" else (),
    )
    assert found(book, "cross-operation-link") == {}


@pytest.mark.parametrize(
    ("status", "joins"), [("resulted", True), ("cancelled", False), ("raised", False)]
)
def test_an_action_listing_both_joins_only_when_live(status: str, joins: bool) -> None:
    book = FactBook()
    rec(book, "R1", op="A", subjects=(S("P1", "suspect"),))
    rec(book, "R2", op="B", subjects=(S("P1", "suspect"),))
    act(book, "A1", op="C", status=status, records=("R1", "R2"))
    assert (found(book, "cross-operation-link") == {}) is joins


def test_an_event_listing_both_joins() -> None:
    book = FactBook()
    rec(book, "R1", op="A", subjects=(S("P1", "suspect"),))
    rec(book, "R2", op="B", subjects=(S("P1", "suspect"),))
    event(book, "E1", "safeguarding", op="C", records=("R1", "R2"))
    assert found(book, "cross-operation-link") == {}


def test_an_action_of_one_operation_listing_the_others_record_joins() -> None:
    book = FactBook()
    rec(book, "R1", op="A", subjects=(S("P1", "suspect"),))
    rec(book, "R2", op="B", subjects=(S("P1", "suspect"),))
    act(book, "A1", op="B", status="allocated", records=("R1",))
    assert found(book, "cross-operation-link") == {}


def test_an_action_of_a_third_operation_listing_one_record_does_not_join() -> None:
    book = FactBook()
    rec(book, "R1", op="A", subjects=(S("P1", "suspect"),))
    rec(book, "R2", op="B", subjects=(S("P1", "suspect"),))
    act(book, "A1", op="C", status="allocated", records=("R1",))
    assert set(found(book, "cross-operation-link")) == {"P1"}


def test_joins_chain_through_records_that_involve_the_entity_only() -> None:
    book = FactBook()
    rec(book, "R1", op="A", subjects=(S("P1", "suspect"),), links=("R3",))
    rec(book, "R3", op="C", subjects=(S("P1", "suspect"),), links=("R2",))
    rec(book, "R2", op="B", subjects=(S("P1", "suspect"),))
    assert found(book, "cross-operation-link") == {}
    other = FactBook()
    rec(other, "R1", op="A", subjects=(S("P1", "suspect"),), links=("R9",))
    rec(other, "R9", op="C", subjects=(S("P9", "suspect"),), links=("R2",))
    rec(other, "R2", op="B", subjects=(S("P1", "suspect"),))
    assert set(found(other, "cross-operation-link")) == {"P1"}


def test_a_vehicle_always_with_a_linked_person_is_covered_by_him() -> None:
    book = FactBook()
    rec(book, "R1", op="A", subjects=(S("P1", "suspect", vehicles=("vehicle:TA05KTX",)),))
    rec(book, "R2", op="B", subjects=(S("P1", "suspect"),), mentions=(M("vehicle:TA05KTX"),))
    assert set(found(book, "cross-operation-link")) == {"P1"}
    rec(book, "R3", op="C", mentions=(M("vehicle:TA05KTX"),))
    assert set(found(book, "cross-operation-link")) == {"P1", "vehicle:TA05KTX"}


def test_cover_needs_the_person_to_have_a_link_of_his_own() -> None:
    # P1's records are joined through R3, which the car is not in: the car's are not.
    book = FactBook()
    car = ("vehicle:TA05KTX",)
    rec(book, "R1", op="A", subjects=(S("P1", "suspect", vehicles=car),), links=("R3",))
    rec(book, "R3", op="C", subjects=(S("P1", "suspect"),), links=("R2",))
    rec(book, "R2", op="B", subjects=(S("P1", "suspect", vehicles=car),))
    assert set(found(book, "cross-operation-link")) == {"vehicle:TA05KTX"}


# untraced-identifier ---------------------------------------------------------------------


def two_sightings(book: FactBook) -> None:
    rec(book, "R1", subjects=(S("P1", "associate", phones=("phone:+447700900123",)),))
    rec(book, "R2", mentions=(M("phone:+447700900123"),))


def test_a_phone_in_two_records_never_traced_is_raised() -> None:
    book = FactBook()
    two_sightings(book)
    got = found(book, "untraced-identifier")
    assert got["phone:+447700900123"].records == ("R1", "R2")


def test_one_record_is_not_enough_for_an_identifier() -> None:
    book = FactBook()
    rec(book, "R1", mentions=(M("vehicle:TA05KTX"), M("vehicle:TA05KTX")))
    assert found(book, "untraced-identifier") == {}


@pytest.mark.parametrize(
    ("how", "acts"),
    [
        ("trace", True),
        ("resulted", True),
        ("raised", False),
        ("cancelled", False),
        ("arrest", False),
    ],
)
def test_what_acts_on_an_identifier(how: str, acts: bool) -> None:
    book = FactBook()
    two_sightings(book)
    if how in ("trace", "arrest"):
        event(book, "E1", how, identifiers=("phone:+447700900123",))
    else:
        act(book, "A1", status=how, identifiers=("phone:+447700900123",))
    assert (found(book, "untraced-identifier") == {}) is acts


def test_locations_are_not_untraced_identifiers() -> None:
    book = FactBook()
    rec(book, "R1", locations=("location:4-wellgate",))
    rec(book, "R2", mentions=(M("location:4-wellgate"),))
    assert found(book, "untraced-identifier") == {}


# victim-disclosure-not-followed ------------------------------------------------------------


def disclosure(book: FactBook, kind: str = "statement", **extra: object) -> None:
    rec(
        book,
        "ST1",
        kind=kind,
        at=-3,
        received=0,
        subjects=(S("V1", "victim"), S("P1", "suspect")),
        **extra,  # type: ignore[arg-type]
    )


def test_a_disclosure_with_nothing_after_it_is_raised() -> None:
    book = FactBook()
    disclosure(book)
    got = found(book, "victim-disclosure-not-followed")
    assert got["ST1"].records == ("ST1",)
    assert got["ST1"].record == "ST1"


@pytest.mark.parametrize(
    ("kind", "raised"),
    [
        ("statement", True),
        ("interview", True),
        ("referral", True),
        ("intelligence", False),
        ("crime", False),
    ],
)
def test_only_statements_interviews_and_referrals_are_disclosures(kind: str, raised: bool) -> None:
    book = FactBook()
    disclosure(book, kind)
    assert bool(found(book, "victim-disclosure-not-followed")) is raised


def test_a_disclosure_needs_a_victim_subject() -> None:
    book = FactBook()
    rec(book, "ST1", kind="statement", subjects=(S("W1", "witness"), S("P1", "suspect")))
    assert found(book, "victim-disclosure-not-followed") == {}


@pytest.mark.parametrize(("offset", "raised"), [(0, False), (90, False), (91, True), (-1, True)])
def test_the_90_day_window_for_a_live_action_includes_both_ends(offset: int, raised: bool) -> None:
    book = FactBook()
    disclosure(book)
    act(book, "A1", status="allocated", at=offset, records=("ST1",))
    assert bool(found(book, "victim-disclosure-not-followed")) is raised


@pytest.mark.parametrize("status", ["raised", "cancelled"])
def test_a_cancelled_or_only_raised_action_does_not_follow_a_disclosure(status: str) -> None:
    book = FactBook()
    disclosure(book)
    act(book, "A1", status=status, at=10, records=("ST1",), persons=("P1",))
    assert set(found(book, "victim-disclosure-not-followed")) == {"ST1"}


@pytest.mark.parametrize(("offset", "raised"), [(0, False), (90, False), (91, True), (-1, True)])
def test_the_suspect_arrested_in_the_window_follows_it(offset: int, raised: bool) -> None:
    book = FactBook()
    disclosure(book)
    event(book, "E1", "arrest", at=offset, subjects=(S("P1", "suspect"),))
    assert bool(found(book, "victim-disclosure-not-followed")) is raised


def test_the_moment_is_the_date_when_received_is_missing() -> None:
    book = FactBook()
    rec(
        book,
        "ST1",
        kind="statement",
        at=0,
        received=None,
        subjects=(S("V1", "victim"), S("P1", "suspect")),
    )
    event(book, "E1", "arrest", at=90, subjects=(S("P1", "suspect"),))
    assert found(book, "victim-disclosure-not-followed") == {}


def test_a_record_without_a_moment_takes_no_part() -> None:
    book = FactBook()
    rec(
        book,
        "ST1",
        kind="statement",
        at=None,
        received=None,
        subjects=(S("V1", "victim"), S("P1", "suspect")),
    )
    assert found(book, "victim-disclosure-not-followed") == {}


def test_a_phone_in_the_text_identifies_a_suspect_unless_it_is_the_victims_own() -> None:
    phone = "phone:+447700900123"
    book = FactBook()
    rec(book, "ST1", kind="statement", subjects=(S("V1", "victim"),), mentions=(M(phone),))
    assert set(found(book, "victim-disclosure-not-followed")) == {"ST1"}
    own = FactBook()
    rec(
        own,
        "ST1",
        kind="statement",
        subjects=(S("V1", "victim", phones=(phone,)),),
        mentions=(M(phone),),
    )
    assert found(own, "victim-disclosure-not-followed") == {}


def test_an_associates_phone_identifies_a_suspect() -> None:
    phone = "phone:+447700900123"
    book = FactBook()
    rec(
        book,
        "ST1",
        kind="referral",
        subjects=(S("V1", "victim"), S("A1", "associate", phones=(phone,))),
    )
    assert set(found(book, "victim-disclosure-not-followed")) == {"ST1"}
    event(book, "E1", "trace", at=30, identifiers=(phone,))
    assert found(book, "victim-disclosure-not-followed") == {}


def test_a_suspect_named_only_in_the_text_does_not_identify_one() -> None:
    book = FactBook()
    rec(
        book, "ST1", kind="statement", subjects=(S("V1", "victim"),), mentions=(M("P1", "suspect"),)
    )
    assert found(book, "victim-disclosure-not-followed") == {}


# high-grade-intel-undeveloped -------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "source", "intel", "high"),
    [
        ("3x5x2", "1", "A", True),
        ("3x5x2", "1", "B", True),
        ("3x5x2", "1", "C", False),
        ("3x5x2", "2", "A", False),
        ("5x5x5", "A", "1", True),
        ("5x5x5", "B", "3", True),
        ("5x5x5", "B", "4", False),
        ("5x5x5", "C", "1", False),
    ],
)
def test_which_grades_are_high(system: str, source: str, intel: str, high: bool) -> None:
    grade = {"system": system, "source": source, "intelligence": intel, "handling": "P"}
    assert is_high_grade(grade) is high


def high_grade(book: FactBook, *, high: bool = True) -> None:
    rec(book, "INT1", received=0, high=high, subjects=(S("P1", "suspect"),))


def test_high_grade_intelligence_with_nothing_after_is_raised() -> None:
    book = FactBook()
    high_grade(book)
    assert set(found(book, "high-grade-intel-undeveloped")) == {"INT1"}
    low = FactBook()
    high_grade(low, high=False)
    assert found(low, "high-grade-intel-undeveloped") == {}


@pytest.mark.parametrize(("offset", "raised"), [(28, False), (29, True)])
def test_the_28_day_window(offset: int, raised: bool) -> None:
    book = FactBook()
    high_grade(book)
    act(book, "A1", status="resulted", at=offset, records=("INT1",))
    assert bool(found(book, "high-grade-intel-undeveloped")) is raised
    book = FactBook()
    high_grade(book)
    event(book, "E1", "disruption", at=offset, subjects=(S("P1", "suspect"),))
    assert bool(found(book, "high-grade-intel-undeveloped")) is raised


# location-hotspot --------------------------------------------------------------------------


PLACE = "location:4-wellgate"


def victims_at(book: FactBook, victims: tuple[str, ...]) -> None:
    for i, victim in enumerate(victims):
        where = {"locations": (PLACE,)} if i % 2 else {"mentions": (M(PLACE),)}
        rec(book, f"R{i}", kind="crime", subjects=(S(victim, "victim"),), **where)  # type: ignore[arg-type]


def test_a_place_in_the_accounts_of_three_victims_is_a_hotspot() -> None:
    book = FactBook()
    victims_at(book, ("V1", "V2", "V3"))
    assert found(book, "location-hotspot")[PLACE].records == ("R0", "R1", "R2")


def test_three_records_of_two_victims_are_not() -> None:
    book = FactBook()
    victims_at(book, ("V1", "V2", "V1"))
    assert found(book, "location-hotspot") == {}


@pytest.mark.parametrize(
    ("kind", "how", "stops"),
    [
        ("disruption", "location", True),
        ("referral", "identifiers", True),
        ("arrest", "location", False),
        ("safeguarding", "identifiers", False),
    ],
)
def test_a_disruption_or_referral_about_the_place_stops_it(
    kind: str, how: str, stops: bool
) -> None:
    book = FactBook()
    victims_at(book, ("V1", "V2", "V3"))
    if how == "location":
        event(book, "E1", kind, location=PLACE)
    else:
        event(book, "E1", kind, identifiers=(PLACE,))
    assert (found(book, "location-hotspot") == {}) is stops


# no-disruption-after-nfa -------------------------------------------------------------------


def nfa_then(book: FactBook, record_at: int) -> None:
    rec(book, "R0", at=-30, subjects=(S("P1", "suspect"),))
    event(book, "E1", "nfa", at=0, subjects=(S("P1", "suspect"),))
    rec(book, "R1", at=record_at, subjects=(S("P1", "suspect"),))


@pytest.mark.parametrize(("offset", "raised"), [(1, True), (0, False), (-1, False)])
def test_a_record_strictly_after_the_nfa_raises_it(offset: int, raised: bool) -> None:
    book = FactBook()
    nfa_then(book, offset)
    got = found(book, "no-disruption-after-nfa")
    assert bool(got) is raised
    if raised:
        assert got["P1"].records == ("R1",)


@pytest.mark.parametrize(
    ("kind", "offset", "stops"),
    [
        ("disruption", 0, True),
        ("disruption", 50, True),
        ("charge", 10, True),
        ("conviction", 10, True),
        ("disruption", -1, False),
        ("arrest", 10, False),
    ],
)
def test_disruption_charge_or_conviction_on_or_after_the_nfa_stops_it(
    kind: str, offset: int, stops: bool
) -> None:
    book = FactBook()
    nfa_then(book, 5)
    event(book, "E2", kind, at=offset, subjects=(S("P1", "suspect"),))
    assert (found(book, "no-disruption-after-nfa") == {}) is stops


def test_only_the_latest_nfa_or_acquittal_counts() -> None:
    book = FactBook()
    nfa_then(book, 5)
    event(book, "E2", "acquittal", at=20, subjects=(S("P1", "suspect"),))
    assert found(book, "no-disruption-after-nfa") == {}


# network-associate -----------------------------------------------------------------------


def convicted(book: FactBook) -> None:
    event(book, "E0", "conviction", subjects=(S("C1", "suspect"),))


def beside(book: FactBook, times: int, role: str = "associate") -> None:
    for i in range(times):
        rec(book, f"R{i}", subjects=(S("C1", "suspect"), S("A1", role)))


def test_a_man_twice_beside_a_convicted_offender_is_raised() -> None:
    book = FactBook()
    convicted(book)
    beside(book, 2)
    assert found(book, "network-associate")["A1"].records == ("R0", "R1")


@pytest.mark.parametrize(
    ("times", "role", "raised"),
    [(1, "associate", False), (2, "suspect", True), (2, "witness", False)],
)
def test_network_associate_counts_suspect_and_associate_records(
    times: int, role: str, raised: bool
) -> None:
    book = FactBook()
    convicted(book)
    beside(book, times, role)
    assert ("A1" in found(book, "network-associate")) is raised


def test_an_acquitted_man_is_not_a_network_anchor() -> None:
    book = FactBook()
    event(book, "E0", "acquittal", subjects=(S("C1", "suspect"),))
    beside(book, 2)
    assert found(book, "network-associate") == {}


@pytest.mark.parametrize("spoiler", ["victim", "arrest"])
def test_a_victim_or_someone_acted_on_is_not_an_associate(spoiler: str) -> None:
    book = FactBook()
    convicted(book)
    beside(book, 2)
    if spoiler == "victim":
        event(book, "E1", "safeguarding", subjects=(S("A1", "victim"),))
    else:
        event(book, "E1", "arrest", subjects=(S("A1", "suspect"),))
    assert found(book, "network-associate") == {}


def test_sharing_a_convicted_mans_car_makes_an_associate() -> None:
    car = "vehicle:TA05KTX"
    book = FactBook()
    event(book, "E0", "charge", subjects=(S("C1", "suspect", vehicles=(car,)),))
    rec(book, "R1", subjects=(S("A1", "other", vehicles=(car,)),))
    assert found(book, "network-associate")["A1"].records == ("R1",)


def test_opportunity_json_shape() -> None:
    o = Opportunity("high-grade-intel-undeveloped", ("INT1",), record="INT1")
    assert o.as_json() == {
        "kind": "high-grade-intel-undeveloped",
        "record": "INT1",
        "records": ["INT1"],
    }
    o = Opportunity(
        "cross-operation-link",
        ("R1", "R2"),
        identifier="phone:+447700900123",
        operations=("A", "B"),
    )
    assert o.as_json()["identifier"] == "phone:+447700900123"
