"""Each kind of opportunity on a tiny hand-built world, boundaries included.

The entities are written by hand (``opportunity_world``), so these tests do
not depend on extraction or resolution. Each test builds one world holding
cases on both sides of the kind's boundaries and checks exactly which are raised.
"""

from __future__ import annotations

from pathlib import Path

from tests.analyse.opportunity_world import World, findings, subject
from threadline.workspace import Workspace

FIVE = {"system": "5x5x5", "source": "B", "intelligence": "2", "handling": "1"}


def test_unactioned_suspect(workspace: Workspace, tmp_path: Path) -> None:
    w = World()
    names = ("ali", "bob", "cat", "dan", "eve", "fay")
    for n, (rid, kind) in enumerate((("R1", "intelligence"), ("R2", "crime"), ("R3", "statement"))):
        w.record(
            rid,
            kind=kind,
            date=f"2004-0{n + 1}-01",
            subjects=[subject(f"{rid}/{p}", "suspect") for p in names],
        )
    w.record("RPT1", kind="report", date="2004-05-01", subjects=[subject("RPT1/bob", "suspect")])
    w.action("A1", status="cancelled", raised="2004-06-01", subjects=[subject("A1/ali", "suspect")])
    w.action("A2", status="raised", raised="2004-06-01", subjects=[subject("A2/ali", "suspect")])
    w.action("A3", status="allocated", raised="2004-06-01", subjects=[subject("A3/dan", "suspect")])
    w.event("E1", kind="arrest", date="2004-07-01", subjects=[subject("E1/eve", "suspect")])
    w.event("E2", kind="nfa", date="2004-07-01", subjects=[subject("E2/fay", "suspect")])
    w.entity(
        "E-ali", "person", [("subject", f"{r}/ali", None) for r in ("R1", "R2", "R3", "A1", "A2")]
    )
    # bob: two records and a report; cat: two subjects and a text mention as suspect.
    w.entity("E-bob", "person", [("subject", f"{r}/bob", None) for r in ("R1", "R2", "RPT1")])
    w.entity(
        "E-cat",
        "person",
        [("subject", "R1/cat", None), ("subject", "R2/cat", None), ("mention", "R3:suspect", None)],
    )
    w.entity("E-dan", "person", [("subject", f"{r}/dan", None) for r in ("R1", "R2", "R3", "A3")])
    w.entity("E-eve", "person", [("subject", f"{r}/eve", None) for r in ("R1", "R2", "R3", "E1")])
    w.entity("E-fay", "person", [("subject", f"{r}/fay", None) for r in ("R1", "R2", "R3", "E2")])
    w.build(workspace, tmp_path)
    found = findings(workspace, "unactioned-suspect")
    assert set(found) == {"E-ali", "E-cat", "E-fay"}
    assert found["E-ali"].records == ["R1", "R2", "R3"]
    assert found["E-ali"].facts["not_live"] == ["A1 (cancelled)", "A2 (raised)"]


def test_untraced_identifier(workspace: Workspace, tmp_path: Path) -> None:
    w = World()
    w.record("R1", date="2004-01-01", subjects=[subject("R1/S1", "suspect", vehicles=["AB12 CDE"])])
    w.record("R2", date="2004-02-01", text="Silver car AB12 CDE seen.")
    w.action("A9", status="cancelled", raised="2004-03-01", identifiers=["AB12 CDE"])
    w.action("A8", status="resulted", raised="2004-03-01", identifiers=["CD12 EFG"])
    w.event("E1", kind="trace", date="2004-03-01", identifiers=["BC12 DEF"])
    w.event("E2", kind="arrest", date="2004-03-01", identifiers=["07700 900123"])
    for eid, extra in (
        ("E-v1", ("action", "A9")),
        ("E-v2", ("event", "E1")),
        ("E-v3", ("action", "A8")),
        ("E-ph", ("event", "E2")),
    ):
        etype = "phone" if eid == "E-ph" else "vehicle"
        w.entity(
            eid,
            etype,
            [
                ("holder", "R1/S1", "vehicles"),
                ("mention", "R2:", None),
                (extra[0], extra[1], "identifiers"),
            ],
        )
    w.entity("E-v4", "vehicle", [("mention", "R2:", None)])
    w.build(workspace, tmp_path)
    found = findings(workspace, "untraced-identifier")
    # A cancelled action does not act on it, nor does an arrest about a phone: only a trace
    # event or a live action does.
    assert set(found) == {"E-v1", "E-ph"}
    assert found["E-v1"].facts["not_live"] == ["A9 (cancelled)"]


