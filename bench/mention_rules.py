"""How right each rule that joins a person named in the text is, against a bundle's truth.

Reads an analysed workspace and its bundle's ``truth.json``. Every true span
naming a person is matched to the extracted mention overlapping it (Jaccard
>= 0.5, the evaluator's rule) and judged by the entity that mention joined,
counted under the rule that joined it (``entity_members.via``):

- ``right``: the entity holding most of the true person's subjects (for a
  person no subject names, any entity of the text's own);
- ``split``: another entity holding some of the true person's subjects (the
  rule chose well; resolution split the person);
- ``wrong``: an entity of someone else, or a person of the text for someone
  the subjects know;
- ``unjoined``: no entity, by the mention's shape (full name, initial and
  surname, one word) and where the person's subjects are (in the record, in
  its operation, elsewhere, none).

    .venv/bin/python bench/mention_rules.py WORKSPACE BUNDLE/truth.json
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import select

from threadline.evaluate import Truth
from threadline.evaluate.mentions import span_jaccard
from threadline.resolve.mentions import Name
from threadline.settings import Settings
from threadline.store.entity_models import Entity, EntityMember
from threadline.store.mention_models import Mention
from threadline.store.models import Record
from threadline.workspace import Workspace


def shape(text: str) -> str:
    name = Name.of(text)
    return "full name" if name.full else "initial" if name.initial_only else "one word"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("truth", type=Path)
    args = parser.parse_args()
    truth = Truth.load(args.truth)
    workspace = Workspace.open(Settings(workspace=args.workspace))
    try:
        with workspace.reading() as session:
            operation: dict[str, str | None] = {
                str(r): o for r, o in session.execute(select(Record.id, Record.operation_id))
            }
            text_only = {
                str(e) for e in session.scalars(select(Entity.id).where(Entity.key.like("text:%")))
            }
            entity_of_subject: dict[str, str] = {}
            joined: dict[tuple[str, int, int], tuple[str, str]] = {}
            for kind, ref, entity, record, start, end, via in session.execute(
                select(
                    EntityMember.kind,
                    EntityMember.ref,
                    EntityMember.entity_id,
                    EntityMember.record_id,
                    EntityMember.span_start,
                    EntityMember.span_end,
                    EntityMember.via,
                )
                .join(Entity, Entity.id == EntityMember.entity_id)
                .where(Entity.type == "person", EntityMember.kind.in_(("subject", "mention")))
            ):
                if kind == "subject":
                    entity_of_subject[str(ref)] = str(entity)
                elif start is not None and end is not None:
                    joined[(str(record), int(start), int(end))] = (str(entity), str(via))
            mentions: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
            for record, start, end, text in session.execute(
                select(Mention.record_id, Mention.start, Mention.end, Mention.text).where(
                    Mention.type == "person"
                )
            ):
                mentions[str(record)].append((int(start), int(end), str(text)))
    finally:
        workspace.close()

    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    unjoined: Counter[tuple[str, str]] = Counter()
    for person in truth.persons.values():
        votes = Counter(entity_of_subject[r] for r in person.subjects if r in entity_of_subject)
        main = votes.most_common(1)[0][0] if votes else None
        records = {r.split("/")[0] for r in person.subjects}
        operations = {operation.get(r) for r in records}
        for span in person.mentions:
            found = [
                (s, e, t)
                for s, e, t in mentions.get(span.record, ())
                if span_jaccard(span.start, span.end, s, e) >= 0.5
            ]
            if not found:
                continue
            start, end, text = found[0]
            hit = joined.get((span.record, start, end))
            if hit is None:
                where = (
                    "no subject"
                    if not person.subjects
                    else "a subject in the record"
                    if span.record in records
                    else "a subject in the operation"
                    if operation.get(span.record) in operations
                    else "subjects elsewhere"
                )
                unjoined[(shape(text), where)] += 1
                continue
            entity, rule = hit
            if main is None:
                by_rule[rule]["right" if entity in text_only else "wrong"] += 1
            elif entity == main:
                by_rule[rule]["right"] += 1
            elif entity in votes:
                by_rule[rule]["split"] += 1
            else:
                by_rule[rule]["wrong"] += 1

    print("| rule | right | split | wrong | precision |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for rule, counts in sorted(by_rule.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(counts.values())
        right = counts["right"] + counts["split"]
        print(
            f"| {rule} | {counts['right']} | {counts['split']} | {counts['wrong']} "
            f"| {right / total:.3f} |"
        )
    print(f"\nunjoined: {sum(unjoined.values())}\n")
    print("| shape | the person has | spans |")
    print("| --- | --- | ---: |")
    for (what, where), count in unjoined.most_common():
        print(f"| {what} | {where} | {count} |")


if __name__ == "__main__":
    main()
