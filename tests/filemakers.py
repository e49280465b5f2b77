"""Real document files for tests, made by the tools that make them in the wild.

Each `make_*` function writes one file at `path` (its directory must exist, e.g. `tmp_path`) and
returns `path`. PDFs come from reportlab, with its built-in CID font STSong-Light for Chinese:
no font file is needed and pypdf extracts the text back exactly. DOCX files come from
python-docx. Unencrypted PDFs and random bytes are deterministic (reportlab's invariant mode,
seeded generators); DOCX zips carry a timestamp and encrypted PDFs a random salt, so compare
their extracted text, not their bytes.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import docx
import pikepdf
import pypdf
from docx.enum.style import WD_STYLE_TYPE
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CJK_FONT = "STSong-Light"  # an Adobe standard Asian font: referenced, not embedded
FONT_SIZE = 12  # pt
LINE_HEIGHT = 18  # pt
MARGIN = 72  # pt, one inch


@dataclass(frozen=True, slots=True)
class Heading:
    """A DOCX heading: `level` 1-9 uses Word's "Heading N" style, level 0 the "Title" style.

    `style` names another paragraph style instead, created if the document lacks it, e.g.
    "标题 2" as WPS and localised Word templates name their heading styles.
    """

    text: str
    level: int = 1
    style: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A DOCX table: `rows` of cell texts; `merged` spans (row, first_col, last_col) to join.

    A merged span shows the text of its first cell.
    """

    rows: tuple[tuple[str, ...], ...]
    merged: tuple[tuple[int, int, int], ...] = ()


# A DOCX block: a plain string is a "Normal" paragraph ("" an empty one).
Block = str | Heading | Table


@cache
def _register_cjk_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def pdf_bytes(pages: Sequence[str]) -> bytes:
    """A text-layer PDF, one page per string; "\\n" starts a new line.

    Lines are not wrapped: keep them under ~35 CJK characters to stay on an A4 page.
    """
    _register_cjk_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    _, height = A4
    for page in pages:
        pdf.setFont(CJK_FONT, FONT_SIZE)
        for number, line in enumerate(page.split("\n")):
            pdf.drawString(MARGIN, height - MARGIN - number * LINE_HEIGHT, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_pdf(path: Path, pages: Sequence[str]) -> Path:
    """Write a text-layer PDF with Chinese text, one page per string (see `pdf_bytes`)."""
    path.write_bytes(pdf_bytes(pages))
    return path


def make_scanned_pdf(path: Path, pages: int = 1) -> Path:
    """Write an image-only PDF, like a scanner's: every page is a picture, no text layer."""
    image = Image.new("L", (600, 800), color=255)
    draw = ImageDraw.Draw(image)
    for row in range(20):  # dark bars where a scan would show lines of print
        top = 60 + row * 34
        draw.rectangle((60, top, 540 - (row % 3) * 60, top + 14), fill=30)
    picture = ImageReader(image)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    for _ in range(pages):
        pdf.drawImage(picture, 0, 0, width=width, height=height)
        pdf.showPage()
    pdf.save()
    path.write_bytes(buffer.getvalue())
    return path


def make_encrypted_pdf(
    path: Path,
    text: str,
    *,
    user_password: str = "secret",
    owner_password: str = "owner",
    aes: bool = False,
) -> Path:
    """Write a one-page PDF of `text`, encrypted.

    With the default user password nobody can open it without the password. With
    `user_password=""` anyone can open it and only the owner's permissions are protected, as
    in many published government PDFs. RC4 comes from pypdf's writer; `aes=True` uses qpdf
    (pikepdf), since pypdf can write AES only when the `cryptography` package is installed.
    """
    plain = pdf_bytes([text])
    if aes:
        with pikepdf.open(io.BytesIO(plain)) as pdf:
            encryption = pikepdf.Encryption(user=user_password, owner=owner_password, aes=True)
            pdf.save(path, encryption=encryption, static_id=True)
        return path
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(plain))
    writer.encrypt(user_password=user_password, owner_password=owner_password)
    with path.open("wb") as file:
        writer.write(file)
    return path


def make_truncated_pdf(
    path: Path, pages: Sequence[str], keep: float = 0.5, *, linearized: bool = False
) -> Path:
    """Write the first `keep` share of a valid PDF's bytes, like a broken download.

    `linearized=True` cuts a "fast web view" PDF (qpdf via pikepdf), whose objects a tolerant
    reader can still find when only the end is missing.
    """
    data = pdf_bytes(pages)
    if linearized:
        buffer = io.BytesIO()
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pdf.save(buffer, linearize=True, deterministic_id=True)
        data = buffer.getvalue()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def docx_document(blocks: Sequence[Block]) -> docx.document.Document:
    """A python-docx document holding `blocks` in order (see `Block`)."""
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        elif isinstance(block, Heading):
            _add_heading(document, block)
        else:
            _add_table(document, block)
    return document