def test_cross_operation_link(workspace: Workspace, tmp_path: Path) -> None:
    w = World()
    for n in range(1, 6):
        w.record(
            f"C{n}",
            op="CLOVER",
            date="2004-01-01",
            subjects=[subject(f"C{n}/S1", "suspect", vehicles=["AB12 CDE"] if n == 1 else [])],
        )
        if n < 5:
            w.record(
                f"H{n}",
                op="CHARD",
                date="2018-01-01",
                links=["C2"] if n == 2 else None,
                subjects=[subject(f"H{n}/S1", "suspect", vehicles=["AB12 CDE"] if n == 1 else [])],
            )
    w.record("U1", op="STOVE", date="2015-01-01", subjects=[subject("U1/S1", "suspect")])
    w.event("EV1", kind="interview", date="2018-02-01", op="CLOVER", records=["H3"])
    w.action("AC1", status="cancelled", raised="2018-02-01", op="CHARD", records=["C4", "H4"])
    w.entity("E-a", "person", [("subject", "C1/S1", None), ("subject", "H1/S1", None)])
    w.entity("E-b", "person", [("subject", "C2/S1", None), ("subject", "H2/S1", None)])
    w.entity("E-c", "person", [("subject", "C3/S1", None), ("subject", "H3/S1", None)])
    w.entity("E-d", "person", [("subject", "C4/S1", None), ("subject", "H4/S1", None)])
    w.entity("E-e", "person", [("subject", "U1/S1", None), ("subject", "C5/S1", None)])
    w.entity("E-v", "vehicle", [("holder", "C1/S1", "vehicles"), ("holder", "H1/S1", "vehicles")])
    w.entity("E-w", "vehicle", [("holder", "C1/S1", "vehicles"), ("mention", "H2:", None)])
    w.build(workspace, tmp_path)
    found = findings(workspace, "cross-operation-link")
    # b: a link joins; c: an event of CLOVER lists CHARD's record; d: a cancelled action joins
    # nothing; e: an umbrella's own records are its own operation; v: covered by a.
    assert set(found) == {"E-a", "E-d", "E-e", "E-w"}
    assert found["E-a"].facts["covers"] == ["E-v"] and "E-v" in found["E-a"].entities
    assert found["E-e"].facts["operations"] == ["CLOVER", "STOVE"]


def test_victim_disclosure_not_followed(workspace: Workspace, tmp_path: Path) -> None:
    w = World()

    def disclosure(
        rid: str,
        *,
        kind: str = "statement",
        suspect: bool = True,
        dated: bool = True,
        extra: list[dict[str, object]] | None = None,
    ) -> None:
        subjects = [subject(f"{rid}/V", "victim", phones=["07700 900001"])]
        if suspect:
            subjects.append(subject(f"{rid}/S", "suspect"))
        w.record(
            rid,
            kind=kind,
            date="2009-12-20" if dated else None,
            received="2010-01-01" if dated else None,
            subjects=subjects + (extra or []),
        )
        if suspect:
            w.entity(f"E-{rid}", "person", [("subject", f"{rid}/S", None)])

    for rid in ("ST1", "ST2", "ST3", "ST4", "ST10"):
        disclosure(rid, kind="interview" if rid == "ST4" else "statement")
    w.action("A1", status="allocated", raised="2010-04-01", records=["ST1"])  # day 90
    w.action("A2", status="allocated", raised="2010-04-02", records=["ST2"])  # day 91
    w.event("E3", kind="arrest", date="2010-04-01", subjects=[subject("E3/S", "suspect")])
    w.entity("E-ST3", "person", [("subject", "ST3/S", None), ("subject", "E3/S", None)])
    w.action("A4", status="cancelled", raised="2010-01-05", records=["ST4"])
    w.event("E10", kind="arrest", date="2009-12-31", subjects=[subject("E10/S", "suspect")])
    w.entity("E-ST10", "person", [("subject", "ST10/S", None), ("subject", "E10/S", None)])
    disclosure("ST5", suspect=False)  # only the victim's own phone: identifies no suspect
    w.entity("E-vph", "phone", [("holder", "ST5/V", "phones")])
    disclosure("ST6", suspect=False, extra=[subject("ST6/W", "witness", phones=["07700 900006"])])
    w.entity("E-wph", "phone", [("holder", "ST6/W", "phones"), ("mention", "ST6:", None)])
    disclosure("ST7", suspect=False)
    w.entity("E-tph", "phone", [("mention", "ST7:", None), ("event", "E7", "identifiers")])
    w.event("E7", kind="trace", date="2010-04-11", identifiers=["07700 900007"])  # day 100
    disclosure("ST8", dated=False)
    disclosure("CR9", kind="crime")
    w.build(workspace, tmp_path)
    found = findings(workspace, "victim-disclosure-not-followed")
    assert set(found) == {"ST2", "ST4", "ST7", "ST10"}
    assert found["ST4"].facts["not_live"] == ["A4 (cancelled)"]
    assert found["ST7"].entities == ["E-tph"] and found["ST7"].records == ["ST7"]


