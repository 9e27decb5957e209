"""Victims blanked out of free text in spellings no subject field or extraction caught."""

from __future__ import annotations

import io
import json
from pathlib import Path

from openpyxl import load_workbook

from tests.security.test_search import _bundle, _record
from threadline.ingest import import_bundle
from threadline.security.access import Access, Principal
from threadline.security.exports import FORMATS, export
from threadline.security.policy import Role
from threadline.store.entity_models import Entity, EntityMember
from threadline.workspace import Workspace

ANALYST = Principal("ann", Role.ANALYST, frozenset({"OAK"}))
REVIEWER = Principal("rita", Role.REVIEWER, frozenset({"OAK"}))
PARTNER = Principal("pat", Role.PARTNER, frozenset({"OAK"}))
PERMITTED = {"system": "3x5x2", "source": "1", "intelligence": "A", "handling": "P"}

# Tamsin WREN is the victim. The text spells her Tamzin (the same Soundex), Tamsyn
# (the same skeleton) and Wrenn, and calls her Tammy, a name only the other record,
# resolved into the same person, knows her by. Daniel ROSS, the suspect, stays.
TEXT = (
    "Tamzin said that Daniel ROSS collected her from school. Tamsyn WRENN was then "
    "taken to a flat. Tammy later told her aunt. Ross denies it."
)
RECORDS = [
    {
        **_record(
            "R1",
            TEXT,
            [
                {
                    "ref": "R1/S1",
                    "role": "victim",
                    "name": "Tamsin WREN",
                    "age": 13,
                    "address": "4 Larch Close, Riverton",
                },
                {"ref": "R1/S2", "role": "suspect", "name": "Daniel ROSS"},
            ],
        ),
        "grading": PERMITTED,
        "locations": [
            {"address": "4 Larch Close, Riverton", "postcode": "RV6 1AA"},
            {"address": "Riverton bus station"},
        ],
    },
    _record(
        "R2",
        "Referral from the school nurse.",
        [{"ref": "R2/S1", "role": "victim", "name": "Tammy WREN", "age": 13}],
    ),
]
HIDDEN = ("Tamzin", "Tamsyn", "Tamsin", "WRENN", "Wren", "Tammy")


def _world(workspace: Workspace, tmp_path: Path) -> None:
    import_bundle(workspace, _bundle(tmp_path / "b", RECORDS))
    with workspace.transaction() as session:
        session.add(Entity(id="E-0001", type="person", label="Tamsin WREN", key=None))
        session.add_all(
            EntityMember(
                entity_id="E-0001", kind="subject", ref=ref, record_id=rid, operation_id="OAK"
            )
            for ref, rid in (("R1/S1", "R1"), ("R2/S1", "R2"))
        )


def _assert_hidden(text: str) -> None:
    for word in HIDDEN:
        assert word.casefold() not in text.casefold(), word


def test_misspelt_and_other_names_of_a_victim_are_blanked(
    workspace: Workspace, tmp_path: Path
) -> None:
    _world(workspace, tmp_path)
    with workspace.reading() as session:
        seen = Access(session, REVIEWER).record("R1")
        hidden = Access(session, ANALYST).record("R1")
    assert seen is not None and hidden is not None
    assert seen.text == TEXT
    _assert_hidden(hidden.text)
    assert hidden.text.count("[victim 1]") == 4
    # The suspect is not a victim: his name stays, in both spellings.
    assert "Daniel ROSS" in hidden.text and "Ross denies" in hidden.text
    # The victim's address among the record's places is blanked too; other places stay.
    assert seen.locations[0] == ("4 Larch Close, Riverton", "RV6 1AA")
    assert hidden.locations[0][0] == "[redacted]"
    assert hidden.locations[1] == ("Riverton bus station", None)


def test_a_partner_export_holds_no_victim_name_in_any_spelling(
    workspace: Workspace, tmp_path: Path
) -> None:
    _world(workspace, tmp_path)
    for principal in (REVIEWER, PARTNER):
        for fmt in FORMATS:
            with workspace.reading() as session:
                done = export(Access(session, principal), format=fmt, partner=True)
            assert done.records == 1  # R2 is ungraded: not for a partner
            if fmt == "xlsx":
                book = load_workbook(io.BytesIO(done.content), read_only=True)
                content = json.dumps(
                    [list(r) for s in book.worksheets for r in s.iter_rows(values_only=True)],
                    default=str,
                )
            else:
                content = done.content.decode("utf-8")
            _assert_hidden(content)
            assert "Daniel ROSS" in content
