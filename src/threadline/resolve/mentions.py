"""Text mentions of people and identifiers joined into entities, by rule.

A person named in free text joins an entity only on strong evidence
(docs/resolution.md, :func:`join_person_mentions`): a full name that one
subject of the record, one person anywhere or one person of the record's
operation carries (several: the one seen elsewhere with a vehicle, phone,
place or person the record names), or that is one slip of the keyboard from,
or said like, the name of one subject of the record or of its person (or,
when nobody carries it exactly, one slip from one person of the operation); a
surname and initial one subject of the record (written or said alike) or one
person of the operation carries; a single word that is the name or listed
nickname of one subject of the record or of its person, one slip from it, the
name of one person the record names in full, a nickname that only one person
lists as an alias, a person of the record's operation. (A single word that
names one person of the operation is not enough: measured, it was more often a
relative or someone named only in the text; docs/resolution.md.)

A join beyond the record is refused when the role the text gives the mention
(by a cue or an age, not the extractor's default) contradicts every role of
the person's subjects: a child named as a victim is not the man of the same
name who was only ever a suspect, nor the reverse (``PersonNames.contradicts``).

Anything else stays unjoined: a nickname alone in one record is not enough.
Identifier mentions (vehicles, phones, e-mail addresses) join on their
normalised value like every other occurrence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from threadline.domain.normalise import parse_name
from threadline.resolve.features import SubjectRow
from threadline.resolve.spelling import alike_words, deletion_keys, dropped_letter, one_slip
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
    role: str | None = None
    """The role the text gives a person by a cue or an age (``extract/roles.py``); None
    where the extractor only took its default (suspect), which is a prior, not evidence."""


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
        Mention.role,
        Mention.detail["role_rule"].as_string(),
    ).join(Record, Record.id == Mention.record_id)
    if records is None:
        return [_mention_row(*row) for row in session.execute(query.order_by(Mention.id))]
    out: list[MentionRow] = []
    ordered = sorted(records)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        out.extend(
            _mention_row(*row)
            for row in session.execute(
                query.where(Mention.record_id.in_(chunk)).order_by(Mention.id)
            )
        )
    return out


def _mention_row(*row: Any) -> MentionRow:
    """A row of :func:`read_mentions`, its role dropped where only the default gave it."""
    mention_id, record, start, end, text, type_, normalised, operation, role, rule = row
    given = None if rule == DEFAULT_ROLE_RULE else role
    return MentionRow(mention_id, record, start, end, text, type_, normalised, operation, given)


@dataclass(frozen=True)
class PersonNames:
    """Every name and nickname the subjects of one person entity are recorded under: a
    man recorded as ``Aram RASUL`` here and ``Aram RASOOL`` or ``Rasool`` elsewhere is
    the same man when a record he is a subject of writes either."""

    names: frozenset[Name]
    aliases: frozenset[str]
    records: frozenset[str] = frozenset()
    """The records (actions, events) its subjects are subjects of: where it is seen."""
    roles: frozenset[str] = frozenset()
    """The roles its subjects have (``suspect``, ``victim`` ...)."""

    def contradicts(self, role: str | None) -> bool:
        """Whether a mention the text gives ``role`` cannot be this person: a child the
        text names as a victim is not the man of the same name who was only ever a
        suspect or associate, nor a suspect the girl who was only ever a victim."""
        accused = bool(self.roles & ACCUSED)
        victim = VICTIM in self.roles
        return (role == VICTIM and accused and not victim) or (
            role == SUSPECT and victim and not accused
        )


def read_person_names(session: Session, entities: Collection[str]) -> dict[str, PersonNames]:
    """Entity id → the names, nicknames (``nickname_key``) and records of its subjects."""
    from threadline.store.entity_models import EntityMember
    from threadline.store.models import Subject

    names: dict[str, set[Name]] = defaultdict(set)
    aliases: dict[str, set[str]] = defaultdict(set)
    records: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    ordered = sorted(entities)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        # By entity id alone, kind checked here (stage.py's members_of says why).
        query = (
            select(
                EntityMember.entity_id,
                EntityMember.kind,
                EntityMember.ref,
                Subject.name,
                Subject.aliases,
                Subject.role,
            )
            .join(Subject, Subject.ref == EntityMember.ref)
            .where(EntityMember.entity_id.in_(chunk))
        )
        for entity, kind, ref, name, listed, role in session.execute(query):
            if kind != "subject":
                continue
            records[str(entity)].add(str(ref).rsplit("/", 1)[0])
            if role:
                roles[str(entity)].add(str(role))
            if name:
                names[str(entity)].add(Name.of(name))
            for alias in listed or ():
                if isinstance(alias, str) and (key := nickname_key(alias)) is not None:
                    aliases[str(entity)].add(key)
    return {
        e: PersonNames(
            frozenset(names.get(e, ())),
            frozenset(aliases.get(e, ())),
            frozenset(records[e]),
            frozenset(roles.get(e, ())),
        )
        for e in records
    }


@lru_cache(maxsize=1 << 18)
def written_names(text: str) -> tuple[str | None, str | None]:
    """(forename, surname) of a name as written, folded (``fn``, ``sn`` of ``features.py``)."""
    parts = parse_name(text)
    forename = next((fold(f) for f in parts.forenames if fold(f)), None)
    surname = fold(parts.surname.replace(" ", "")) if parts.surname else None
    return forename, surname or None


def mention_names(text: str) -> tuple[str | None, str | None]:
    """(forename group, surname group) of a name as written."""
    forename, surname = written_names(text)
    return (
        canonical_forename(forename) if forename else None,
        canonical_surname(surname) if surname else None,
    )


@dataclass(frozen=True)
class Name:
    """A name as the rules compare it: its parts as written (folded) and its readings.

    A name in one case (``WARD MARK``, ``Gallagher SEAN``) has no reliable
    order, so a full name has two *readings*, (forename group, surname group)
    as written and the other way round (``features.py``'s ``fn_as_sn``,
    ``sn_as_fn``); two names are the same when a reading of each agrees.
    """

    fn: str | None
    """The first forename as written, folded; for an initial, the letter."""
    sn: str | None
    initial_only: bool = field(init=False, compare=False, repr=False)
    full: bool = field(init=False, compare=False, repr=False)
    """A forename (not an initial) and a surname."""

    def __post_init__(self) -> None:
        # Read millions of times by the rules: computed once (the instance is frozen).
        initial_only = self.fn is not None and len(self.fn) == 1
        object.__setattr__(self, "initial_only", initial_only)
        object.__setattr__(
            self, "full", self.sn is not None and self.fn is not None and not initial_only
        )

    @staticmethod
    def of(text: str | None) -> Name:
        return _name_of(text) if text else Name(None, None)

    def initial(self) -> tuple[str, str] | None:
        """(The forename's initial, the surname group), as ``J. LIN`` is compared."""
        if not self.fn or not self.sn:
            return None
        return self.fn[0], canonical_surname(self.sn)

    def readings(self) -> frozenset[tuple[str, str]]:
        return _readings(self.fn, self.sn) if self.full else frozenset()

    def words(self) -> frozenset[str]:
        """Each part's groups, as a forename and as a surname (single words compare these)."""
        parts = [w for w in (self.fn, self.sn) if w and not (w == self.fn and self.initial_only)]
        return frozenset(g for w in parts for g in (canonical_forename(w), canonical_surname(w)))

    def surnames(self) -> frozenset[str]:
        """The surname groups of either reading (one part of a full name, else the surname)."""
        if self.full:
            return frozenset(s for _, s in self.readings())
        return frozenset({canonical_surname(self.sn)} if self.sn else ())

    def completes(self, other: Name) -> bool:
        """Whether this full name fills in ``other``, written with a surname and no forename
        or only an initial (``J. PARKIN``, ``BARKER``), in either order."""
        if not self.full or other.full or other.sn is None:
            return False
        assert self.fn is not None and self.sn is not None
        for fn, sn in ((self.fn, self.sn), (self.sn, self.fn)):
            if canonical_surname(sn) == canonical_surname(other.sn) and (
                other.fn is None or other.fn == fn[0]
            ):
                return True
        return False

    def alike(self, other: Name) -> bool:
        """Two full names, each part the same (group) or one slip apart, in either order,
        that are not the same name (``Zoë WIKINSON`` and ``Zoe WILKINSON``)."""
        return _parts_agree(self, other, said=False)

    def said_alike(self, other: Name) -> bool:
        """Two full names, each part the same (group), one slip apart or said alike
        (``spelling.sounding``), in either order, that are not the same name
        (``Aram RASOOL`` and ``Aram RASUL``, ``Jawad NURI`` and ``Jawad NOORI``)."""
        return _parts_agree(self, other, said=True)

    def initials(self) -> frozenset[tuple[str | None, str]]:
        """(The forename's initial, or None, and the surname as written) in either reading
        of a full name; a surname alone or with an initial in its one reading."""
        if self.full:
            assert self.fn is not None and self.sn is not None
            return frozenset({(self.fn[0], self.sn), (self.sn[0], self.fn)})
        if self.sn is None:
            return frozenset()
        return frozenset({(self.fn[0] if self.fn else None, self.sn)})

    def parts(self) -> frozenset[str]:
        """Its words as written (folded), an initial left out."""
        return frozenset(w for w in (self.fn, self.sn) if w and len(w) > 1)


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
    fn_written: str | None = None
    sn_written: str | None = None

    def name(self) -> Name:
        if self.fn_written and self.fn_written != self.initial:
            return Name(self.fn_written, self.sn_written)
        return Name(self.initial, self.sn_written)


@lru_cache(maxsize=1 << 18)
def _name_of(text: str) -> Name:
    return Name(*written_names(text))


@lru_cache(maxsize=1 << 20)
def _parts_agree(one: Name, other: Name, said: bool) -> bool:
    if not (one.full and other.full) or one.readings() & other.readings():
        return False
    assert one.fn and one.sn and other.fn and other.sn
    return (_part(one.fn, other.fn, said) and _part(one.sn, other.sn, said)) or (
        _part(one.fn, other.sn, said) and _part(one.sn, other.fn, said)
    )


@lru_cache(maxsize=1 << 18)
def _part(a: str, b: str, said: bool) -> bool:
    """Two parts of names that may be one: the same (group), or one slip apart (or, with
    ``said``, said alike), as written or as their groups."""
    close = alike_words if said else one_slip
    return (
        a == b
        or canonical_forename(a) == canonical_forename(b)
        or canonical_surname(a) == canonical_surname(b)
        or close(a, b)
        or close(canonical_forename(a), canonical_forename(b))
        or close(canonical_surname(a), canonical_surname(b))
    )


@lru_cache(maxsize=1 << 18)
def _readings(fn: str | None, sn: str | None) -> frozenset[tuple[str, str]]:
    assert fn is not None and sn is not None
    return frozenset(
        {
            (canonical_forename(fn), canonical_surname(sn)),
            (canonical_forename(sn), canonical_surname(fn)),
        }
    )


def initial_of(name: str) -> str | None:
    """The initial of a name's first forename, as written (not of its variant group)."""
    forename = next((fold(f) for f in parse_name(name).forenames if fold(f)), None)
    return forename[0] if forename else None


def alias_key(text: str) -> str | None:
    """A one-word name as an alias is compared (``features.py``): its forename group."""
    parts = parse_name(text)
    words = [fold(w) for w in [*parts.forenames, parts.surname or ""] if fold(w)]
    return canonical_forename(words[0]) if len(words) == 1 else None


@lru_cache(maxsize=1 << 18)
def nickname_key(text: str) -> str | None:
    """A mention as a listed alias is compared (``features.py``): the whole text folded,
    so a nickname of two words (``Taxi Man``) is compared as one."""
    folded = fold(text)
    return canonical_forename(folded) if folded else None


@dataclass
class Wanted:
    """What :func:`name_carriers` looks for in the person mentions."""

    readings: set[tuple[str, str]]
    """Full names (forename group, surname group), both readings."""
    initials: set[tuple[str, str]]
    """A forename's initial and a surname group (``J. LIN``)."""
    aliases: set[str]
    """Every mention as a nickname would be listed (one word, or several run together)."""
    written: set[str]
    """The parts of full names as written (and their groups), looked for one slip away."""
    words: set[str]
    """Single words, as forename and surname groups."""
    operations: set[str]


def wanted_names(mentions: Sequence[MentionRow]) -> Wanted:
    """What the person mentions carry: what :func:`name_carriers` looks for."""
    wanted = Wanted(set(), set(), set(), set(), set(), set())
    for m in mentions:
        if m.type != "person":
            continue
        if m.operation_id is not None:
            wanted.operations.add(m.operation_id)
        if (key := nickname_key(m.text)) is not None:
            wanted.aliases.add(key)
        name = Name.of(m.text)
        if name.full:
            wanted.readings |= name.readings()
            assert name.fn is not None and name.sn is not None
            for part in (name.fn, name.sn):
                wanted.written |= {part, canonical_forename(part), canonical_surname(part)}
        elif name.initial_only and name.sn:
            assert name.fn is not None
            wanted.initials.add((name.fn, canonical_surname(name.sn)))
        else:
            wanted.words |= name.words()
    return wanted


def name_carriers(table: pa.Table, mentions: Sequence[MentionRow]) -> list[Carrier]:
    """The subjects (rows of the model's input ``table``) carrying a name the mentions carry.

    Full names in either reading, a surname with a forename's initial, and
    nicknames listed among a subject's aliases, anywhere; and, among the
    subjects of the mentions' operations, names one slip from a full name
    (found by :func:`deletion_keys`, confirmed by :meth:`Name.alike`) and
    forenames or surnames a single word gives.
    """
    wanted = wanted_names(mentions)
    if not (wanted.readings or wanted.initials or wanted.aliases) or table.num_rows == 0:
        return []

    def joined(a: str, b: str) -> Any:
        return pc.binary_join_element_wise(
            pc.fill_null(table[a], ""), pc.fill_null(table[b], ""), "\x1f"
        )

    full = pa.array(sorted(f"{a}\x1f{b}" for a, b in wanted.readings), pa.string())
    short = pa.array(sorted(f"{a}\x1f{b}" for a, b in wanted.initials), pa.string())
    hit = pc.or_(
        pc.or_(
            pc.is_in(joined("fn_canon", "sn_canon"), full),
            pc.is_in(joined("sn_as_fn", "fn_as_sn"), full),
        ),
        pc.is_in(joined("fn_initial", "sn_canon"), short),
    )
    if wanted.aliases:
        flat = pc.list_flatten(table["aliases"])
        parents = pc.list_parent_indices(table["aliases"])
        listed = pc.filter(parents, pc.is_in(flat, pa.array(sorted(wanted.aliases), pa.string())))
        rows = pa.array(range(table.num_rows), pa.int64())
        hit = pc.or_(hit, pc.is_in(rows, pc.cast(listed, pa.int64())))
    near = _one_slip_from(table, wanted.written) if wanted.operations else set()
    if near or (wanted.words and wanted.operations):
        candidates = pa.array(sorted(near), pa.string())

        def close(part: str) -> Any:
            written = pc.fill_null(table[part], "")
            grouped = pc.fill_null(table[f"{part}_canon"], "")
            return pc.or_(pc.is_in(written, candidates), pc.is_in(grouped, candidates))

        words = pa.array(sorted(wanted.words), pa.string())
        named = pc.or_(
            pc.and_(close("fn"), close("sn")),
            pc.or_(
                pc.is_in(pc.fill_null(table["fn_canon"], ""), words),
                pc.is_in(pc.fill_null(table["sn_canon"], ""), words),
            ),
        )
        in_operations = pc.is_in(
            pc.fill_null(table["operation"], ""), pa.array(sorted(wanted.operations), pa.string())
        )
        hit = pc.or_(hit, pc.and_(named, in_operations))
    rows = table.filter(hit).select(
        ["ref", "operation", "fn_canon", "sn_canon", "fn_initial", "aliases", "fn", "sn"]
    )
    return [
        Carrier(
            r["ref"],
            r["operation"],
            r["fn_canon"],
            r["sn_canon"],
            r["fn_initial"],
            tuple(r["aliases"] or ()),
            r["fn"],
            r["sn"],
        )
        for r in rows.to_pylist()
    ]


def misspelt_names(table: pa.Table, mentions: Sequence[MentionRow]) -> set[int]:
    """The person mentions (ids) of a full name one slip from a name some subject anywhere
    carries (:meth:`Name.alike`): most likely that person's name mistyped, so not a
    person of the text (``text_people.py``), even when no rule can tell whose."""
    named = [(m.id, n) for m in mentions if m.type == "person" and (n := Name.of(m.text)).full]
    written: set[str] = set()
    for _, name in named:
        assert name.fn is not None and name.sn is not None
        for part in (name.fn, name.sn):
            written |= {part, canonical_forename(part), canonical_surname(part)}
    near = _one_slip_from(table, written)
    if not near:
        return set()
    candidates = pa.array(sorted(near), pa.string())

    def close(part: str) -> Any:
        return pc.or_(
            pc.is_in(pc.fill_null(table[part], ""), candidates),
            pc.is_in(pc.fill_null(table[f"{part}_canon"], ""), candidates),
        )

    rows = table.filter(pc.and_(close("fn"), close("sn"))).select(["fn", "sn"])
    by_key: dict[str, set[Name]] = defaultdict(set)
    for fn, sn in zip(rows["fn"].to_pylist(), rows["sn"].to_pylist(), strict=True):
        carried = Name(fn, sn)
        if carried.full:
            for key in deletion_keys(sn) | deletion_keys(fn):
                by_key[key].add(carried)
    misspelt: set[Name] = set()
    for name in {name for _, name in named}:
        assert name.fn is not None and name.sn is not None
        keys = deletion_keys(name.sn) | deletion_keys(name.fn)
        if any(_mistyped(name, other) for key in keys for other in by_key.get(key, ())):
            misspelt.add(name)
    return {mention_id for mention_id, name in named if name in misspelt}


def _mistyped(name: Name, other: Name) -> bool:
    """``name`` one slip from ``other`` (:meth:`Name.alike`), or with a letter dropped
    from a short part (``Adam HLL`` for ``Adam HALL``, ``Jordan SHW``)."""
    if name.alike(other):
        return True
    if not (name.full and other.full) or name.readings() & other.readings():
        return False
    assert name.fn and name.sn and other.fn and other.sn

    def part(a: str, b: str) -> bool:
        return _part(a, b, said=False) or dropped_letter(a, b)

    return (part(name.fn, other.fn) and part(name.sn, other.sn)) or (
        part(name.fn, other.sn) and part(name.sn, other.fn)
    )


def _one_slip_from(table: pa.Table, words: set[str]) -> set[str]:
    """The names (forenames and surnames, written or grouped) of ``table`` that share a
    deletion key with one of ``words``: candidates to be one slip from them."""
    if not words:
        return set()
    keys = set().union(*(deletion_keys(w) for w in words))
    found: set[str] = set()
    for column in ("fn", "sn", "fn_canon", "sn_canon"):
        for value in pc.unique(table[column]).to_pylist():
            if value and len(value) >= 3 and not deletion_keys(value).isdisjoint(keys):
                found.add(value)
    return found


FULL_IN_RECORD = "full name of a subject of the same record"
ALIAS_IN_RECORD = "a nickname one subject of the same record lists as an alias"
FULL_COMPLETES_IN_RECORD = "full name of the one subject of the same record named by surname"
FULL_ALIKE_IN_RECORD = "full name one slip from a subject of the same record"
FULL_ANYWHERE = "full name of exactly one person"
FULL_IN_OPERATION = "full name of exactly one person of the operation"
FULL_ALIKE_IN_OPERATION = "full name nobody carries, one slip from one person of the operation"
FULL_WITH_IDENTIFIER = (
    "full name several people carry, of the one seen with a vehicle, phone, place or"
    " person the record names"
)
INITIAL_WITH_IDENTIFIER = (
    "surname and initial several people of the operation carry, of the one seen with"
    " a vehicle, phone, place or person the record names"
)
WORD_WITH_IDENTIFIER = (
    "one name, of the one person of the operation carrying it seen with a vehicle, phone"
    " or person the record names"
)
INITIAL_IN_RECORD = "surname and initial of exactly one subject of the same record"
FULL_OF_PERSON_IN_RECORD = (
    "full name the person of exactly one subject of the same record is recorded under"
)
FULL_SAID_IN_RECORD = "full name said like that of exactly one subject of the same record"
INITIAL_ALIKE_IN_RECORD = (
    "surname and initial written or said like those of exactly one subject of the same record"
)
WORD_OF_PERSON_IN_RECORD = (
    "one name or nickname the person of exactly one subject of the same record is recorded under"
)
WORD_ALIKE_IN_RECORD = (
    "one name written or said like that of exactly one person the same record names"
)
INITIAL_IN_OPERATION = "surname and initial of exactly one person of the operation"
WORD_IN_RECORD = "one name, of exactly one subject of the same record"
WORD_NAMED_IN_RECORD = "one name, of exactly one person the same record names in full"
ALIAS_OF_NAMED_IN_RECORD = "a nickname only one person the same record names lists as an alias"
ALIAS_LISTED = "a nickname only one person lists as an alias, a person of the operation"


VICTIM = "victim"
SUSPECT = "suspect"
DEFAULT_ROLE_RULE = "default"
"""``detail["role_rule"]`` of a mention no cue gave a role (``extract/roles.py``)."""
ACCUSED = frozenset({"suspect", "associate"})
"""Subject roles of a man accused: a child named as a victim is not him (``contradicts``)."""
BEYOND_RECORD = frozenset(
    {
        FULL_ANYWHERE,
        FULL_IN_OPERATION,
        FULL_ALIKE_IN_OPERATION,
        FULL_WITH_IDENTIFIER,
        INITIAL_IN_OPERATION,
        INITIAL_WITH_IDENTIFIER,
        WORD_WITH_IDENTIFIER,
        ALIAS_LISTED,
    }
)
"""Rules that join a mention to a person none of its record's subjects is: the
mention's role must not contradict the person's (``PersonNames.contradicts``)."""

SEEN_WITH_PASSES = 3
"""How many times names several people carry are looked at again (``settle``)."""
PLACE = "place:"
"""The prefix of a place (its entity id) in a record's context."""
PERSON = "person:"
"""The prefix of a person (its entity id) in a record's context."""


@dataclass(frozen=True)
class _Local:
    """A subject of a mention's record, as the rules compare it."""

    entity: str
    name: Name
    aliases: frozenset[str]
    person: PersonNames
    """What its person's other subjects are recorded under (its own name included)."""

    def initials_alike(self, initial: str, surname: str) -> bool:
        """Whether ``J. LIN`` (``initial``, ``surname`` folded) is this subject or its
        person: the same initial (or none) and a surname the same, one slip from it or
        said like it, in either reading."""
        for name in (self.name, *self.person.names):
            for first, written in name.initials():
                if first not in (None, initial):
                    continue
                if canonical_surname(written) == canonical_surname(surname) or alike_words(
                    written, surname
                ):
                    return True
        return False


def join_person_mentions(
    mentions: Sequence[MentionRow],
    subjects: Sequence[SubjectRow],
    entity_of_subject: dict[str, str],
    carriers: Sequence[Carrier],
    context: Mapping[str, Collection[str]] | None = None,
    known: Mapping[str, PersonNames] | None = None,
) -> dict[int, tuple[str, str]]:
    """Mention id → (entity id, the rule that joined it). The rules, strongest first:

    1. a forename and a surname (either reading, :class:`Name`): the one entity
       of a subject of the same record with those names; else the one subject
       of the record listing the whole as a nickname; else the one subject of
       the record written with that surname and no forename or only its
       initial; else the one subject of the record whose names are one slip
       from them (``spelling.py``); else the one person entity anywhere
       carrying them; else the one person entity carrying them among the
       subjects of the record's operation; else, when no subject anywhere
       carries them, the one person entity of the operation whose names are
       one slip from them; else, as for a nickname (rule 3);
    2. a surname and an initial (``J. LIN``): the one subject of the same
       record with that surname and initial; else the one person entity of the
       operation;
    3. a single word: the one subject of the same record whose forename or
       surname it is; else the one subject of the record listing it as a
       nickname; else the one person the same record names in full (by rule 1
       or 2) whose forename or surname it is, or, for a nickname, whose
       subjects list it as an alias; else, for a nickname, the one
       person entity of the operation whose subjects list it as an alias, when
       nobody else anywhere lists it.

    Within the record, each subject is compared with its own name and with
    what its person is recorded under elsewhere (``known``: entity id → the
    names, nicknames and records of its subjects, :func:`read_person_names`),
    then with names one slip from or said like them (``spelling.py``).

    Last, a full name several people carry (none of them a subject of the
    record), or a surname and initial several people of the operation carry,
    joins the one of them *seen with* a vehicle, phone, place or person the
    record names (``context``: the vehicles and phones each record or item
    names, in its text or as its subjects' own, the places its ``locations``
    or text name, and the persons of its subjects; with the persons its text
    named by the rules above): one whose subjects' records, or records already
    joined to it, other than the mention's own, name it too; so does a single
    word that no subject of the record carries, to the one person of the
    operation carrying it who is seen with one (not by a place alone). A name
    with a car, a phone, a place or a companion is what tells two men of one
    name apart; this is tried again while it joins more. A nickname several
    people of the operation list is looked for the same way.

    A rule that reaches beyond the record (``BEYOND_RECORD``) does not join a
    person whose subjects' roles contradict the role the text gives the
    mention (``PersonNames.contradicts``; ``known`` carries the roles).

    Anything else stays unjoined: a nickname no subject lists, or a name several
    people share, is not enough. ``subjects`` are the subjects of the mentions'
    records; ``carriers`` the subjects carrying the mentions' names
    (:func:`name_carriers`); ``context`` maps a record (or action or event) id
    to the vehicles and phones it names and its subjects' persons
    (``person:<entity id>``) and places (``place:<entity id>``), as
    ``stage._record_context`` reads them.
    """
    context = context or {}
    known = known or {}
    local_of: dict[str, list[_Local]] = defaultdict(list)
    for s in subjects:
        entity = entity_of_subject.get(s.ref)
        if entity is None or not s.record_id:
            continue
        aliases = frozenset(
            key for a in s.aliases if isinstance(a, str) and (key := nickname_key(a)) is not None
        )
        name = Name.of(s.name)
        own = PersonNames(frozenset({name} if s.name else ()), aliases)
        person = known.get(entity, own)
        person = PersonNames(person.names | own.names, person.aliases | own.aliases)
        local_of[s.record_id].append(_Local(entity, name, aliases, person))
    by_full: dict[tuple[str, str], list[tuple[str | None, str]]] = defaultdict(list)
    by_initial: dict[tuple[str, str], list[tuple[str | None, str]]] = defaultdict(list)
    by_alias: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    by_key: dict[tuple[str | None, str], list[tuple[Name, str]]] = defaultdict(list)
    by_word: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    for c in carriers:
        entity = entity_of_subject.get(c.ref)
        if entity is None:
            continue
        name = c.name()
        for reading in name.readings():
            by_full[reading].append((c.operation, entity))
        if c.initial and c.sn:
            by_initial[(c.initial, c.sn)].append((c.operation, entity))
        for alias in c.aliases:
            by_alias[alias].append((c.operation, entity))
        if name.full:
            assert name.fn is not None and name.sn is not None
            for key in deletion_keys(name.sn) | deletion_keys(name.fn):
                by_key[(c.operation, key)].append((name, entity))
        for word in name.words():
            by_word[(c.operation, word)].add(entity)

    def first(*tiers: tuple[set[str], str]) -> tuple[str, str] | None:
        """The first tier with any candidate decides: one candidate joins, several stop."""
        for candidates, rule in tiers:
            if candidates:
                return (next(iter(candidates)), rule) if len(candidates) == 1 else None
        return None

    def in_operation(found: Iterable[tuple[str | None, str]], operation: str | None) -> set[str]:
        return {e for op, e in found if operation is not None and op == operation}

    def alike_in_operation(name: Name, operation: str | None) -> set[str]:
        assert name.fn is not None and name.sn is not None
        keys = deletion_keys(name.sn) | deletion_keys(name.fn)
        return {e for k in keys for n, e in by_key.get((operation, k), ()) if name.alike(n)}

    def word_alike(word: Name, names: Iterable[Name]) -> bool:
        """A single word one slip from, or (five letters or more) said like, a part of
        one of ``names``."""
        written = word.parts()
        return any(
            alike_words(w, part, said_from=5) for n in names for part in n.parts() for w in written
        )

    def contradicted(m: MentionRow, found: tuple[str, str]) -> bool:
        """A join beyond the record whose person's roles contradict the mention's."""
        person = known.get(found[0])
        return found[1] in BEYOND_RECORD and person is not None and person.contradicts(m.role)

    def listed_once(key: str | None, operation: str | None) -> set[str]:
        """A nickname listed by one person of the operation, and by nobody else anywhere."""
        listed = by_alias.get(key or "", [])
        return in_operation(listed, operation) if len({e for _, e in listed}) == 1 else set()

    joined: dict[int, tuple[str, str]] = {}
    named_in_record: dict[str, list[tuple[Name, str]]] = defaultdict(list)
    words: list[tuple[MentionRow, Name]] = []
    ambiguous: list[tuple[MentionRow, set[str], str]] = []

    def seen_with(
        ambiguous: list[tuple[MentionRow, set[str], str]],
    ) -> list[tuple[MentionRow, set[str], str]]:
        """Join each mention to the one of its candidates seen elsewhere with a vehicle,
        phone, place or person its record names (in records of the candidate's
        subjects, and of the mentions joined to it so far, other than the mention's
        own). The persons a record names are its subjects' and those its text named
        so far."""
        if not ambiguous:
            return []
        by_id = {m.id: m for m in mentions}
        in_text: dict[str, set[str]] = defaultdict(set)
        for mention_id, (entity, _) in joined.items():
            in_text[by_id[mention_id].record_id].add(PERSON + entity)

        def named(record: str) -> set[str]:
            return {*context.get(record, ()), *in_text.get(record, ())}

        seen_in: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        candidates = set().union(*(pool for _, pool, _ in ambiguous))

        def seen(entity: str, record: str) -> None:
            if entity in candidates:  # only where some mention looks
                for value in named(record):
                    seen_in[entity][value].add(record)

        for c in carriers:
            if (carrier := entity_of_subject.get(c.ref)) is not None:
                seen(carrier, c.ref.rsplit("/", 1)[0])
        for person_id in candidates & known.keys():
            for record in known[person_id].records:
                seen(person_id, record)
        for mention_id, (entity, _) in joined.items():
            seen(entity, by_id[mention_id].record_id)

        def elsewhere(entity: str, record: str, places: bool) -> bool:
            found = seen_in.get(entity, {})
            itself = PERSON + entity
            return any(
                found.get(v, set()) - {record}
                for v in named(record)
                if v != itself and (places or not v.startswith(PLACE))
            )

        left = []
        for m, pool, rule in ambiguous:
            # A lone word at a place many people pass through is too little (measured).
            places = rule != WORD_WITH_IDENTIFIER
            found = first(({e for e in pool if elsewhere(e, m.record_id, places)}, rule))
            if found is None or contradicted(m, found):
                left.append((m, pool, rule))
                continue
            joined[m.id] = found
            if rule != WORD_WITH_IDENTIFIER:
                named_in_record[m.record_id].append((Name.of(m.text), found[0]))
        return left

    def settle(ambiguous: list[tuple[MentionRow, set[str], str]]) -> None:
        """:func:`seen_with`, again while it joins more: a mention it joined shows where
        its person was seen, and whom its record's text names, to the next pass."""
        for _ in range(SEEN_WITH_PASSES):
            left = seen_with(ambiguous)
            if len(left) == len(ambiguous):
                return
            ambiguous = left

    for m in mentions:
        if m.type != "person":
            continue
        name = Name.of(m.text)
        local = local_of.get(m.record_id, [])
        nick = nickname_key(m.text)
        found: tuple[str, str] | None = None
        if name.full:
            readings = name.readings()
            carried = [c for r in readings for c in by_full.get(r, ())]
            anywhere = {e for _, e in carried}
            in_record = (
                ({x.entity for x in local if readings & x.name.readings()}, FULL_IN_RECORD),
                ({x.entity for x in local if nick in x.aliases}, ALIAS_IN_RECORD),
                ({x.entity for x in local if name.completes(x.name)}, FULL_COMPLETES_IN_RECORD),
                ({x.entity for x in local if name.alike(x.name)}, FULL_ALIKE_IN_RECORD),
                (
                    {
                        x.entity
                        for x in local
                        if nick in x.person.aliases
                        or any(readings & n.readings() for n in x.person.names)
                    },
                    FULL_OF_PERSON_IN_RECORD,
                ),
                (
                    {x.entity for x in local if any(name.said_alike(n) for n in x.person.names)},
                    FULL_SAID_IN_RECORD,
                ),
            )
            if len(anywhere) > 1 and not any(found for found, _ in in_record):
                pool = in_operation(carried, m.operation_id)
                ambiguous.append((m, pool if len(pool) > 1 else anywhere, FULL_WITH_IDENTIFIER))
            found = first(
                *in_record,
                (anywhere if len(anywhere) == 1 else set(), FULL_ANYWHERE),
                (in_operation(carried, m.operation_id), FULL_IN_OPERATION),
                (
                    set() if carried else alike_in_operation(name, m.operation_id),
                    FULL_ALIKE_IN_OPERATION,
                ),
                (listed_once(nick, m.operation_id), ALIAS_LISTED),
            )
        elif name.initial_only and name.sn:
            initial = (str(name.fn), canonical_surname(name.sn))
            here = {x.entity for x in local if x.name.initial() == initial}
            like = {x.entity for x in local if x.initials_alike(str(name.fn), name.sn)}
            pool = in_operation(by_initial.get(initial, ()), m.operation_id)
            if not (here or like) and len(pool) > 1:
                ambiguous.append((m, pool, INITIAL_WITH_IDENTIFIER))
            found = first(
                (here, INITIAL_IN_RECORD),
                (like, INITIAL_ALIKE_IN_RECORD),
                (pool, INITIAL_IN_OPERATION),
            )
        elif name.words():
            words.append((m, name))
            continue
        if found is not None and not contradicted(m, found):
            joined[m.id] = found
            named_in_record[m.record_id].append((name, found[0]))
    settle(ambiguous)
    ambiguous = []
    for m, name in words:
        local = local_of.get(m.record_id, [])
        nick = nickname_key(m.text)
        said = name.words()
        named_here = named_in_record.get(m.record_id, [])
        word_in_record = (
            ({x.entity for x in local if said & x.name.words()}, WORD_IN_RECORD),
            ({x.entity for x in local if nick in x.aliases}, ALIAS_IN_RECORD),
            ({e for n, e in named_here if said & n.words()}, WORD_NAMED_IN_RECORD),
            (
                {e for _, e in named_here} & {e for _, e in by_alias.get(nick or "", ())},
                ALIAS_OF_NAMED_IN_RECORD,
            ),
            (
                {
                    x.entity
                    for x in local
                    if nick in x.person.aliases or any(said & n.words() for n in x.person.names)
                },
                WORD_OF_PERSON_IN_RECORD,
            ),
            (
                {x.entity for x in local if word_alike(name, x.person.names)}
                | {e for n, e in named_here if word_alike(name, (n,))},
                WORD_ALIKE_IN_RECORD,
            ),
        )
        found = first(*word_in_record, (listed_once(nick, m.operation_id), ALIAS_LISTED))
        if found is None and not any(found for found, _ in word_in_record):
            pool = {e for w in said for e in by_word.get((m.operation_id, w), ())}
            # A nickname several people of the operation list: the one seen with it.
            pool |= in_operation(by_alias.get(nick or "", ()), m.operation_id)
            ambiguous.append((m, pool, WORD_WITH_IDENTIFIER))
        if found is not None and not contradicted(m, found):
            joined[m.id] = found
    settle(ambiguous)
    return joined
