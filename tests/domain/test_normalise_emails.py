"""E-mail addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threadline.domain.normalise import normalise_email


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("ann@example.org", "ann@example.org"),
        ("Ann.Example@Example.ORG", "ann.example@example.org"),
        ("  ann@example.org  ", "ann@example.org"),
        ("mailto:ann@example.org", "ann@example.org"),
        ("MAILTO:Ann@Example.org", "ann@example.org"),
        ("<ann@example.org>", "ann@example.org"),
        ("(ann@example.org),", "ann@example.org"),
        ("ann@example.org.", "ann@example.org"),
        ('"ann@example.org"', "ann@example.org"),
        ("Ann Example <ann@example.org>", "ann@example.org"),
        ("ann+riverton@mail.example.co.uk", "ann+riverton@mail.example.co.uk"),
        ("a_b-c@sub-domain.example.net", "a_b-c@sub-domain.example.net"),
    ],
)
def test_addresses(raw: str, norm: str) -> None:
    assert normalise_email(raw) == norm


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "ann",
        "ann@",
        "@example.org",
        "ann@example",  # no dotted domain
        "ann@@example.org",
        "ann..example@example.org",
        ".ann@example.org@",
        "ann@-example.org",
        "ann@example.o",
        "ann example@example.org",
        "ånn@example.org",
        "ann@example.org, bob@example.org",
    ],
)
def test_not_addresses(raw: str) -> None:
    assert normalise_email(raw) is None


local_parts = st.from_regex(r"[A-Za-z0-9_+-]{1,10}(\.[A-Za-z0-9_+-]{1,10}){0,2}", fullmatch=True)
domains = st.from_regex(r"([A-Za-z0-9]{1,10}\.){1,3}[A-Za-z]{2,6}", fullmatch=True)


@given(
    local=local_parts, domain=domains, wrap=st.sampled_from(["{}", "<{}>", "mailto:{}", " {}, "])
)
def test_wrapped_and_cased_addresses_give_one_key(local: str, domain: str, wrap: str) -> None:
    expected = f"{local}@{domain}".lower()
    assert normalise_email(wrap.format(f"{local}@{domain}")) == expected
    assert normalise_email(wrap.format(f"{local.upper()}@{domain.upper()}")) == expected


@given(raw=st.text(max_size=40))
def test_idempotent_and_never_crashes(raw: str) -> None:
    norm = normalise_email(raw)
    if norm is not None:
        assert normalise_email(norm) == norm
        assert norm == norm.lower()
