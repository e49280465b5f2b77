"""Turn a loader's raw text into the cleaned text that users read and every offset points into.

Cleaned text holds one paragraph, heading or table row per line: lines are stripped and separated
by a single "\\n", with no blank lines. Cleaning never drops a body sentence; it removes only
artefacts of how the text was saved (portal chrome, Word bookmarks, PDF page furniture, a
converter's line counters) and undoes hard line breaks inside paragraphs.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from itertools import pairwise

from ingest.chinese import DIGIT_NUMERALS, ITEM_NUMBER, SENTENCE_ENDS
from ingest.types import RawText

# NFKC folds these to bare digits and loses what they say: ① is an outline marker, ² an exponent
# (5000m² is not 5000m2). The evaluation NFKC-normalises both sides, so keeping them is safe there.
_NFKC_KEPT = re.compile(
    "[\u2460-\u2473\u24ea\u3251-\u325f\u32b1-\u32bf\u00b2\u00b3\u00b9\u2070-\u209f]"
)
# NFKC spells these squares "m2"; spelled with "²" they keep their meaning and NFKC to the same.
_SQUARES = str.maketrans(
    {"㎟": "mm²", "㎠": "cm²", "㎡": "m²", "㎢": "km²", "㎤": "cm³", "㎥": "m³"}
)
_LINE_BREAKS = re.compile("\r\n?|[\v\x85\u2028\u2029]")
# Controls and invisible marks that extraction leaves behind (BOM, zero-width space, soft hyphen).
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[^\S\n\f]+")
# Word bookmarks as converters write them: "[bookmark: _GoBack]", pandoc's "[]{#x .anchor}".
_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]|\[\]\{#[^}\n]*\}")

# Ideographs, CJK punctuation, kana, hangul and full-width forms: text written without spaces.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"
# Marks whose spaces carry structure: " | " joins table cells, "# " opens a Markdown heading.
_STRUCTURAL = r"|#*+\-<>=~"
_SPACE_AFTER_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=[^\s{_STRUCTURAL}])")
_SPACE_BEFORE_CJK = re.compile(rf"(?<=[^\s{_STRUCTURAL}]) +(?=[{_CJK}])")

_SENTENCE_END = f"{SENTENCE_ENDS}：:."  # a line ending in one ends its paragraph
_CLOSERS = "”’\"')）]】》」』〕"
_NUMERAL = f"{DIGIT_NUMERALS}两十百"
_ITEM_START = re.compile(
    rf"#|[{_NUMERAL}]+[、.]|\([{_NUMERAL}]+\)|\d{{1,3}}(?:、|\.(?!\d)|\))|\(\d{{1,3}}\)"
    rf"|第[{_NUMERAL}\d]+[章节条款部分篇编]|[\u2460-\u2473\u3251-\u325f\u2776-\u277f]"
    r"|[•●○■□◆◇▲△★☆▪►▶]|[-*] "
)

# Web-page chrome, matched against a line with its spaces removed.
_CHROME_WORD = (
    r"字[体号](?::?[\[【(]?[大中小默认标准超]*[\]】)]?)?",
    r"[大中小]{3}",
    r"打印(?:本页|此页|该页|文章|正文)?",
    r"关闭(?:窗口|本页|此页|页面)?",
    r"(?:加入)?收藏(?:本页|此页)?",
    r"(?:我要)?纠错",
    r"返回(?:顶部|首页|列表|上一页)?",
    r"分享到?:?",
    r"微信|微博|朋友圈|QQ空间|QQ好友|QQ|新浪微博|腾讯微博|人人网|豆瓣|更多",
    r"视力保护色|扫一扫在手机上?打开(?:当前页|本页)?",
    r"(?:浏览|点击|阅读|访问)(?:次数|数|量)?:?\d*次?",
    # Metadata labels left without a value ("来源: 作者:"); a label with a value never matches.
    r"(?:信息|文章)?来源:|作者:|(?:责任)?编辑:|发布(?:人|者|机构|单位):|审核:|校对:|录入:",
    r"(?:发布|更新)?(?:时间|日期):",
)
_CHROME_LINE = re.compile(
    r"(?:[\[【(〔]?(?:" + "|".join(_CHROME_WORD) + r")[\]】)〕]?|[|/·•\-_~丨>»])+"
    r"|返回.{0,30}(?:网站|首页|主页|门户|频道|栏目|列表|顶部|上一页)[>»]*"
    r"|(?:您|你)?(?:当前|现在)?的?(?:所在)?位置是?:.{0,150}?(?:首页|[>»→]).{0,150}"
    r"|(?:网站)?首页(?:[>»→][^>»→]{1,30})+"
    r"|[上下]一(?:篇|条|页|则):.*"
)
_FOOTER = re.compile(r"(?i:icp)[备证]|公网安备|网站标识码|版权所有|(?i:copyright)|©")
# A publication line ("发布时间:2020-09-02 09:51 信息来源:…") is metadata, not chrome.
_DATED = re.compile(r"(?:时间|日期):\s*\d{4}\s*[-/.年]\s*\d{1,2}")
_BRACKETED = re.compile(r"[\[【(][^\]】)]{0,12}[\]】)]")

_PAGE_NUMBER = re.compile(
    r"[-—–_~·]*\d{1,3}[-—–_~·]*|\d{1,3}/\d{1,3}|(?i:page)\d{1,3}(?:(?i:of)\d{1,3}|/\d{1,3})?"
    rf"|第[\d{_NUMERAL}]{{1,4}}页(?:[,/、]?共[\d{_NUMERAL}]{{1,4}}页)?"
    r"|共\d{1,3}页[,/、]?第\d{1,3}页"
)
_EDGE = 2  # lines at the top and at the bottom of a page where headers and page numbers sit
_RUNNING_MAX = 60  # chars: a longer line is body text, not a running header or footer

_COUNTER = re.compile(r"(\d{1,4})(、|\.|\))")
# A DOCX/Markdown heading that carries its own outline number ("## (一)…") needs no "#":
# readers see the plan's own numbering, and the outline is found from it.
_MARKED_HEADING = re.compile(rf"^#{{1,6}}\s+(?={ITEM_NUMBER})")


def clean_text(raw: RawText) -> str:
    """Return the cleaned text of `raw`, or "" when nothing but artefacts was in it."""
    is_pdf = raw.source_format in ("pdf", "image")  # pages: a text layer, or OCR's reading
    text = _normalise_characters(raw.text, keep_pages=is_pdf)
    text = _BOOKMARK.sub("", text)
    pages = [
        [_SPACES.sub(" ", line).strip() for line in page.split("\n")] for page in text.split("\f")
    ]
    if is_pdf:
        pages = _drop_page_furniture(pages)
    lines = [line for page in pages for line in _trim_blank_edges(page)]
    lines = _drop_chrome(lines)
    lines = [line if _is_dated(line) else _remove_cjk_spaces(line) for line in lines]
    if is_pdf:
        # rejoin the page's wrapped lines first: a converter's counters then open lines again
        lines = _join_wrapped_lines(lines)
    lines = _strip_line_counters(lines)
    lines = [_MARKED_HEADING.sub("", line) for line in lines]
    return "\n".join(line for line in lines if line)


def _normalise_characters(text: str, keep_pages: bool) -> str:
    text = _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text)).translate(_SQUARES)
    if not keep_pages:
        text = text.replace("\f", "\n")
    parts, start = [], 0
    for match in _NFKC_KEPT.finditer(text):
        parts += [unicodedata.normalize("NFKC", text[start : match.start()]), match.group()]
        start = match.end()
    parts.append(unicodedata.normalize("NFKC", text[start:]))
    return "".join(parts)


def _remove_cjk_spaces(line: str) -> str:
    return _SPACE_BEFORE_CJK.sub("", _SPACE_AFTER_CJK.sub("", line))


def _trim_blank_edges(lines: list[str]) -> list[str]:
    kept = [i for i, line in enumerate(lines) if line]
    return lines[kept[0] : kept[-1] + 1] if kept else []


# --- portal chrome


def _drop_chrome(lines: list[str]) -> list[str]:
    """Drop chrome lines and tidy publication lines above and below the body, never inside it."""
    prose = [
        i
        for i, line in enumerate(lines)
        if ("。" in line or len(line) >= 80) and not _is_chrome(line)
    ]
    first, last = (prose[0], prose[-1]) if prose else (len(lines), len(lines))
    kept = []
    for i, line in enumerate(lines):
        if line and (i < first or i > last):
            line = _tidy_dated_line(line) if _is_dated(line) else "" if _is_chrome(line) else line
        kept.append(line)
    return kept


def _is_chrome(line: str) -> bool:
    compact = line.replace(" ", "")
    if _CHROME_LINE.fullmatch(compact):
        return True
    return len(compact) <= 160 and "。" not in compact and bool(_FOOTER.search(compact))


def _is_dated(line: str) -> bool:
    return len(line) <= 120 and "。" not in line and bool(_DATED.search(line))


def _tidy_dated_line(line: str) -> str:
    """'更新时间:2017-04-01 来源: 作者: 字体[ ]' -> '更新时间:2017-04-01'."""
    line = re.sub(r":\s+", ":", line)
    line = _BRACKETED.sub(lambda match: match.group().replace(" ", ""), line)
    return " ".join(field for field in line.split(" ") if not _is_chrome(field))


# --- PDF pages


def _drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Remove page numbers and running headers/footers from the edges of each page."""
    pages = [
        _drop_edges(page, lambda line: _PAGE_NUMBER.fullmatch(line.replace(" ", "")))
        for page in pages
    ]
    if sum(1 for page in pages if any(page)) < 2:
        return pages
    counts: dict[str, int] = {}
    for page in pages:
        for key in {_running_key(page[i]) for i in _edge_indexes(page)} - {""}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, math.ceil(0.6 * len(pages)))
    repeated = {key for key, count in counts.items() if count >= needed}
    first_page = next(number for number, page in enumerate(pages) if any(page))
    result = []
    for number, page in enumerate(pages):
        # The first line of the document is its title even when later pages repeat it as a header.
        title = _edge_indexes(page)[:1] if number == first_page else []
        result.append(_drop_edges(page, lambda line: _running_key(line) in repeated, keep=title))
    return result


