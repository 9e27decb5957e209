"""Planted opportunities of the eight kinds, and near-misses that must not be raised.

Each scenario writes a small story with people, vehicles, phones and places
of its own (so background material cannot spoil it) and registers what it
planted. Dates are exact where a definition turns on them: the windows'
boundary days (day 90 and 91 after a disclosure, 28 and 29 after high-grade
intelligence) are planted on purpose.

Every scenario is checked after the world is written: a planted opportunity
must be found by the reference check, and a near-miss must not be.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from threadline.synth.identifiers import Phone, Vehicle
from threadline.synth.noise import SYSTEMS, carry, render_subject
from threadline.synth.operations import Operation, grading
from threadline.synth.people import ANYONE, Held, Person, Traits
from threadline.synth.places import Premises
from threadline.synth.rng import chance
from threadline.synth.text import (
    Body,
    Scene,
    Sentence,
    TextBuilder,
    intel_address,
    intel_driving,
    intel_phone,
    statement_number,
)
from threadline.synth.truth import Opportunity
from threadline.synth.world import World
from threadline.synth.writer import RecordDraft, Stamp

_MARGIN = dt.timedelta(days=400)


@dataclass
class Stage:
    """What a scenario works with: the world, a random stream, and fresh people and places."""

    world: World
    rng: random.Random

    def op(self, exclude: tuple[str, ...] = ()) -> Operation:
        """An operation with an incident room, long enough to hold a scenario's follow-ups."""
        ops = [
            op
            for op in self.world.operations
            if op.incident_room
            and op.kind in ("closed", "current", "umbrella")
            and op.id not in exclude
            and (op.until - op.opened) > _MARGIN * 2
        ]
        return self.rng.choice(ops)

    def two_ops(self) -> tuple[Operation, Operation]:
        """An earlier and a later operation (closed then live, as reviews find them)."""
        first = self.op()
        second = self.op(exclude=(first.id,))
        return (first, second) if first.opened <= second.opened else (second, first)

    def day(self, op: Operation, *, room: int = 200) -> dt.date:
        """A day in ``op`` with ``room`` days of the operation still to run after it."""
        start, end = op.opened + dt.timedelta(days=30), op.until - dt.timedelta(days=room)
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def suspect(
        self, *, vehicle_rate: float = 1.0, phone_rate: float = 1.0, unique_phone: bool = False
    ) -> Person:
        """A man with cars nobody else drives.

        Args:
            unique_phone: give him a number no one else ever holds (or none once
                those run out), for scenarios that turn on his phone.
        """
        traits = Traits(
            vehicle_rate=vehicle_rate,
            phone_rate=phone_rate,
            reserved_phone=unique_phone,
            nickname_rate=0.6,
        )
        era = (dt.date(1997, 1, 1), dt.date(2025, 6, 30))
        return self.world.adult(self.rng, era, traits=traits)

    def victim(self, day: dt.date, traits: Traits = ANYONE) -> Person:
        return self.world.child(self.rng, day, (day, day + dt.timedelta(days=3 * 365)), traits)

    def place(self) -> Premises:
        return self.world.gazetteer.business(self.rng, self.rng.choice(("takeaway", "taxi firm")))

    def exact(self, moment: dt.date) -> tuple[Stamp, Stamp]:
        """Stamps whose moment (``received``) is exactly ``moment``, dated a few days before."""
        return Stamp(moment - dt.timedelta(days=self.rng.randint(0, 5))), Stamp(moment)

    def record(
        self,
        op: Operation,
        moment: dt.date,
        kind: str,
        subjects: list[tuple[Person, str]],
        scene: Scene,
        *,
        first: Sentence | None = None,
        extra: int = 1,
        body: Body | None = None,
        locations: Sequence[Premises] = (),
        links: Sequence[tuple[str, str]] = (),
        grade: str | dict[str, str] | None = "auto",
        carrying: dict[str, Sequence[Phone | Vehicle]] | None = None,
    ) -> str:
        """A record whose moment is exactly ``moment``, with no original document."""
        return self.world.record(
            self.rng,
            kind=kind,
            day=moment,
            op=op,
            subjects=subjects,
            scene=scene,
            stamps=self.exact(moment),
            originals=False,
            first=first,
            extra=extra,
            body=body,
            locations=locations,
            links=links,
            grade=grade,
            carrying=carrying,
        )

    def plant(
        self,
        kind: str,
        records: list[str],
        *,
        near: bool = False,
        variant: str | None = None,
        person: Person | None = None,
        identifier: str | None = None,
        record: str | None = None,
    ) -> None:
        self.world.plant(
            Opportunity(
                kind,
                tuple(records),
                person=person.pid if person else None,
                identifier=identifier,
                record=record,
                variant=variant,
            ),
            near_miss=near,
        )


