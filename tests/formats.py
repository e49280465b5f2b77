"""The seed plans in the other formats the evaluation may hand over: PDF, DOCX, GB18030 text.

`convert_seed` rewrites one UTF-8 seed plan with the same content and stem. The files are made by
the tools that make them in the wild, laid out like a bureau's exported plan, so a test of them
exercises what a real file brings: the PDF wraps every paragraph at a fixed width (sentences break
mid-line), indents first lines, repeats the title as a running header from page 2 and numbers
its pages "- 3 -"; the DOCX has one paragraph per source line with Word heading styles on outline
headings; the GB18030 text has Windows line ends, as Notepad saves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import docx
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from tests.filemakers import CJK_FONT

FORMATS = ("pdf", "docx", "gb18030")
_EXTENSION = {"pdf": ".pdf", "docx": ".docx", "gb18030": ".txt"}

# PDF layout, in pt: A4 with a 38-character measure of 小四 (12 pt) type, a first-line indent of
# two characters and a little space between paragraphs, the title line centred in 小二 (18 pt).
PAGE_WIDTH, PAGE_HEIGHT = A4
BODY_SIZE = 12
LINE_CHARS = 38  # CJK characters per full line
TEXT_WIDTH = LINE_CHARS * BODY_SIZE
LEFT = (PAGE_WIDTH - TEXT_WIDTH) / 2
INDENT = 2 * BODY_SIZE
LEADING = 20  # baseline to baseline
PARAGRAPH_SPACE = 6
TITLE_SIZE = 18
TOP = PAGE_HEIGHT - 80  # first baseline of the body
BOTTOM = 80  # no body baseline below this
HEADER_SIZE = 9
HEADER_Y = PAGE_HEIGHT - 48
FOOTER_SIZE = 10.5
FOOTER_Y = 42

# Line breaking as Word does it for Chinese (禁则): these never start a line, so a full line
# takes one of them beyond the measure; an opening mark never ends a line.
_NO_LINE_START = frozenset("，。、；：！？）》」』】〕”’…—,.;:!?)]%")
_NO_LINE_END = frozenset("（《「『【〔“‘([")

_NUMERAL = "一二三四五六七八九十"
_HEADING_1 = re.compile(rf"[{_NUMERAL}]+[、.．]")
_HEADING_2 = re.compile(rf"[（(][{_NUMERAL}]+[）)]|[\u3220-\u3229]")  # ㈠…㈩ are (一)…(十)
_HEADING_MAX = 40  # chars: a longer line is a paragraph that opens with its heading
_PLAN_WORD = re.compile(r"计划|要点|方案|总结|安排|意见|思路|规划")
_TITLE_IN_LINE = re.compile(
    rf"[^\s,，。;；:：、\d{_NUMERAL}][^\s,，。;；:：]{{2,30}}?(?:{_PLAN_WORD.pattern})"
)


def convert_seed(src: Path, dst_dir: Path, fmt: str) -> Path:
    """Write the UTF-8 plan `src` as `fmt` ("pdf", "docx" or "gb18030") in `dst_dir`, same stem.

    A "gb18030" plan keeps the ".txt" extension: only its bytes differ.
    """
    if fmt not in _EXTENSION:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    text = src.read_text(encoding="utf-8").replace("\r\n", "\n")
    dst = dst_dir / (src.stem + _EXTENSION[fmt])
    if fmt == "pdf":
        write_plan_pdf(dst, text)
    elif fmt == "docx":
        write_plan_docx(dst, text)
    else:
        dst.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    return dst


# --- PDF -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PdfLayout:
    """What `write_plan_pdf` laid out: the running header and the body lines on each page."""

    header: str
    pages: tuple[tuple[str, ...], ...]


def write_plan_pdf(path: Path, text: str) -> PdfLayout:
    """Typeset a plan, one paragraph per non-blank line of `text`, as an exported A4 PDF."""
    _register_cjk_font()
    pdf = _PlanPdf(path, running_title(text))
    title_set = False
    for source_line in text.split("\n"):
        paragraph = " ".join(source_line.split())
        if not paragraph:
            continue
        if paragraph == pdf.title and not title_set:
            pdf.title_line(paragraph)
            title_set = True
        else:
            pdf.paragraph(paragraph, flush_right=_is_signature(source_line))
    return pdf.save()


class _PlanPdf:
    """A canvas that flows lines down A4 pages, with a running header and page numbers."""

    def __init__(self, path: Path, title: str) -> None:
        self.canvas = canvas.Canvas(str(path), pagesize=A4, invariant=True)
        self.title = title
        self.pages: list[tuple[str, ...]] = []
        self.lines: list[str] = []
        self.y = TOP
        self._start_page()

    def title_line(self, line: str) -> None:
        if self.y < BOTTOM + LEADING:
            self._next_page()
        self.canvas.setFont(CJK_FONT, TITLE_SIZE)
        self.canvas.drawCentredString(PAGE_WIDTH / 2, self.y, line)
        self.lines.append(line)
        self.y -= 2 * LEADING

    def paragraph(self, paragraph: str, flush_right: bool = False) -> None:
        for number, line in enumerate(wrap(paragraph, TEXT_WIDTH - INDENT, TEXT_WIDTH)):
            if self.y < BOTTOM:
                self._next_page()
            self.canvas.setFont(CJK_FONT, BODY_SIZE)
            if flush_right:
                self.canvas.drawRightString(LEFT + TEXT_WIDTH - INDENT, self.y, line)
            else:
                self.canvas.drawString(LEFT + (INDENT if number == 0 else 0), self.y, line)
            self.lines.append(line)
            self.y -= LEADING
        self.y -= PARAGRAPH_SPACE

    def save(self) -> PdfLayout:
        self._finish_page()
        self.canvas.save()
        return PdfLayout(self.title, tuple(self.pages))

    def _start_page(self) -> None:
        """The title above a rule, from page 2 on, as Word repeats a header."""
        if self.pages:
            self.canvas.setFont(CJK_FONT, HEADER_SIZE)
            self.canvas.drawCentredString(PAGE_WIDTH / 2, HEADER_Y, self.title)
            self.canvas.setLineWidth(0.5)
            self.canvas.line(LEFT, HEADER_Y - 4, LEFT + TEXT_WIDTH, HEADER_Y - 4)

    def _finish_page(self) -> None:
        self.canvas.setFont(CJK_FONT, FOOTER_SIZE)
        self.canvas.drawCentredString(PAGE_WIDTH / 2, FOOTER_Y, f"- {len(self.pages) + 1} -")
        self.pages.append(tuple(self.lines))
        self.lines, self.y = [], TOP

    def _next_page(self) -> None:
        self._finish_page()
        self.canvas.showPage()
        self._start_page()


def _is_signature(source_line: str) -> bool:
    """A line typed far to the right (issuer and date under a notice) is set flush right."""
    return source_line.startswith(" " * 8) and len(source_line.strip()) <= 30


def wrap(paragraph: str, first_width: float, width: float) -> list[str]:
    """Break a paragraph into lines of at most `width` pt (`first_width` for the first line)."""
    lines: list[str] = []
    line = ""
    limit = first_width
    for char in paragraph:
        fits = _width(line + char) <= limit
        if fits or not line or char in _NO_LINE_START:
            line += char
            continue
        carried = ""
        while line and line[-1] in _NO_LINE_END:
            line, carried = line[:-1], line[-1] + carried
        lines.append(line)
        line, limit = carried + char, width
    if line:
        lines.append(line)
    return lines


@cache
def _register_cjk_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _width(text: str) -> float:
    return pdfmetrics.stringWidth(text, CJK_FONT, BODY_SIZE)


def running_title(text: str) -> str:
    """The plan's title for the running header: its first short line naming a plan type.

    A cover notice ("…关于印发《…》的通知") is passed over for the plan it sends; a plan with no
    title line gets the title-like phrase at the head of its first line.
    """
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    for line in lines[:40]:
        short = len(line) <= _HEADING_MAX and not re.search(r"[。；;:：>]", line)
        if short and _PLAN_WORD.search(line) and "通知" not in line:
            return line
    match = _TITLE_IN_LINE.search(lines[0]) if lines else None
    return match.group() if match else (lines[0][:20] if lines else "")


# --- DOCX ----------------------------------------------------------------------------------


def write_plan_docx(path: Path, text: str) -> None:
    """One paragraph per line of `text`; outline headings alone on a line in Word heading styles."""
    document = docx.Document()
    for line in text.split("\n"):
        level = heading_level(line)
        if level is None:
            document.add_paragraph(line)
        else:
            document.add_paragraph(line.strip(), style=f"Heading {level}")
    document.save(str(path))


def heading_level(line: str) -> int | None:
    """1 for "一、…", 2 for "（一）…" or "㈠…", when the heading stands alone on its line."""
    stripped = line.strip()
    if not stripped or len(stripped) > _HEADING_MAX or "。" in stripped:
        return None
    if _HEADING_1.match(stripped):
        return 1
    if _HEADING_2.match(stripped):
        return 2
    return None
