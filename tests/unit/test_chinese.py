"""The rules of Chinese text in one place (`ingest/chinese.py`): numerals as plans write them,
read by the outline, dates, questions and candidates; an item's own number; sentences and
clauses, cut the same way for passages and statements."""

from __future__ import annotations

import re

import pytest

from ingest.chinese import ITEM_NUMBER, clauses, digits_value, numeral_value, sentences, trim_span
from ingest.chunking import sentence_spans
from ingest.dates import dated_field
from ingest.outline import find_headings
from ingest.statements import statements


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


@pytest.mark.parametrize(
    ("text", "item"),
    [("一、总则", True), ("(三)招生", True), ("三)招生", True), ("（三）招生", True),
     ("2.招聘", True), ("12、扩大学位", True), ("3)培训", True), ("第二章", True), ("②扩大", True),
     ("26.2022年招生计划", True), ("1.5万人", False), ("83.25%", False), ("2020年", False)],
)  # fmt: skip
def test_an_items_own_number_and_not_a_decimal(text: str, item: bool) -> None:
    assert bool(re.match(ITEM_NUMBER, text)) is item


def test_sentences_end_at_their_marks_with_a_closing_quote_or_at_a_line_end() -> None:
    # end to end: what lies between (a line end after a mark) is a piece of its own
    text = "建成“智慧校园。”招聘教师120人!\n二、扩大学位;新增学位3000个"

    assert [text[s:e] for s, e in sentences(text)] == [
        "建成“智慧校园。”", "招聘教师120人!", "\n", "二、扩大学位;", "新增学位3000个",
    ]  # fmt: skip


def test_clauses_end_at_commas_colons_and_list_marks() -> None:
    text = "一是培训,二是招聘:语文、数学"

    assert [text[s:e] for s, e in clauses(text)] == ["一是培训,", "二是招聘:", "语文、", "数学"]
    assert trim_span(" ,招聘, ", 0, 6, " ,") == (2, 4) and trim_span("\u3000招聘\n", 0, 4) == (1, 3)


def test_a_straight_quote_opening_the_next_sentence_stays_with_it() -> None:
    # for passages as for statements: a straight quote may open as well as close
    text = '实施"校校通"工程,新增设备1260套。"人人通"开通率达到83.5%。\n'
    said = ['实施"校校通"工程,新增设备1260套。', '"人人通"开通率达到83.5%。']

    assert [text[s:e] for s, e in statements(text)] == said
    passage = [text[s:e].strip() for s, e in sentence_spans(text, 0, len(text), 300)]
    assert [sentence for sentence in passage if sentence] == said