def _plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def _spread(stage: Stage, op: Operation, count: int, step: tuple[int, int]) -> list[dt.date]:
    day = stage.day(op, room=count * step[1] + 60)
    days = [day]
    for _ in range(count - 1):
        days.append(_plus(days[-1], stage.rng.randint(*step)))
    return days


# unactioned-suspect ------------------------------------------------------------------


def _suspect_in_three(stage: Stage, kinds: tuple[str, ...]) -> tuple[Person, Operation, list[str]]:
    op = stage.op()
    suspect = stage.suspect()
    records = []
    for kind, day in zip(kinds, _spread(stage, op, len(kinds), (20, 120)), strict=True):
        victim = stage.victim(day)
        subjects: list[tuple[Person, str]] = [(suspect, "suspect")]
        if kind in ("crime", "statement", "referral"):
            subjects.insert(0, (victim, "victim"))
        scene = Scene(suspects=[suspect], victims=[victim], vehicle=suspect.vehicle_at(day))
        records.append(stage.record(op, day, kind, subjects, scene, first=intel_driving))
    return suspect, op, records


def plant_unactioned_suspect(stage: Stage, *, with_dead_actions: bool = False) -> None:
    """A man named as a suspect in three records and never acted on.

    With ``with_dead_actions``, actions about him exist but were only raised
    or were cancelled, which is not acting on him.
    """
    suspect, op, records = _suspect_in_three(stage, ("intelligence", "crime", "intelligence"))
    if with_dead_actions:
        for status in ("raised", "cancelled"):
            stage.world.action(
                stage.rng,
                op=op,
                raised=_plus(stage.day(op), 0),
                status=status,
                title=f"Trace and interview {suspect.name.surname.upper()}",
                records=records[:1],
                subjects=[(suspect, "suspect")],
            )
    variant = "raised and cancelled actions only" if with_dead_actions else "never acted on"
    stage.plant("unactioned-suspect", records, person=suspect, variant=variant)


def near_unactioned_arrested(stage: Stage) -> None:
    suspect, op, records = _suspect_in_three(stage, ("intelligence", "statement", "crime"))
    stage.world.event(
        stage.rng,
        kind="arrest",
        day=stage.day(op),
        op=op,
        subjects=[(suspect, "suspect")],
        records=records[-1:],
    )
    stage.plant("unactioned-suspect", records, near=True, person=suspect, variant="arrested")


def near_unactioned_live_action(stage: Stage) -> None:
    suspect, op, records = _suspect_in_three(stage, ("intelligence", "intelligence", "referral"))
    stage.world.action(
        stage.rng,
        op=op,
        raised=stage.day(op),
        status="allocated",
        title=f"TIE {suspect.name.surname.upper()}",
        subjects=[(suspect, "suspect")],
    )
    stage.plant(
        "unactioned-suspect",
        records,
        near=True,
        person=suspect,
        variant="allocated action about him",
    )


def near_unactioned_report(stage: Stage) -> None:
    suspect, _, records = _suspect_in_three(stage, ("intelligence", "crime", "report"))
    stage.plant(
        "unactioned-suspect", records, near=True, person=suspect, variant="third record is a report"
    )


# cross-operation-link --------------------------------------------------------------------


def _two_op_records(
    stage: Stage, person: Person, *, vehicle: Vehicle | None = None
) -> tuple[Operation, Operation, list[str]]:
    """The person as a suspect in an earlier and a later operation; ``vehicle`` named both times."""
    early, late = stage.two_ops()
    records = []
    for op, kind in ((early, "intelligence"), (late, "statement")):
        day = stage.day(op)
        victim = stage.victim(day)
        subjects: list[tuple[Person, str]] = [(person, "suspect")]
        if kind == "statement":
            subjects.insert(0, (victim, "victim"))
        scene = Scene(suspects=[person], victims=[victim], vehicle=vehicle)
        first = _sighting_first(vehicle) if vehicle else None
        records.append(stage.record(op, day, kind, subjects, scene, first=first))
    return early, late, records


