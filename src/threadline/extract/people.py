"""People named in free text: spaCy's NER plus the rules it needs for police logs.

Statistical NER trained on news misses much of how logs name people: surnames
in capitals (``Scott WALKER``, ``WALKER Scott``, ``WALKER`` alone), nicknames
(``known as 'Taz'``, ``aka Mo``, ``'Bash'``), typos. The rules here find those
by layout; NER's ``PERSON`` entities add mixed-case names (``Hannah Hill``)
where no rule fires. A rule span wins over an NER span it overlaps, since the
rule knows the layout of the log.

Descriptions (``Asian male 30s``) joined to a mention by the text (``Driver
'Bash', Asian male 30s``; ``a male known as 'Taz'``) are kept in the mention's
``detail`` as ``description``, for resolution.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

from threadline.extract.lexicon import (
    FUNCTION_WORDS,
    PREMISES_AFTER,
    is_acronym,
    is_common,
    is_premises,
    is_vehicle_word,
)
from threadline.extract.spans import Found

_WORD: Final = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*")
_PARTICLES: Final = frozenset({"al", "el", "bin", "ibn", "de", "da", "van", "von", "le", "la"})
_QUOTES: Final = "'\"‘’“”"
_HEADING_START: Final = re.compile(r"(?:^|[.:;!?]\s+|\n\s*)$")
#: Words after which a capitalised word names something else (``Op SPARROW``).
_NAMES_WHAT_FOLLOWS: Final = frozenset({"op", "operation", "op.", "exercise", "project"})

# Nickname after a cue: known as 'Taz', aka Mo, called "Bash".
_NAME_WORDS: Final = r"[A-Z][\w\-]*(?:['’]\w+)*(?:\s[A-Z][\w\-]*(?:['’]\w+)*)?"
_CUED_NICKNAME: Final = re.compile(
    rf"\b(?:known\sas|also\sknown\sas|aka|a\.k\.a\.?|called|nicknamed|goes\sby|street\sname|"
    rf"calls\s(?:himself|herself)|alias)\s+[{_QUOTES}]?({_NAME_WORDS})[{_QUOTES}]?"
)
# A capitalised word or two in quotes, standing alone: 'Taz'.
_QUOTED_NICKNAME: Final = re.compile(
    rf"(?<![\w])[{_QUOTES}]([A-Z][\w\-]*(?:\s[A-Z][\w\-]*)?)[{_QUOTES}](?!\w)"
)
# A description the text joins to the name that comes just before it.
_DESCRIPTION_AFTER: Final = re.compile(
    r"^,?\s+(?:an?\s+)?((?:[A-Z][a-z]+\s){0,2}(?:male|female)"
    r"(?:,?\s(?:aged\s)?(?:(?:early|mid|late)[\s-])?\d0s|,?\s(?:aged\s)?\d{2})?)\b"
)
# ... or before it: "a male known as 'Taz'", "an Asian male called Mo".
_DESCRIPTION_BEFORE: Final = re.compile(
    r"\b(?:an?\s+)?((?:[A-Z][a-z]+\s){0,2}(?:male|female)(?:\s(?:in\shis|in\sher)?\s?\d0s)?)"
    r"\s+(?:known\sas|called|aka|nicknamed)\s+[" + _QUOTES + r"]?$"
)
# Context that makes a lone capitalised word a person.
_PERSON_BEFORE: Final = re.compile(
    r"(?i)(?:\bincluding|\bnamed(?:\sas)?|\bin\scompany\sof|\bunder\scaution\sof|"
    r"\breported\sby|\bseen\swith|\bnumber\sof|\bagainst|\bcalled|\bdriver|"
    r"\b(?:mr|mrs|ms|miss|master)\s+[A-Z]+\sand|\bwith|\bconcerned\sabout|\blogs\sname|"
    r"\blicen[cs]e\sholder|\bre|\bby|\bidentified\sas|\bassociates?:?|\bvictim:|\bsuspect:|"
    r"\bsubject:|\bdaughter|\bson|\bsisters?|\bbrothers?|\bpartner|\bpupil)\s$"
)
# A rank, post or title before a lone surname: "DS Okafor", "PC 4471 PRICE", "Mrs Ford".
_RANK_BEFORE: Final = re.compile(
    r"\b(?:DC|DS|DI|DCI|DSU|PC|PCSO|Sgt|SGT|Insp|INSP|Supt|SW|Cllr|Dr|Mr|Mrs|Ms|Miss|Mx)"
    r"\.?\s(?:\d{2,5}\s)?$"
)
_PERSON_AFTER: Final = re.compile(
    r"\s(?:said\sto\sbe|reported\sto\sbe|is\susing|believed\sto\sbe|known\sto|"
    r"has\sbeen\sseen|seen\s(?:regularly|driving|with)|disclosed|aged\s\d|\(\d|"
    r"took\s(?:her|him)|gave\s|works\sat|saved\sas|re\s|found\sin)"
)
_BRACKETED: Final = re.compile(r"\s?\(([A-Z][\w'’\-]*(?:\s[A-Z][\w'’\-]*)?)\)")
# Words right after a run that make it a description ("Middle Eastern male").
_DESCRIBES: Final = re.compile(r"\s(?:male|female|man|woman|boy|girl)s?\b")
# A mixed-case name given with an age: "Segun Ogunleye (13)".
_NAME_WITH_AGE: Final = re.compile(
    r"(?<![\w])((?:[A-Z][a-z'’\-]+\s){0,2}[A-Z][a-z'’\-]+)"
    r"\s(?:\((\d{1,2})\s*(?:yrs?|years?)?\)|aged\s(\d{1,2})\b)"
)


def _is_label(text: str, start: int, end: int) -> bool:
    """A heading or code, not a name: ``ACTION:``, ``TIE/TRACE``, the ``EB`` of ``EB4 7QT``.

    A word in capitals right before a colon is a log's heading; words joined by
    a slash are a code; letters touching digits are a postcode, a reference or
    a call sign.
    """
    before = text[start - 1 : start]
    after = text[end : end + 1]
    if before.isdigit() or after.isdigit() or "/" in (before, after):
        return True
    if after != ":" or not text[start:end].isupper():
        return False
    # A heading opens its line or sentence ("DP: KOVACS"); a name before a
    # colon inside a sentence is a name ("associates around WRIGHT: ...").
    return _HEADING_START.search(text, 0, start) is not None


def _is_caps(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _is_title(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isupper() and word not in ("A", "I")


def _name_runs(text: str) -> list[tuple[int, int, bool]]:
    """Runs of name-like words joined by single spaces: ``(start, end, has_capitals)``.

    A word is name-like when it is in capitals (not an acronym), capitalised
    (not a common word of the logs), an initial, or a particle inside a run.
    Words right after a car make or a colour are a model (``Seat Leon``,
    ``white Fiesta``), not a name. ``SURNAME, Forename`` is one run.
    """
    runs: list[tuple[int, int, bool]] = []
    current: list[re.Match[str]] = []

    def close() -> None:
        while current and (
            current[-1].group().lower() in _PARTICLES or _is_initial(current[-1].group())
        ):
            current.pop()
        if current:
            caps = any(_is_caps(m.group()) for m in current)
            runs.append((current[0].start(), current[-1].end(), caps))
        current.clear()

    previous = ""
    for match in _WORD.finditer(text):
        word = match.group()
        if not word[0].isupper() and not (current and word in _PARTICLES):
            close()
            previous = word
            continue
        namelike = (
            not is_vehicle_word(previous)
            and not _is_label(text, match.start(), match.end())
            and previous.casefold() not in _NAMES_WHAT_FOLLOWS
        ) and (
            (_is_caps(word) and not is_acronym(word))
            or (_is_title(word) and not is_common(word))
            or (bool(current) and (word.lower() in _PARTICLES or _is_initial(word)))
            or (_is_initial(word) and text[match.end() : match.end() + 1] in (" ", "."))
        )
        previous = word
        gap = text[current[-1].end() : match.start()] if current else ""
        # "T. HUSSAIN": an initial's full stop does not end the name.
        joined = gap == " " or (gap == ". " and _is_initial(current[-1].group()))
        if not namelike:
            close()
            continue
        if current and not joined:
            close()
        current.append(match)
        if len(current) == 4:
            close()
    close()
    return _comma_names(text, runs)


def _comma_names(text: str, runs: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """Join ``AHMAD, Kamran``: a surname in capitals, a comma, forenames not in capitals."""
    out: list[tuple[int, int, bool]] = []
    for start, end, caps in runs:
        if out:
            p_start, p_end, p_caps = out[-1]
            head = text[p_start:p_end]
            if (
                p_caps
                and " " not in head
                and not caps
                and text[p_end:start] == ", "
                and len(text[start:end].split()) <= 2
                and not _DESCRIBES.match(text, end)  # "SAFI, Asian male 20s"
            ):
                out[-1] = (p_start, end, True)
                continue
        out.append((start, end, caps))
    return out


def rule_people(text: str, taken: Sequence[Found]) -> list[Found]:
    """People found by layout: capitals, nicknames, names given with an age."""
    found: list[Found] = []

    def free(start: int, end: int) -> bool:
        return not any(f.overlaps(start, end) for f in (*taken, *found))

    for pattern in (_CUED_NICKNAME, _QUOTED_NICKNAME):
        for match in pattern.finditer(text):
            start, end = match.span(1)
            words = match.group(1).split()
            if all(w.lower() in FUNCTION_WORDS or is_acronym(w) for w in words):
                continue
            if not free(start, end):
                continue
            found.append(
                Found(
                    start,
                    end,
                    match.group(1),
                    "person",
                    match.group(1),
                    "rule:nickname",
                    0.85 if pattern is _CUED_NICKNAME else 0.7,
                    detail={"nickname": True},
                )
            )
    runs = _name_runs(text)
    for start, end, caps in runs:
        surface = text[start:end]
        if not free(start, end) or _DESCRIBES.match(text, end):
            continue
        if caps:
            found.append(Found(start, end, surface, "person", surface, "rule:capitals", 0.85))
        elif " " in surface and not any(is_premises(w) for w in surface.split()):
            # Two or more capitalised words that are not sentence words, places or a car.
            found.append(Found(start, end, surface, "person", surface, "rule:name-pair", 0.6))
    for start, end in _single_names(text, runs):
        if free(start, end) and not _DESCRIBES.match(text, end):
            surface = text[start:end]
            found.append(Found(start, end, surface, "person", surface, "rule:context", 0.6))
    found.extend(_bracketed_nicknames(text, found, taken))
    found.extend(_named_again(text, runs, found, taken))
    for match in _NAME_WITH_AGE.finditer(text):
        start, end = match.span(1)
        while True:
            head = _WORD.match(text, start)
            if head is None or not is_common(head.group()) or head.end() >= end:
                break
            start = head.end() + 1
        surface = text[start:end]
        if free(start, end) and not is_common(surface):
            found.append(Found(start, end, surface, "person", surface, "rule:name-age", 0.8))
    return found


def _single_names(text: str, runs: Sequence[tuple[int, int, bool]]) -> Iterator[tuple[int, int]]:
    """A lone capitalised word its context makes a person (``including Amit``)."""
    for start, end, caps in runs:
        if caps or " " in text[start:end]:
            continue
        before = text[max(0, start - 40) : start]
        after = text[end : end + 40]
        if (
            _PERSON_BEFORE.search(before)
            or _RANK_BEFORE.search(before)
            or _PERSON_AFTER.match(after)
        ):
            yield start, end


#: What joins names in a list: "Adebayo, Kemal DEMIR and Tomasz LEWANDOWSKI".
_LIST_JOIN: Final = re.compile(r"^(?:,\s(?:and\s|or\s)?|\sand\s|\sor\s|\s&\s)$")


def _named_again(
    text: str,
    runs: Sequence[tuple[int, int, bool]],
    people: Sequence[Found],
    taken: Sequence[Found],
) -> list[Found]:
    """Lone names the text has already shown to be people.

    A capitalised word is a person when it is a word of a name found in the
    same text (``Aaliyah SHARMA`` ... ``Aaliyah confirmed``; ``Gary HOLT`` ...
    ``Holt is``), or when it stands in a list with a person (``Leah and Maisie
    COLE``; ``Adebayo, Kemal DEMIR``). Repeated until nothing more is found,
    so a list is followed to its end.
    """
    found: list[Found] = []
    singles = [(s, e) for s, e, _ in runs if " " not in text[s:e]]
    while True:
        known = [*people, *found]
        words = {
            w.casefold()
            for p in known
            for w in _WORD.findall(p.text)
            if len(w) > 1 and w.casefold() not in _PARTICLES and not is_common(w)
        }
        added = False
        for start, end in singles:
            if any(f.overlaps(start, end) for f in (*taken, *known)):
                continue
            surface = text[start:end]
            if is_common(surface) or is_acronym(surface):
                continue
            again = surface.casefold() in words
            listed = any(
                _LIST_JOIN.match(text[end : p.start]) or _LIST_JOIN.match(text[p.end : start])
                for p in known
                if abs(p.start - end) < 8 or abs(start - p.end) < 8
            )
            if again or listed:
                rule = "rule:named-again" if again else "rule:list"
                found.append(Found(start, end, surface, "person", surface, rule, 0.65))
                added = True
                known = [*people, *found]
        if not added:
            return found


def _bracketed_nicknames(text: str, people: Sequence[Found], taken: Sequence[Found]) -> list[Found]:
    """``AHMED (Frosty)``: capitalised words in brackets right after a name."""
    found: list[Found] = []
    for person in people:
        match = _BRACKETED.match(text, person.end)
        if match is None:
            continue
        start, end = match.span(1)
        words = match.group(1).split()
        if all(w.lower() in FUNCTION_WORDS or is_acronym(w) for w in words):
            continue
        if is_premises(words[-1]):  # "(Children's Services)" is who, not a nickname
            continue
        if any(f.overlaps(start, end) for f in (*taken, *people, *found)):
            continue
        nick = match.group(1)
        found.append(
            Found(
                start, end, nick, "person", nick, "rule:nickname", 0.75, detail={"nickname": True}
            )
        )
    return found


def ner_people(
    text: str, entities: Iterable[tuple[int, int, str]], taken: Sequence[Found]
) -> list[Found]:
    """NER ``PERSON`` entities not already covered, trimmed of sentence words."""
    found: list[Found] = []
    for start, end, label in entities:
        if label != "PERSON":
            continue
        words = list(_WORD.finditer(text, start, end))
        while words and (is_common(words[0].group()) or is_acronym(words[0].group())):
            words.pop(0)
        while words and (is_common(words[-1].group()) or is_acronym(words[-1].group())):
            words.pop()
        if not words or not words[0].group()[0].isupper():
            continue
        start, end = words[0].start(), words[-1].end()
        if any(ch.isdigit() for ch in text[start:end]):
            continue
        before = text[max(0, start - 20) : start].split()
        after = text[end : end + 20].split()
        if (before and is_vehicle_word(before[-1])) or (after and is_vehicle_word(after[0])):
            continue
        if _names_a_place(text, words, before, after):
            continue
        if any(f.overlaps(start, end) for f in (*taken, *found)):
            continue
        surface = text[start:end]
        found.append(Found(start, end, surface, "person", surface, "spacy-ner", 0.7))
    return found


def _names_a_place(
    text: str, words: Sequence[re.Match[str]], before: Sequence[str], after: Sequence[str]
) -> bool:
    """What statistical NER calls a person but the text shows is not one.

    ``the Red Lion``, ``the Lucky Star snooker hall`` (a person is not "the"
    anything), ``Hillfoot Academy``, ``Kebab King`` (a word of premises in
    the name), ``Kingsway Industrial Estate``, ``Op SPARROW``, and headings
    or codes (``ACTION:``).
    """
    if before and (before[-1].casefold() == "the" or before[-1].casefold() in _NAMES_WHAT_FOLLOWS):
        return True
    if any(is_premises(w.group()) for w in words):
        return True
    if after and after[0].strip(".,;:").casefold() in PREMISES_AFTER:
        return True
    return any(_is_label(text, w.start(), w.end()) for w in words)


def ner_organisations(
    text: str, entities: Iterable[tuple[int, int, str]], taken: Sequence[Found]
) -> list[Found]:
    """NER ``ORG`` entities that no rule explained (a force, an agency, a firm)."""
    found: list[Found] = []
    for start, end, label in entities:
        if label != "ORG":
            continue
        surface = text[start:end]
        if is_acronym(surface) or is_common(surface) or any(c.isdigit() for c in surface):
            continue
        if any(f.overlaps(start, end) for f in (*taken, *found)):
            continue
        found.append(Found(start, end, surface, "organisation", surface, "spacy-ner", 0.5))
    return found


def describe(text: str, people: Sequence[Found]) -> list[Found]:
    """Attach the description the text joins to each person (``Asian male 30s``)."""
    out: list[Found] = []
    for person in people:
        after = text[person.end : person.end + 60]
        if after[:1] in _QUOTES:
            after = after[1:]
        match = _DESCRIPTION_AFTER.match(after)
        description = match.group(1) if match else None
        if description is None:
            before = _DESCRIPTION_BEFORE.search(text, max(0, person.start - 50), person.start)
            description = before.group(1) if before else None
        out.append(
            Found(
                person.start,
                person.end,
                person.text,
                person.type,
                person.normalised,
                person.extractor,
                person.confidence,
                person.role,
                {**person.detail, "description": description} if description else person.detail,
            )
        )
    return out
