"""Cell text to values: the bounds on how long a number may be."""

from __future__ import annotations

import pytest

from gongkai.extract.values import MAX_DIGITS, is_value_text, make_cell, parse_number, small_int


def test_counts_up_to_fifteen_digits_are_numbers():
    assert parse_number("999999999999999") == (999_999_999_999_999, None)
    assert parse_number("1,234,567.50元") == (1234567.5, "元")
    assert parse_number("0.123456789012345678901") == (0.123456789012345678901, None)


def test_longer_digit_runs_are_kept_as_printed():
    assert MAX_DIGITS == 15
    for text in ("1234567890123456", "9" * 30, "9" * 5000, "１２３４５６７８９０１２３４５６７"):
        assert parse_number(text) == (None, None)
        assert is_value_text(text)  # still the content of a number cell, for the table reader
        cell = make_cell(text, "line 1")
        assert cell.value is None and cell.raw == text and cell.unreadable


@pytest.mark.parametrize(("text", "digits", "expected"), [
    ("2023", 4, 2023), (" 12 ", 9, 12), ("0", 9, 0),
    ("²", 9, None), ("１２", 9, None), ("20231", 4, None), ("9" * 5000, 9, None), ("-1", 9, None),
    ("", 9, None), (None, 9, None), ("12a", 9, None),
])
def test_small_int_takes_plain_short_numbers_only(text, digits, expected):
    assert small_int(text, digits) == expected