def test_location_hotspot(workspace: Workspace, tmp_path: Path) -> None:
    w = World()
    place = {"address": "Mumtaz Takeaway, 4 Wellgate", "postcode": "RV6 1AA"}
    for n in range(1, 5):
        w.record(
            f"R{n}",
            date="2004-01-01",
            locations=[place],
            subjects=[subject(f"R{n}/V", "victim", address="4 Wellgate")],
        )
    w.event("D1", kind="disruption", date="2005-01-01", location=place)
    w.event("F1", kind="safeguarding", date="2005-01-01", location=place)
    loc = [("record", f"R{n}", "locations") for n in (1, 2, 3)]
    w.entity("E-L", "location", [*loc, ("event", "F1", "location")])
    w.entity("E-L2", "location", [*loc, ("event", "D1", "location")])
    w.entity(
        "E-L3",
        "location",
        [("record", "R1", "locations"), ("mention", "R2:", None), ("record", "R4", "locations")],
    )
    w.entity(
        "E-L4",
        "location",
        [
            ("record", "R1", "locations"),
            ("record", "R2", "locations"),
            ("holder", "R3/V", "address"),
        ],
    )
    w.entity("E-V1", "person", [("subject", "R1/V", None)])
    w.entity("E-V2", "person", [("subject", "R2/V", None), ("subject", "R4/V", None)])
    w.entity("E-V3", "person", [("subject", "R3/V", None)])
    w.build(workspace, tmp_path)
    found = findings(workspace, "location-hotspot")
    # L2 was disrupted; L3's records have two distinct victims (R2 and R4 are one person);
    # L4 reaches a third victim only through a home address.
    assert set(found) == {"E-L"}
    assert found["E-L"].facts["victims"] == 3


def test_location_hotspot_counts_a_child_written_twice_once(
    workspace: Workspace, tmp_path: Path
) -> None:
    w = World()
    place = {"address": "Regal Cabs, 10 Holme Avenue"}
    names = {"R1": "STAN Roxana", "R2": "Roxana Stan", "R3": "Amy GREEN", "R4": "Zoe GREEN"}
    for rid, name in names.items():
        w.record(
            rid,
            date="2004-01-01",
            locations=[place],
            subjects=[subject(f"{rid}/V", "victim", name=name)],
        )
        w.entity(f"E-{rid}", "person", [("subject", f"{rid}/V", None)])
    w.entity("E-L", "location", [("record", r, "locations") for r in ("R1", "R2", "R3")])
    w.entity("E-L2", "location", [("record", r, "locations") for r in ("R1", "R3", "R4")])
    w.build(workspace, tmp_path)
    found = findings(workspace, "location-hotspot")
    # L: four person entities' worth of records but two children; L2: three children
    assert set(found) == {"E-L2"}
    assert found["E-L2"].facts["victims"] == 3


def test_no_disruption_after_nfa(workspace: Workspace, tmp_path: Path) -> None:
    w = World()
    cases = {
        "n1": [("nfa", "2012-05-01")],  # next record the same day: not later
        "n2": [("nfa", "2012-04-30")],
        "n3": [("nfa", "2012-04-01"), ("disruption", "2012-04-01")],
        "n4": [("charge", "2012-03-01"), ("nfa", "2012-04-01")],
        "n5": [("nfa", "2012-01-01"), ("nfa", "2012-06-01")],
        "n6": [("acquittal", "2012-04-01")],
    }
    for person, events in cases.items():
        w.record(
            f"R-{person}", received="2012-05-01", subjects=[subject(f"R-{person}/S", "suspect")]
        )
        members = [("subject", f"R-{person}/S", None)]
        for n, (kind, date) in enumerate(events):
            w.event(
                f"E-{person}-{n}",
                kind=kind,
                date=date,
                subjects=[subject(f"E-{person}-{n}/S", "suspect")],
            )
            members.append(("subject", f"E-{person}-{n}/S", None))
        w.entity(f"E-{person}", "person", members)
    w.build(workspace, tmp_path)
    found = findings(workspace, "no-disruption-after-nfa")
    assert set(found) == {"E-n2", "E-n4", "E-n6"}
    assert found["E-n2"].facts["event_date"] == "2012-04-30"