def plant_cross_operation_person(stage: Stage) -> None:
    """The same man in a closed and a live operation, and nothing joins them."""
    suspect = stage.suspect()
    _, _, records = _two_op_records(stage, suspect)
    stage.plant("cross-operation-link", records, person=suspect, variant="person")


def plant_cross_operation_vehicle(stage: Stage) -> None:
    """One car in two operations, each time with a different man, and nothing joins them."""
    early, late = stage.two_ops()
    owner = stage.suspect()
    records = []
    for op in (early, late):
        day = stage.day(op)
        driver = stage.suspect(vehicle_rate=0.0, phone_rate=0.0)
        vehicle = owner.vehicles[0].item
        scene = Scene(suspects=[driver], vehicle=vehicle, street=None)
        records.append(
            stage.record(op, day, "intelligence", [], scene, first=_sighting_first(vehicle))
        )
    stage.plant(
        "cross-operation-link",
        records,
        identifier=owner.vehicles[0].item.key,
        variant="vehicle with different men",
    )


def _sighting_first(vehicle: Vehicle) -> Sentence:
    def sentence(b: TextBuilder, s: Scene) -> bool:
        b.add(vehicle.description.capitalize() + " ").vehicle(vehicle)
        b.add(" seen collecting young females. Driver ").person(s.suspects[0], "suspect")
        b.add(".")
        return True

    return sentence


def near_cross_operation_linked(stage: Stage) -> None:
    suspect = stage.suspect(vehicle_rate=0.0, phone_rate=0.0)
    early, late = stage.two_ops()
    first_day, second_day = stage.day(early), stage.day(late)
    first = stage.record(
        early, first_day, "intelligence", [(suspect, "suspect")], Scene(suspects=[suspect])
    )
    victim = stage.victim(second_day)
    second = stage.record(
        late,
        second_day,
        "statement",
        [(victim, "victim"), (suspect, "suspect")],
        Scene(suspects=[suspect], victims=[victim]),
        links=[(first, "previous")],
    )
    stage.plant(
        "cross-operation-link",
        [first, second],
        near=True,
        person=suspect,
        variant="joined by a link",
    )


def near_cross_operation_action(stage: Stage) -> None:
    suspect = stage.suspect(vehicle_rate=0.0, phone_rate=0.0)
    early, late = stage.two_ops()
    first_day, second_day = stage.day(early), stage.day(late)
    first = stage.record(
        early, first_day, "intelligence", [(suspect, "suspect")], Scene(suspects=[suspect])
    )
    second = stage.record(
        late, second_day, "intelligence", [(suspect, "suspect")], Scene(suspects=[suspect])
    )
    stage.world.action(
        stage.rng,
        op=late,
        raised=_plus(second_day, 3),
        status="resulted",
        title=f"Review {first} from {early.name}",
        records=[first],
    )
    stage.plant(
        "cross-operation-link",
        [first, second],
        near=True,
        person=suspect,
        variant="joined by a live action of the later operation",
    )


def near_cross_operation_covered(stage: Stage) -> None:
    """A car that only ever appears with its owner, whose own link covers it."""
    suspect = stage.suspect(phone_rate=0.0)
    vehicle = suspect.vehicles[0].item
    # One car for life, so that it is in every record the man is in and in no other.
    suspect.vehicles[:] = [Held(vehicle, dt.date(1990, 1, 1), dt.date(2030, 12, 31))]
    _, _, records = _two_op_records(stage, suspect, vehicle=vehicle)
    stage.plant("cross-operation-link", records, person=suspect, variant="person")
    stage.plant(
        "cross-operation-link",
        records,
        near=True,
        identifier=vehicle.key,
        variant="covered by the owner's link",
    )


# untraced-identifier -------------------------------------------------------------------


def plant_untraced_vehicle(stage: Stage) -> None:
    """A car in three records (a subject's and the text), never traced."""
    op = stage.op()
    owner = stage.suspect()
    owner.vehicles[1:] = []
    vehicle = owner.vehicles[0].item
    records = []
    for day in _spread(stage, op, 3, (10, 90)):
        subjects = [(owner, "associate")] if chance(stage.rng, 0.5) else []
        scene = Scene(suspects=[owner], vehicle=vehicle)
        records.append(
            stage.record(op, day, "intelligence", subjects, scene, first=_sighting_first(vehicle))
        )
    stage.plant("untraced-identifier", records, identifier=vehicle.key, variant="vehicle")


