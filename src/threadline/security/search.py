"""Search over record text and names, through a full-text index, with name spelling variants.

Each word of a query stands for itself (as a word or the start of one) and for
every spelling of it that the store's person names hold (subjects and person
mentions) and that is the same name by one of three measures: the same
*skeleton* (first letter, then consonants, repeats collapsed: Mohammed,
Muhammad, Mohamed all give ``mhmd``), the same group in the name-variant table
of resolution (``resolve/variants.yaml``: Yusuf, Youssef, Joseph), or the same
Soundex code.

The database's full-text index finds the candidates: records whose title, text
or document text, or whose subjects' names and aliases, hold every word of the
query in one of its spellings (SQLite FTS5 tables ``fts_records`` and
``fts_subjects``; PostgreSQL GIN indexes over ``to_tsvector('simple', ...)``;
migration ``0008_search``). The index only narrows: the match itself is made
on the view the person sees (:meth:`Access.search`), after redaction, so
nothing is ever found through something hidden, and the candidates are always
within :meth:`Access.record_clause`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, TextualSelect, and_, bindparam, column, select, text
from sqlalchemy.orm import Session

from threadline.domain.normalise.names import name_key
from threadline.resolve.variants import canonical_forename, canonical_surname, fold, soundex
from threadline.store.mention_models import Mention
from threadline.store.models import Record, Subject

MAX_SPELLINGS = 50
"""At most this many spellings of one word go to the index (the word itself first)."""
VOCABULARY_SECONDS = 300.0

# Ids of the records whose text, or whose subjects' names, the index finds for the
# search expression :q. On PostgreSQL the expressions are exactly those of the GIN
# indexes of migration 0008_search, as they must be for the indexes to serve them.
_SQLITE_MATCHES = (
    "SELECT records.id AS id FROM records WHERE records.rowid IN "
    "(SELECT rowid FROM fts_records WHERE fts_records MATCH :q) "
    "UNION SELECT subjects.record_id AS id FROM subjects "
    "WHERE subjects.record_id IS NOT NULL AND subjects.rowid IN "
    "(SELECT rowid FROM fts_subjects WHERE fts_subjects MATCH :q)"
)
_PG_MATCHES = (
    "SELECT records.id AS id FROM records WHERE to_tsvector('simple', "
    "coalesce(records.title, '') || ' ' || coalesce(records.text, '') || ' ' "
    "|| coalesce(records.document_text, '')) @@ to_tsquery('simple', :q) "
    "UNION SELECT subjects.record_id AS id FROM subjects "
    "WHERE subjects.record_id IS NOT NULL AND to_tsvector('simple', "
    "coalesce(subjects.name, '') || ' ' || coalesce(subjects.aliases::text, '')) "
    "@@ to_tsquery('simple', :q)"
)


def name_skeleton(word: str) -> str:
    """A spelling-tolerant key of one name word: its first letter, then its consonants.

    Repeated letters collapse and vowels after the first letter drop, so that
    Mohammed, Muhammad, Mohamed and MOHAMMAD all give ``mhmd``.
    """
    key = name_key(word)
    if not key:
        return ""
    out = [key[0]]
    for ch in key[1:]:
        if ch in "aeiouy" or ch == out[-1]:
            continue
        out.append(ch)
    return "".join(out)


def words_of(query: str) -> list[str]:
    """The words of a query, as the full-text index splits them (letters and digits)."""
    return [w.casefold() for w in re.findall(r"[^\W_]+", query)]


@dataclass
class Vocabulary:
    """Every word of the store's person names, by each measure of sameness."""

    by_skeleton: dict[str, set[str]] = field(default_factory=dict)
    by_group: dict[str, set[str]] = field(default_factory=dict)
    by_soundex: dict[str, set[str]] = field(default_factory=dict)

    def add(self, word: str) -> None:
        word = word.casefold()
        for index, key in self._keys(word):
            if key:
                index.setdefault(key, set()).add(word)

    def _keys(self, word: str) -> Iterable[tuple[dict[str, set[str]], str | None]]:
        skeleton = name_skeleton(word)
        yield self.by_skeleton, skeleton if len(skeleton) >= 2 else None
        key = fold(word)
        if len(key) >= 2:
            yield self.by_group, f"f:{canonical_forename(key)}"
            yield self.by_group, f"s:{canonical_surname(key)}"
        # Soundex only for words long enough that its code says something.
        yield self.by_soundex, soundex(key) if len(key) >= 4 else None

    def spellings(self, word: str) -> list[str]:
        """``word`` first, then its spellings by skeleton, variant group, Soundex."""
        word = word.casefold()
        out = [word]
        seen = {word}
        for index, key in self._keys(word):
            for spelling in sorted(index.get(key, ())) if key else ():
                if spelling not in seen and len(out) < MAX_SPELLINGS:
                    seen.add(spelling)
                    out.append(spelling)
        return out


