"""Properties of the two check characters (issue #2 §8):

- 公民身份号码, GB 11643-1999 (ISO 7064 MOD 11-2);
- 统一社会信用代码, GB 32100-2015 (MOD 31).

Every generated valid code passes; any single-character change, and any swap of two adjacent
different characters, fails. Both schemes are built to catch exactly these two commonest typing
errors, so a failure here is a bug in jiandu.rules.identifiers, not bad luck.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jiandu.rules.identifiers import (
    ID_PROVINCES,
    USCC_ALPHABET,
    id_number_check_char,
    id_number_error,
    mobile_error,
    uscc_check_char,
    uscc_error,
)

DIGITS = "0123456789"
ID_LAST = DIGITS + "X"


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(ID_PROVINCES)))
    region = province + draw(st.text(DIGITS, min_size=4, max_size=4))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)))
    order = draw(st.text(DIGITS, min_size=3, max_size=3))
    first17 = region + born.strftime("%Y%m%d") + order
    return first17 + id_number_check_char(first17)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    head = draw(st.text(USCC_ALPHABET, min_size=2, max_size=2))
    region = draw(st.text(DIGITS, min_size=6, max_size=6))
    body = draw(st.text(USCC_ALPHABET, min_size=9, max_size=9))
    first17 = head + region + body
    return first17 + uscc_check_char(first17)


def _alphabet_at(kind: str, i: int) -> str:
    if kind == "id":
        return ID_LAST if i == 17 else DIGITS
    return USCC_ALPHABET


@given(id_numbers())
def test_every_generated_id_number_passes(value: str) -> None:
    assert id_number_error(value) is None
    assert id_number_error(value.lower()) is None  # a lower-case x is read as X


@given(id_numbers(), st.integers(0, 17), st.data())
def test_any_single_character_change_of_an_id_number_fails(value: str, i: int, data: st.DataObject) -> None:
    replacement = data.draw(st.sampled_from([c for c in _alphabet_at("id", i) if c != value[i]]))
    changed = value[:i] + replacement + value[i + 1 :]
    assert id_number_error(changed) is not None, (value, changed)


@given(id_numbers(), st.integers(0, 16))
def test_any_adjacent_swap_in_an_id_number_fails(value: str, i: int) -> None:
    if value[i] == value[i + 1]:
        return  # swapping equal characters changes nothing
    swapped = value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    assert id_number_error(swapped) is not None, (value, swapped)


@given(usccs())
def test_every_generated_uscc_passes(value: str) -> None:
    assert uscc_error(value) is None


@given(usccs(), st.integers(0, 17), st.data())
def test_any_single_character_change_of_a_uscc_fails(value: str, i: int, data: st.DataObject) -> None:
    replacement = data.draw(st.sampled_from([c for c in _alphabet_at("uscc", i) if c != value[i]]))
    changed = value[:i] + replacement + value[i + 1 :]
    assert uscc_error(changed) is not None, (value, changed)


@given(usccs(), st.integers(0, 16))
def test_any_adjacent_swap_in_a_uscc_fails(value: str, i: int) -> None:
    if value[i] == value[i + 1]:
        return
    swapped = value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    assert uscc_error(swapped) is not None, (value, swapped)


@given(st.sampled_from("3456789"), st.text(DIGITS, min_size=9, max_size=9))
def test_every_mainland_mobile_number_passes(second: str, rest: str) -> None:
    assert mobile_error("1" + second + rest) is None


@given(st.text(DIGITS, min_size=0, max_size=14))
def test_other_digit_strings_are_not_mobile_numbers(value: str) -> None:
    valid = len(value) == 11 and value[0] == "1" and value[1] in "3456789"
    assert (mobile_error(value) is None) == valid


def test_region_000000_and_unknown_provinces_are_refused() -> None:
    """Issue 11 #7: a 身份证号 with region code 000000 was accepted (the check digit was right)."""
    for region in ("000000", "990101", "001234"):
        first17 = f"{region}19800315123"
        assert "地区码" in (id_number_error(first17 + id_number_check_char(first17)) or "")
    first17 = "37010219800315123"
    assert id_number_error(first17 + id_number_check_char(first17)) is None
