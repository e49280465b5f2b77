"""How OCR's lines become text that reads like a text layer: rows, paragraphs, headings."""

from __future__ import annotations

from ingest.ocr import OcrLine, OcrPage, page_text

CHAR = 20.0  # px per character of these made-up pages
LEFT, RIGHT = 100.0, 100.0 + 30 * CHAR  # a text block 30 characters wide


def line(text: str, row: int, indent: int = 0, score: float = 0.99) -> OcrLine:
    left = LEFT + indent * CHAR
    top = 100.0 + row * 40
    return OcrLine(text, left, top, left + len(text) * CHAR, top + 24, score)


def test_wrapped_lines_join_and_a_short_or_indented_line_ends_a_paragraph() -> None:
    lines = [
        line("一、工作目标", 0, indent=2),  # a heading: indented, ends short
        line("1、抓好教师招聘引进。全年招聘教师200人，其", 1, indent=2),
        line("中公办幼儿教师30人，特岗教师50人，定向师范", 2),
        line("生20人。", 3),  # ends short: the paragraph ends here
        line("2、加强教师培训。全年培训教师1500人次。", 4, indent=2),
    ]
    lines[1] = OcrLine(lines[1].text, lines[1].left, lines[1].top, RIGHT, lines[1].bottom, 0.99)
    lines[2] = OcrLine(lines[2].text, lines[2].left, lines[2].top, RIGHT, lines[2].bottom, 0.99)

    assert page_text(lines).split("\n") == [
        "一、工作目标",
        "1、抓好教师招聘引进。全年招聘教师200人，其中公办幼儿教师30人，特岗教师50人，定向师范生20人。",
        "2、加强教师培训。全年培训教师1500人次。",
    ]


def test_lines_of_one_row_are_read_left_to_right_as_one_line() -> None:
    cells = [line("学前教育", 0, indent=10), line("毛入园率", 0), line("85%", 0, indent=20)]

    assert page_text(cells) == "毛入园率 学前教育 85%"


def test_a_pages_confidence_is_its_lines_scores_weighted_by_characters() -> None:
    page = OcrPage((line("一二三四", 0, score=1.0), line("五六七八九十一二三四五六", 1, score=0.8)))

    assert abs(page.confidence - (4 * 1.0 + 12 * 0.8) / 16) < 1e-9
    assert OcrPage(()).confidence == 1.0 and OcrPage(()).text == ""


def test_pages_read_with_low_confidence_are_named_for_a_person_to_check() -> None:
    from index.store import StoredDocument
    from ingest.ocr import LOW_CONFIDENCE
    from ingest.types import DocumentMeta

    meta = DocumentMeta("计划", 2020, (2020,), None, None, None, None, None)
    ocr = ((1, 0.99), (2, LOW_CONFIDENCE - 0.01), (3, LOW_CONFIDENCE))
    doc = StoredDocument("id", "scan.pdf", "pdf", meta, "2026-12-06", 3, ocr)

    assert doc.doubtful_pages == (2,)
