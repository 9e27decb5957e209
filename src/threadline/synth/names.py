"""The one mixed pool of names, with nicknames, transliterations and typos.

Every role (suspect, victim, witness, parent, social worker, officer) draws its
name the same way from the same pool, so that no role is tied to an origin.
Names are common given names and surnames; no combination is meant to be, or
to resemble, a real or famous person.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """Given names and surnames that usually go together."""

    name: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    weight: float
    descriptions: tuple[str, ...]


def _t(words: str) -> tuple[str, ...]:
    return tuple(w.replace("_", " ") for w in words.split())


ORIGINS: tuple[Origin, ...] = (
    Origin(
        "english",
        _t(
            "James Daniel Liam Ryan Jack Thomas Craig Lee Dean Darren Scott Kyle Jordan "
            "Nathan Gary Paul Mark Steven Wayne Callum Jamie Adam"
        ),
        _t(
            "Chloe Jessica Amy Lauren Hannah Megan Bethany Leanne Kelly Stacey Emma Sophie "
            "Charlotte Danielle Gemma Jade Kayleigh Zoë Natalie Rebecca Holly Paige"
        ),
        _t(
            "Smith Jones Taylor Brown Wilson Walker Wright Thompson Hughes Hall Green Wood "
            "Clarke Harris Lewis Robinson Wilkinson Shaw Marsh Barker Cooper Ward Turner Hill "
            "Moore Jackson Atkinson Booth Fletcher Parkin Holt Briggs"
        ),
        4.0,
        ("white male", "white male", "mixed race male"),
    ),
    Origin(
        "pakistani",
        _t(
            "Mohammed Imran Tariq Asif Zahid Adil Shahid Nadeem Faisal Kamran Bilal Usman "
            "Arshad Waqas Amjad Sajid"
        ),
        _t("Ayesha Saima Nadia Sana Hina Rabia Farah Amina Zainab Mehwish Sadia"),
        _t(
            "Khan Hussain Ahmed Iqbal Akhtar Mahmood Rashid Butt Chaudhry Aslam Malik Raza "
            "Shah Anwar Javed"
        ),
        2.0,
        ("Asian male", "Asian male", "mixed race male"),
    ),
    Origin(
        "bangladeshi",
        _t("Abdul Rahim Jamal Shafiq Mizanur Anwar Sohel Rashed Kamal Foysal"),
        _t("Rahima Nasrin Shirin Taslima Fatema Rumana Sumaiya Jesmin"),
        _t("Rahman Miah Uddin Islam Begum Chowdhury Ali Hoque Sarkar Talukdar"),
        1.0,
        ("Asian male",),
    ),
    Origin(
        "indian",
        _t("Rajesh Sanjay Amit Vikram Harpreet Gurpreet Manjit Sunil Arjun Ravi"),
        _t("Priya Anjali Sunita Kiran Neha Pooja Manpreet Simran"),
        _t("Patel Singh Sharma Gill Sandhu Mistry Joshi Kumar Dhillon Bains"),
        1.0,
        ("Asian male",),
    ),
    Origin(
        "polish",
        _t("Piotr Tomasz Krzysztof Łukasz Marek Paweł Michał Kamil Dawid"),
        _t("Katarzyna Agnieszka Magdalena Aleksandra Joanna Monika Natalia"),
        _t(
            "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański "
            "Dąbrowski Mazur"
        ),
        1.0,
        ("white male", "Eastern European male"),
    ),
    Origin(
        "romanian",
        _t("Andrei Ionuț Florin Marius Cristian Bogdan Vasile Gheorghe"),
        _t("Ioana Elena Andreea Mihaela Alina Roxana"),
        _t("Popescu Ionescu Popa Stan Dumitru Constantin Lungu Munteanu"),
        0.8,
        ("white male", "Eastern European male"),
    ),
    Origin(
        "kurdish",
        _t("Aram Karwan Rebwar Shivan Dilshad Hawre Azad Sherzad"),
        _t("Shilan Hana Rojin Jwan Nazdar Avin"),
        _t("Rasul Hama Karim Qadir Aziz Salih Mustafa Abdullah"),
        0.8,
        ("Middle Eastern male", "white male"),
    ),
    Origin(
        "somali",
        _t("Abdirahman Mohamed Abdullahi Hassan Omar Yusuf Ahmed Liban"),
        _t("Hodan Fadumo Ayan Sahra Hibo Ifrah Nasra"),
        _t("Abdi Hassan Mohamud Ali Warsame Farah Osman Jama Egal"),
        0.8,
        ("black male",),
    ),
    Origin(
        "nigerian",
        _t("Chinedu Oluwaseun Emeka Tunde Adebayo Ifeanyi Segun Uche"),
        _t("Chiamaka Folake Ngozi Funmilayo Adaeze Temitope Blessing"),
        _t("Okafor Adeyemi Okoro Balogun Eze Nwosu Ogunleye Olawale Chukwu"),
        0.8,
        ("black male", "mixed race male"),
    ),
    Origin(
        "irish",
        _t("Sean Ciaran Declan Patrick Niall Eoin Padraig Conor"),
        _t("Siobhan Aoife Niamh Caoimhe Roisin Sinead Orla"),
        _t("Murphy Kelly O'Brien Byrne Ryan O'Connor Doyle McCarthy Gallagher Quinn"),
        1.0,
        ("white male",),
    ),
    Origin(
        "caribbean",
        _t("Delroy Winston Marlon Leroy Desmond Clive Andre Tyrone"),
        _t("Marcia Sharon Beverley Jasmine Tanisha Keisha Paulette"),
        _t("Campbell Williams Grant Francis Morgan Reid Bailey Samuels Edwards"),
        1.0,
        ("black male", "mixed race male"),
    ),
    Origin(
        "chinese",
        _t("Wei Jun Hao Ming Jian Kai Long"),
        _t("Mei Xiu Yan Hui Ling Jing"),
        _t("Chen Wang Li Zhang Liu Lin Wong Cheung"),
        0.6,
        ("East Asian male",),
    ),
    Origin(
        "turkish",
        _t("Mehmet Mustafa Emre Burak Hakan Serkan"),
        _t("Elif Zeynep Ayşe Emine"),
        _t("Yılmaz Öztürk Demir Kaya Çelik Aydın Arslan"),
        0.6,
        ("white male", "Middle Eastern male"),
    ),
    Origin(
        "afghan",
        _t("Ahmad Farid Jawad Najib Wahid"),
        _t("Mariam Parwana Shabnam"),
        _t("Ahmadzai Noori Rahimi Safi Popal"),
        0.5,
        ("Middle Eastern male", "Asian male"),
    ),
)

# Spellings of one name that real exports use interchangeably.
_FORENAME_GROUPS = (
    "Mohammed Muhammad Mohamed Mohammad Muhammed",
    "Ahmed Ahmad Ahmet",
    "Yusuf Yousef Yusef Yousuf",
    "Hassan Hasan",
    "Abdirahman Abdulrahman Abdurahman",
    "Abdullahi Abdullah",
    "Tariq Tarik Tarek",
    "Imran Emran",
    "Faisal Faysal",
    "Shahid Shahed",
    "Aleksandra Alexandra",
    "Katarzyna Katarzina",
    "Łukasz Lukasz",
    "Paweł Pawel",
    "Michał Michal",
    "Ionuț Ionut",
    "Zoë Zoe",
    "Siobhan Shivaun Siobhán",
    "Niamh Neve",
    "Sean Shaun Seán",
    "Ayesha Aisha Ayisha",
    "Zainab Zaynab",
    "Fatema Fatima Fatma",
    "Jamal Jamaal",
    "Rahim Raheem",
    "Mustafa Mostafa Moustafa",
    "Omar Umar",
    "Usman Osman Othman",
    "Bilal Belal",
    "Adil Adel",
    "Mariam Maryam",
    "Cristian Kristian",
    "Ayşe Ayse",
    "Rebwar Rebuar",
    "Karwan Kerwan",
    "Mehmet Mehmed",
)
_SURNAME_GROUPS = (
    "Hussain Hussein Husain Hossain",
    "Chaudhry Chaudhary Choudhury Chowdhury",
    "Ahmed Ahmad",
    "Mahmood Mahmud Mehmood",
    "Rahman Rehman",
    "Miah Meah",
    "Uddin Udin",
    "Mohamud Mahamud",
    "Abdi Abdy",
    "Kowalski Kowalsky",
    "Wiśniewski Wisniewski",
    "Wójcik Wojcik",
    "Kamiński Kaminski",
    "Zieliński Zielinski",
    "Dąbrowski Dabrowski",
    "Szymański Szymanski",
    "Yılmaz Yilmaz",
    "Öztürk Ozturk",
    "Çelik Celik",
    "Aydın Aydin",
    "O'Brien OBrien O_Brien",
    "O'Connor OConnor",
    "McCarthy MacCarthy",
    "Qadir Kadir Qader",
    "Rasul Rasool",
    "Karim Kareem",
    "Aziz Azeez",
    "Salih Saleh",
    "Osman Othman",
    "Noori Nuri",
    "Popescu Popescou",
)


def _groups(lines: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in lines:
        group = _t(line)
        for name in group:
            table[name] = group
    return table


FORENAME_VARIANTS = _groups(_FORENAME_GROUPS)
SURNAME_VARIANTS = _groups(_SURNAME_GROUPS)

# Short forms a given name commonly takes; any person may also get a street name.
_SHORT_FORMS = {
    "Mohammed": "Mo",
    "Daniel": "Danny",
    "Tariq": "Taz",
    "Imran": "Immy",
    "Kamran": "Kam",
    "Shahid": "Shady",
    "Thomas": "Tommy",
    "Krzysztof": "Kris",
    "Aleksandra": "Ola",
    "Oluwaseun": "Seun",
    "Adebayo": "Bayo",
    "Patrick": "Paddy",
    "Declan": "Dec",
    "Gheorghe": "George",
    "Abdirahman": "Abdi",
    "Chinedu": "Ned",
    "Mehmet": "Memo",
    "Jamal": "Jay",
    "Asif": "Ace",
    "Nadeem": "Deemo",
    "Florin": "Flo",
    "Rebecca": "Becky",
    "Bethany": "Beth",
    "Natalie": "Nat",
    "Jessica": "Jess",
    "Katarzyna": "Kasia",
    "Emeka": "Meks",
    "Segun": "Segs",
    "Winston": "Winnie",
}
STREET_NAMES = _t(
    "Bash Rocky Smiley Boss Uncle Ginge Scouse Shorty Big_Man Tiny Chubs Skinny Prince Dee "
    "Kaz Sparky Polo Mac Dizzy Frosty Snowy Tats Blaze Chief Junior Chino Dutch Razor Gucci "
    "Lucky Bear Fox Tank Ghost Ricky Kingy Ozzy Nando Spider Sully Taxi_Man Bossman Lefty"
)


@dataclass(frozen=True)
class FullName:
    """A person's canonical name, as the world knows it."""

    forename: str
    surname: str
    origin: str


