"""Fragments of one person that the material itself ties together: a second pass.

The model leaves a person in fragments whose only common ground is the name: an
action "trace and interview Hassan MOHAMUD re INT-000344" names a Hassan
MOHAMUD with an age and nothing else, while INT-000344's Hassan MOHAMUD has a
date of birth and a phone. A name alone must never join two clusters (many
people share one), but here the source system says more than the name: the
action *lists* that record, so its subject is someone the record names. The
same holds for an event that lists the records it arose from, and for a record
whose ``links`` cross-reference another.

So, after the model's clustering: a subject whose item (record, action or
event) lists a record joins the cluster of a subject of that record when

- their names agree (the same forename and surname groups, either order, or
  one slip in one of the two; or the same surname with a forename missing or
  only an initial that agrees), or, one of them recorded without a name, they
  have the same date of birth, a phone, a vehicle or the nominal in common;
- the agreement is unambiguous both ways: no other cluster among the listed
  record's subjects has a name that agrees, and no other cluster among the
  lister's subjects (two Tariq HUSSAINs in one record, a father and a son, stop
  it);
- nothing about the two clusters says two people: known genders agree, no
  source system gave them two different nominals, when both hold dates of
  birth some two of them are close (:func:`close_dates`: the listing says
  nothing about dates, so two men of one name born months apart stay two), and
  (checked by the clustering itself) no cannot-link and no dates of birth that
  cannot be one person's lie between them.

Each such join is kept with its evidence (which item lists which record, how
the names agree), with ``source`` ``listed``. Work is linear in the subjects
and the listings; no pair is compared that the material does not tie.

A vehicle or phone ties fragments the same way. A suspect or associate is
*seen with* the vehicles and phones of their own, and those their record's text
names that no other subject of the record carries as their own ("Silver Seat
Leon B29 WBF seen collecting young females. Driver Hassan WARSAME"). Two
subjects of different items seen with one vehicle or phone join when their full
names agree (the same, either order, or one slip; a surname alone is not
enough: a father and a son share a car and a surname), unambiguously both ways
(no other cluster of an agreeing name is seen with it: a taxi firm's number
that two Mohammed ALIs rang ties neither), and when nothing says two people, as
above. Such joins are kept with ``source`` ``seen_with``, their evidence naming
the identifier and the two items.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from threadline.domain.normalise import normalise_phone, normalise_vrm
from threadline.resolve.cluster import Clusters, date_slip
from threadline.resolve.spelling import one_slip

COLUMNS = (
    "unique_id",
    "item",
    "lists",
    "fn",
    "fn_canon",
    "fn_initial",
    "fn_is_initial",
    "sn",
    "sn_canon",
    "fn_as_sn",
    "sn_as_fn",
    "gender",
    "nominal",
    "nominal_system",
    "dob",
    "phones",
    "vehicles",
    "seen_with",
)
"""The feature columns this pass reads."""

TIED_TYPES = ("vehicle", "phone")
"""The identifiers whose mention in a record's text ties it to its suspects."""
TIED_ROLES = frozenset({"suspect", "associate"})
"""The subjects a record's vehicles and phones are taken to be seen with."""

SAME_NAMES = "the same forename and surname"
SWAPPED = "the same forename and surname, the other way round"
ONE_SLIP = "the same forename and surname, one of them with one slip"
SURNAME = "the same surname, the forename missing or an initial that agrees"
NAMELESS = "no name on one side; the same {}"


@dataclass(frozen=True)
class Listing:
    """Subject ``left`` belongs to ``lister``, which lists ``listed``, of subject ``right``."""

    left: int
    right: int
    lister: str
    listed: str
    names: str

    def evidence(self) -> dict[str, Any]:
        return {
            "listed": {"level": f"{self.lister} lists {self.listed}", "weight": None},
            "name": {"level": self.names, "weight": None},
        }


