"""Text mentions of people and identifiers joined into entities, by rule.

A person named in free text joins an entity only on strong evidence
(docs/resolution.md, :func:`join_person_mentions`): a full name that one
subject of the record, one person anywhere or one person of the record's
operation carries; a surname and initial one subject of the record or one
person of the operation carries; a single word that is the name of one
subject of the record or of one person the record names in full; a nickname
that only one person lists as an alias, a person of the record's operation.

Anything else stays unjoined: a nickname alone in one record is not enough.
Identifier mentions (vehicles, phones, e-mail addresses) join on their
normalised value like every other occurrence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from threadline.domain.normalise import parse_name
from threadline.resolve.features import SubjectRow
from threadline.resolve.variants import canonical_forename, canonical_surname, fold


@dataclass(frozen=True)
class MentionRow:
    id: int
    record_id: str
    start: int
    end: int
    text: str
    type: str
    normalised: str | None
    operation_id: str | None


def read_mentions(session: Session, records: set[str] | None = None) -> list[MentionRow]:
    """The mentions the extract stage wrote (of ``records``, or all); none before it ran."""
    if not inspect(session.connection()).has_table("mentions"):
        return []
    from threadline.store.mention_models import Mention
    from threadline.store.models import Record

    query = select(
        Mention.id,
        Mention.record_id,
        Mention.start,
        Mention.end,
        Mention.text,
        Mention.type,
        Mention.normalised,
        Record.operation_id,
    ).join(Record, Record.id == Mention.record_id)
    if records is None:
        return [MentionRow(*row) for row in session.execute(query.order_by(Mention.id))]
    out: list[MentionRow] = []
    ordered = sorted(records)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        out.extend(
            MentionRow(*row)
            for row in session.execute(
                query.where(Mention.record_id.in_(chunk)).order_by(Mention.id)
            )
        )
    return out


def mention_names(text: str) -> tuple[str | None, str | None]:
    """(forename group, surname group) of a name as written."""
    parts = parse_name(text)
    forename = next((fold(f) for f in parts.forenames if fold(f)), None)
    surname = fold(parts.surname.replace(" ", "")) if parts.surname else None
    return (
        canonical_forename(forename) if forename else None,
        canonical_surname(surname) if surname else None,
    )


@dataclass(frozen=True)
class Carrier:
    """A subject that carries a name a mention might mean, with its operation."""

    ref: str
    operation: str | None
    fn: str | None
    """Forename group (``fn_canon``)."""
    sn: str | None
    """Surname group (``sn_canon``)."""
    initial: str | None
    aliases: tuple[str, ...] = ()


def wanted_names(mentions: Sequence[MentionRow]) -> tuple[set[tuple[str, str]], set[str]]:
    """The full names (forename group, surname group; initials too) and single words the
    person mentions carry: what :func:`name_carriers` looks for."""
    names: set[tuple[str, str]] = set()
    words: set[str] = set()
    for m in mentions:
        if m.type != "person":
            continue
        fn, sn = mention_names(m.text)
        if fn and sn:
            names.add((fn, sn))
        elif (key := alias_key(m.text)) is not None:
            words.add(key)
    return names, words


def initial_of(name: str) -> str | None:
    """The initial of a name's first forename, as written (not of its variant group)."""
    forename = next((fold(f) for f in parse_name(name).forenames if fold(f)), None)
    return forename[0] if forename else None


def alias_key(text: str) -> str | None:
    """A one-word name as an alias is compared (``features.py``): its forename group."""
    parts = parse_name(text)
    words = [fold(w) for w in [*parts.forenames, parts.surname or ""] if fold(w)]
    return canonical_forename(words[0]) if len(words) == 1 else None


def name_carriers(table: pa.Table, mentions: Sequence[MentionRow]) -> list[Carrier]:
    """The subjects (rows of the model's input ``table``) carrying a name the mentions carry.

    Full names in either order, a surname with a forename's initial, and single
    forename-like words listed among a subject's aliases.
    """
    names, words = wanted_names(mentions)
    if (not names and not words) or table.num_rows == 0:
        return []
    fn = pc.fill_null(table["fn_canon"], "")
    sn = pc.fill_null(table["sn_canon"], "")
    initial = pc.fill_null(table["fn_initial"], "")
    full = [f"{a}\x1f{b}" for a, b in names] + [f"{b}\x1f{a}" for a, b in names]
    short = [f"{a}\x1f{b}" for a, b in names if len(a) == 1]
    hit = pc.or_(
        pc.is_in(pc.binary_join_element_wise(fn, sn, "\x1f"), pa.array(full, pa.string())),
        pc.is_in(pc.binary_join_element_wise(initial, sn, "\x1f"), pa.array(short, pa.string())),
    )
    if words:
        flat = pc.list_flatten(table["aliases"])
        parents = pc.list_parent_indices(table["aliases"])
        listed = pc.filter(parents, pc.is_in(flat, pa.array(sorted(words), pa.string())))
        rows = pa.array(range(table.num_rows), pa.int64())
        hit = pc.or_(hit, pc.is_in(rows, pc.cast(listed, pa.int64())))
    rows = table.filter(hit).select(
        ["ref", "operation", "fn_canon", "sn_canon", "fn_initial", "aliases"]
    )
    return [
        Carrier(
            r["ref"],
            r["operation"],
            r["fn_canon"],
            r["sn_canon"],
            r["fn_initial"],
            tuple(r["aliases"] or ()),
        )
        for r in rows.to_pylist()
    ]