def origin_named(name: str) -> Origin:
    for origin in ORIGINS:
        if origin.name == name:
            return origin
    raise KeyError(name)


_CUMULATIVE = tuple(itertools.accumulate(o.weight for o in ORIGINS))


def draw_origin(rng: random.Random) -> Origin:
    return rng.choices(ORIGINS, cum_weights=_CUMULATIVE)[0]


def feminine_surname(surname: str, origin: str) -> str:
    """Polish surnames in -ski/-cki take -ska/-cka for women."""
    if origin == "polish" and surname.endswith(("ski", "cki")):
        return surname[:-1] + "a"
    return surname


def draw_name(rng: random.Random, gender: str, origin: Origin | None = None) -> FullName:
    """A name from the mixed pool; the same draw whatever role the person will play."""
    origin = origin or draw_origin(rng)
    forenames = origin.male if gender == "male" else origin.female
    # A minority of people carry a surname from another origin (marriage, adoption).
    surname_origin = origin if rng.random() < 0.9 else draw_origin(rng)
    surname = rng.choice(surname_origin.surnames)
    if gender == "female":
        surname = feminine_surname(surname, surname_origin.name)
    return FullName(rng.choice(forenames), surname, origin.name)


_MALE_ONLY = frozenset({"Big Man", "Taxi Man", "Bossman", "Uncle", "Prince", "Junior", "Chief"})
_ANY_GENDER = tuple(n for n in STREET_NAMES if n not in _MALE_ONLY)