def plant_untraced_phone(stage: Stage) -> None:
    """A number in two records; a trace action was raised and never allocated."""
    op = stage.op()
    owner = stage.suspect(unique_phone=True)
    if not owner.phones:
        # The never-reused numbers are used up (a very large world): plant a car instead.
        plant_untraced_vehicle(stage)
        return
    phone = owner.phones[0].item
    records = []
    for day in _spread(stage, op, 2, (10, 90)):
        scene = Scene(suspects=[owner], phone=phone)
        records.append(stage.record(op, day, "intelligence", [], scene, first=intel_phone))
    stage.world.action(
        stage.rng,
        op=op,
        raised=stage.day(op),
        status="raised",
        title=f"Subscriber check on {phone.national}",
        records=records[:1],
        identifiers=[phone],
    )
    stage.plant(
        "untraced-identifier",
        records,
        identifier=phone.key,
        variant="phone, trace action only raised",
    )


def near_untraced_traced(stage: Stage) -> None:
    op = stage.op()
    owner = stage.suspect()
    vehicle = owner.vehicles[0].item
    records = []
    for day in _spread(stage, op, 3, (10, 90)):
        scene = Scene(suspects=[owner], vehicle=vehicle)
        records.append(
            stage.record(op, day, "intelligence", [], scene, first=_sighting_first(vehicle))
        )
    stage.world.event(
        stage.rng,
        kind="trace",
        day=stage.day(op),
        op=op,
        identifiers=[vehicle],
        records=records[:1],
        subjects=[(owner, "other")],
        text="Vehicle keeper identified through DVLA check.",
    )
    stage.plant("untraced-identifier", records, near=True, identifier=vehicle.key, variant="traced")


def near_untraced_live_action(stage: Stage) -> None:
    op = stage.op()
    owner = stage.suspect(unique_phone=True)
    if not owner.phones:
        near_untraced_traced(stage)
        return
    phone = owner.phones[0].item
    records = []
    for day in _spread(stage, op, 2, (10, 90)):
        records.append(
            stage.record(
                op, day, "intelligence", [], Scene(suspects=[owner], phone=phone), first=intel_phone
            )
        )
    stage.world.action(
        stage.rng,
        op=op,
        raised=stage.day(op),
        status="resulted",
        title=f"Subscriber check on {phone.national}",
        identifiers=[phone],
    )
    stage.plant(
        "untraced-identifier",
        records,
        near=True,
        identifier=phone.key,
        variant="resulted action about it",
    )


# victim-disclosure-not-followed ---------------------------------------------------------


def _disclosure(
    stage: Stage, *, by_phone_only: bool = False, victim_phone: bool = False
) -> tuple[Operation, Person, Person, dt.date, str]:
    op = stage.op()
    moment = stage.day(op)
    suspect = stage.suspect(unique_phone=True)
    traits = Traits(phone_rate=1.0, reserved_phone=True) if victim_phone else Traits()
    victim = stage.victim(moment, traits)
    kind = stage.rng.choice(("statement", "interview", "referral"))
    subjects: list[tuple[Person, str]] = [(victim, "victim")]
    if not by_phone_only and not victim_phone:
        subjects.append((suspect, "suspect"))
    if victim_phone:
        # The only number in the record is the victim's own: it identifies nobody.
        own = victim.phone_at(moment)
        assert own is not None
        record = stage.record(
            op,
            moment,
            kind,
            subjects,
            Scene(victims=[victim], phone=own),
            body=_own_phone_body(stage, victim, moment),
            carrying={victim.pid: [own]},
        )
    elif by_phone_only:
        scene = Scene(suspects=[suspect], victims=[victim], phone=suspect.phone_at(moment))
        record = stage.record(op, moment, kind, subjects, scene, first=statement_number, extra=0)
    else:
        scene = Scene(
            suspects=[suspect], victims=[victim], house=stage.world.gazetteer.house(stage.rng)
        )
        record = stage.record(op, moment, kind, subjects, scene, first=intel_address, extra=0)
    return op, suspect, victim, moment, record