_VOCABULARY: dict[str, tuple[float, Vocabulary]] = {}


def vocabulary(session: Session) -> Vocabulary:
    """The store's name vocabulary, kept for a few minutes per database (it changes only
    with imports and analysis)."""
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    cached = _VOCABULARY.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[0] < VOCABULARY_SECONDS:
        return cached[1]
    names = session.scalars(select(Subject.name).where(Subject.name.is_not(None)).distinct())
    texts = session.scalars(select(Mention.text).where(Mention.type == "person").distinct())
    found = Vocabulary()
    for name in (*names, *texts):
        for word in re.findall(r"[^\W\d_]+", name or ""):
            found.add(word)
    _VOCABULARY[key] = (now, found)
    return found


@dataclass(frozen=True)
class Query:
    """A search query: its words, each with its spellings (the word itself first)."""

    text: str
    spellings: list[list[str]]

    @classmethod
    def parse(cls, session: Session, query: str) -> Query | None:
        query = " ".join(query.split())[:200]
        words = words_of(query)
        if len(query) < 2 or not words:
            return None
        known = vocabulary(session)
        return cls(query, [known.spellings(w) for w in words])

    def pattern(self) -> re.Pattern[str]:
        """Matches the query in the text as shown: each word (or the start of one) in any of
        its spellings, or with the same skeleton, the words in order."""
        parts = []
        for spellings in self.spellings:
            literal = re.escape(spellings[0]) + r"\w*"
            others = [re.escape(s) + r"(?!\w)" for s in spellings[1:]]
            skeleton = name_skeleton(spellings[0])
            if len(skeleton) >= 2:
                others.append(
                    "".join(f"{re.escape(ch)}[aeiouy{re.escape(ch)}]*" for ch in skeleton)
                    + r"(?!\w)"
                )
            parts.append("(?:" + "|".join([literal, *others]) + ")")
        return re.compile(r"(?<!\w)" + r"\W+".join(parts), re.IGNORECASE)

    def candidates(self, session: Session) -> ColumnElement[bool]:
        """SQL true for the records the full-text index finds for every word."""
        postgres = session.get_bind().dialect.name == "postgresql"
        return and_(*(Record.id.in_(_matches(s, postgres)) for s in self.spellings))


def _matches(spellings: list[str], postgres: bool) -> TextualSelect:
    """Ids of the records whose text, or whose subjects' names, hold one of ``spellings``
    (the first as a word or the start of one)."""
    if postgres:
        terms = [_pg_term(s) for s in spellings]
        expression = " | ".join([terms[0] + ":*", *terms[1:]])
    else:
        terms = ['"' + s.replace('"', '""') + '"' for s in spellings]
        expression = " OR ".join([terms[0] + "*", *terms[1:]])
    statement = text(_PG_MATCHES if postgres else _SQLITE_MATCHES)
    return statement.bindparams(bindparam("q", expression, unique=True)).columns(column("id"))


def _pg_term(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


__all__ = ["Query", "Vocabulary", "name_skeleton", "vocabulary", "words_of"]
