"""The second pass: fragments of one person joined where the material lists one's record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy import select

from threadline.analyse.stage import SilentProgress
from threadline.ingest.importer import import_bundle
from threadline.resolve import fragments
from threadline.resolve.cluster import cluster
from threadline.resolve.engine import _join_fragments
from threadline.resolve.features import SubjectRow, features_table
from threadline.resolve.stage import ResolveStage
from threadline.store.entity_models import EntityLink, EntityMember
from threadline.workspace import Workspace


def _row(name: str | None, **kw: Any) -> dict[str, Any]:
    table = features_table([SubjectRow(ref="X/S1", name=name, **kw)])
    return dict(table.select(fragments.COLUMNS).to_pylist()[0])


def test_names_agree_by_group_order_one_slip_or_a_surname_with_an_initial() -> None:
    hassan = _row("Hassan MOHAMUD")
    assert fragments.names_agree(hassan, _row("Hassan MOHAMUD")) == fragments.SAME_NAMES
    assert fragments.names_agree(hassan, _row("MOHAMUD HASSAN")) == fragments.SWAPPED
    assert fragments.names_agree(hassan, _row("Hassan MOHAMOUD")) == fragments.ONE_SLIP
    assert fragments.names_agree(hassan, _row("H. MOHAMUD")) == fragments.SURNAME
    assert fragments.names_agree(hassan, _row("MOHAMUD")) == fragments.SURNAME
    # a different forename, a different initial, no surname: not the same name
    assert fragments.names_agree(hassan, _row("Abdi MOHAMUD")) is None
    assert fragments.names_agree(hassan, _row("A. MOHAMUD")) is None
    assert fragments.names_agree(hassan, _row(None)) is None
    # one slip is for names long enough to have one (ALI and ALO are two names)
    assert fragments.names_agree(_row("Omar ALI"), _row("Omar ALO")) is None


def test_a_name_in_one_case_is_read_either_way_round_for_a_slip_or_a_surname() -> None:
    # Custody writes SURNAME FORENAME in capitals: a slip, or a surname alone, still agrees.
    mark = _row("THOMPSON, Mark")
    assert fragments.names_agree(mark, _row("THOMPPSON MARK")) == fragments.ONE_SLIP
    assert fragments.names_agree(_row("NWOSU SEGUN"), _row("NWISU, Segun")) == fragments.ONE_SLIP
    assert fragments.names_agree(_row("ISLAM"), _row("ISLAM ARJUN")) == fragments.SURNAME
    assert fragments.names_agree(_row("ISLAM ARJUN"), _row("A. ISLAM")) == fragments.SURNAME
    # but not a different forename, nor an initial the other reading does not carry
    assert fragments.names_agree(mark, _row("THOMPPSON DAVID")) is None
    assert fragments.names_agree(_row("ISLAM ARJUN"), _row("R. ISLAM")) is None
    assert fragments.names_agree(_row("ISLAM"), _row("Arjun SHAH")) is None


def test_a_subject_without_a_name_agrees_on_a_date_phone_vehicle_or_nominal() -> None:
    record = _row("Tyrone CAMPBELL", dob=dt.date(1996, 3, 20), phones=["07700 900867"])
    assert fragments.nameless_agree(_row(None, dob=dt.date(1996, 3, 20)), record)
    assert fragments.nameless_agree(record, _row(None, phones=["+44 7700 900867"]))
    # a home is not enough (a family shares one), and two names are for names_agree
    assert not fragments.nameless_agree(_row(None, address="1 Mill Road"), record)
    assert not fragments.nameless_agree(_row("T CAMPBELL", dob=dt.date(1996, 3, 20)), record)


def test_close_dates_are_one_slip_apart_not_months() -> None:
    assert fragments.close_dates("1988-04-14", "1988-04-14")
    assert fragments.close_dates("1988-04-11", "1988-11-04")  # day and month swapped
    assert fragments.close_dates("1988-04-14", "1988-04-17")  # one character
    assert fragments.close_dates("1988-04-14", "1989-04-14")  # the same day, a year out
    assert fragments.close_dates("1988-04-28", "1988-05-09")  # within a month
    assert not fragments.close_dates("1988-04-14", "1988-11-24")  # seven months: two people


def _subjects(*rows: SubjectRow) -> pa.Table:
    return features_table(list(rows))


def _second_pass(table: pa.Table, edges: list[tuple[int, int]] = []) -> list[list[int]]:  # noqa: B006
    from threadline.resolve.engine import dates_of_birth

    clusters, _ = cluster(
        table["unique_id"].to_pylist(), edges, traits=dates_of_birth(table), compatible=None
    )
    _join_fragments(clusters, fragments.listings(table), table)
    return sorted(clusters.groups())


OWNER = dt.date(2005, 6, 1)


def test_a_subject_of_an_action_joins_the_namesake_of_the_record_it_lists() -> None:
    table = _subjects(
        SubjectRow("INT-1/S1", "Hassan MOHAMUD", dob=dt.date(1957, 7, 29), item="INT-1"),
        SubjectRow("INT-1/S2", "Leanne PATEL", age=15, owner_date=OWNER, item="INT-1"),
        SubjectRow(
            "ACT-1/S1", "Hassan MOHAMUD", age=47, owner_date=OWNER, item="ACT-1", lists=["INT-1"]
        ),
        SubjectRow("ACT-2/S1", "Hassan MOHAMUD", age=47, owner_date=OWNER, item="ACT-2"),
    )
    # ACT-2 lists nothing: the same name and age alone join nothing
    assert _second_pass(table) == [[0, 2], [1], [3]]
    found = fragments.listings(table)
    assert [(x.left, x.right, x.lister, x.listed) for x in found] == [(2, 0, "ACT-1", "INT-1")]
    assert found[0].evidence()["listed"]["level"] == "ACT-1 lists INT-1"


def test_a_listing_that_could_mean_two_people_joins_neither() -> None:
    # A father and a son of one name in the record listed: the action's subject is either.
    table = _subjects(
        SubjectRow("INT-1/S1", "Tariq HUSSAIN", dob=dt.date(1950, 1, 2), item="INT-1"),
        SubjectRow("INT-1/S2", "Tariq HUSSAIN", dob=dt.date(1978, 3, 4), item="INT-1"),
        SubjectRow("ACT-1/S1", "Tariq HUSSAIN", item="ACT-1", lists=["INT-1"]),
    )
    assert _second_pass(table) == [[0], [1], [2]]


def test_a_listing_never_joins_what_says_two_people() -> None:
    record = SubjectRow(
        "INT-1/S1",
        "Jordan FLETCHER",
        dob=dt.date(1988, 4, 14),
        gender="male",
        nominal="NICHE-0001",
        item="INT-1",
    )
    for other in (
        SubjectRow(
            "ACT-1/S1", "Jordan FLETCHER", dob=dt.date(1988, 11, 24), item="ACT-1", lists=["INT-1"]
        ),
        SubjectRow("ACT-1/S1", "Jordan FLETCHER", gender="female", item="ACT-1", lists=["INT-1"]),
        SubjectRow(
            "ACT-1/S1", "Jordan FLETCHER", nominal="NICHE-0002", item="ACT-1", lists=["INT-1"]
        ),
    ):
        table = _subjects(record, other)
        assert _second_pass(table) == [[0], [1]], other
    # the same nominal, or another system's, or a date one slip away: one person
    for other in (
        SubjectRow(
            "ACT-1/S1", "Jordan FLETCHER", dob=dt.date(1988, 4, 15), item="ACT-1", lists=["INT-1"]
        ),
        SubjectRow(
            "ACT-1/S1", "Jordan FLETCHER", nominal="PNC/0002", item="ACT-1", lists=["INT-1"]
        ),
    ):
        table = _subjects(record, other)
        assert _second_pass(table) == [[0, 1]], other


def _bundle(out: Path, items: dict[str, list[dict[str, Any]]]) -> Path:
    out.mkdir(parents=True)
    (out / "manifest.json").write_text(
        json.dumps({"format": "threadline-bundle", "version": 1, "name": "t"})
    )
    (out / "operations.jsonl").write_text(
        json.dumps({"id": "OPA", "name": "Operation A", "kind": "current"}) + "\n"
    )
    for name, rows in items.items():
        (out / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    return out


def _owners_and_joins(workspace: Workspace) -> tuple[dict[str, str], list[EntityLink]]:
    """Subject ref → its person entity, and every join stored."""
    with workspace.reading() as session:
        owners = dict(
            session.execute(
                select(EntityMember.ref, EntityMember.entity_id).where(
                    EntityMember.kind == "subject"
                )
            ).all()
        )
        return owners, list(session.scalars(select(EntityLink)).all())


def test_the_stage_joins_a_listed_fragment_and_says_why(
    workspace: Workspace, tmp_path: Path
) -> None:
    record = {
        "id": "INT-1",
        "operation": "OPA",
        "kind": "intelligence",
        "date": "2005-06-01",
        "text": "Hassan MOHAMUD seen at the address.",
        "subjects": [
            {"ref": "INT-1/S1", "role": "suspect", "name": "Hassan MOHAMUD", "dob": "1957-07-29"}
        ],
    }
    action = {
        "id": "ACT-1",
        "operation": "OPA",
        "number": "A1",
        "raised": "2005-06-03",
        "title": "Trace and interview MOHAMUD re INT-1",
        "status": "allocated",
        "records": ["INT-1"],
        "subjects": [{"ref": "ACT-1/S1", "role": "suspect", "name": "Hassan MOHAMUD", "age": 47}],
    }
    import_bundle(
        workspace, _bundle(tmp_path / "b", {"records.jsonl": [record], "actions.jsonl": [action]})
    )
    ResolveStage().run(workspace, SilentProgress())
    owners, links = _owners_and_joins(workspace)
    assert owners["INT-1/S1"] == owners["ACT-1/S1"]
    [link] = [x for x in links if x.entity_id == owners["INT-1/S1"]]
    assert link.source == "listed"
    assert link.evidence["listed"]["level"] == "ACT-1 lists INT-1"
    assert {link.left_ref, link.right_ref} == {"INT-1/S1", "ACT-1/S1"}


def test_an_opportunitys_explanation_says_when_listed_records_joined_the_person() -> None:
    from threadline.analyse.opportunities.explain import resolution
    from threadline.analyse.opportunities.terms import EntityFacts, Material

    facts = EntityFacts("E-1", "person", "Hassan MOHAMUD", None)
    facts.subject_refs = {"INT-1/S1", "ACT-1/S1"}
    material = Material({}, {}, {}, {"E-1": facts}, [], {})
    assert "lists the other's record" not in resolution(material, "E-1")
    facts.join_sources = {"listed"}
    text = resolution(material, "E-1")
    assert (
        "joined by an analyst's judgement, exact keys, listed records or shared "
        "vehicles and phones only" in text
    )
    assert "lists the other's record under the same name" in text
    facts.join_sources = {"model", "listed"}
    facts.weakest = (9.5, 0.998, "INT-1/S1", "INT-2/S1")
    text = resolution(material, "E-1")
    assert "weakest join is INT-1/S1 ~ INT-2/S1" in text
    assert "lists the other's record under the same name" in text


def test_a_suspect_is_seen_with_the_cars_and_phones_of_the_record_not_the_victims() -> None:
    suspect = SubjectRow("ST-1/S2", "Hassan WARSAME", role="suspect", record_id="ST-1")
    victim = SubjectRow(
        "ST-1/S1", "Hannah WALKER", role="victim", record_id="ST-1", phones=["07700 900111"]
    )
    witness = SubjectRow("ST-1/S3", "Amy BELL", role="witness", record_id="ST-1")
    elsewhere = SubjectRow(
        "ST-2/S1", "Omar ALI", role="suspect", record_id="ST-2", vehicles=["AB12 CDE"]
    )
    named = {"ST-1": {"vehicle:B29WBF", "phone:+447700900111"}}
    fragments.tie_identifiers([suspect, victim, witness, elsewhere], named)
    # the car the statement names is the suspect's; the phone is the victim's own
    assert suspect.seen_with == ["vehicle:B29WBF"]
    assert victim.seen_with == () and witness.seen_with == ()
    # a record whose text names no identifier ties nothing beyond what the model compares
    assert elsewhere.seen_with == ()


def _seen(ref: str, name: str, *keys: str, **kw: Any) -> SubjectRow:
    return SubjectRow(ref, name, item=ref.split("/")[0], seen_with=list(keys), **kw)


def test_one_name_seen_with_one_car_in_two_operations_is_one_person() -> None:
    table = _subjects(
        _seen("INT-1/S1", "POPA, Andrei", "vehicle:J7XHP", operation="FIELDFARE"),
        _seen("ST-9/S2", "POPA Andrei", "vehicle:J7XHP", operation="MERLIN"),
        _seen("ST-8/S1", "CHUWKU Ifeanyi", "vehicle:N2UDL"),
        _seen("INT-7/S1", "CHUKWU, Ifeanyi", "vehicle:N2UDL"),
        # the same car, another man's name; the same name, another car
        _seen("INT-6/S1", "Adam CLARKE", "vehicle:J7XHP"),
        _seen("INT-5/S1", "Andrei POPA", "vehicle:K1ABC"),
    )
    assert _ties(table) == [[0, 1], [2, 3], [4], [5]]
    [x] = [x for x in fragments.ties(table) if (x.left, x.right) == (0, 1)]
    assert (
        x.evidence()["seen_with"]["level"] == "vehicle:J7XHP is seen with both, in INT-1 and ST-9"
    )
    assert x.evidence()["name"]["level"] == fragments.SAME_NAMES


def test_a_shared_car_never_joins_a_surname_alone_two_candidates_or_two_people() -> None:
    # a father and a son share a surname and a car; a surname alone is not enough
    assert _ties(
        _subjects(
            _seen("A/S1", "WARSAME", "vehicle:X1"), _seen("B/S1", "Hassan WARSAME", "vehicle:X1")
        )
    ) == [[0], [1]]
    # a taxi firm's number rung by two Mohammed ALIs born years apart ties neither to a third
    table = _subjects(
        _seen("A/S1", "Mohammed ALI", "phone:+441130000000", dob=dt.date(1960, 1, 1)),
        _seen("B/S1", "Mohammed ALI", "phone:+441130000000", dob=dt.date(1990, 5, 5)),
        _seen("C/S1", "Mohammed ALI", "phone:+441130000000"),
    )
    assert _ties(table) == [[0], [1], [2]]
    # two nominals of one system, or dates of birth months apart, say two people
    for a, b in (
        ({"nominal": "NICHE-1"}, {"nominal": "NICHE-2"}),
        ({"dob": dt.date(1988, 4, 14)}, {"dob": dt.date(1988, 11, 24)}),
    ):
        table = _subjects(
            _seen("A/S1", "Adam COOPER", "vehicle:X1", **a),
            _seen("B/S1", "Adam COOPER", "vehicle:X1", **b),
        )
        assert _ties(table) == [[0], [1]], (a, b)


def _ties(table: pa.Table) -> list[list[int]]:
    from threadline.resolve.engine import dates_of_birth

    clusters, _ = cluster(
        table["unique_id"].to_pylist(), [], traits=dates_of_birth(table), compatible=None
    )
    _join_fragments(clusters, fragments.ties(table), table)
    return sorted(clusters.groups())


def test_the_stage_joins_one_name_seen_with_one_car_and_says_why(
    workspace: Workspace, tmp_path: Path
) -> None:
    from threadline.extract.stage import ExtractStage

    def record(rid: str, operation: str, name: str, text: str, **subject: Any) -> dict[str, Any]:
        return {
            "id": rid,
            "operation": operation,
            "kind": "intelligence",
            "date": "2005-06-01",
            "text": text,
            "subjects": [{"ref": f"{rid}/S1", "role": "suspect", "name": name, **subject}],
        }

    records = [
        record("INT-1", "OPA", "POPA, Andrei", "Blue BMW J7 XHP seen collecting females."),
        record("ST-1", "OPB", "POPA Andrei", "Driver of J7XHP named as Andrei POPA."),
        # the same name without the car: nothing ties it to either
        record("ST-2", "OPB", "Andrei POPA", "Andrei POPA seen at the shop."),
    ]
    bundle = _bundle(tmp_path / "b", {"records.jsonl": records})
    (bundle / "operations.jsonl").write_text(
        "".join(
            json.dumps({"id": op, "name": f"Operation {op}", "kind": "current"}) + "\n"
            for op in ("OPA", "OPB")
        )
    )
    import_bundle(workspace, bundle)
    ExtractStage().run(workspace, SilentProgress())
    ResolveStage().run(workspace, SilentProgress())
    owners, links = _owners_and_joins(workspace)
    assert owners["INT-1/S1"] == owners["ST-1/S1"] != owners["ST-2/S1"]
    [link] = [x for x in links if x.entity_id == owners["INT-1/S1"]]
    assert link.source == "seen_with"
    assert link.evidence["seen_with"]["level"] in (
        "vehicle:J7XHP is seen with both, in INT-1 and ST-1",
        "vehicle:J7XHP is seen with both, in ST-1 and INT-1",
    )
