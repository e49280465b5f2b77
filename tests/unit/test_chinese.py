"""Numerals as plans write them, read in one place (`ingest/chinese.py`) by the outline, dates,
questions and candidates."""

from __future__ import annotations

import pytest

from ingest.chinese import digits_value, numeral_value
from ingest.dates import dated_field
from ingest.outline import find_headings


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31), ("一百零三", 103),
     ("两", 2), ("③", 3), ("⑳", 20), ("12", 12)],
)  # fmt: skip
def test_small_numerals(numeral: str, value: int) -> None:
    assert numeral_value(numeral) == value


def test_years_digit_by_digit_also_typed_with_a_letter_o() -> None:
    assert digits_value("二〇二〇") == digits_value("二O二O") == digits_value("二零二零") == 2020
    with pytest.raises(KeyError):
        digits_value("二〇二X")


def test_a_circled_list_is_an_outline_level_and_a_chinese_date_is_read() -> None:
    headings = find_headings("一、总则\n①加强教师培训。\n②扩大学位。")

    assert [(h.style, h.number) for h in headings] == [("cn", 1), ("circled", 1), ("circled", 2)]
    assert dated_field(["成文日期：二〇二〇年三月十一日"]) == "2020-03-11"