def nicknames_for(rng: random.Random, name: FullName, gender: str) -> tuple[str, ...]:
    """Zero to two nicknames: a short form of the given name and/or a street name."""
    found: list[str] = []
    short = _SHORT_FORMS.get(name.forename)
    if short and rng.random() < 0.6:
        found.append(short)
    if rng.random() < 0.45:
        street = rng.choice(STREET_NAMES if gender == "male" else _ANY_GENDER)
        if street not in found:
            found.append(street)
    return tuple(found)


def forename_variants(name: str) -> tuple[str, ...]:
    return FORENAME_VARIANTS.get(name, (name,))


def surname_variants(name: str) -> tuple[str, ...]:
    base = name[:-1] + "i" if name.endswith(("ska", "cka")) else name
    group = SURNAME_VARIANTS.get(base)
    if group is None:
        return (name,)
    if base != name:
        return tuple(v[:-1] + "a" for v in group)
    return group


_VOWELS = "aeiou"


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard: a dropped, doubled, swapped or wrong letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    move = rng.randrange(4)
    if move == 0:
        out = word[:i] + word[i + 1 :]
    elif move == 1:
        out = word[:i] + word[i] + word[i:]
    elif move == 2:
        out = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    else:
        ch = word[i]
        if ch.lower() in _VOWELS:
            repl = rng.choice([v for v in _VOWELS if v != ch.lower()])
            out = word[:i] + (repl.upper() if ch.isupper() else repl) + word[i + 1 :]
        else:
            out = word[:i] + word[i + 1 :]
    return out
