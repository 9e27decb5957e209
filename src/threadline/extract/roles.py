"""The role the text gives each person it names: suspect, victim, witness or other.

The method is a small set of context rules, read in order (the first that fires decides):

1. **Age**: a name followed by an age under 18 (``Chloe WRIGHT (14)``,
   ``Chloe, 14,``) is a victim; an adult age says nothing.
2. **Cue before the name**, within the sentence: words that introduce a child
   (``parent of``, ``ABE interview of``, ``denies knowing``, ``concern for``),
   a witness (``witness``, ``seen by``) or someone else (``reported by``,
   ``licence holder``, ``keeper``, ``social worker``), or a suspect
   (``under caution of``, ``against``, ``arrested``, ``named as``).
3. **Cue after the name**: ``disclosed``, ``missing``, ``at risk`` (victim);
   ``witnessed`` (witness); ``is using``, ``believed to be taking``,
   ``known to drive``, ``works at`` (suspect).
4. **The same person again**: a mention sharing a name word with a mention
   given a role by rules 1–3 in the same record takes that role.
5. **Default**: suspect. In the material threadline reviews, people named
   without a cue are mostly the subjects of intelligence; the default is the
   prior, and its cost is measured (``docs/extraction.md``).

A nickname is never given the victim role by rule 4 alone: a nickname is how
logs name the men, not the children.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from threadline.domain.normalise import name_key
from threadline.extract.spans import Found

_AGE_AFTER: Final = re.compile(
    r"^['’]?\s*(?:\(\s*(?:aged\s)?(\d{1,2})\s*(?:yrs?|years?)?\s*\)"
    r"|,?\s*aged\s(\d{1,2})\b|,\s*(\d{1,2})\b)"
)
_SENTENCE_START: Final = re.compile(r"[.!?;]\s+|\n")

_BEFORE: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (
        "other",
        re.compile(
            r"(?i)\b(?:reported\sby|licen[cs]e\sholder|keeper(?:\sis|\sof\srecord)?|"
            r"social\sworker|teacher|informant|manager|landlord|officer|mother|father|"
            r"step-?father|step-?mother|carer|guardian|keeper\sas|present:?|"
            r"allocated(?:\sto)?|o/?ic|(?-i:DC|DS|DI|DCI|DSU|PC|PCSO|Sgt|SGT|Insp|Supt|SW))"
            r"\W*(?:\d{2,5}\s)?$"
        ),
    ),
    (
        "witness",
        re.compile(
            r"(?i)(?:\b(?:witness(?:es)?|seen\sby|statement\sof(?:\switness)?|observed\sby|"
            r"witness\sstatement|neighbour|call\sfrom|information\sfrom|youth\sworker|"
            r"shop\sassistant|staff\smember|member\sof\sstaff|housing\sofficer|"
            r"(?:^|\.\s)i\sam)|^statement\sof|^i\sam)\W*(?:mrs?|ms|miss)?\W*$"
        ),
    ),
    (
        "victim",
        re.compile(
            r"(?i)\b(?:parent\sof|mother\sof|father\sof|abe\sinterview\sof|denies\sknowing|"
            r"concerns?\sfor|missing\sperson|complainant|victim|referral\sfor|at\srisk:?|"
            r"(?-i:IP)|injured\sparty|pupil|daughter|risk\sto|risk\sassessment:?|"
            r"missing\sfrom\shome(?:\sreport)?|admits\sknowing|knowing|messages\sto|"
            r"sisters?|"
            r"safeguarding\sof|in\scontact\swith|associating\swith\sa\schild|"
            r"against\s[^.]{1,60}\sre)\W*$"
        ),
    ),
    (
        "suspect",
        re.compile(
            r"(?i)\b(?:under\scaution\sof|against|arrested|charged|suspects?|named\sas|"
            r"named|driver|by\smales,\sincluding|including|in\scompany\sof|with|"
            r"associating\swith|number\sof|concerned\sabout|as\sboyfriend|took)\W*$"
        ),
    ),
)
_AFTER: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (
        "victim",
        re.compile(
            r"(?i)^\W*(?:disclosed|has\sdisclosed|missing|reported\smissing|"
            r"has\sbeen\sseen\swith|reported\sto\sbe\sspending\stime\swith|"
            r"believed\sto\sbe\sassociating\swith|seen\swith\solder|getting\sinto|"
            r"believed\sto\sbe\sat\srisk|"
            r"at\srisk|returned\shome|has\sbeen\smissing|seen\sgetting\sinto|found\sin|"
            r"attended\swith|gave\s(?:her|his)\sown\snumber|,?\syear\s\d|confirmed\sshe|"
            r"declined\sto|does\snot\ssupport|refused\sto\ssay|not\shome|is\s1[0-7]\b)"
        ),
    ),
    (
        "witness",
        re.compile(
            r"(?i)^\W*(?:witnessed|states\sshe\ssaw|states\she\ssaw|reports\b|"
            r"called\s999|noted\b|of\s\d+\s\w+\s\w+\sreports)"
        ),
    ),
    (
        "suspect",
        re.compile(
            r"(?i)^\W*(?:is\susing|believed\sto\sbe\staking|known\sto\sdrive|works\sat|"
            r"gave\sgirls|reported\sto\sbe\sin\scontact|took\s(?:her|him)|seen\sdriving|"
            r"said\sto\sbe\sbuying|reported\sto\sbe\sgiving\slifts|seen\sregularly|"
            r"was\sarrested|arrested)"
        ),
    ),
)


_TITLE_BEFORE: Final = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Miss|Mx|Master|Dr)\.?\s+)$")


def _sentence_before(text: str, start: int) -> str:
    """The sentence up to the name, without a title just before it (``Reported by Mrs``)."""
    window = text[max(0, start - 80) : start]
    cuts = list(_SENTENCE_START.finditer(window))
    window = window[cuts[-1].end() :] if cuts else window
    return _TITLE_BEFORE.sub("", window)


def _own_role(text: str, person: Found) -> tuple[str, str] | None:
    """The role rules 1–3 give a mention, with the rule that fired, or None."""
    after = text[person.end : person.end + 60]
    age = _AGE_AFTER.match(after)
    if age:
        years = int(age.group(1) or age.group(2) or age.group(3))
        if years < 18:
            return "victim", "age"
    before = _sentence_before(text, person.start)
    for role, pattern in _BEFORE:
        if pattern.search(before):
            return role, "before"
    for role, pattern in _AFTER:
        if pattern.search(after):
            return role, "after"
    return None


def _keys(person: Found) -> set[str]:
    return {k for k in (name_key(w) for w in person.text.split()) if len(k) > 1}


def assign_roles(text: str, people: Sequence[Found]) -> list[Found]:
    """Each person mention with a role and, in ``detail["role_rule"]``, the rule that gave it."""
    own = [_own_role(text, p) for p in people]
    decided_keys = [
        (_keys(p), decided[0]) for p, decided in zip(people, own, strict=True) if decided
    ]
    out: list[Found] = []
    for person, decided in zip(people, own, strict=True):
        if decided is not None:
            out.append(person.with_role(decided[0], role_rule=decided[1]))
            continue
        keys = _keys(person)
        # The same person again: one name's words within the other's ("HILL",
        # "Rebecca HILL"); a shared surname alone ("Imran AHMED", "Farah
        # AHMED") is not enough. A victim cue wins: a child stays a child.
        shared = [role for other, role in decided_keys if keys and (keys <= other or other <= keys)]
        nickname = bool(person.detail.get("nickname"))
        if shared and not nickname:
            role = "victim" if "victim" in shared else shared[0]
            out.append(person.with_role(role, role_rule="same-name"))
        else:
            out.append(person.with_role("suspect", role_rule="default"))
    return out
