"""People the material names only in its text: persons of their own.

Intelligence logs name people no record lists as a subject ("Florin STAN is
using 07700 900123"; "Source reports Florin STAN collecting girls"). A mention
that no rule joins to a subject's person (``mentions.py``) would otherwise be
no entity at all, and a man named in three logs and never acted on could not
be seen. So, among the person mentions left unjoined:

1. a **full name** (a forename and a surname, neither an initial) makes a
   person of the text, one per name: the forename and surname groups
   (``variants.yaml``), in either order, so ``Florin STAN`` and ``STAN
   Florin`` are one; label, the commonest spelling (the first written, on a tie);
   unless a subject anywhere carries that name (then the mention is one of
   the people the subjects know, and only the rules of ``mentions.py`` may
   join it);
2. a **single word** joins the text-only person the same record names in full
   when it is that person's forename or surname and no other text-only person
   of the record shares it ("STAN said ..." after "Florin STAN"), and so
   for a person of rule 3;
3. a full name some subject carries, that no rule could join (several people
   carry it, and none was seen with anything its record names), makes a
   person of the text when it is written in **two records or more with the
   same vehicle or phone**, and none of the people carrying the name is seen
   with that vehicle or phone anywhere ("Driver Clive CAMPBELL" in three logs
   about the black Astra F781 TRG, where six men of that name are subjects and
   none of them is ever seen with the car): the name alone cannot tell which
   of them it is, and the car says it is none of them; the key is the name
   and the identifiers (``text:<names>@<value>``).

Nicknames, initials and lone words elsewhere make no person: too little to
tell one man from another. Two different people of the same full name, both
known only from the text, are one entity here, the known cost of the rule;
an analyst's ``not-same`` cannot split them (judgements bind subjects), and
such an entity's mentions are listed with the rule that joined each.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from threadline.resolve.identifiers import entity_id
from threadline.resolve.mentions import (
    PERSON,
    PLACE,
    Carrier,
    MentionRow,
    PersonNames,
    mention_names,
    nickname_key,
)
from threadline.resolve.variants import canonical_forename, canonical_surname, fold

FULL_NAME = "full name, named only in the text"
NAMED_IN_RECORD = "one name of a person the same record names in full, only in the text"
WITH_IDENTIFIER = (
    "full name several people carry, written with the same vehicle or phone in two records"
    " or more, none of them seen with it, only in the text"
)


@dataclass
class TextPerson:
    """A person known only from the text: its entity id, key, label and joined mentions."""

    id: str
    key: str
    label: str = ""
    mentions: list[tuple[int, str]] = field(default_factory=list)
    """(mention id, the rule that joined it)."""


def _key(forename: str, surname: str) -> str:
    return "|".join(sorted((forename, surname)))


def identifiers_of(named: Iterable[str]) -> Iterator[str]:
    """The vehicles and phones among what a record names (``stage._record_context``:
    its places and persons are prefixed)."""
    return (v for v in named if not v.startswith((PLACE, PERSON)))


def reading_key(reading: tuple[str, str]) -> str:
    """The key of a name's reading (forename group, surname group), as :func:`name_key`."""
    return _key(*reading)


def name_key(text: str) -> str | None:
    """The key of a full name as :func:`text_people` groups it (either order), else None."""
    forename, surname = mention_names(text)
    if forename and surname and len(forename) > 1 and len(surname) > 1:
        return _key(forename, surname)
    return None


def _named_with_identifier(
    mentions: Sequence[tuple[MentionRow, str]],
    identifiers: Mapping[str, Collection[str]],
    seen: Collection[tuple[str, str]],
) -> list[tuple[str, list[MentionRow]]]:
    """Groups of mentions of one name written with one vehicle or phone in two records
    or more, that no carrier of the name is ``seen`` with; groups sharing a mention are
    one. Each with its key: the name and the identifiers, sorted."""
    by_value: dict[tuple[str, str], list[MentionRow]] = defaultdict(list)
    for m, key in mentions:
        for value in identifiers_of(identifiers.get(m.record_id, ())):
            if (key, value) not in seen:
                by_value[(key, value)].append(m)
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    values: dict[int, set[str]] = defaultdict(set)
    rows: dict[int, MentionRow] = {}
    for (_, value), found in sorted(by_value.items()):
        if len({m.record_id for m in found}) < 2:
            continue
        for m in found:
            rows[m.id] = m
            values[m.id].add(value)
            parent[root(m.id)] = root(found[0].id)
    groups: dict[int, list[MentionRow]] = defaultdict(list)
    for mention_id in sorted(rows):
        groups[root(mention_id)].append(rows[mention_id])
    keyed = {m.id: key for m, key in mentions}
    out = []
    for found in groups.values():
        named = sorted(set().union(*(values[m.id] for m in found)))
        out.append((keyed[found[0].id] + "@" + "|".join(named), found))
    return sorted(out, key=lambda kv: kv[0])