FULL_IN_RECORD = "full name of a subject of the same record"
FULL_ANYWHERE = "full name of exactly one person"
FULL_IN_OPERATION = "full name of exactly one person of the operation"
INITIAL_IN_RECORD = "surname and initial of exactly one subject of the same record"
INITIAL_IN_OPERATION = "surname and initial of exactly one person of the operation"
WORD_IN_RECORD = "one name, of exactly one subject of the same record"
WORD_NAMED_IN_RECORD = "one name, of exactly one person the same record names in full"
ALIAS_LISTED = "a nickname only one person lists as an alias, a person of the operation"


def join_person_mentions(
    mentions: Sequence[MentionRow],
    subjects: Sequence[SubjectRow],
    entity_of_subject: dict[str, str],
    carriers: Sequence[Carrier],
) -> dict[int, tuple[str, str]]:
    """Mention id → (entity id, the rule that joined it). The rules, strongest first:

    1. a forename and a surname: the one entity of a subject of the same record
       with those names (variant groups, either order); else the one person
       entity anywhere carrying them; else the one person entity carrying them
       among the subjects of the record's operation;
    2. a surname and an initial (``J. LIN``): the one subject of the same
       record with that surname and initial; else the one person entity of the
       operation;
    3. a single word: the one subject of the same record whose forename or
       surname it is; else the one person the same record names in full (by
       rule 1 or 2) whose forename or surname it is; else, for a nickname, the
       one person entity of the operation whose subjects list it as an alias.

    Anything else stays unjoined: a nickname no subject lists, or a name several
    people share, is not enough. ``subjects`` are the subjects of the mentions'
    records; ``carriers`` the subjects anywhere carrying the mentions' names
    (:func:`name_carriers`).
    """
    in_record: dict[str, list[tuple[str | None, str | None, str]]] = defaultdict(list)
    initials: dict[str, list[tuple[str | None, str | None, str]]] = defaultdict(list)
    for s in subjects:
        entity = entity_of_subject.get(s.ref)
        if entity is not None and s.name and s.record_id:
            fn, sn = mention_names(s.name)
            in_record[s.record_id].append((fn, sn, entity))
            initials[s.record_id].append((initial_of(s.name), sn, entity))
    by_full: dict[tuple[str, str], list[tuple[str | None, str]]] = defaultdict(list)
    by_initial: dict[tuple[str, str], list[tuple[str | None, str]]] = defaultdict(list)
    by_alias: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    for c in carriers:
        entity = entity_of_subject.get(c.ref)
        if entity is None:
            continue
        if c.fn and c.sn:
            by_full[(c.fn, c.sn)].append((c.operation, entity))
            by_full[(c.sn, c.fn)].append((c.operation, entity))
        if c.initial and c.sn:
            by_initial[(c.initial, c.sn)].append((c.operation, entity))
        for alias in c.aliases:
            by_alias[alias].append((c.operation, entity))

    def one(found: Iterable[str]) -> str | None:
        distinct = set(found)
        return distinct.pop() if len(distinct) == 1 else None

    def of_operation(found: list[tuple[str | None, str]], operation: str | None) -> str | None:
        return one(e for op, e in found if operation is not None and op == operation)

    def first(*tiers: tuple[set[str], str]) -> tuple[str, str] | None:
        """The first tier with any candidate decides: one candidate joins, several stop."""
        for candidates, rule in tiers:
            if candidates:
                return (next(iter(candidates)), rule) if len(candidates) == 1 else None
        return None

    def in_operation(found: list[tuple[str | None, str]], operation: str | None) -> set[str]:
        return {e for op, e in found if operation is not None and op == operation}

    joined: dict[int, tuple[str, str]] = {}
    named_in_record: dict[str, list[tuple[str | None, str | None, str]]] = defaultdict(list)
    words: list[tuple[MentionRow, str]] = []
    for m in mentions:
        if m.type != "person":
            continue
        fn, sn = mention_names(m.text)
        local = in_record.get(m.record_id, [])
        found: tuple[str, str] | None = None
        if fn and sn and len(fn) > 1:
            carried = by_full.get((fn, sn), [])
            found = first(
                ({e for f, s, e in local if (f, s) in ((fn, sn), (sn, fn))}, FULL_IN_RECORD),
                (
                    {e for _, e in carried} if len({e for _, e in carried}) == 1 else set(),
                    FULL_ANYWHERE,
                ),
                (in_operation(carried, m.operation_id), FULL_IN_OPERATION),
            )
        elif fn and sn:
            found = first(
                (
                    {e for i, s, e in initials.get(m.record_id, []) if (i, s) == (fn, sn)},
                    INITIAL_IN_RECORD,
                ),
                (in_operation(by_initial.get((fn, sn), []), m.operation_id), INITIAL_IN_OPERATION),
            )
        elif fn or sn:
            words.append((m, str(fn or sn)))
            continue
        if found is not None:
            joined[m.id] = found
            named_in_record[m.record_id].append((fn, sn, found[0]))
    for m, word in words:
        listed = by_alias.get(alias_key(m.text) or "", [])
        found = first(
            ({e for f, s, e in in_record.get(m.record_id, []) if word in (f, s)}, WORD_IN_RECORD),
            (
                {e for f, s, e in named_in_record.get(m.record_id, []) if word in (f, s)},
                WORD_NAMED_IN_RECORD,
            ),
            # A nickname: listed by one person of the operation, and by nobody else anywhere.
            (
                in_operation(listed, m.operation_id) if one(e for _, e in listed) else set(),
                ALIAS_LISTED,
            ),
        )
        if found is not None:
            joined[m.id] = found
    return joined
