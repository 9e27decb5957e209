"""Word lists the rules share: what a capitalised word in a police log is when it is not a name."""

from __future__ import annotations

from typing import Final


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


#: Words in capitals that are acronyms or makes, never surnames.
ACRONYMS: Final[frozenset[str]] = _words(
    """
    CSE CSA ABE PNC PND SIO DCI DI DS DC PC PCSO SGT INSP CID NCA MASH CAWN SRO SHPO SOPO
    NFA TIE CCTV ANPR DOB DVLA HMRC CPS CPIA MG MOPI NHS GP A&E UK GB USA UAE OK ID VRM
    HRS HR AM PM MPH RTC ASB MFH MISPER CSC LADO RE NB NOTE FYI URN CRN CAD STORM NICHE
    HOLMES MIR MIT OIC ACT INT CR ST IV RPT REF EV ASAP TBC TBA ETA AKA IC1 IC2 IC3 IC4
    VW BMW MG KIA SEAT AUDI FORD VAUXHALL TOYOTA NISSAN HONDA SKODA MERCEDES PEUGEOT RENAULT
    FIAT MINI LAND ROVER OPEL MAZDA LEXUS VOLVO DACIA CITROEN HYUNDAI SUZUKI
    SMS MMS WHATSAPP SNAPCHAT IMEI IMSI SIM PIN GPS ATM PO BOX LTD PLC CIC
    DP IP IPS SW YOT RUI OCG SPOC TTE CHIS DCS LAC CIN CP CME EHCP BTP MARAC MAPPA DBS
    PACE IDVA ISVA CAMHS SARC SOCO TIC DSU SUPT DOA POI NOK PPN VRR
    """
)

#: Capitalised words that open sentences or label things in logs: never part of a name.
COMMON_CAPITALISED: Final[frozenset[str]] = _words(
    """
    a an the and or but of in on at to by for from with without into onto near outside
    he she they his her their him them it its we i you this that these those there here
    male males female females young older girl girls boy boys man men woman women child
    children youth youths adult adults person persons people
    driver drivers passenger passengers owner keeper occupant occupants staff manager
    named name names seen saw sighted spotted located found reported report reports
    reporting source sources information intelligence intel officer officers police
    interview interviewed statement statements witness witnesses victim victims suspect
    suspects complainant parent parents mother father mum dad brother sister friend
    friends boyfriend girlfriend uncle aunt cousin carer teacher social worker
    referral referrals health school college premises vehicle vehicles car cars van
    taxi phone phones number mobile address addresses flat house street road lane
    review analyst network associates associate offence crime concern concerns
    denies admits states stated said says disclosed discloses believed known
    also another other others some several two three both all each every no not
    licensing licence license holder enquiry enquiries check visit action actions
    strategy meeting meetings submitted further previous previously logs log
    abduction missing home returned released charged arrested arrest bailed
    mr mrs ms miss mx dr sir madam master
    monday tuesday wednesday thursday friday saturday sunday
    operation op
    reg registration email e-mail tel telephone mob result results tasking subject subjects
    closing summary main custody record records entry detained injured party services
    council academy department team unit units estate children's residents resident
    neighbour neighbours anonymous crimestoppers received
    """
)


#: Car makes: a capitalised word after one is a model (``Seat Leon``), never a name.
CAR_MAKES: Final[frozenset[str]] = _words(
    """
    alfa audi bmw chevrolet chrysler citroen dacia daewoo daihatsu fiat ford honda hyundai
    isuzu jaguar jeep kia lada land lexus mazda mercedes mg mini mitsubishi nissan opel
    perodua peugeot porsche proton range renault rover saab seat skoda smart subaru suzuki
    tesla toyota vauxhall volkswagen volvo vw
    """
)

#: Words that are never a nickname on their own, even in quotes.
FUNCTION_WORDS: Final[frozenset[str]] = _words(
    """
    a an the and or but of in on at to by for from with he she it they we i you his her
    this that yes no not ok
    """
)


#: Colours: a capitalised word after one is a car model (``white Fiesta``), not a name.
COLOURS: Final[frozenset[str]] = _words(
    """
    white black silver grey gray red blue green gold yellow orange purple brown maroon
    beige bronze navy dark light metallic
    """
)


#: Words that make a name a place or a firm (``Hillfoot Academy``, ``Kebab King``).
PREMISES: Final[frozenset[str]] = _words(
    """
    kebab kebabs pizza pizzeria takeaway taxis taxi cabs cars private academy school
    college services industrial estate council hotel lodge club centre center mart garage
    salon cafe café restaurant store stores motors autos snooker pub arms inn tavern bar
    lounge shisha balti tandoori grill chicken diner news newsagents wines station
    """
)

#: Words after a name that make it a place (``the Lucky Star snooker hall``).
PREMISES_AFTER: Final[frozenset[str]] = PREMISES | _words(
    "hall house home park flats estate shop court street road lane avenue"
)


def is_premises(word: str) -> bool:
    return word.casefold() in PREMISES


def is_vehicle_word(word: str) -> bool:
    """A make, or a colour in lower case: what comes after it is a vehicle, not a person.

    A colour in capitals or capitalised is more often a surname (``Jordan GREEN``).
    """
    folded = word.casefold()
    return folded in CAR_MAKES or (word.islower() and folded in COLOURS)


def is_car_make(word: str) -> bool:
    return word.casefold() in CAR_MAKES


def is_common(word: str) -> bool:
    """A capitalised word that is a common word of the logs, not a name."""
    return word.casefold() in COMMON_CAPITALISED


def is_acronym(word: str) -> bool:
    return word.upper() in ACRONYMS