def _own_phone_body(stage: Stage, victim: Person, moment: dt.date) -> Body:
    phone = victim.phone_at(moment)
    assert phone is not None
    b = TextBuilder(stage.rng, stage.world.registry, moment)
    pronoun = "she" if victim.gender == "female" else "he"
    b.victim(victim).add(f" gave {'her' if pronoun == 'she' else 'his'} own number as ").phone(
        phone
    )
    b.add(f". {pronoun.capitalize()} disclosed {pronoun} had been taken to an address by older ")
    b.add("males who could not be named.")
    return b.build()


def plant_disclosure(stage: Stage, *, variant: str = "nothing followed") -> None:
    """A victim's account identifying a suspect, with nothing done in the 90 days after it.

    Variants: ``nothing followed``; ``action on day 91`` (a live action listing
    it, one day too late); ``cancelled action`` (cancelled on day 10, arrest
    on day 91); ``phone only`` (the suspect identified only by his number).
    """
    if variant == "phone only" and not stage.world.phonebook.reserved_left():
        variant = "nothing followed"
    op, suspect, _, moment, record = _disclosure(stage, by_phone_only=variant == "phone only")
    world, rng = stage.world, stage.rng
    if variant == "action on day 91":
        world.action(
            rng,
            op=op,
            raised=_plus(moment, 91),
            status="allocated",
            title=f"TIE {suspect.name.surname.upper()}",
            records=[record],
            subjects=[(suspect, "suspect")],
        )
    elif variant == "cancelled action":
        world.action(
            rng,
            op=op,
            raised=_plus(moment, 10),
            status="cancelled",
            title=f"TIE {suspect.name.surname.upper()}",
            records=[record],
            subjects=[(suspect, "suspect")],
        )
        world.event(
            rng,
            kind="arrest",
            day=_plus(moment, 91),
            op=op,
            subjects=[(suspect, "suspect")],
            records=[record],
        )
    stage.plant("victim-disclosure-not-followed", [record], record=record, variant=variant)


def near_disclosure_action_day_90(stage: Stage) -> None:
    op, suspect, _, moment, record = _disclosure(stage)
    stage.world.action(
        stage.rng,
        op=op,
        raised=_plus(moment, 90),
        status="resulted",
        title=f"TIE {suspect.name.surname.upper()}",
        records=[record],
    )
    stage.plant(
        "victim-disclosure-not-followed",
        [record],
        near=True,
        record=record,
        variant="live action on day 90",
    )


def near_disclosure_arrest_day_90(stage: Stage) -> None:
    op, suspect, _, moment, record = _disclosure(stage)
    stage.world.event(
        stage.rng,
        kind="arrest",
        day=_plus(moment, 90),
        op=op,
        subjects=[(suspect, "suspect")],
        records=[record],
    )
    stage.plant(
        "victim-disclosure-not-followed",
        [record],
        near=True,
        record=record,
        variant="suspect arrested on day 90",
    )


def near_disclosure_own_phone(stage: Stage) -> None:
    if not stage.world.phonebook.reserved_left():
        near_disclosure_action_day_90(stage)
        return
    _, _, _, _, record = _disclosure(stage, victim_phone=True)
    stage.plant(
        "victim-disclosure-not-followed",
        [record],
        near=True,
        record=record,
        variant="only the victim's own number",
    )


# location-hotspot ------------------------------------------------------------------------


def _victims_at(stage: Stage, place: Premises, victims: list[Person], op: Operation) -> list[str]:
    records = []
    for victim, day in zip(victims, _spread(stage, op, len(victims), (15, 100)), strict=True):
        kind = stage.rng.choice(("crime", "referral", "statement"))
        scene = Scene(victims=[victim], place=place)
        in_text = chance(stage.rng, 0.5)
        records.append(
            stage.record(
                op,
                day,
                kind,
                [(victim, "victim")],
                scene,
                body=_place_body(stage, victim, place, day) if in_text else None,
                locations=[] if in_text else [place],
            )
        )
    return records


def _place_body(stage: Stage, victim: Person, place: Premises, day: dt.date) -> Body:
    b = TextBuilder(stage.rng, stage.world.registry, day)
    b.victim(victim).add(" seen with older males at ").place(place)
    b.add(" late at night. Believed to be at risk of CSE.")
    return b.build()


def plant_hotspot(stage: Stage) -> None:
    """A takeaway in the accounts of three or four children, never disrupted."""
    op = stage.op()
    place = stage.place()
    count = stage.rng.choice((3, 3, 4))
    victims = [stage.victim(stage.day(op)) for _ in range(count)]
    records = _victims_at(stage, place, victims, op)
    stage.plant("location-hotspot", records, identifier=place.key, variant="never disrupted")