def test_high_grade_intel_undeveloped(workspace: Workspace, tmp_path: Path) -> None:
    w = World()
    grades = {
        "I1": ("5x5x5", "B", "2"),
        "I2": ("5x5x5", "C", "2"),
        "I3": ("3x5x2", "1", "B"),
        "I4": ("3x5x2", "2", "A"),
        "I5": ("5x5x5", "A", "1"),
        "I6": ("5x5x5", "A", "1"),
        "I8": ("5x5x5", "A", "4"),
        "CR7": ("5x5x5", "A", "1"),
    }
    for rid, (system, source, intel) in grades.items():
        w.record(
            rid,
            kind="crime" if rid == "CR7" else "intelligence",
            received="2015-03-01",
            grading={
                "system": system,
                "source": source,
                "intelligence": intel,
                "handling": "1" if system == "5x5x5" else "P",
            },
            subjects=[subject(f"{rid}/S", "suspect")],
        )
        w.entity(f"E-{rid}", "person", [("subject", f"{rid}/S", None)])
    w.event("EV5", kind="interview", date="2015-03-29", subjects=[subject("EV5/S", "suspect")])
    w.event("EV6", kind="interview", date="2015-03-30", subjects=[subject("EV6/S", "suspect")])
    w.entities["E-I5"][2].append(("subject", "EV5/S", None))  # day 28
    w.entities["E-I6"][2].append(("subject", "EV6/S", None))  # day 29
    w.build(workspace, tmp_path)
    found = findings(workspace, "high-grade-intel-undeveloped")
    assert set(found) == {"I1", "I3", "I6"}


def test_network_associate(workspace: Workspace, tmp_path: Path) -> None:
    w = World()
    w.event("CH", kind="charge", date="2010-01-01", subjects=[subject("CH/Y", "suspect")])
    w.event(
        "CV",
        kind="conviction",
        date="2010-01-01",
        subjects=[subject("CV/Z", "suspect", phones=["07700 900777"])],
    )
    w.event("AR", kind="arrest", date="2010-01-01", subjects=[subject("AR/W", "suspect")])
    w.action("LA", status="resulted", raised="2010-01-01", subjects=[subject("LA/X7", "suspect")])
    w.record("VR", kind="crime", date="2009-01-01", subjects=[subject("VR/X5", "victim")])
    pairs = {
        "R1": ("X1", "Y", "suspect"),
        "R2": ("X1", "Z", "associate"),
        "R3": ("X2", "Y", "suspect"),
        "R4": ("X3", "W", "suspect"),
        "R5": ("X3", "W", "suspect"),
        "R6": ("X5", "Y", "suspect"),
        "R7": ("X5", "Y", "suspect"),
        "R8": ("X6", "Y", "suspect"),
        "R9": ("X6", "Y", "witness"),
        "R10": ("X7", "Y", "suspect"),
        "R11": ("X7", "Y", "suspect"),
    }
    members: dict[str, list[tuple[str, str, str | None]]] = {}
    for rid, (x, other, role) in pairs.items():
        w.record(
            rid,
            date="2009-06-01",
            subjects=[subject(f"{rid}/{x}", role), subject(f"{rid}/{other}", "suspect")],
        )
        members.setdefault(x, []).append(("subject", f"{rid}/{x}", None))
        members.setdefault(other, []).append(("subject", f"{rid}/{other}", None))
    w.record(
        "R12", date="2009-06-01", subjects=[subject("R12/X4", "other", phones=["07700 900777"])]
    )
    members["Y"].append(("subject", "CH/Y", None))
    members["Z"].append(("subject", "CV/Z", None))
    members["W"].append(("subject", "AR/W", None))
    members["X4"] = [("subject", "R12/X4", None)]
    members["X5"].append(("subject", "VR/X5", None))
    members["X7"].append(("subject", "LA/X7", None))
    for person, person_members in members.items():
        w.entity(f"E-{person}", "person", person_members)
    w.entity("E-ph", "phone", [("holder", "CV/Z", "phones"), ("holder", "R12/X4", "phones")])
    w.build(workspace, tmp_path)
    found = findings(workspace, "network-associate")
    # X2: one record; X3: beside someone only arrested; X5: a victim subject elsewhere;
    # X6: a witness in one of the two; X7: acted on (a live action).
    assert set(found) == {"E-X1", "E-X4"}
    assert found["E-X1"].records == ["R1", "R2"]
    assert found["E-X4"].facts["shared"] == ["E-ph"]