@dataclass(frozen=True)
class SeenWith(Listing):
    """Subjects ``left`` (of item ``lister``) and ``right`` are both seen with identifier
    ``listed`` (a key such as ``vehicle:B29WBF``); ``other`` is ``right``'s item."""

    other: str = ""

    def evidence(self) -> dict[str, Any]:
        return {
            "seen_with": {
                "level": f"{self.listed} is seen with both, in {self.lister} and {self.other}",
                "weight": None,
            },
            "name": {"level": self.names, "weight": None},
        }


def names_agree(a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    """How two subjects' names agree, or None (see the module's docstring)."""
    if not a["sn"] or not b["sn"]:
        return None
    full_a = bool(a["fn"]) and not a["fn_is_initial"]
    full_b = bool(b["fn"]) and not b["fn_is_initial"]
    if full_a and full_b:
        same_fn = a["fn_canon"] == b["fn_canon"]
        same_sn = a["sn_canon"] == b["sn_canon"]
        if same_fn and same_sn:
            return SAME_NAMES
        if a["fn_as_sn"] == b["sn_canon"] and a["sn_as_fn"] == b["fn_canon"]:
            return SWAPPED
        if (same_fn and one_slip(a["sn"], b["sn"])) or (same_sn and one_slip(a["fn"], b["fn"])):
            return ONE_SLIP
        # The other way round with one slip: ``THOMPSON, Mark`` and ``THOMPPSON MARK``
        # (a name in one case has no reliable order).
        fn_is_sn = a["fn_as_sn"] == b["sn_canon"]
        sn_is_fn = a["sn_as_fn"] == b["fn_canon"]
        if (fn_is_sn and one_slip(a["sn"], b["fn"])) or (sn_is_fn and one_slip(a["fn"], b["sn"])):
            return ONE_SLIP
        return None
    if not full_a and not full_b:
        if a["sn_canon"] != b["sn_canon"]:
            return None
        if a["fn"] and b["fn"] and a["fn_initial"] != b["fn_initial"]:
            return None
        return SURNAME
    full, part = (a, b) if full_a else (b, a)
    # A surname alone (or with an initial) that the full name carries, either way round:
    # ``ISLAM`` and ``ISLAM ARJUN``.
    for surname, forename in ((full["sn_canon"], full["fn"]), (full["fn_as_sn"], full["sn"])):
        if surname == part["sn_canon"] and (not part["fn"] or part["fn_initial"] == forename[:1]):
            return SURNAME
    return None


def nameless_agree(a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    """For a subject recorded without a name: the same date of birth, phone, vehicle or
    nominal as the other (not a home, which a family shares), or None."""
    if (a["fn"] or a["sn"]) and (b["fn"] or b["sn"]):
        return None
    if a["dob"] and a["dob"] == b["dob"]:
        return NAMELESS.format("date of birth")
    for column, what in (("phones", "phone"), ("vehicles", "vehicle")):
        if set(a[column] or ()) & set(b[column] or ()):
            return NAMELESS.format(what)
    if a["nominal"] and a["nominal"] == b["nominal"]:
        return NAMELESS.format("nominal")
    return None


def listings(table: pa.Table, among: set[int] | None = None) -> list[Listing]:
    """Every pair of subjects, one in an item that lists the other's record, whose names
    agree; with ``among``, only the pairs with at least one side in it (read without
    going through every listing of the table: an incremental run's few added subjects)."""
    lists = table["lists"]
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    if lists.null_count == len(lists):
        return []
    parents = pc.list_parent_indices(lists)
    if among is None:
        positions = pc.unique(parents)
    else:
        chosen = pc.is_in(table["unique_id"], pa.array(sorted(among), pa.int64()))
        added_items = pc.unique(table.filter(chosen)["item"].drop_null())
        listing_added = pc.is_in(pc.list_flatten(lists), added_items)
        positions = pc.unique(
            pa.concat_arrays(
                [
                    parents.filter(listing_added),
                    pc.indices_nonzero(pc.and_(chosen, pc.is_valid(lists))).cast(parents.type),
                ]
            )
        )
    listers = table.take(positions).select(COLUMNS).to_pylist()
    listed_items = sorted({record for row in listers for record in row["lists"] or ()})
    targets = table.filter(pc.is_in(table["item"], pa.array(listed_items, pa.string())))
    of_item: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in targets.select(COLUMNS).to_pylist():
        of_item[row["item"]].append(row)
    found = []
    for left in listers:
        for record in left["lists"] or ():
            if record == left["item"]:
                continue
            for right in of_item.get(record, ()):
                if among is not None and not {left["unique_id"], right["unique_id"]} & among:
                    continue
                names = names_agree(left, right) or nameless_agree(left, right)
                if names is not None:
                    found.append(
                        Listing(left["unique_id"], right["unique_id"], left["item"], record, names)
                    )
    return sorted(found, key=lambda x: (x.left, x.right, x.listed))


def tie_identifiers(rows: Iterable[Any], named: Mapping[str, set[str]]) -> None:
    """Set each suspect's or associate's ``seen_with`` (``SubjectRow``): the vehicles and
    phones their record's text names (``named``: record → identifier keys) that no other
    subject of the record carries as their own, with their own."""
    by_record: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.record_id in named:
            by_record[row.record_id].append(row)
    for record, subjects in by_record.items():
        owned = {row.ref: own_identifiers(row.phones, row.vehicles) for row in subjects}
        for row in subjects:
            if row.role not in TIED_ROLES:
                continue
            others = set().union(*(keys for ref, keys in owned.items() if ref != row.ref))
            row.seen_with = sorted((named[record] - others) | owned[row.ref])


def own_identifiers(phones: Iterable[Any] | None, vehicles: Iterable[Any] | None) -> set[str]:
    """A subject's own phones and vehicles as identifier keys (``phone:+44...``)."""
    keys = set()
    for kind, values, normalise in (
        ("phone", phones, normalise_phone),
        ("vehicle", vehicles, normalise_vrm),
    ):
        for value in values or ():
            key = normalise(str(value))
            if key:
                keys.add(f"{kind}:{key}")
    return keys


FULL_NAMES = frozenset({SAME_NAMES, SWAPPED, ONE_SLIP})
"""How names must agree for an identifier to tie two fragments."""


def seen_with(table: pa.Table, among: set[int] | None = None) -> list[SeenWith]:
    """Every ordered pair of subjects of different items seen with one vehicle or phone
    whose full names agree; with ``among``, only the pairs with a side in it."""
    column = table["seen_with"]
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if column.null_count == len(column):
        return []
    tied = table.filter(pc.is_valid(column))
    if among is not None:
        chosen = pc.is_in(tied["unique_id"], pa.array(sorted(among), pa.int64()))
        keys = pc.unique(pc.list_flatten(tied.filter(chosen)["seen_with"]))
        lists = tied["seen_with"].combine_chunks()
        hit = pc.is_in(pc.list_flatten(lists), keys)
        tied = tied.take(pc.unique(pc.list_parent_indices(lists).filter(hit)))
    of_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tied.select(COLUMNS).to_pylist():
        if row["sn"] and row["fn"] and not row["fn_is_initial"]:
            for key in row["seen_with"]:
                of_key[key].append(row)
    found = []
    for key, rows in of_key.items():
        for left in rows:
            for right in rows:
                if left["item"] == right["item"]:
                    continue
                if among is not None and not {left["unique_id"], right["unique_id"]} & among:
                    continue
                names = names_agree(left, right)
                if names in FULL_NAMES:
                    found.append(
                        SeenWith(
                            left["unique_id"],
                            right["unique_id"],
                            left["item"],
                            key,
                            names,
                            right["item"],
                        )
                    )
    return sorted(found, key=lambda x: (x.left, x.right, x.listed))


def ties(table: pa.Table, among: set[int] | None = None) -> list[Listing]:
    """What ties fragments: listings, then vehicles and phones both are seen with."""
    found: list[Listing] = listings(table, among)
    if "seen_with" in table.column_names:
        found.extend(seen_with(table, among))
    return found


def items_touched(table: pa.Table, added: set[int]) -> set[str]:
    """The items on either side of a tie that involves an ``added`` row: what an
    incremental run must read back whole to judge the ties as a full run does."""
    items: set[str] = set()
    for found in ties(table, added):
        items.add(found.lister)
        items.add(found.other if isinstance(found, SeenWith) else found.listed)
    return items


def join_listed(
    clusters: Clusters,
    found: Iterable[Listing],
    people: Mapping[int, Mapping[str, Any]],
) -> list[Listing]:
    """Join the clusters that unambiguous listings tie (the module's docstring); returns
    the listings that joined two clusters. ``people`` maps row numbers to their
    ``COLUMNS`` (every member of a cluster a listing touches)."""
    found = list(found)
    # Which clusters each side could mean, judged on the clusters before this pass.
    meant_by_left: dict[tuple[int, str], set[int]] = defaultdict(set)
    meant_by_right: dict[tuple[int, str], set[int]] = defaultdict(set)
    for x in found:
        meant_by_left[(x.left, x.listed)].add(clusters.find(x.right))
        meant_by_right[(x.right, x.lister)].add(clusters.find(x.left))
    joined = []
    for x in found:
        if (
            len(meant_by_left[(x.left, x.listed)]) > 1
            or len(meant_by_right[(x.right, x.lister)]) > 1
        ):
            continue
        a, b = clusters.find(x.left), clusters.find(x.right)
        if a == b or _conflict(clusters.members[a], clusters.members[b], people):
            continue
        if clusters.union(x.left, x.right):
            joined.append(x)
    return joined


def _conflict(a: Iterable[int], b: Iterable[int], people: Mapping[int, Mapping[str, Any]]) -> bool:
    """Whether two clusters hold different known genders, dates of birth none of which
    is close to one of the other's, or two different nominals of one source system
    and no nominal in common."""
    rows_a = [people[r] for r in a if r in people]
    rows_b = [people[r] for r in b if r in people]
    genders_a = {r["gender"] for r in rows_a if r["gender"]}
    genders_b = {r["gender"] for r in rows_b if r["gender"]}
    if len(genders_a) == 1 and len(genders_b) == 1 and genders_a != genders_b:
        return True
    dates_a = {r["dob"] for r in rows_a if r["dob"]}
    dates_b = {r["dob"] for r in rows_b if r["dob"]}
    if dates_a and dates_b and not any(close_dates(x, y) for x in dates_a for y in dates_b):
        return True
    nominals_a = {(r["nominal_system"], r["nominal"]) for r in rows_a if r["nominal"]}
    nominals_b = {(r["nominal_system"], r["nominal"]) for r in rows_b if r["nominal"]}
    if nominals_a & nominals_b:
        return False
    systems = {s for s, _ in nominals_a} & {s for s, _ in nominals_b}
    return bool(systems)


CLOSE_DAYS = 31
"""Dates of birth this many days apart or fewer are close (a day or a month mistyped)."""


def close_dates(a: str, b: str) -> bool:
    """Two ISO dates of birth that one typing slip explains: equal, day and month swapped,
    one character apart, the same day a year out, or at most CLOSE_DAYS apart."""
    if date_slip(a, b):
        return True
    try:
        x, y = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    except ValueError:
        return True  # not a date: no evidence either way
    same_day_year_out = (x.month, x.day) == (y.month, y.day) and abs(x.year - y.year) == 1
    return same_day_year_out or abs((x - y).days) <= CLOSE_DAYS
