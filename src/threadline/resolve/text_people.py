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
   of the record shares it ("STAN said ..." after "Florin STAN").

Nicknames, initials and lone words elsewhere make no person: too little to
tell one man from another. Two different people of the same full name, both
known only from the text, are one entity here, the known cost of the rule;
an analyst's ``not-same`` cannot split them (judgements bind subjects), and
such an entity's mentions are listed with the rule that joined each.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from threadline.resolve.identifiers import entity_id
from threadline.resolve.mentions import MentionRow, mention_names, nickname_key
from threadline.resolve.variants import canonical_forename, canonical_surname, fold

FULL_NAME = "full name, named only in the text"
NAMED_IN_RECORD = "one name of a person the same record names in full, only in the text"


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


def _word_groups(word: str) -> set[str]:
    folded = fold(word)
    return {canonical_forename(folded), canonical_surname(folded)} if folded else set()


def text_people(
    unjoined: Sequence[MentionRow],
    subject_names: Collection[tuple[str, str]] = (),
    nicknames: Collection[str] = (),
    misspelt: Collection[int] = (),
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
    """
    carried = {_key(f, s) for f, s in subject_names}
    listed = set(nicknames)
    people: dict[str, TextPerson] = {}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    named_in: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    singles: list[tuple[MentionRow, set[str]]] = []
    for m in unjoined:
        if m.type != "person":
            continue
        forename, surname = mention_names(m.text)
        if forename and surname and len(forename) > 1 and len(surname) > 1:
            key = _key(forename, surname)
            if key in carried or nickname_key(m.text) in listed or m.id in misspelt:
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
    for m, groups in singles:
        keys = set().union(*(named_in.get(m.record_id, {}).get(g, set()) for g in groups))
        if len(keys) == 1:
            people[keys.pop()].mentions.append((m.id, NAMED_IN_RECORD))
    for key, person in people.items():
        counted = spellings[key]
        person.label = max(counted, key=counted.__getitem__)  # ties: the first written
    return sorted(people.values(), key=lambda p: p.id)
