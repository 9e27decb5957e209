"""Titles and explanations: why an opportunity was raised and why it scores as it does.

A title is one line a reviewer understands without opening anything. An
explanation cites the evidence: each record with its kind, operation, moment
and grading; how strongly resolution joined the entity (its weakest join, so a
weak join is visible); live or not-live actions; and the score's parts.

Victims are never named: a person who is a victim subject anywhere, or whom
the text calls a victim, is "a person", and victims are only ever counted.
"""

from __future__ import annotations

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.scoring import Score
from threadline.analyse.opportunities.terms import EntityFacts, Material, from_day

MAX_CITED = 8
"""Records cited one by one; the rest are counted."""


def label(material: Material, entity_id: str) -> str:
    """A name safe to show: never a victim's."""
    entity = material.entities.get(entity_id)
    if entity is None:
        return "an unresolved person"
    if entity.type == "person" and _ever_victim(entity):
        return "a person (also recorded as a victim)"
    return entity.label


def _ever_victim(entity: EntityFacts) -> bool:
    return entity.victim_subject or any(
        "victim" in roles for roles in (*entity.roles.values(), *entity.text_roles.values())
    )


def _thing(material: Material, entity_id: str) -> str:
    entity = material.entities.get(entity_id)
    kind = entity.type if entity else "person"
    name = label(material, entity_id)
    if kind in ("vehicle", "phone"):
        return f"{kind.capitalize()} {name}"
    if kind == "location":
        return f"Location {name}"
    return name


def operations(names: list[str]) -> str:
    if not names:
        return "no operation"
    if len(names) == 1:
        return names[0]
    if len(names) <= 3:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return f"{', '.join(names[:2])} and {len(names) - 2} more operations"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _date(material: Material, record_id: str) -> str:
    moment = material.records[record_id].moment
    return from_day(moment).isoformat() if moment is not None else "undated"


def title(material: Material, finding: Finding) -> str:
    ops = sorted({material.records[r].operation for r in finding.records})
    n = len(finding.records)
    across = f"across {operations(ops)}"
    facts = finding.facts
    kind = finding.kind
    if kind == "unactioned-suspect":
        return (
            f"{_thing(material, finding.anchor)} named as a suspect in "
            f"{_plural(n, 'record')} {across}; never acted on"
        )
    if kind == "untraced-identifier":
        thing = _thing(material, finding.anchor)
        return f"{thing} reported in {_plural(n, 'record')} {across}; never traced"
    if kind == "cross-operation-link":
        covers = facts.get("covers") or []
        extra = f" (with {', '.join(_thing(material, c) for c in covers[:2])})" if covers else ""
        return (
            f"{_thing(material, finding.anchor)}{extra} in {_plural(n, 'record')} across "
            f"{operations(facts['operations'])} that were never joined"
        )
    if kind in ("victim-disclosure-not-followed", "high-grade-intel-undeveloped"):
        record = material.records[finding.anchor]
        suspects = _suspects(material, facts["identified"])
        what = (
            f"A victim's {record.kind} {record.id}"
            if kind == "victim-disclosure-not-followed"
            else f"Intelligence {record.id} graded {record.grade_text()}"
        )
        return (
            f"{what} ({record.operation}, {_date(material, record.id)}) identified {suspects}; "
            f"nothing followed within {facts['days']} days"
        )
    if kind == "location-hotspot":
        return (
            f"{_thing(material, finding.anchor)} in the records of {facts['victims']} victims "
            f"{across}; never disrupted"
        )
    if kind == "no-disruption-after-nfa":
        what = "NFA" if facts["event_kind"] == "nfa" else "acquittal"
        return (
            f"{_thing(material, finding.anchor)}: {what} on {facts['event_date']}, then in "
            f"{_plural(n, 'later record')}; no disruption, charge or conviction since"
        )
    if kind == "network-associate":
        parts = []
        if facts["together"]:
            together = _plural(len(facts["together"]), "record")
            parts.append(f"beside charged or convicted suspects in {together}")
        if facts["shared"]:
            shared = ", ".join(_lower(_thing(material, s)) for s in facts["shared"][:2])
            parts.append(f"shares {shared} with a charged or convicted person")
        return f"{_thing(material, finding.anchor)} {' and '.join(parts)}; never acted on"
    return f"{kind}: {_thing(material, finding.anchor)}"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _suspects(material: Material, identified: list[str]) -> str:
    shown = [_thing(material, s) for s in identified[:2]]
    if len(identified) > 2:
        shown.append(f"{len(identified) - 2} more")
    if not shown:
        return "a suspect"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def cite(material: Material, record_id: str) -> str:
    record = material.records[record_id]
    return (
        f"{record.id} ({record.kind or 'record'}, {record.operation}, "
        f"{_date(material, record_id)}, {record.grade_text()})"
    )


