"""Sign periods: parsing people's text and enumerating primitive words."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esma.errors import InvalidParameter
from esma.signs import (
    format_signs,
    is_primitive,
    parse_periods,
    parse_signs,
    primitive_periods,
    primitive_root,
)


@pytest.mark.parametrize(
    "text, expected",
    [("+", (1,)), ("-", (-1,)), ("+-+", (1, -1, 1)), ("1,-1,1", (1, -1, 1)), (" 1, -1 ", (1, -1))],
)
def test_parse_signs(text, expected):
    assert parse_signs(text) == expected


@pytest.mark.parametrize("bad", ["", "+x", "1,2", "0", "1,,-1", "abc", [2], [True]])
def test_parse_signs_rejects(bad):
    with pytest.raises(InvalidParameter, match="signs"):
        parse_signs(bad)


def test_primitive_counts_match_necklace_formula():
    """The number of primitive binary words of length k is sum_{d|k} mu(d) 2^(k/d) (OEIS A027375:
    2, 2, 6, 12, 30, 54, 126, 240)."""
    counts = [len(primitive_periods(k, k)) for k in range(1, 9)]
    assert counts == [2, 2, 6, 12, 30, 54, 126, 240]


def test_rotations_are_kept_and_order_is_deterministic():
    words = primitive_periods(2, 3)
    assert words[:2] == [(1, -1), (-1, 1)]
    assert (1, 1, -1) in words and (1, -1, 1) in words and (-1, 1, 1) in words
    assert words == primitive_periods(2, 3)


@given(st.lists(st.sampled_from([1, -1]), min_size=1, max_size=12))
def test_primitive_root_repeats_to_word(word):
    root = primitive_root(tuple(word))
    assert root * (len(word) // len(root)) == tuple(word)
    assert is_primitive(root)


@pytest.mark.parametrize("text", ["0-3", "3-1", "1-99", "a-b", "1-2-3", ""])
def test_parse_periods_rejects(text):
    with pytest.raises(InvalidParameter, match=r"^periods: ") as info:
        parse_periods(text)
    assert info.value.parameter == "periods"


def test_format_round_trip():
    assert parse_signs(format_signs((1, -1, -1))) == (1, -1, -1)
