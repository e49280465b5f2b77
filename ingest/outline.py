"""The official outline of a plan: 一、 / (一) / 1. / (1) / ① / 第X条, Markdown headings, and
short "学前教育:" labels, turned into sections with heading paths and offsets.

Nesting is learned from the order in which marker styles first appear (as in Chinese official
documents, where "一、" normally holds "(一)" which holds "1."), so a plan that skips a level or
numbers items "1、" straight under "一、" still nests correctly. Markers are also found inside a
paragraph (converted documents lose their line breaks) when they follow a sentence end and carry
the next number of their sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .chinese import CIRCLED, SENTENCE_ENDS, numeral_value
from .types import Section

_CN_NUM = "[一二三四五六七八九十百零]{1,4}"

# (style, regex of a marker at the start of a line or after a sentence end)
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"第({_CN_NUM}|\d+)章")),
    ("article", re.compile(rf"第({_CN_NUM}|\d+)条")),
    ("cn", re.compile(rf"({_CN_NUM})[、.．]")),
    ("paren_cn", re.compile(rf"[(（]({_CN_NUM})[)）]")),
    ("arabic", re.compile(r"(\d{1,2})(?:[.．、](?!\d)|[)）](?!\d))")),
    ("paren_arabic", re.compile(r"[(（](\d{1,2})[)）]")),
    ("circled", re.compile(f"([{CIRCLED}])")),
)
_MARKDOWN = re.compile(r"(#{1,6})\s+")
# "学前教育:一年学前教育入园率…" — a short topic label opening a paragraph (target lists use
# these); what follows must be prose, so "发布时间:2020-09-02" is no heading
_LABEL = re.compile(r"([\u4e00-\u9fff]{2,8})[:：](?=[\u4e00-\u9fff“])")
_HEADING_END = re.compile(f"[{SENTENCE_ENDS}:：]")
_MAX_HEADING = 40  # chars; a longer first sentence is a paragraph, not a heading


@dataclass(frozen=True, slots=True)
class Heading:
    """An outline marker found in the text."""

    style: str
    number: int
    start: int  # offset of the marker
    title_end: int  # end of the heading text (first clause, or the whole short line)
    text: str


def _match_marker(text: str, pos: int) -> tuple[str, int, re.Match[str]] | None:
    for style, pattern in _MARKERS:
        m = pattern.match(text, pos)
        if m:
            return style, numeral_value(m.group(1)), m
    return None


def _heading_text_end(text: str, body_start: int, line_end: int) -> int:
    """End of a heading's own text: the line if short, else its first clause."""
    m = _HEADING_END.search(text, body_start, line_end)
    end = m.start() if m else line_end
    return min(end, body_start + _MAX_HEADING)


def find_headings(text: str) -> list[Heading]:
    """All outline markers in document order, line-initial or inline after a sentence end."""
    headings: list[Heading] = []
    expected: dict[str, int] = {}
    pos = 0
    for line in text.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if not line.strip():
            continue
        md = _MARKDOWN.match(text, line_start)
        if md:
            level = len(md.group(1))
            headings.append(
                Heading(f"md{level}", 0, line_start, line_end, text[md.end() : line_end])
            )
            continue
        found = _match_marker(text, line_start)
        if found:
            style, number, m = found
            end = _heading_text_end(text, m.end(), line_end)
            headings.append(Heading(style, number, line_start, end, text[line_start:end]))
            expected[style] = number + 1
            headings.extend(_inline_headings(text, end, line_end, expected))
            continue
        label = _LABEL.match(text, line_start)
        if label:
            headings.append(Heading("label", 0, line_start, label.end() - 1, label.group(1)))
        headings.extend(_inline_headings(text, line_start, line_end, expected))
    return headings


def _inline_headings(text: str, start: int, end: int, expected: dict[str, int]) -> list[Heading]:
    """Markers inside a paragraph: the next number of a style already seen, after a sentence end
    (or right after a heading opened inline), followed by a CJK character."""
    found: list[Heading] = []
    after_heading = False
    i = start
    while i < end:
        boundary = i > start and (text[i - 1] in SENTENCE_ENDS or after_heading)
        if boundary:
            hit = _match_marker(text, i)
            if hit:
                style, number, m = hit
                nxt = text[m.end() : m.end() + 1]
                if expected.get(style, 1) == number and nxt and "\u4e00" <= nxt <= "\u9fff":
                    title_end = _inline_title_end(text, m.end(), end, expected)
                    found.append(Heading(style, number, i, title_end, text[i:title_end]))
                    expected[style] = number + 1
                    after_heading = title_end < end and text[title_end] not in SENTENCE_ENDS
                    i = title_end
                    continue
        after_heading = False
        i += 1
    return found


def _inline_title_end(text: str, body_start: int, end: int, expected: dict[str, int]) -> int:
    """An inline heading ends at its first clause end, or where the next expected marker starts."""
    limit = min(end, body_start + _MAX_HEADING)
    for j in range(body_start, limit):
        if text[j] in "。;!?:；！？：":
            return j
        hit = _match_marker(text, j)
        if hit and expected.get(hit[0], 1) == hit[1] and j > body_start:
            return j
    return limit


def sections(text: str) -> list[Section]:
    """Split a cleaned text into sections, each with its heading path and offsets.

    A section runs from its heading marker to the next heading; text before the first heading
    is a section with an empty path. Nesting follows the order styles first appear in.
    """
    headings = find_headings(text)
    out: list[Section] = []
    order: list[str] = []  # styles in order of first appearance → depth
    stack: list[tuple[str, str]] = []  # (style, heading text)
    prev_end = 0
    prev_path: tuple[str, ...] = ()
    for h in headings:
        if h.start > prev_end and text[prev_end : h.start].strip():
            out.append(Section(prev_path, prev_end, h.start))
        if h.style not in order:
            order.append(h.style)
        styles_in_stack = [s for s, _ in stack]
        if h.style in styles_in_stack:
            del stack[styles_in_stack.index(h.style) :]
        else:
            depth = order.index(h.style)
            while stack and order.index(stack[-1][0]) > depth:
                stack.pop()
        stack.append((h.style, h.text.strip()))
        prev_end = h.start
        prev_path = tuple(t for _, t in stack)
    if text[prev_end:].strip():
        out.append(Section(prev_path, prev_end, len(text)))
    return out