def _edge_indexes(page: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(page) if line]
    return sorted(set(filled[:_EDGE] + filled[-_EDGE:]))


def _drop_edges(
    page: list[str], is_furniture: Callable[[str], object], keep: Sequence[int] = ()
) -> list[str]:
    edges = {i for i in _edge_indexes(page) if i not in keep and is_furniture(page[i])}
    return [line for i, line in enumerate(page) if i not in edges]


def _running_key(line: str) -> str:
    compact = line.replace(" ", "")
    return re.sub(r"\d+", "#", compact) if len(compact) <= _RUNNING_MAX else ""


def _join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join lines that a PDF wrapped inside a paragraph, also across page breaks.

    A blank line is a paragraph break, unless blank lines are so common that the extractor
    put them between every line.
    """
    filled = [line for line in lines if line]
    blanks_mean_breaks = len(lines) - len(filled) <= 0.5 * len(filled)
    widths = sorted(_width(line) for line in filled)
    typical = widths[int(0.75 * (len(widths) - 1))] if widths else 0
    joined: list[str] = []
    previous = ""  # last physical line, "" after a paragraph break
    for line in lines:
        if not line:
            previous = "" if blanks_mean_breaks else previous
            continue
        if previous and _continues(previous, line, typical):
            joined[-1] += _joiner(previous, line) + line
        else:
            joined.append(line)
        previous = line
    return joined


def _continues(previous: str, line: str, typical: int) -> bool:
    """Whether `line` goes on the paragraph of `previous`.

    A short line ends a paragraph (or is a heading). A sentence that ends exactly at a full
    line usually goes on in the next line: only a paragraph's last line is short.
    """
    if _ITEM_START.match(line) or previous.startswith("#"):
        return False
    width = _width(previous)
    if _ends_sentence(previous):
        return width >= 0.95 * typical
    return width >= 0.7 * typical


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def _joiner(previous: str, line: str) -> str:
    """A space between Latin words, nothing between CJK characters or digits."""
    if not previous or not line:
        return ""
    last, first = previous[-1], line[0]
    if last in ",.;:!?)" and len(previous) > 1:
        last = previous[-2] if first.isascii() and first.isalpha() else ""
    latin_last = last.isascii() and last.isalpha()
    return " " if latin_last and first.isascii() and first.isalnum() else ""


# --- converter line counters


def _counts_every_line(filled: list[str], numbered: list, body: dict[int, str]) -> bool:
    """Counters on (nearly) every line, after lines that stop mid-sentence, at one width."""
    if len(filled) - len(numbered) > max(1, len(filled) // 10):
        return False
    breaks = [(i, j) for (i, _), (j, _) in pairwise(numbered) if j == i + 1]
    if not breaks or sum(not _ends_sentence(body[i]) for i, _ in breaks) < 0.6 * len(breaks):
        return False
    # A converter wraps at one width; only a paragraph's last line may be shorter.
    lengths = sorted(len(body[i]) for i, _ in numbered[:-1] if not _ends_sentence(body[i]))
    median = lengths[len(lengths) // 2] if lengths else 0
    return median >= 20 and sum(0.8 * median <= n <= 1.2 * median for n in lengths) >= 0.8 * len(
        lengths
    )


def _strip_line_counters(lines: list[str]) -> list[str]:
    """Undo a converter that numbered every line ("1、" "2、" …) and broke lines mid-word.

    Real outline items ("1、加强党的政治建设。") are kept: counters run 1, 2, 3 … without a gap and
    either split words or figures at least twice ("…指导\n4、、检查") — which also finds them
    once a PDF re-wrapped the converter's lines — or cover (nearly) every line, after lines that
    stop mid-sentence, at one fixed width.
    """
    filled = [line for line in lines if line]
    numbered = [(i, m) for i, line in enumerate(filled) if (m := _COUNTER.match(line))]
    if len(numbered) < 3 or len({m.group(2) for _, m in numbered}) != 1:
        return lines
    if [int(m.group(1)) for _, m in numbered] != list(range(1, len(numbered) + 1)):
        return lines
    body = {i: filled[i][m.end() :] for i, m in numbered}
    # A counter inside a word or figure ("指导\n4、、检查", "520\n10、0人") proves a converter.
    split_words = sum(
        body[i][:1] in "、,.;:。，；：" or (filled[i - 1][-1:].isdigit() and body[i][:1].isdigit())
        for i, _ in numbered
        if i > 0
    )
    if split_words < 2 and not _counts_every_line(filled, numbered, body):
        return lines
    lengths = sorted(len(body[i]) for i, _ in numbered[:-1] if not _ends_sentence(body[i]))
    median = lengths[len(lengths) // 2] if lengths else 0
    result: list[str] = []
    for i, line in enumerate(filled):
        text = body.get(i, line)
        previous = body.get(i - 1, filled[i - 1] if i > 0 else None)
        paragraph_end = (
            previous is not None and _ends_sentence(previous) and len(previous) < 0.8 * median
        )
        if i in body and previous is not None and text and not paragraph_end:
            result[-1] += _joiner(result[-1], text) + text
        else:
            result.append(text)
    return result