def make_docx(path: Path, blocks: Sequence[Block]) -> Path:
    """Write a DOCX of headings, paragraphs and tables in the given order (see `Block`)."""
    docx_document(blocks).save(str(path))
    return path


def _add_heading(document: docx.document.Document, heading: Heading) -> None:
    if heading.style is None:
        document.add_heading(heading.text, level=heading.level)
        return
    names = {style.name for style in document.styles}
    if heading.style not in names:
        document.styles.add_style(heading.style, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph(heading.text, style=heading.style)


def _add_table(document: docx.document.Document, table: Table) -> None:
    columns = max(len(row) for row in table.rows)
    grid = document.add_table(rows=len(table.rows), cols=columns)
    grid.style = "Table Grid"
    for row_index, row in enumerate(table.rows):
        for column_index, text in enumerate(row):
            grid.cell(row_index, column_index).text = text
    for row_index, first, last in table.merged:
        text = grid.cell(row_index, first).text
        merged = grid.cell(row_index, first).merge(grid.cell(row_index, last))
        merged.text = text


def make_corrupt_docx(
    path: Path,
    how: Literal["random-bytes", "missing-document-part", "truncated"] = "random-bytes",
) -> Path:
    """Write a .docx that python-docx cannot open.

    "random-bytes": not a zip at all; "missing-document-part": a real DOCX's zip without
    word/document.xml; "truncated": the first half of a real DOCX.
    """
    if how == "random-bytes":
        return make_random_bytes(path)
    buffer = io.BytesIO()
    docx_document(["一、工作目标", "三年学前教育毛入园率达到85%以上。"]).save(buffer)
    data = buffer.getvalue()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
        return path
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            if name != "word/document.xml":
                target.writestr(name, source.read(name))
    return path


def make_random_bytes(path: Path, size: int = 4096, seed: int = 0) -> Path:
    """Write `size` seeded random bytes: binary data under whatever name the test picks."""
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def make_text_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` in `encoding` ("utf-8-sig" writes a BOM); newlines are kept as given."""
    path.write_bytes(text.encode(encoding))
    return path


def make_ole_file(path: Path) -> Path:
    """Write the start of an OLE compound file, the container of .doc and encrypted DOCX files.

    Only the signature is real: enough for code that sniffs the format, not for an OLE reader.
    """
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(0).randbytes(504))
    return path


# CJK fonts a scan can be printed with (Debian's fonts-noto-cjk), serif first
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


def cjk_font() -> Path | None:
    return next((f for f in CJK_FONTS if f.exists()), None)


def _print_font(dpi: int) -> ImageFont.FreeTypeFont:
    font_path = cjk_font()
    assert font_path is not None, "no CJK font: apt-get install fonts-noto-cjk"
    return ImageFont.truetype(str(font_path), round(12 * dpi / 72))


def _page_size(dpi: int) -> tuple[int, int, int]:
    """Width and height of an A4 page, and its margin, in pixels."""
    return round(8.27 * dpi), round(11.69 * dpi), round(dpi)


def wrapped_lines(text: str, dpi: int = 150) -> list[str]:
    """A text's lines as printed on A4 in a serif CJK font at 12 pt: each paragraph starting
    indented, wrapped at the text width, closing punctuation never opening a line (避头尾)."""
    font = _print_font(dpi)
    width, _, margin = _page_size(dpi)
    lines: list[str] = []
    for paragraph in filter(None, (p.strip() for p in text.split("\n"))):
        line = "\u3000\u3000"
        for char in paragraph:
            if font.getlength(line + char) > width - 2 * margin and char not in "。，、；：）”":
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def scanned_pages(
    text: str, dpi: int = 150, lines_per_page: int = 30, skew: float = 0.0, noise: bool = False
) -> list[Image.Image]:
    """A plan printed and scanned: `wrapped_lines` on A4 pages at `dpi`, `lines_per_page` a
    page; optionally skewed by `skew` degrees, speckled and blurred."""
    font = _print_font(dpi)
    width, height, margin = _page_size(dpi)
    lines = wrapped_lines(text, dpi)
    pages = []
    for first in range(0, len(lines), lines_per_page):
        page = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(page)
        for i, line in enumerate(lines[first : first + lines_per_page]):
            draw.text((margin, margin + i * round(font.size * 1.6)), line, font=font, fill=0)
        if skew:
            page = page.rotate(skew, fillcolor=255, resample=Image.Resampling.BICUBIC)
        if noise:
            rng = random.Random(first)
            for _ in range(width * height // 2000):
                page.putpixel((rng.randrange(width), rng.randrange(height)), rng.randrange(0, 160))
            page = page.filter(ImageFilter.GaussianBlur(0.6))
        pages.append(page.convert("RGB"))
    return pages


def make_scan_pdf(path: Path, text: str, **options) -> Path:
    """Write an image-only PDF of `text` printed and scanned (see `scanned_pages`)."""
    pages = scanned_pages(text, **options)
    dpi = options.get("dpi", 150)
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return path
