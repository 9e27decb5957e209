"""The world being written: its operations, town, registries, and the desk that writes items.

:class:`World` holds what every neighbourhood shares (operations, gazetteer,
phone book, vehicle registry, the people factory, the writer) and offers one
method per kind of item, which renders subjects through the noise model,
composes text and hands the draft to the writer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from threadline.synth.documents import pdf_encodable
from threadline.synth.identifiers import (
    Phone,
    PhoneBook,
    Vehicle,
    VehicleRegistry,
    phone_spelling,
    vehicle_spelling,
)
from threadline.synth.names import draw_name
from threadline.synth.noise import (
    SYSTEMS,
    SubjectDraft,
    carry,
    render_subject,
    system_for_event,
    system_for_record,
)
from threadline.synth.operations import (
    NOW,
    Operation,
    OperationDesk,
    grading,
    plan_operations,
)
from threadline.synth.people import ANYONE, Person, PersonFactory, Traits
from threadline.synth.places import Gazetteer, Premises, address_spelling, location_value
from threadline.synth.rng import stream
from threadline.synth.text import TITLES, Body, Scene, Sentence, compose
from threadline.synth.truth import Opportunity
from threadline.synth.writer import (
    ActionDraft,
    BundleWriter,
    EventDraft,
    IdentRef,
    PlaceRef,
    RecordDraft,
    Stamp,
)

Identifier = Vehicle | Phone | Premises

_FORMAT_BY_KIND = {
    "referral": "eml",
    "statement": "docx",
    "interview": "docx",
    "report": "pdf",
    "intelligence": "html",
    "crime": "pdf",
    "other": "html",
}
_SENDERS = (
    "Cindermoor Children's Social Care <csc@council.cindermoor.example>",
    "Moorshire Health Safeguarding <safeguarding@health.cindermoor.example>",
    "Cindermoor Academy DSL <dsl@academy.cindermoor.example>",
)


@dataclass(frozen=True)
class Planted:
    """An opportunity or near-miss a scenario meant to plant."""

    opportunity: Opportunity
    near_miss: bool


class World:
    """Everything the neighbourhoods of one world share, and the desk that writes items."""

    def __init__(self, seed: int, scale: float, writer: BundleWriter) -> None:
        self.seed = seed
        self.scale = scale
        self.writer = writer
        self.operations = plan_operations(seed)
        self.desk = OperationDesk(self.operations)
        self.gazetteer = Gazetteer(seed)
        self.phonebook = PhoneBook(seed)
        self.registry = VehicleRegistry()
        self.people = PersonFactory(self.gazetteer, self.phonebook, self.registry)
        self.planted: list[Planted] = []
        staff = stream(seed, "officers")
        self._officers = [
            f"{staff.choice(('PC', 'PC', 'DC', 'DC', 'DS'))} {staff.randint(100, 9999)} "
            f"{draw_name(staff, staff.choice(('male', 'female'))).surname.upper()}"
            for _ in range(max(40, round(120 * scale**0.5)))
        ]
        self._action_numbers: dict[str, int] = {}
        self._actions = 0
        self._events = 0

    # People -------------------------------------------------------------------------

    def adult(
        self,
        rng: random.Random,
        era: tuple[dt.date, dt.date],
        *,
        gender: str = "male",
        ages: tuple[int, int] = (19, 50),
        traits: Traits = ANYONE,
    ) -> Person:
        """An adult of ``ages`` when ``era`` starts (suspect, parent, witness, worker alike)."""
        born = (
            dt.date(era[0].year - ages[1], 1, 1),
            dt.date(era[0].year - ages[0], 12, 31),
        )
        return self._registered(
            self.people.person(rng, gender=gender, born=born, era=era, traits=traits)
        )

    def _registered(self, person: Person) -> Person:
        """Enter the person in the truth ledger, whether seen as a subject or only in text."""
        self.writer.ledger.person(person.pid, person.display, person.dob.isoformat())
        return person

    def child(
        self,
        rng: random.Random,
        first_seen: dt.date,
        era: tuple[dt.date, dt.date],
        traits: Traits = ANYONE,
    ) -> Person:
        """A child of 13 to 16 when first seen; a girl four times in five."""
        gender = "female" if rng.random() < 0.8 else "male"
        born = (
            dt.date(first_seen.year - 16, 1, 1),
            dt.date(first_seen.year - 13, 12, 31),
        )
        traits = dataclasses.replace(traits, vehicle_rate=0.0)
        return self._registered(
            self.people.person(rng, gender=gender, born=born, era=era, traits=traits)
        )

    def officer(self, rng: random.Random) -> str:
        """An officer of the force; the same officers recur across the material."""
        return rng.choice(self._officers)

    # Helpers ------------------------------------------------------------------------

    def place_ref(self, place: Premises, rng: random.Random) -> PlaceRef:
        return PlaceRef(place.key, location_value(place, rng), place.canonical)

    def ident_ref(self, thing: Identifier, rng: random.Random) -> IdentRef:
        if isinstance(thing, Vehicle):
            return IdentRef(thing.key, vehicle_spelling(thing, rng, self.registry), thing.mark)
        if isinstance(thing, Phone):
            return IdentRef(thing.key, phone_spelling(thing, rng), thing.national)
        return IdentRef(thing.key, address_spelling(thing, rng), thing.canonical)

    def stamps(self, rng: random.Random, day: dt.date) -> tuple[Stamp, Stamp]:
        """``date`` and ``received`` as exports give them: lags, times, gaps."""
        roll = rng.random()
        lag = (
            rng.randint(0, 3)
            if roll < 0.6
            else rng.randint(4, 30)
            if roll < 0.9
            else rng.randint(31, 200)
        )
        received_day = min(day + dt.timedelta(days=lag), NOW)
        time = (
            f"{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}:00" if rng.random() < 0.2 else None
        )
        date = Stamp(day)
        received = Stamp(received_day, time)
        gap = rng.random()
        if gap < 0.005:
            date, received = Stamp(None, null=True), Stamp(None)
        elif gap < 0.035:
            date = Stamp(None, null=rng.random() < 0.3)
        elif gap < 0.085:
            received = Stamp(None, null=rng.random() < 0.3)
        return date, received

    def render(
        self,
        rng: random.Random,
        people: Sequence[tuple[Person, str]],
        *,
        system: str,
        operation: str,
        day: dt.date,
    ) -> list[SubjectDraft]:
        return [
            render_subject(
                p,
                role,
                system=SYSTEMS[system],
                operation=operation,
                day=day,
                rng=rng,
                registry=self.registry,
            )
            for p, role in people
        ]

    # Items --------------------------------------------------------------------------

    def record(
        self,
        rng: random.Random,
        *,
        kind: str,
        day: dt.date,
        subjects: Sequence[tuple[Person, str]] = (),
        scene: Scene | None = None,
        op: Operation | None = None,
        stamps: tuple[Stamp, Stamp] | None = None,
        first: Sentence | None = None,
        extra: int = 1,
        body: Body | None = None,
        locations: Sequence[Premises] = (),
        links: Sequence[tuple[str, str]] = (),
        grade: str | dict[str, str] | None = "auto",
        originals: bool = True,
        carrying: dict[str, Sequence[Phone | Vehicle]] | None = None,
    ) -> str:
        """Write one record and return its id.

        Args:
            op: the operation; by default one running on ``day`` (which may move
                the day into its period).
            stamps: exact ``date`` and ``received``; by default drawn as exports give them.
            grade: ``auto`` grades intelligence as graders do; ``high``/``low``
                force the quality; a dict is the grading itself; None leaves it out.
            originals: whether this record may come with (or only as) an original document.
            carrying: person id → phones or vehicles their subject must list as their own.
        """
        if op is None:
            op, day = self.desk.for_day(rng, day, kind)
        date, received = stamps or self.stamps(rng, day)
        record_id = self.writer.record_id(kind)
        if body is None:
            body = compose(
                kind, scene or Scene(), rng, self.registry, day, first=first, extra=extra
            )
        system = system_for_record(kind, day)
        grading_value: dict[str, str] | None
        if isinstance(grade, dict):
            grading_value = grade
        elif grade is None or kind != "intelligence" or (grade == "auto" and rng.random() < 0.05):
            grading_value = None
        else:
            grading_value = grading(rng, day, quality="any" if grade == "auto" else grade)
        original, file_only = None, False
        if originals:
            roll = rng.random()
            if roll < 0.08:
                original = (
                    _FORMAT_BY_KIND[kind]
                    if rng.random() < 0.7
                    else rng.choice(("pdf", "docx", "eml", "html"))
                )
                if original == "pdf" and not pdf_encodable(body.text):
                    original = "docx"
                file_only = roll < 0.03
        extra_keys: dict[str, object] = {}
        if rng.random() < 0.04:
            extra_keys["source_system"] = system.name
        if rng.random() < 0.02:
            extra_keys["retention_review"] = {"due": f"{min(day.year + 6, 2031)}-01-01"}
        rendered = self.render(rng, subjects, system=system.name, operation=op.id, day=day)
        for subject in rendered:
            carry(subject, (carrying or {}).get(subject.person.pid, ()), rng)
        draft = RecordDraft(
            id=record_id,
            operation=op.id,
            kind=kind,
            date=date,
            received=received,
            title=rng.choice(TITLES[kind]),
            body=body,
            subjects=rendered,
            author=self.officer(rng),
            grading=grading_value,
            locations=[self.place_ref(p, rng) for p in locations],
            links=list(links),
            original=original,
            file_only=file_only,
            sender=rng.choice(_SENDERS),
            extra=extra_keys,
        )
        self.writer.record(draft)
        return record_id

    def action(
        self,
        rng: random.Random,
        *,
        op: Operation,
        raised: dt.date,
        status: str,
        title: str,
        records: Sequence[str] = (),
        subjects: Sequence[tuple[Person, str]] = (),
        identifiers: Sequence[Identifier] = (),
        text: str = "",
    ) -> str:
        """Write one incident-room action and return its id."""
        self._actions += 1
        action_id = f"ACT-{self._actions:06d}"
        number = self._action_numbers.get(op.id, 0) + 1
        self._action_numbers[op.id] = number
        officer = self.officer(rng)
        allocated = None if status == "raised" else officer
        if status == "cancelled" and rng.random() < 0.5:
            allocated = None
        resulted, result = None, None
        if status == "resulted":
            resulted = min(raised + dt.timedelta(days=rng.randint(3, 80)), NOW)
            result = rng.choice(_RESULTS)
        elif status == "referred":
            result = rng.choice(_REFERRALS)
        elif status == "cancelled":
            result = rng.choice(_CANCELLATIONS)
        draft = ActionDraft(
            operation=op.id,
            number=f"A{number}",
            raised=raised,
            title=title,
            text=text or "Action raised by incident room.",
            status=status,
            records=list(records),
            subjects=self.render(rng, subjects, system="HOLMES", operation=op.id, day=raised),
            identifiers=[self.ident_ref(i, rng) for i in identifiers],
            allocated_to=allocated,
            resulted=resulted,
            result=result,
            extra={"priority": rng.choice(("high", "medium", "low"))}
            if rng.random() < 0.05
            else {},
        )
        self.writer.action(action_id, draft)
        return action_id

    def event(
        self,
        rng: random.Random,
        *,
        kind: str,
        day: dt.date,
        op: Operation | None = None,
        subjects: Sequence[tuple[Person, str]] = (),
        records: Sequence[str] = (),
        identifiers: Sequence[Identifier] = (),
        location: Premises | None = None,
        text: str | None = None,
    ) -> str:
        """Write one event (what was done) and return its id."""
        if op is None:
            op, day = self.desk.for_day(rng, day, "event")
        self._events += 1
        event_id = f"EV-{self._events:06d}"
        system = system_for_event(kind)
        draft = EventDraft(
            operation=op.id,
            kind=kind,
            date=day,
            text=text or rng.choice(EVENT_TEXTS[kind]),
            subjects=self.render(rng, subjects, system=system.name, operation=op.id, day=day),
            records=list(records),
            identifiers=[self.ident_ref(i, rng) for i in identifiers],
            location=self.place_ref(location, rng) if location else None,
            extra={"custody_ref": f"CU/{day.year}/{rng.randint(1000, 99999)}"}
            if kind == "arrest" and rng.random() < 0.1
            else {},
        )
        self.writer.event(event_id, draft)
        return event_id

    def operation_with_room(self, rng: random.Random, day: dt.date) -> Operation | None:
        """An operation running on ``day`` that had an incident room, if any."""
        rooms = [op for op in self.operations if op.incident_room and op.active(day)]
        return rng.choice(rooms) if rooms else None

    def plant(self, opportunity: Opportunity, *, near_miss: bool = False) -> None:
        self.planted.append(Planted(opportunity, near_miss))


_RESULTS = (
    "Enquiries made. Subject traced and spoken to. No further lines.",
    "Result filed. Information recorded on intelligence system.",
    "Traced. Interview conducted, see statement.",
    "Negative result. Subject not at address.",
)
_REFERRALS = (
    "Referred to children's social care.",
    "Referred to council licensing.",
    "Referred to partner agency for action.",
)
_CANCELLATIONS = (
    "Cancelled: duplicate action.",
    "Cancelled by SIO - resources.",
    "Cancelled: no longer relevant to the investigation.",
)

EVENT_TEXTS: dict[str, tuple[str, ...]] = {
    "arrest": (
        "Arrested on suspicion of child abduction offences. Conveyed to custody.",
        "Arrested at home address. Phone seized.",
    ),
    "interview": ("Interviewed under caution. No comment.", "Interviewed under caution. Denies."),
    "charge": (
        "Charged with child abduction offences. Bailed to appear at Cindermoor Magistrates' Court.",
        "Charged and remanded in custody.",
    ),
    "conviction": ("Convicted at Crown Court. Custodial sentence.", "Convicted. Sentenced."),
    "acquittal": ("Acquitted at Crown Court.", "Found not guilty."),
    "nfa": (
        "No further action: insufficient evidence.",
        "NFA. Complainant did not support a prosecution.",
    ),
    "disruption": (
        "Child abduction warning notice served.",
        "Sexual risk order obtained at Cindermoor Magistrates' Court.",
        "Licensing action: premises licence review requested by police.",
        "Taxi licence suspended by council licensing.",
    ),
    "trace": (
        "Vehicle keeper identified through DVLA check.",
        "Subscriber check completed: number attributed.",
    ),
    "safeguarding": (
        "Strategy meeting held. Safety plan agreed.",
        "Child placed out of area. Return interview completed.",
    ),
    "referral": (
        "Referral to children's social care.",
        "Referral to council licensing re premises.",
    ),
}