def near_hotspot_disrupted(stage: Stage) -> None:
    op = stage.op()
    place = stage.place()
    victims = [stage.victim(stage.day(op)) for _ in range(3)]
    records = _victims_at(stage, place, victims, op)
    stage.world.event(
        stage.rng,
        kind="disruption",
        day=stage.day(op),
        op=op,
        location=place,
        identifiers=[place],
        text="Licensing action: premises licence review requested by police.",
    )
    stage.plant("location-hotspot", records, near=True, identifier=place.key, variant="disrupted")


def near_hotspot_two_victims(stage: Stage) -> None:
    op = stage.op()
    place = stage.place()
    first, second = stage.victim(stage.day(op)), stage.victim(stage.day(op))
    records = _victims_at(stage, place, [first, second, first], op)
    stage.plant(
        "location-hotspot",
        records,
        near=True,
        identifier=place.key,
        variant="two victims, one recorded twice",
    )


def near_hotspot_home_address(stage: Stage) -> None:
    """A children's home: every victim's home address, never named as a place of concern."""
    op = stage.op()
    home = stage.world.gazetteer.house(stage.rng)
    records = []
    for day in _spread(stage, op, 3, (15, 100)):
        victim = stage.victim(day, traits=Traits(home=home))
        records.append(
            stage.record(
                op, day, "crime", [(victim, "victim")], Scene(victims=[victim]), first=None
            )
        )
    stage.world.writer.ledger.identifier(home.key, home.canonical)
    stage.plant(
        "location-hotspot",
        records,
        near=True,
        identifier=home.key,
        variant="victims' home address only",
    )


# no-disruption-after-nfa -------------------------------------------------------------


def _nfa(stage: Stage) -> tuple[Operation, Person, dt.date, str]:
    op = stage.op()
    suspect = stage.suspect()
    day = stage.day(op, room=320)
    victim = stage.victim(day)
    first = stage.record(
        op,
        day,
        "crime",
        [(victim, "victim"), (suspect, "suspect")],
        Scene(suspects=[suspect], victims=[victim]),
    )
    stage.world.event(
        stage.rng,
        kind="arrest",
        day=_plus(day, 5),
        op=op,
        subjects=[(suspect, "suspect")],
        records=[first],
    )
    nfa_day = _plus(day, stage.rng.randint(40, 90))
    stage.world.event(
        stage.rng, kind="nfa", day=nfa_day, op=op, subjects=[(suspect, "suspect")], records=[first]
    )
    return op, suspect, nfa_day, first


def plant_after_nfa(stage: Stage, *, disrupted_before: bool = False) -> None:
    """NFA, then he turns up again, and nothing stops him."""
    op, suspect, nfa_day, first = _nfa(stage)
    if disrupted_before:
        stage.world.event(
            stage.rng,
            kind="disruption",
            day=_plus(nfa_day, -3),
            op=op,
            subjects=[(suspect, "suspect")],
            records=[first],
            text="Child abduction warning notice served.",
        )
    later = _plus(nfa_day, stage.rng.randint(30, 200))
    record = stage.record(
        op,
        later,
        "intelligence",
        [(suspect, "suspect")],
        Scene(suspects=[suspect], vehicle=suspect.vehicle_at(later)),
    )
    variant = "disruption only before the NFA" if disrupted_before else "nothing after NFA"
    stage.plant("no-disruption-after-nfa", [record], person=suspect, variant=variant)


def near_after_nfa_disrupted(stage: Stage) -> None:
    op, suspect, nfa_day, _ = _nfa(stage)
    later = _plus(nfa_day, stage.rng.randint(20, 100))
    record = stage.record(
        op, later, "intelligence", [(suspect, "suspect")], Scene(suspects=[suspect])
    )
    stage.world.event(
        stage.rng,
        kind="disruption",
        day=_plus(later, 10),
        op=op,
        subjects=[(suspect, "suspect")],
        records=[record],
        text="Sexual risk order obtained at Cindermoor Magistrates' Court.",
    )
    stage.plant(
        "no-disruption-after-nfa",
        [record],
        near=True,
        person=suspect,
        variant="disrupted after the NFA",
    )


