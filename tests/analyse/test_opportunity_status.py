"""Opportunities through the stages and the CLI: the JSON shape, ranking, explanations,
victims never named, and decisions that outlast re-analysis unless new evidence arrives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tests.analyse.opportunity_world import World, subject
from threadline.analyse.graph import GraphStage
from threadline.analyse.opportunities.review import history
from threadline.analyse.opportunities.stage import DetectStage
from threadline.analyse.stage import SilentProgress
from threadline.cli.main import app
from threadline.store.entity_models import EntityMember
from threadline.workspace import Workspace

runner = CliRunner()
KEYS = [
    "id",
    "rank",
    "kind",
    "score",
    "title",
    "explanation",
    "status",
    "entities",
    "records",
    "operations",
]


def world() -> World:
    w = World()
    grading = {"system": "5x5x5", "source": "B", "intelligence": "2", "handling": "1"}
    for n, op in enumerate(("CLOVER", "CLOVER", "CHARD"), start=1):
        w.record(
            f"R{n}",
            op=op,
            received=f"200{n}-01-01",
            grading=grading,
            subjects=[
                subject(f"R{n}/S", "suspect", vehicles=["AB12 CDE"]),
                subject(f"R{n}/V", "victim", name="Jane VICTIMNAME"),
            ],
        )
    w.record("R9", op="CHARD", date="2010-01-01", subjects=[subject("R9/S", "victim")])
    w.entity(
        "E-ali",
        "person",
        [("subject", f"R{n}/S", None) for n in (1, 2, 3)] + [("subject", "R9/S", None)],
        label="Ali SUSPECTNAME",
    )
    w.entity(
        "E-v",
        "vehicle",
        [("holder", f"R{n}/S", "vehicles") for n in (1, 2)],
        key="AB12CDE",
        label="AB12 CDE",
    )
    for n in (1, 2, 3):
        w.entity(f"E-V{n}", "person", [("subject", f"R{n}/V", None)], label="Jane VICTIMNAME")
    return w


def analyse(workspace: Workspace) -> None:
    GraphStage().run(workspace, SilentProgress())
    DetectStage().run(workspace, SilentProgress())


def listed(cli_env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    done = runner.invoke(app, ["opportunities", "--json", *args], env=cli_env)
    assert done.exit_code == 0, done.output
    return [json.loads(line) for line in done.output.splitlines()]


def test_opportunities_json_status_and_history(
    workspace: Workspace, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    w = world()
    w.build(workspace, tmp_path)
    World.weak_join(workspace, "E-ali", "R1/S", "R3/S", 0.62)
    analyse(workspace)
    found = listed(cli_env)
    assert [o["rank"] for o in found] == list(range(1, len(found) + 1))
    assert all(list(o)[: len(KEYS)] == KEYS for o in found)
    assert all(0 <= o["score"] <= 1 for o in found)
    assert [o["score"] for o in found] == sorted((o["score"] for o in found), reverse=True)
    kinds = {o["kind"]: o for o in found}
    assert {"unactioned-suspect", "untraced-identifier", "high-grade-intel-undeveloped"} <= set(
        kinds
    )
    suspect = kinds["unactioned-suspect"]
    # The person is a victim subject in R9: never named, in any title or explanation.
    assert all("VICTIMNAME" not in o["title"] + o["explanation"] for o in found)
    assert all("SUSPECTNAME" not in o["title"] + o["explanation"] for o in found)
    assert "R1/S ~ R3/S" in suspect["explanation"] and "weak join" in suspect["explanation"]
    assert "5x5x5 B21" in suspect["explanation"]
    vehicle = kinds["untraced-identifier"]
    assert vehicle["title"].startswith("Vehicle AB12 CDE reported in 2 records across CLOVER")
    assert vehicle["entities"][0] == "E-v" and vehicle["records"] == ["R1", "R2"]
    assert listed(cli_env, "--kind", "untraced-identifier", "--limit", "1") == [vehicle]

    done = runner.invoke(
        app,
        [
            "opportunity",
            "dismiss",
            vehicle["id"],
            "--by",
            "DC Reviewer",
            "--why",
            "keeper known from another system",
        ],
        env=cli_env,
    )
    assert done.exit_code == 0, done.output
    done = runner.invoke(
        app,
        [
            "opportunity",
            "action",
            suspect["id"],
            "--by",
            "DS Lead",
            "--text",
            "Develop the suspect",
        ],
        env=cli_env,
    )
    assert done.exit_code == 0 and "RA-1" in done.output, done.output
    refused = runner.invoke(
        app, ["opportunity", "dismiss", "O-nothing", "--by", "x", "--why", "y"], env=cli_env
    )
    assert refused.exit_code == 1 and "no opportunity 'O-nothing'" in refused.output

    analyse(workspace)  # the same material: decisions stay
    again = {o["id"]: o for o in listed(cli_env)}
    assert again[vehicle["id"]]["status"] == "dismissed"
    assert again[vehicle["id"]]["why"] == "keeper known from another system"
    assert again[suspect["id"]]["status"] == "actioned" and again[suspect["id"]]["action"] == "RA-1"

    # New evidence: the vehicle turns up in R3 too. The dismissal no longer stands.
    with workspace.transaction() as session:
        session.add(
            EntityMember(
                entity_id="E-v", kind="subject", ref="R3/S", via="vehicles", record_id="R3"
            )
        )
    analyse(workspace)
    third = {o["id"]: o for o in listed(cli_env)}
    assert third[vehicle["id"]]["status"] == "new"
    assert third[vehicle["id"]]["records"] == ["R1", "R2", "R3"]
    assert third[suspect["id"]]["status"] == "actioned"
    with workspace.reading() as session:
        events = [h["event"] for h in history(session, vehicle["id"])]
        reopened = [h for h in history(session, vehicle["id"]) if h["event"] == "reopened"]
    assert events[:2] == ["raised", "dismissed"] and "evidence" in events
    assert "R3" in reopened[0]["detail"] and "DC Reviewer" in reopened[0]["detail"]