def resolution(material: Material, entity_id: str) -> str:
    entity = material.entities.get(entity_id)
    if entity is None:
        return f"{entity_id} was not resolved to an entity."
    name = _thing(material, entity_id)
    if entity.type != "person":
        return f"{name} was joined on its normalised value {entity.key} (an exact key, no model)."
    subjects = len(entity.subject_refs)
    text = (
        f"; {_plural(entity.mentions, 'span')} of text joined to it by rule"
        if entity.mentions
        else ""
    )
    # Fragments joined because one's record is listed by the other's action, event or
    # record (resolve/fragments.py): no model weight, so say so rather than hide them.
    listed = (
        "; some subjects joined because an action, event or record lists the other's "
        "record under the same name (see `threadline explain`)"
        if "listed" in entity.join_sources
        else ""
    ) + (
        "; some subjects joined because, under the same name, both are seen with one "
        "vehicle or phone (see `threadline explain`)"
        if "seen_with" in entity.join_sources
        else ""
    )
    if entity.weakest is None:
        how = (
            "made of one subject"
            if subjects <= 1
            else "joined by an analyst's judgement, exact keys, listed records or shared "
            "vehicles and phones only"
        )
        return f"{name}: {_plural(subjects, 'subject')}, {how}{listed}{text}."
    weight, probability, left, right = entity.weakest
    strength = "a weak join: check it" if (probability or 0) < 0.9 else "a strong join"
    weight_text = f"match weight {weight:.1f}, " if weight is not None else ""
    return (
        f"{name}: {_plural(subjects, 'subject')} joined by the resolution model; the weakest "
        f"join is {left} ~ {right} ({weight_text}probability {probability:.3f}: {strength})"
        f"{listed}{text}."
    )


def explanation(material: Material, finding: Finding, score: Score) -> str:
    lines = [_why(material, finding)]
    cited = [cite(material, r) for r in finding.records[:MAX_CITED]]
    more = len(finding.records) - len(cited)
    lines.append(
        "Evidence: " + "; ".join(cited) + (f"; and {more} more records." if more > 0 else ".")
    )
    not_live = finding.facts.get("not_live") or []
    if not_live:
        lines.append(
            "Actions exist but are not live (only raised, or cancelled), so they do not count: "
            + ", ".join(not_live[:5])
            + "."
        )
    later = finding.facts.get("later") or []
    if later:
        lines.append(f"Action was taken only after the window: {', '.join(later[:5])}.")
    about = finding.entities if finding.facts.get("identified") else finding.entities[:1]
    for entity in about[:3]:
        lines.append("Resolution: " + resolution(material, entity))
    lines.append(
        f"Score {score.value:.2f}: evidence {score.evidence:.2f} "
        f"({_plural(score.records, 'record')}), "
        f"reliability {score.reliability:.2f}, victims {score.victims:.2f} "
        f"({_plural(score.victim_count, 'victim')}), time unaddressed {score.time:.2f} "
        f"({score.years:.1f} years), centrality {score.centrality:.2f}; "
        f"resolution confidence {score.confidence:.3f}."
    )
    return "\n".join(lines)


def _why(material: Material, finding: Finding) -> str:
    facts = finding.facts
    kind = finding.kind
    ops = sorted({material.records[r].operation for r in finding.records})
    if kind == "unactioned-suspect":
        return (
            f"Named as a suspect (a suspect subject, or the text calls them one) in "
            f"{_plural(len(finding.records), 'record')} other than reports, in "
            f"{operations(ops)}; no live action or arrest, interview, charge, conviction or "
            f"disruption is about them."
        )
    if kind == "untraced-identifier":
        owners = [label(material, o) for o in finding.entities[1:4]]
        whose = f" Recorded as the own of {', '.join(owners)}." if owners else ""
        return (
            f"Involved in {_plural(len(finding.records), 'record')} in {operations(ops)}; no "
            f"trace event and no live action is about it.{whose}"
        )
    if kind == "cross-operation-link":
        covers = facts.get("covers") or []
        named = (
            " It also covers " + ", ".join(_thing(material, c) for c in covers) + ", which "
            "appears only in records that involve this person."
            if covers
            else ""
        )
        return (
            f"Involved in records of {operations(facts['operations'])} that no link, shared "
            f"action or event joins (a shared umbrella does not join operations).{named}"
        )
    if kind in ("victim-disclosure-not-followed", "high-grade-intel-undeveloped"):
        record = material.records[finding.anchor]
        victims = len(record.victims)
        who = (
            f"A {record.kind} with {_plural(victims, 'victim')} (not named)"
            if kind == "victim-disclosure-not-followed"
            else f"Intelligence graded {record.grade_text()} (reliable; known or corroborated)"
        )
        return (
            f"{who} identified {_suspects(material, facts['identified'])}. Within "
            f"{facts['days']} days after its moment ({_date(material, record.id)}) no live action "
            f"raised in that window lists it, and none of the suspects it identifies was acted on."
        )
    if kind == "location-hotspot":
        return (
            f"Named (in a record's locations or its text, not as a home address) in "
            f"{_plural(len(finding.records), 'record')} with victim subjects, "
            f"{facts['victims']} distinct victims (not named); no disruption or referral event "
            f"is about the place."
        )
    if kind == "no-disruption-after-nfa":
        return (
            f"The latest {facts['event_kind']} ({facts['event']}, {facts['event_date']}) was "
            f"followed by {_plural(len(finding.records), 'record')} involving them with a later "
            f"moment; no disruption, charge or conviction is about them on or after that date."
        )
    if kind == "network-associate":
        charged = ", ".join(label(material, c) for c in facts["charged"][:3]) or "none"
        return (
            f"Never a victim subject and never acted on. A suspect or associate subject beside "
            f"someone charged or convicted ({charged}) in "
            f"{_plural(len(facts['together']), 'record')}"
            + (
                f"; shares {', '.join(label(material, s) for s in facts['shared'])} with them"
                if facts["shared"]
                else ""
            )
            + "."
        )
    return kind