def near_after_nfa_same_day(stage: Stage) -> None:
    op, suspect, nfa_day, _ = _nfa(stage)
    record = stage.record(
        op, nfa_day, "intelligence", [(suspect, "suspect")], Scene(suspects=[suspect])
    )
    stage.plant(
        "no-disruption-after-nfa",
        [record],
        near=True,
        person=suspect,
        variant="only record on the NFA's own day",
    )


# high-grade-intel-undeveloped ------------------------------------------------------------


def _high_grade(stage: Stage, quality: str = "high") -> tuple[Operation, Person, dt.date, str]:
    op = stage.op()
    moment = stage.day(op)
    suspect = stage.suspect(unique_phone=True)
    scene = Scene(
        suspects=[suspect], phone=suspect.phone_at(moment), vehicle=suspect.vehicle_at(moment)
    )
    record = stage.record(
        op,
        moment,
        "intelligence",
        [(suspect, "suspect")],
        scene,
        grade=grading(stage.rng, moment, quality=quality),
    )
    return op, suspect, moment, record


def plant_high_grade(stage: Stage, *, variant: str = "arrest on day 29") -> None:
    """Reliable, corroborated intelligence naming a man, and nothing in the 28 days after.

    Variants: ``arrest on day 29``; ``action on day 29`` (a live action listing
    it); ``cancelled action`` (cancelled on day 5, about him and listing it).
    """
    op, suspect, moment, record = _high_grade(stage)
    world, rng = stage.world, stage.rng
    if variant == "arrest on day 29":
        world.event(
            rng,
            kind="arrest",
            day=_plus(moment, 29),
            op=op,
            subjects=[(suspect, "suspect")],
            records=[record],
        )
    elif variant == "action on day 29":
        world.action(
            rng,
            op=op,
            raised=_plus(moment, 29),
            status="resulted",
            title=f"Develop {record}",
            records=[record],
        )
    else:
        world.action(
            rng,
            op=op,
            raised=_plus(moment, 5),
            status="cancelled",
            title=f"Develop {record}",
            records=[record],
            subjects=[(suspect, "suspect")],
        )
    stage.plant("high-grade-intel-undeveloped", [record], record=record, variant=variant)


def near_high_grade_arrest_day_28(stage: Stage) -> None:
    op, suspect, moment, record = _high_grade(stage)
    stage.world.event(
        stage.rng,
        kind="arrest",
        day=_plus(moment, 28),
        op=op,
        subjects=[(suspect, "suspect")],
        records=[record],
    )
    stage.plant(
        "high-grade-intel-undeveloped",
        [record],
        near=True,
        record=record,
        variant="arrest on day 28",
    )


def near_high_grade_low(stage: Stage) -> None:
    _, _, _, record = _high_grade(stage, quality="low")
    stage.plant(
        "high-grade-intel-undeveloped", [record], near=True, record=record, variant="not high grade"
    )


# network-associate ---------------------------------------------------------------------


def _convicted(stage: Stage, op: Operation) -> tuple[Person, dt.date, str]:
    boss = stage.suspect()
    boss.keeps_numbers = True
    day = stage.day(op, room=320)
    victim = stage.victim(day)
    record = stage.record(
        op,
        day,
        "crime",
        [(victim, "victim"), (boss, "suspect")],
        Scene(suspects=[boss], victims=[victim]),
    )
    world, rng = stage.world, stage.rng
    world.event(
        rng, kind="arrest", day=_plus(day, 3), op=op, subjects=[(boss, "suspect")], records=[record]
    )
    world.event(
        rng,
        kind="charge",
        day=_plus(day, 30),
        op=op,
        subjects=[(boss, "suspect")],
        records=[record],
    )
    world.event(
        rng,
        kind="conviction",
        day=_plus(day, 250),
        op=op,
        subjects=[(boss, "suspect")],
        records=[record],
    )
    return boss, day, record


def _together(stage: Stage, op: Operation, boss: Person, mate: Person, times: int) -> list[str]:
    records = []
    for day in _spread(stage, op, times, (10, 80)):
        subjects = [(boss, "suspect"), (mate, stage.rng.choice(("associate", "suspect")))]
        records.append(
            stage.record(op, day, "intelligence", subjects, Scene(suspects=[boss, mate]))
        )
    return records