def names_seen_with(
    carriers: Sequence[Carrier],
    entity_of_subject: Mapping[str, str],
    known: Mapping[str, PersonNames],
    joined: Mapping[int, tuple[str, str]],
    mentions: Sequence[MentionRow],
    identifiers: Mapping[str, Collection[str]],
) -> set[tuple[str, str]]:
    """(Name key, vehicle or phone) for every name a person carries and every vehicle or
    phone a record of that person names (its subjects' records, actions and events, and
    the records of the mentions joined to it): a name written with one of these is that
    person's, or a namesake's the rules could not tell apart, never a stranger's
    (``text_people.py``, rule 3)."""
    record_of = {m.id: m.record_id for m in mentions}
    records: dict[str, set[str]] = defaultdict(set)
    for mention_id, (joined_to, _) in joined.items():
        records[joined_to].add(record_of[mention_id])
    values: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    for c in carriers:
        if (entity := entity_of_subject.get(c.ref)) is None:
            continue
        if entity not in values:
            person = known.get(entity)
            where = {c.ref.rsplit("/", 1)[0], *records.get(entity, ())}
            where |= person.records if person is not None else set()
            values[entity] = {v for r in where for v in identifiers_of(identifiers.get(r, ()))}
        for reading in c.name().readings():
            seen.update((reading_key(reading), v) for v in values[entity])
    return seen


def _word_groups(word: str) -> set[str]:
    folded = fold(word)
    return {canonical_forename(folded), canonical_surname(folded)} if folded else set()


def text_people(
    unjoined: Sequence[MentionRow],
    subject_names: Collection[tuple[str, str]] = (),
    nicknames: Collection[str] = (),
    misspelt: Collection[int] = (),
    identifiers: Mapping[str, Collection[str]] | None = None,
    seen: Collection[tuple[str, str]] = (),
) -> list[TextPerson]:
    """Persons of the text from the person mentions no subject's person took.

    ``subject_names`` are the (forename group, surname group) pairs subjects
    carry: a full name some subject carries is left alone even when no rule
    could join it (several people share it), since a person of the text would
    then be a second entity for someone the subjects already know. So is a
    name of two words that a subject lists as a nickname (``Taxi Man``, as
    ``mentions.nickname_key`` compares it). So is a full name one slip from a
    name some subject carries (``misspelt``, mention ids: ``mentions.misspelt_names``):
    ``Seán MIRPHY`` is far more often a Sean MURPHY mistyped than a man of his own.

    Except (rule 3): such a name written with the same vehicle or phone in two
    records or more (``identifiers``: record id → the vehicles and phones it
    names), where no person carrying the name is seen with it (``seen``:
    (name key, value) pairs, :func:`name_key`), is a person of the text of its
    own, keyed by the name and those identifiers.
    """
    carried = {_key(f, s) for f, s in subject_names}
    listed = set(nicknames)
    people: dict[str, TextPerson] = {}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    named_in: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    singles: list[tuple[MentionRow, set[str]]] = []
    carried_names: list[tuple[MentionRow, str]] = []
    for m in unjoined:
        if m.type != "person":
            continue
        forename, surname = mention_names(m.text)
        if forename and surname and len(forename) > 1 and len(surname) > 1:
            key = _key(forename, surname)
            if nickname_key(m.text) in listed or m.id in misspelt:
                continue
            if key in carried:
                carried_names.append((m, key))
                continue
            person = people.setdefault(key, TextPerson(entity_id("person-text", key), key))
            person.mentions.append((m.id, FULL_NAME))
            spellings[key][m.text] += 1
            for group in (forename, surname):
                named_in[m.record_id][group].add(key)
        elif (forename is None) != (surname is None):
            word = m.text.strip()
            if " " not in word:
                singles.append((m, _word_groups(word)))
    for key, found in _named_with_identifier(carried_names, identifiers or {}, set(seen)):
        person = people.setdefault(key, TextPerson(entity_id("person-text", key), key))
        for m in found:
            person.mentions.append((m.id, WITH_IDENTIFIER))
            spellings[key][m.text] += 1
            for part in mention_names(m.text):
                if part:
                    named_in[m.record_id][part].add(key)
    for m, groups in singles:
        keys = set().union(*(named_in.get(m.record_id, {}).get(g, set()) for g in groups))
        if len(keys) == 1:
            people[keys.pop()].mentions.append((m.id, NAMED_IN_RECORD))
    for key, person in people.items():
        counted = spellings[key]
        person.label = max(counted, key=counted.__getitem__)  # ties: the first written
    return sorted(people.values(), key=lambda p: p.id)
