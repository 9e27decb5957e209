"""Personal names: parse_name and name_key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threadline.domain.normalise import NameParts, name_key, parse_name
from threadline.domain.normalise.names import TITLES


@pytest.mark.parametrize(
    ("raw", "forenames", "surname"),
    [
        # Surname in capitals, either side.
        ("Mohammed ALI", ("Mohammed",), "ALI"),
        ("ALI Mohammed", ("Mohammed",), "ALI"),
        ("Mohammed Abdul RAHMAN", ("Mohammed", "Abdul"), "RAHMAN"),
        ("RAHMAN Mohammed Abdul", ("Mohammed", "Abdul"), "RAHMAN"),
        ("Mary SMITH JONES", ("Mary",), "SMITH JONES"),
        # Comma form.
        ("ALI, Mohammed", ("Mohammed",), "ALI"),
        ("Ali, Mohammed Abdul", ("Mohammed", "Abdul"), "Ali"),
        ("ALI, M", ("M",), "ALI"),
        ("Mr ALI, Mohammed", ("Mohammed",), "ALI"),
        # Trailing initials.
        ("Ali M", ("M",), "Ali"),
        ("SMITH J P", ("J", "P"), "SMITH"),
        ("Smith J.P.", ("J.P.",), "Smith"),
        ("M Ali", ("M",), "Ali"),
        # Order alone.
        ("Mohammed Ali", ("Mohammed",), "Ali"),
        ("MOHAMMED ALI", ("MOHAMMED",), "ALI"),
        ("Jane Anne Doe", ("Jane", "Anne"), "Doe"),
        # Single words.
        ("ALI", (), "ALI"),
        ("Ali", ("Ali",), None),
        ("Taz", ("Taz",), None),
        ("M", ("M",), None),
        # Titles.
        ("Mr Ali", (), "Ali"),
        ("Mrs. Okafor", (), "Okafor"),
        ("Ms Grace KOWALSKA", ("Grace",), "KOWALSKA"),
        ("Miss Li Na WANG", ("Li", "Na"), "WANG"),
        ("Dr Priya Nair", ("Priya",), "Nair"),
        ("Dr. Ahmed", (), "Ahmed"),
        # Hyphens and apostrophes.
        ("Siobhan O'Neill", ("Siobhan",), "O'Neill"),
        ("Siobhan O'NEILL", ("Siobhan",), "O'NEILL"),
        ("Sarah Smith-Jones", ("Sarah",), "Smith-Jones"),
        ("SMITH-JONES Sarah", ("Sarah",), "SMITH-JONES"),
        ("Jean-Paul DUBOIS", ("Jean-Paul",), "DUBOIS"),
        # Particles stay with the surname.
        ("Mohammed al-Hassan", ("Mohammed",), "al-Hassan"),
        ("Mohammed al-HASSAN", ("Mohammed",), "al-HASSAN"),
        ("Omar el-Sayed", ("Omar",), "el-Sayed"),
        ("Omar al Sayed", ("Omar",), "al Sayed"),
        ("Yusuf bin AHMED", ("Yusuf",), "bin AHMED"),
        ("Yusuf bin Ahmed", ("Yusuf",), "bin Ahmed"),
        ("Ali ibn Musa", ("Ali",), "ibn Musa"),
        ("Maria de la Cruz", ("Maria",), "de la Cruz"),
        ("Maria DE LA CRUZ", ("Maria",), "DE LA CRUZ"),
        ("Pieter van der Berg", ("Pieter",), "van der Berg"),
        ("Van Morrison", ("Van",), "Morrison"),
        ("Al SMITH", ("Al",), "SMITH"),
        ("Al Smith", ("Al",), "Smith"),
        ("de SOUZA", (), "de SOUZA"),
        ("Ana de SOUZA", ("Ana",), "de SOUZA"),
        ("De Souza", ("De",), "Souza"),  # documented misreading
        # Inline nicknames dropped.
        ('Mohammed "Mo" ALI', ("Mohammed",), "ALI"),
        ("Mohammed (Mickey) ALI", ("Mohammed",), "ALI"),
        # Accents kept as written.
        ("Zoë NOWAK", ("Zoë",), "NOWAK"),
        ("José García", ("José",), "García"),
    ],
)
def test_parse_name(raw: str, forenames: tuple[str, ...], surname: str | None) -> None:
    parts = parse_name(raw)
    assert parts.forenames == forenames
    assert parts.surname == surname


def test_surname_first_last_and_comma_forms_agree() -> None:
    forms = ["Mohammed ALI", "ALI Mohammed", "ALI, Mohammed", "Mr Mohammed ALI", "mohammed ali"]
    assert {parse_name(f).tokens for f in forms} == {("mohammed", "ali")}


@pytest.mark.parametrize("raw", ["", "   ", "Mr", "1234", "-", "()", '"Mo"'])
def test_nothing_to_parse(raw: str) -> None:
    assert parse_name(raw) == NameParts((), None, ())


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("ALI", "ali"),
        ("O'Neill", "oneill"),
        ("O’NEILL", "oneill"),
        ("Smith-Jones", "smithjones"),
        ("Zoë", "zoe"),
        ("ZOË", "zoe"),
        ("Çelik", "celik"),
        ("Łukasz", "łukasz"),  # stroke letters have no decomposition: kept
        ("Straße", "strasse"),
        ("J.", "j"),
        ("1234", ""),
        ("Ἀλέξανδρος", "αλεξανδροσ"),
    ],
)
def test_name_key(token: str, key: str) -> None:
    assert name_key(token) == key


@given(raw=st.text(max_size=40))
def test_name_key_is_idempotent_and_letters_only(raw: str) -> None:
    key = name_key(raw)
    assert name_key(key) == key
    assert all(ch.isalpha() for ch in key)
    assert key == key.casefold()


particle_like_forenames = st.sampled_from(["al", "van", "de", "le", "del", "bin"])
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéöç'-", min_size=2, max_size=10).filter(
    # A word that is itself a title ("Mr Mr SMITH") is not a forename anyone writes.
    lambda w: sum(ch.isalpha() for ch in w) >= 2 and w.strip("'-") == w and w not in TITLES
)


@given(raw=st.text(max_size=60))
def test_parse_never_crashes_and_tokens_are_keys(raw: str) -> None:
    parts = parse_name(raw)
    assert all(key and name_key(key) == key for key in parts.tokens)
    written = [*parts.forenames, *(parts.surname.split() if parts.surname else [])]
    assert len(parts.tokens) == sum(1 for w in written if name_key(w))


@given(forename=st.one_of(words, particle_like_forenames), surname=words)
def test_capitals_decide_the_surname_either_side(forename: str, surname: str) -> None:
    forename = forename.capitalize()
    expected = (name_key(forename), name_key(surname))
    forms = {
        f"{forename} {surname.upper()}": surname.upper(),
        f"{surname.upper()} {forename}": surname.upper(),
        f"{surname.upper()}, {forename}": surname.upper(),
        f"{surname.capitalize()}, {forename}": surname.capitalize(),
    }
    for raw, written_surname in forms.items():
        parts = parse_name(raw)
        assert parts.surname == written_surname, raw
        assert parts.forenames == (forename,), raw
        assert parts.tokens == expected, raw


@given(
    forename=words, surname=words, title=st.sampled_from(["Mr", "Mrs", "Ms", "Miss", "Dr", "MR."])
)
def test_titles_are_dropped(forename: str, surname: str, title: str) -> None:
    plain = parse_name(f"{forename.capitalize()} {surname.upper()}")
    assert parse_name(f"{title} {forename.capitalize()} {surname.upper()}") == plain