def plant_network_associate(stage: Stage, *, shared_car: bool = False) -> None:
    """A man beside a convicted offender, never acted on.

    Either he is with him in two records, or (``shared_car``) he has the
    offender's car as his own.
    """
    op = stage.op()
    boss, _, _ = _convicted(stage, op)
    mate = stage.suspect(vehicle_rate=0.0)
    if shared_car:
        car = boss.vehicles[0].item
        _owner_record(stage, op, boss, "suspect", car)
        records = [_owner_record(stage, op, mate, "associate", car)]
        variant = "has the offender's car as his own"
    else:
        records = _together(stage, op, boss, mate, 2)
        variant = "with the offender in two records"
    stage.plant("network-associate", records, person=mate, variant=variant)


def _owner_record(stage: Stage, op: Operation, person: Person, role: str, car: Vehicle) -> str:
    """A sighting whose subject lists the car as the person's own, whatever the noise model says."""
    world, rng = stage.world, stage.rng
    day = stage.day(op)
    subject = render_subject(
        person,
        role,
        system=SYSTEMS["NICHE"],
        operation=op.id,
        day=day,
        rng=rng,
        registry=world.registry,
    )
    carry(subject, [car], rng)
    b = TextBuilder(rng, world.registry, day)
    b.person(person, role if role == "suspect" else "other").add(" seen driving ")
    b.described_vehicle(car).add(" with young females in the rear.")
    record_id = world.writer.record_id("intelligence")
    world.writer.record(
        RecordDraft(
            id=record_id,
            operation=op.id,
            kind="intelligence",
            date=Stamp(day),
            received=Stamp(day),
            title="Vehicle seen with young female",
            body=b.build(),
            subjects=[subject],
            author=world.officer(rng),
            grading=grading(rng, day),
        )
    )
    return record_id


def near_network_arrested(stage: Stage) -> None:
    op = stage.op()
    boss, _, _ = _convicted(stage, op)
    mate = stage.suspect(vehicle_rate=0.0)
    records = _together(stage, op, boss, mate, 2)
    stage.world.event(
        stage.rng,
        kind="arrest",
        day=stage.day(op),
        op=op,
        subjects=[(mate, "suspect")],
        records=records[:1],
    )
    stage.plant("network-associate", records, near=True, person=mate, variant="arrested")


def near_network_once(stage: Stage) -> None:
    op = stage.op()
    boss, _, _ = _convicted(stage, op)
    mate = stage.suspect(vehicle_rate=0.0, phone_rate=0.0)
    records = _together(stage, op, boss, mate, 1)
    stage.plant(
        "network-associate",
        records,
        near=True,
        person=mate,
        variant="with the offender in one record only",
    )


Scenario = Callable[[Stage], None]

#: Planted opportunities, in turn; the first eight are one of each kind.
OPPORTUNITIES: tuple[Scenario, ...] = (
    plant_unactioned_suspect,
    plant_cross_operation_person,
    plant_untraced_vehicle,
    plant_disclosure,
    plant_hotspot,
    plant_after_nfa,
    plant_high_grade,
    plant_network_associate,
    lambda s: plant_unactioned_suspect(s, with_dead_actions=True),
    plant_cross_operation_vehicle,
    plant_untraced_phone,
    lambda s: plant_disclosure(s, variant="action on day 91"),
    lambda s: plant_after_nfa(s, disrupted_before=True),
    lambda s: plant_high_grade(s, variant="action on day 29"),
    lambda s: plant_network_associate(s, shared_car=True),
    lambda s: plant_disclosure(s, variant="cancelled action"),
    lambda s: plant_disclosure(s, variant="phone only"),
    lambda s: plant_high_grade(s, variant="cancelled action"),
)

#: Near-misses, in turn; the first eight touch each kind once.
NEAR_MISSES: tuple[Scenario, ...] = (
    near_unactioned_arrested,
    near_cross_operation_linked,
    near_untraced_traced,
    near_disclosure_action_day_90,
    near_hotspot_disrupted,
    near_after_nfa_disrupted,
    near_high_grade_arrest_day_28,
    near_network_arrested,
    near_unactioned_live_action,
    near_cross_operation_action,
    near_untraced_live_action,
    near_disclosure_arrest_day_90,
    near_hotspot_two_victims,
    near_after_nfa_same_day,
    near_high_grade_low,
    near_network_once,
    near_unactioned_report,
    near_cross_operation_covered,
    near_disclosure_own_phone,
    near_hotspot_home_address,
)
