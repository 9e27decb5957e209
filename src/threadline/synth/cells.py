"""Background material: one neighbourhood of Cindermoor at a time.

A neighbourhood is a few years of one corner of town: its takeaways and taxi
firms, a house or two where young people are taken, the men who recur in
intelligence about it, the children at risk, their parents, a social worker.
Its incidents become records in whichever operation was running at the time;
some are followed up (actions, traces, arrests, charges, safeguarding) and
some are not, as in the material reviews find. Neighbourhoods share a few
people and places that travel across town (the hubs), so the world is one
network rather than many islands.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from threadline.synth.identifiers import Phone, Vehicle
from threadline.synth.operations import NOW, WORLD_START, Operation
from threadline.synth.people import Person, Traits
from threadline.synth.places import STREETS, Premises
from threadline.synth.rng import chance, stream, weighted
from threadline.synth.text import Scene
from threadline.synth.world import Identifier, World

_STATUSES = (
    ("resulted", 0.45),
    ("allocated", 0.15),
    ("referred", 0.08),
    ("raised", 0.16),
    ("cancelled", 0.16),
)
_BUSINESS_KINDS = (
    ("takeaway", 3.0),
    ("taxi firm", 2.0),
    ("shop", 1.0),
    ("guest house", 0.7),
    ("car wash", 0.5),
    ("snooker club", 0.5),
    ("shisha lounge", 0.4),
    ("arcade", 0.4),
)
_TRAJECTORIES = (
    ("none", 0.35),
    ("nfa", 0.22),
    ("charged", 0.15),
    ("disrupted", 0.15),
    ("arrested", 0.13),
)


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _later(day: dt.date, low: int, high: int, rng: random.Random) -> dt.date:
    return min(day + dt.timedelta(days=rng.randint(low, high)), NOW)


@dataclass
class Trail:
    """What has been written about one person in this neighbourhood: (record, operation, day)."""

    items: list[tuple[str, str, dt.date]] = field(default_factory=list)

    def add(self, record: str, op: str, day: dt.date) -> None:
        self.items.append((record, op, day))

    def before(self, day: dt.date) -> list[tuple[str, str, dt.date]]:
        return [item for item in self.items if item[2] <= day]


def hubs(world: World) -> list[Person]:
    """People who travel across town: they recur in many neighbourhoods."""
    rng = stream(world.seed, "hubs")
    count = max(2, round(6 * world.scale**0.5))
    era = (WORLD_START, NOW)
    travellers = [
        world.adult(
            rng,
            era,
            ages=(22, 40),
            traits=Traits(phone_rate=1.0, vehicle_rate=1.0, nickname_rate=0.8),
        )
        for _ in range(count)
    ]
    for person in travellers:
        # Charged in some neighbourhoods: their numbers are never recycled.
        person.keeps_numbers = True
    return travellers


class Neighbourhood:
    """One corner of town over a few years, written as background material."""

    def __init__(self, world: World, index: int, travellers: list[Person]) -> None:
        self.world = world
        self.rng = rng = stream(world.seed, "cell", index)
        start = _day_between(rng, WORLD_START, dt.date(2022, 12, 31))
        end = min(start + dt.timedelta(days=365 * rng.randint(3, 14)), NOW - dt.timedelta(days=30))
        self.era = (start, end)
        gaz = world.gazetteer
        self.places: list[Premises] = [
            gaz.business(rng, weighted(rng, _BUSINESS_KINDS)) for _ in range(rng.randint(1, 3))
        ]
        if chance(rng, 0.3):
            self.places.append(rng.choice(gaz.public))
        self.houses = [gaz.house(rng) for _ in range(rng.randint(1, 2))]
        self.streets = rng.sample(STREETS, 2)
        self.namesake: Person | None = None
        self.suspects = self._suspects(rng, travellers)
        self.associates = [
            world.adult(rng, self.era, traits=Traits(vehicle_rate=0.4, phone_rate=0.6))
            for _ in range(rng.randint(1, 2))
        ]
        self.victims: list[tuple[Person, dt.date, dt.date]] = []
        self.parents: dict[str, Person] = {}
        for _ in range(rng.randint(3, 6)):
            first = _day_between(rng, start, end)
            child = world.child(rng, first, self.era, traits=Traits(phone_rate=0.5))
            # Seen as a child only: the window closes before the eighteenth birthday.
            adult = dt.date(child.dob.year + 18, child.dob.month, min(child.dob.day, 28))
            last = min(first + dt.timedelta(days=365 * rng.randint(1, 4)), end, adult)
            last = max(last, first)
            self.victims.append((child, first, last))
            if chance(rng, 0.6):
                self.parents[child.pid] = world.adult(
                    rng,
                    self.era,
                    gender=rng.choice(("male", "female", "female")),
                    ages=(30, 50),
                    traits=Traits(
                        surname=child.name.surname,
                        origin=child.name.origin,
                        home=child.homes[0][1],
                        phone_rate=0.8,
                        nickname_rate=0.0,
                    ),
                )
        self.worker = world.adult(
            rng,
            self.era,
            gender=rng.choice(("male", "female")),
            ages=(25, 55),
            traits=Traits(nickname_rate=0.0),
        )
        self.witnesses = [
            world.adult(
                rng,
                self.era,
                gender=rng.choice(("male", "female")),
                traits=Traits(nickname_rate=0.1),
            )
            for _ in range(rng.randint(1, 2))
        ]
        self.licensee = world.adult(rng, self.era, ages=(30, 60), traits=Traits(nickname_rate=0.0))
        self.trails: dict[str, Trail] = {}
        self.trajectory = {p.pid: weighted(rng, _TRAJECTORIES) for p in self.suspects}
        for suspect in self.suspects:
            if self.trajectory[suspect.pid] == "charged":
                suspect.keeps_numbers = True

    def _suspects(self, rng: random.Random, travellers: list[Person]) -> list[Person]:
        world = self.world
        suspects = [
            world.adult(
                rng,
                self.era,
                gender="male" if chance(rng, 0.93) else "female",
                traits=Traits(vehicle_rate=0.65, phone_rate=0.75),
            )
            for _ in range(rng.randint(3, 5))
        ]
        if chance(rng, 0.3):
            # Brothers: one surname, one home, two men.
            elder = suspects[0]
            suspects.append(
                world.adult(
                    rng,
                    self.era,
                    traits=Traits(
                        surname=elder.name.surname,
                        origin=elder.name.origin,
                        home=elder.homes[0][1],
                        vehicle_rate=0.5,
                        phone_rate=0.7,
                    ),
                )
            )
        if chance(rng, 0.08):
            # A father with his son's name at the son's address: a classic false join.
            son = suspects[0]
            father = world.adult(
                rng,
                self.era,
                ages=(45, 70),
                traits=Traits(
                    surname=son.name.surname,
                    forename=son.name.forename,
                    origin=son.name.origin,
                    home=son.homes[0][1],
                    nickname_rate=0.0,
                ),
            )
            world.people.decoy_pairs.append((son.pid, father.pid))
            father.similar_to.append(son.pid)
            self.namesake = father
        if travellers and chance(rng, 0.35):
            suspects.append(rng.choice(travellers))
        return suspects

    # Writing ------------------------------------------------------------------------

    def _trail(self, person: Person) -> Trail:
        return self.trails.setdefault(person.pid, Trail())

    def _note(self, record: str, op: Operation, day: dt.date, people: list[Person]) -> None:
        for person in people:
            self._trail(person).add(record, op.id, day)

    def _back_link(self, person: Person, op: Operation, day: dt.date) -> list[tuple[str, str]]:
        """Sometimes a record cites an earlier record of another operation about the same man."""
        earlier = [i for i in self._trail(person).before(day) if i[1] != op.id]
        if earlier and chance(self.rng, 0.2):
            return [(earlier[0][0], "previous")]
        return []

    def _victim(self) -> tuple[Person, dt.date]:
        child, first, last = self.rng.choice(self.victims)
        return child, _day_between(self.rng, first, last)

    def generate(self) -> None:
        rng = self.rng
        for _ in range(rng.randint(13, 19)):
            weighted(
                rng,
                (
                    (self._intelligence, 0.33),
                    (self._missing, 0.13),
                    (self._statement, 0.12),
                    (self._referral, 0.11),
                    (self._offence, 0.08),
                    (self._report, 0.05),
                    (self._other, 0.06),
                    (self._abe, 0.05),
                    (self._together, 0.07),
                ),
            )()
        for suspect in self.suspects:
            self._outcome(suspect)
        self._revisit_history()
        for place in self.places:
            self._premises_action(place)

    def _scene_kit(
        self, suspect: Person, day: dt.date
    ) -> tuple[Vehicle | None, Phone | None, Premises | None, Premises | None, str | None]:
        rng = self.rng
        vehicle = suspect.vehicle_at(day) if chance(rng, 0.6) else None
        phone = suspect.phone_at(day) if chance(rng, 0.5) else None
        place = rng.choice(self.places) if chance(rng, 0.6) else None
        house = rng.choice(self.houses) if chance(rng, 0.35) else None
        street = rng.choice(self.streets) if chance(rng, 0.15) else None
        return vehicle, phone, place, house, street

    def _follow_up(
        self,
        record: str,
        op: Operation,
        day: dt.date,
        people: list[tuple[Person, str]],
        things: list[Identifier],
        rate: float,
        title: str,
    ) -> None:
        """Maybe an action listing the record, maybe a trace of a vehicle or phone."""
        rng = self.rng
        world = self.world
        room = op if op.incident_room else world.operation_with_room(rng, day)
        if room is not None and chance(rng, rate):
            raised = _later(day, 1, 60, rng)
            if room.active(raised):
                world.action(
                    rng,
                    op=room,
                    raised=raised,
                    status=weighted(rng, _STATUSES),
                    title=title,
                    records=[record],
                    subjects=people,
                    identifiers=things if chance(rng, 0.5) else [],
                )
        traceable = [t for t in things if isinstance(t, Vehicle | Phone)]
        if traceable and chance(rng, 0.2):
            thing = rng.choice(traceable)
            text = (
                "Vehicle keeper identified through DVLA check."
                if isinstance(thing, Vehicle)
                else "Subscriber check completed: number attributed."
            )
            world.event(
                rng,
                kind="trace",
                day=_later(day, 3, 90, rng),
                records=[record],
                identifiers=[thing],
                text=text,
            )

    def _intelligence(self) -> None:
        rng, world = self.rng, self.world
        suspect = rng.choice(self.suspects)
        victim, day = self._victim() if chance(rng, 0.5) else (None, None)
        day = day or _day_between(rng, *self.era)
        op, day = world.desk.for_day(rng, day, "intelligence")
        vehicle, phone, place, house, street = self._scene_kit(suspect, day)
        others = [s for s in self.suspects if s is not suspect]
        second = rng.choice(others) if others and chance(rng, 0.35) else None
        suspects = [suspect] + ([second] if second else [])
        subjects = [(s, "suspect") for s in suspects if chance(rng, 0.6)]
        if victim and chance(rng, 0.25):
            subjects.append((victim, "victim"))
        scene = Scene(
            suspects=suspects,
            victims=[victim] if victim else [],
            vehicle=vehicle,
            phone=phone,
            place=place,
            house=house,
            street=street,
        )
        locations = [place] if place and chance(rng, 0.5) else []
        record = world.record(
            rng,
            kind="intelligence",
            day=day,
            op=op,
            subjects=subjects,
            scene=scene,
            locations=locations,
            links=self._back_link(suspect, op, day),
        )
        self._note(record, op, day, suspects + ([victim] if victim else []))
        things: list[Identifier] = [t for t in (vehicle, phone) if t is not None]
        self._follow_up(
            record,
            op,
            day,
            [(s, "suspect") for s in suspects],
            things,
            0.35,
            f"Develop intelligence re {suspect.name.surname.upper()}",
        )

    def _missing(self) -> None:
        rng, world = self.rng, self.world
        victim, day = self._victim()
        op, day = world.desk.for_day(rng, day, "crime")
        parent = self.parents.get(victim.pid)
        suspect = rng.choice(self.suspects) if chance(rng, 0.7) else None
        subjects: list[tuple[Person, str]] = [(victim, "victim")]
        if parent and chance(rng, 0.8):
            subjects.append((parent, "reporter"))
        where = rng.choice(self.houses + self.places)
        scene = Scene(
            suspects=[suspect] if suspect else [],
            victims=[victim],
            others=[parent] if parent else [],
            house=where if not where.name else None,
            place=where if where.name else None,
        )
        record = world.record(
            rng,
            kind="crime",
            day=day,
            op=op,
            subjects=subjects,
            scene=scene,
            locations=[where] if chance(rng, 0.6) else [],
        )
        self._note(record, op, day, [victim] + ([suspect] if suspect else []))
        if chance(rng, 0.4):
            world.event(
                rng,
                kind="safeguarding",
                day=_later(day, 1, 20, rng),
                subjects=[(victim, "victim")],
                records=[record],
            )
        if chance(rng, 0.3):
            ref_day = _later(day, 1, 15, rng)
            ref_op, ref_day = world.desk.for_day(rng, ref_day, "referral")
            referral = world.record(
                rng,
                kind="referral",
                day=ref_day,
                op=ref_op,
                subjects=[(victim, "victim"), (self.worker, "reporter")],
                scene=Scene(victims=[victim], suspects=[suspect] if suspect else []),
                links=[(record, "related")],
            )
            self._note(referral, ref_op, ref_day, [victim])

    def _statement(self) -> None:
        rng, world = self.rng, self.world
        victim, day = self._victim()
        op, day = world.desk.for_day(rng, day, "statement")
        suspect = rng.choice(self.suspects)
        vehicle, phone, place, house, _ = self._scene_kit(suspect, day)
        witness_view = chance(rng, 0.3)
        subjects: list[tuple[Person, str]] = []
        scene = Scene(
            suspects=[suspect],
            victims=[victim],
            vehicle=vehicle,
            phone=phone,
            place=place,
            house=house,
        )
        if witness_view:
            witness = rng.choice(self.witnesses)
            subjects.append((witness, "witness"))
            scene.witnesses = [witness]
        else:
            subjects.append((victim, "victim"))
        if chance(rng, 0.35):
            subjects.append((suspect, "suspect"))
        record = world.record(
            rng,
            kind="statement",
            day=day,
            op=op,
            subjects=subjects,
            scene=scene,
            locations=[p for p in (place, house) if p and chance(rng, 0.4)],
        )
        self._note(record, op, day, [victim, suspect])
        things: list[Identifier] = [t for t in (vehicle, phone) if t is not None]
        self._follow_up(
            record,
            op,
            day,
            [(suspect, "suspect")],
            things,
            0.45,
            f"TIE {suspect.name.surname.upper()} re statement",
        )

    def _referral(self) -> None:
        rng, world = self.rng, self.world
        victim, day = self._victim()
        op, day = world.desk.for_day(rng, day, "referral")
        suspect = rng.choice(self.suspects)
        vehicle = suspect.vehicle_at(day) if chance(rng, 0.4) else None
        place = rng.choice(self.places) if chance(rng, 0.6) else None
        record = world.record(
            rng,
            kind="referral",
            day=day,
            op=op,
            subjects=[(victim, "victim"), (self.worker, "reporter")],
            scene=Scene(suspects=[suspect], victims=[victim], vehicle=vehicle, place=place),
            locations=[place] if place and chance(rng, 0.5) else [],
        )
        self._note(record, op, day, [victim, suspect])
        if chance(rng, 0.4):
            world.event(
                rng,
                kind="safeguarding",
                day=_later(day, 1, 30, rng),
                subjects=[(victim, "victim")],
                records=[record],
            )
        things: list[Identifier] = [vehicle] if vehicle else []
        self._follow_up(
            record,
            op,
            day,
            [(victim, "victim")],
            things,
            0.3,
            f"Obtain account from {victim.name.surname.upper()}",
        )

    def _offence(self) -> None:
        rng, world = self.rng, self.world
        victim, day = self._victim()
        op, day = world.desk.for_day(rng, day, "crime")
        suspect = rng.choice(self.suspects)
        vehicle, _, place, house, street = self._scene_kit(suspect, day)
        record = world.record(
            rng,
            kind="crime",
            day=day,
            op=op,
            subjects=[(victim, "victim"), (suspect, "suspect")],
            scene=Scene(
                suspects=[suspect],
                victims=[victim],
                vehicle=vehicle,
                place=place,
                house=house,
                street=street,
            ),
            locations=[p for p in (place, house) if p and chance(rng, 0.5)],
            links=self._back_link(suspect, op, day),
        )
        self._note(record, op, day, [victim, suspect])
        things: list[Identifier] = [vehicle] if vehicle else []
        self._follow_up(
            record,
            op,
            day,
            [(suspect, "suspect")],
            things,
            0.5,
            f"Arrest and interview {suspect.name.surname.upper()}",
        )

    def _report(self) -> None:
        rng, world = self.rng, self.world
        day = _day_between(rng, *self.era)
        op, day = world.desk.for_day(rng, day, "report")
        named = rng.sample(self.suspects, min(len(self.suspects), rng.randint(2, 4)))
        lead = named[0]
        vehicle = lead.vehicle_at(day)
        place = rng.choice(self.places)
        record = world.record(
            rng,
            kind="report",
            day=day,
            op=op,
            subjects=[(p, "suspect") for p in named if chance(rng, 0.3)],
            scene=Scene(suspects=named, vehicle=vehicle, place=place),
            grade=None,
        )
        self._note(record, op, day, named)

    def _other(self) -> None:
        rng, world = self.rng, self.world
        day = _day_between(rng, *self.era)
        op, day = world.desk.for_day(rng, day, "other")
        suspect = rng.choice(self.suspects)
        vehicle = suspect.vehicle_at(day)
        place = rng.choice(self.places)
        licensee = self.namesake if self.namesake and chance(rng, 0.5) else self.licensee
        subjects: list[tuple[Person, str]] = []
        if place.is_business and chance(rng, 0.6):
            subjects.append((licensee, "other"))
        world.record(
            rng,
            kind="other",
            day=day,
            op=op,
            subjects=subjects,
            scene=Scene(vehicle=vehicle, place=place, others=[licensee]),
            locations=[place] if chance(rng, 0.5) else [],
        )

    def _abe(self) -> None:
        rng, world = self.rng, self.world
        victim, day = self._victim()
        op, day = world.desk.for_day(rng, day, "interview")
        named = rng.sample(self.suspects, min(2, len(self.suspects)))
        where = rng.choice(self.houses + self.places)
        record = world.record(
            rng,
            kind="interview",
            day=day,
            op=op,
            subjects=[(victim, "victim")],
            scene=Scene(
                suspects=named,
                victims=[victim],
                house=where if not where.name else None,
                place=where if where.name else None,
            ),
            locations=[where] if chance(rng, 0.5) else [],
        )
        self._note(record, op, day, [victim, *named])
        self._follow_up(
            record,
            op,
            day,
            [(p, "suspect") for p in named],
            [],
            0.5,
            "Trace and interview males named in ABE",
        )

    def _together(self) -> None:
        """Intelligence placing a suspect with an associate."""
        rng, world = self.rng, self.world
        day = _day_between(rng, *self.era)
        op, day = world.desk.for_day(rng, day, "intelligence")
        suspect = rng.choice(self.suspects)
        associate = rng.choice(self.associates)
        vehicle = associate.vehicle_at(day) or suspect.vehicle_at(day)
        place = rng.choice(self.places)
        record = world.record(
            rng,
            kind="intelligence",
            day=day,
            op=op,
            subjects=[(suspect, "suspect"), (associate, "associate")],
            scene=Scene(suspects=[suspect, associate], vehicle=vehicle, place=place),
            locations=[place] if chance(rng, 0.4) else [],
        )
        self._note(record, op, day, [suspect, associate])

    # Outcomes -----------------------------------------------------------------------

    def _outcome(self, suspect: Person) -> None:
        """What the police eventually did about one man, if anything."""
        rng, world = self.rng, self.world
        path = self.trajectory[suspect.pid]
        items = self._trail(suspect).items
        if path == "none" or not items:
            return
        first, last = min(i[2] for i in items), max(i[2] for i in items)
        when = _day_between(rng, first, last + dt.timedelta(days=60))
        when = min(when, NOW)
        cause = [i[0] for i in items if i[2] <= when][-1:] or [items[0][0]]
        me = [(suspect, "suspect")]
        if path == "disrupted":
            world.event(
                rng,
                kind="disruption",
                day=when,
                subjects=me,
                records=cause,
                text=rng.choice(
                    (
                        "Child abduction warning notice served.",
                        "Sexual risk order obtained at Cindermoor Magistrates' Court.",
                    )
                ),
            )
            return
        home = suspect.home_at(when)
        world.event(rng, kind="arrest", day=when, subjects=me, records=cause, location=home)
        op, day = world.desk.for_day(rng, _later(when, 0, 1, rng), "interview")
        interview = world.record(
            rng,
            kind="interview",
            day=day,
            op=op,
            subjects=me,
            scene=Scene(
                suspects=[suspect], phone=suspect.phone_at(day), vehicle=suspect.vehicle_at(day)
            ),
            first=None,
            extra=0,
            links=[(cause[0], "related")],
        )
        self._note(interview, op, day, [suspect])
        if chance(rng, 0.6):
            world.event(rng, kind="interview", day=day, op=op, subjects=me, records=[interview])
        if path == "nfa":
            world.event(
                rng, kind="nfa", day=_later(when, 30, 200, rng), subjects=me, records=[interview]
            )
        elif path == "charged":
            charged = _later(when, 20, 90, rng)
            world.event(rng, kind="charge", day=charged, subjects=me, records=[interview])
            verdict = "conviction" if chance(rng, 0.7) else "acquittal"
            world.event(
                rng,
                kind=verdict,
                day=_later(charged, 150, 500, rng),
                subjects=me,
                records=[interview],
            )

    def _revisit_history(self) -> None:
        """A later operation sometimes picks up an earlier operation's record about a man."""
        rng, world = self.rng, self.world
        for suspect in self.suspects:
            items = self._trail(suspect).items
            ops = {i[1] for i in items}
            if len(ops) < 2 or not chance(rng, 0.35):
                continue
            latest = max(items, key=lambda i: i[2])
            earlier = [i for i in items if i[1] != latest[1]]
            room = world.desk.by_id[latest[1]]
            if not room.incident_room or not earlier:
                continue
            raised = _later(latest[2], 1, 30, rng)
            if not room.active(raised):
                continue
            world.action(
                rng,
                op=room,
                raised=raised,
                status=rng.choice(("allocated", "resulted")),
                title=f"Review previous intelligence re {suspect.name.surname.upper()}",
                records=[latest[0], rng.choice(earlier)[0]],
                subjects=[(suspect, "suspect")],
            )

    def _premises_action(self, place: Premises) -> None:
        rng, world = self.rng, self.world
        if place.kind == "public":
            return
        day = _day_between(rng, *self.era)
        if place.is_business and chance(rng, 0.2):
            world.event(
                rng,
                kind="disruption",
                day=day,
                location=place,
                identifiers=[place],
                subjects=[(self.licensee, "other")] if chance(rng, 0.5) else [],
                text=rng.choice(
                    (
                        "Licensing action: premises licence review requested by police.",
                        "Closure notice served on premises.",
                    )
                ),
            )
        elif chance(rng, 0.05):
            world.event(
                rng,
                kind="referral",
                day=day,
                location=place,
                text="Referral to council licensing re premises.",
            )
