"""`load_file`: every supported format round-trips, every bad input is refused with its reason."""

from __future__ import annotations

import importlib.util
import random
import re
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from ingest import pipeline
from ingest.chunking import ChunkSettings
from ingest.errors import (
    CorruptFileError,
    DecodingError,
    EduqaError,
    EmptyDocumentError,
    EncryptedPdfError,
    FileTooLargeError,
    ScannedPdfError,
    UnsupportedFileError,
)
from ingest.loaders import SUPPORTED_EXTENSIONS, load_file
from ingest.pipeline import read_document
from tests.filemakers import (
    Heading,
    Table,
    make_corrupt_docx,
    make_docx,
    make_encrypted_pdf,
    make_ole_file,
    make_pdf,
    make_random_bytes,
    make_scanned_pdf,
    make_text_file,
    make_truncated_pdf,
)

PLAN = "平江县教育局2024年工作要点\n一、工作目标\n三年学前教育毛入园率达到85%以上。\n"
PLAN_TRADITIONAL = "平江縣教育局2024年工作要點\n一、工作目標\n三年學前教育毛入園率達到85%以上。\n"
HAS_CRYPTOGRAPHY = importlib.util.find_spec("cryptography") is not None


def squeeze(text: str) -> str:
    """Text without whitespace: PDF extraction decides its own spaces and line ends."""
    return "".join(text.split())


def assert_refused(error: EduqaError, path: Path, reason: str) -> None:
    message = str(error)
    assert path.name in message
    assert reason in message


def test_supported_extensions_are_the_four_formats_and_page_images() -> None:
    assert SUPPORTED_EXTENSIONS == (
        ".txt", ".md", ".pdf", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff"
    )  # fmt: skip


# --- text files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written_as", "read_as"),
    [
        (PLAN, "utf-8", "utf-8"),
        (PLAN, "utf-8-sig", "utf-8-sig"),
        (PLAN, "gbk", "gb18030"),
        ("平江县教育局", "gbk", "gb18030"),
        ("各校做好“𠀀”字与€符号的处理。\n" + PLAN, "gb18030", "gb18030"),
        (PLAN_TRADITIONAL * 3, "big5", "big5"),
        (PLAN, "utf-16", "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gbk-short", "gb18030-only-chars", "big5", "utf-16-bom"],
)
def test_text_file_round_trips_in_its_encoding(
    tmp_path: Path, text: str, written_as: str, read_as: str
) -> None:
    path = make_text_file(tmp_path / "plan.txt", text, written_as)

    raw = load_file(path)

    assert raw.text == text
    assert raw.encoding == read_as
    assert raw.source_format == "txt"


def test_text_file_newlines_are_normalised_to_line_feeds(tmp_path: Path) -> None:
    path = make_text_file(tmp_path / "plan.txt", "一、目标\r\n二、措施\r三、保障\n", "gbk")

    assert load_file(path).text == "一、目标\n二、措施\n三、保障\n"


def test_markdown_file_keeps_its_headings_and_is_marked_md(tmp_path: Path) -> None:
    text = "# 2024年工作要点\n\n## 一、工作目标\n\n- 毛入园率85%\n"
    path = make_text_file(tmp_path / "plan.MD", text)

    raw = load_file(path)

    assert (raw.text, raw.source_format, raw.encoding) == (text, "md", "utf-8")


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_pages_come_back_separated_by_form_feeds(tmp_path: Path) -> None:
    pages = [
        "一、工作目标\n三年学前教育毛入园率达到85%以上。",
        "二、主要措施\n义务教育巩固率达到96%。",
    ]
    path = make_pdf(tmp_path / "plan.pdf", pages)

    raw = load_file(path)

    assert raw.source_format == "pdf"
    assert raw.encoding is None
    assert [squeeze(page) for page in raw.text.split("\f")] == [squeeze(page) for page in pages]


def test_pdf_with_empty_user_password_is_read_without_asking(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "locked-copying.pdf", PLAN, user_password="")

    assert squeeze(load_file(path).text) == squeeze(PLAN)


@pytest.mark.skipif(not HAS_CRYPTOGRAPHY, reason="AES needs the cryptography package")
def test_aes_pdf_with_empty_user_password_is_read(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "aes.pdf", PLAN, user_password="", aes=True)

    assert squeeze(load_file(path).text) == squeeze(PLAN)


@pytest.mark.skipif(HAS_CRYPTOGRAPHY, reason="only without the cryptography package")
def test_aes_pdf_is_refused_naming_the_missing_package(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "aes.pdf", PLAN, user_password="", aes=True)

    with pytest.raises(EncryptedPdfError) as caught:
        load_file(path)

    assert_refused(caught.value, path, "needs the 'cryptography' package")


def test_a_page_whose_text_layer_is_mostly_unmappable_glyphs_is_read_by_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pypdf yields U+FFFD for glyphs without a Unicode mapping; a real font without one is hard
    # to make with PyPI tools, so the extraction result is substituted. The page itself shows
    # the plan, so OCR reads it (the real engine, one page).
    path = make_pdf(tmp_path / "garbled.pdf", [PLAN])
    monkeypatch.setattr(pypdf.PageObject, "extract_text", lambda *_, **__: "\ufffd" * 40 + "2024")

    raw = load_file(path)

    assert "\ufffd" not in raw.text
    assert "平江县" in raw.text and "85%" in raw.text
    assert [page for page, _ in raw.ocr] == [1] and raw.ocr[0][1] > 0.9


# --- DOCX ---------------------------------------------------------------------------------


def test_docx_comes_back_in_document_order_with_headings_and_table_rows(tmp_path: Path) -> None:
    blocks = [
        Heading("平江县2024年教育工作要点", level=0),
        Heading("一、工作目标", level=1),
        "三年学前教育毛入园率达到85%以上。",
        "",
        Table(rows=(("指标", "2023年", "2024年"), ("毛入园率", "83%", " 85% "))),
        Heading("（一）学前教育", level=2),
        "新建公办幼儿园3所。",
    ]
    path = make_docx(tmp_path / "plan.docx", blocks)

    raw = load_file(path)

    assert raw.source_format == "docx"
    assert raw.text == (
        "# 平江县2024年教育工作要点\n"
        "# 一、工作目标\n"
        "三年学前教育毛入园率达到85%以上。\n"
        "\n"
        "指标 | 2023年 | 2024年\n"
        "毛入园率 | 83% | 85%\n"
        "## （一）学前教育\n"
        "新建公办幼儿园3所。"
    )


@pytest.mark.parametrize(
    ("heading", "line"),
    [
        (Heading("工作目标", level=3), "### 工作目标"),
        (Heading("工作目标", level=6), "###### 工作目标"),
        (Heading("工作目标", style="标题 2"), "## 工作目标"),
        (Heading("工作目标", style="标题"), "# 工作目标"),
        (Heading("工作目标", style="正文首行缩进"), "工作目标"),
    ],
    ids=["heading-3", "heading-6", "chinese-heading-2", "chinese-title", "custom-body-style"],
)
def test_docx_heading_styles_become_markdown_levels(
    tmp_path: Path, heading: Heading, line: str
) -> None:
    path = make_docx(tmp_path / "plan.docx", [heading, "正文。"])

    assert load_file(path).text == f"{line}\n正文。"


def test_docx_merged_table_cells_appear_once_per_row(tmp_path: Path) -> None:
    table = Table(
        rows=(("学前教育", "", ""), ("毛入园率", "85%", "普惠率80%")), merged=((0, 0, 2),)
    )
    path = make_docx(tmp_path / "plan.docx", ["目标：", table])

    assert load_file(path).text == "目标：\n学前教育\n毛入园率 | 85% | 普惠率80%"


# --- refused files ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.pdf", "empty.docx"])
def test_empty_file_is_refused_as_empty(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")

    with pytest.raises(EmptyDocumentError) as caught:
        load_file(path)

    assert_refused(caught.value, path, "file is empty (0 bytes)")


@pytest.mark.parametrize(
    ("name", "content", "encoding"),
    [
        ("blank.txt", " \n\t\r\n ", "utf-8"),
        ("blank.md", "\n\n", "utf-8"),
        ("ideographic-spaces.txt", "\u3000\u3000\n", "gb18030"),
        ("bom-only.txt", "", "utf-8-sig"),
    ],
)
def test_whitespace_only_text_file_is_refused_as_having_no_text(
    tmp_path: Path, name: str, content: str, encoding: str
) -> None:
    path = make_text_file(tmp_path / name, content, encoding)

    with pytest.raises(EmptyDocumentError) as caught:
        load_file(path)

    assert_refused(caught.value, path, "no text in file")


def test_docx_with_only_empty_paragraphs_is_refused_as_having_no_text(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "blank.docx", ["", "  ", Table(rows=(("", ""),))])

    with pytest.raises(EmptyDocumentError) as caught:
        load_file(path)

    assert_refused(caught.value, path, "no text in file")


# (file name, maker, error, reason in the message)
BAD_FILES: list[tuple[str, Callable[[Path], Path], type[EduqaError], str]] = [
    ("random.txt", make_random_bytes, DecodingError, "not text: binary data"),
    ("random.md", make_random_bytes, DecodingError, "not text: binary data"),
    ("random.pdf", make_random_bytes, CorruptFileError, "cannot read PDF: not a PDF file"),
    (
        "truncated.pdf",
        lambda path: make_truncated_pdf(path, [PLAN, PLAN]),
        CorruptFileError,
        "cannot read PDF: file is truncated",
    ),
    (
        "almost-whole.pdf",
        lambda path: make_truncated_pdf(path, [PLAN, PLAN], keep=0.99),
        CorruptFileError,
        "cannot read PDF: file is truncated",
    ),
    (
        "truncated-linearized.pdf",
        lambda path: make_truncated_pdf(path, [PLAN, PLAN], keep=0.95, linearized=True),
        CorruptFileError,
        "cannot read PDF: file is truncated",
    ),
    (
        "locked.pdf",
        lambda path: make_encrypted_pdf(path, PLAN),
        EncryptedPdfError,
        "PDF is password-protected; remove the password and add it again",
    ),
    (
        "scan.pdf",
        lambda path: make_scanned_pdf(path, pages=2),
        ScannedPdfError,
        "no text on its pages, in a text layer or by OCR",
    ),
    ("random.docx", make_random_bytes, CorruptFileError, "cannot read DOCX: not a DOCX"),
    (
        "old-word.docx",
        make_ole_file,
        CorruptFileError,
        "cannot read DOCX: it is a password-protected or old-format (.doc) Word file",
    ),
    (
        "no-body.docx",
        lambda path: make_corrupt_docx(path, "missing-document-part"),
        CorruptFileError,
        "cannot read DOCX: There is no item named 'word/document.xml'",
    ),
    (
        "truncated.docx",
        lambda path: make_corrupt_docx(path, "truncated"),
        CorruptFileError,
        "cannot read DOCX: not a DOCX (zip) file, or truncated",
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "error", "reason"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_bad_file_is_refused_naming_file_and_reason(
    tmp_path: Path,
    name: str,
    make: Callable[[Path], Path],
    error: type[EduqaError],
    reason: str,
) -> None:
    path = tmp_path / name
    make(path)

    with pytest.raises(error) as caught:
        load_file(path)

    assert_refused(caught.value, path, reason)
    assert str(caught.value) == f"{path}: {caught.value.reason}"


def test_random_bytes_without_nul_named_txt_are_refused_as_undetectable(tmp_path: Path) -> None:
    noise = random.Random(1)
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(noise.randrange(1, 256) for _ in range(4096)))

    with pytest.raises(DecodingError) as caught:
        load_file(path)

    assert_refused(caught.value, path, "cannot detect the text encoding; save it as UTF-8")


@pytest.mark.parametrize("cut", [1, 2])  # bytes lost of the last three-byte character
def test_a_utf8_file_cut_inside_a_character_is_refused_as_cut_short(tmp_path: Path, cut: int):
    path = tmp_path / "cut.txt"
    path.write_bytes(PLAN.rstrip().encode("utf-8")[:-cut])

    with pytest.raises(DecodingError) as caught:
        load_file(path)

    assert_refused(
        caught.value, path, "the file ends in the middle of a UTF-8 character: it was cut short; "
        "save it again"
    )  # fmt: skip


def test_valid_utf8_of_control_characters_is_refused_as_binary(tmp_path: Path) -> None:
    path = make_text_file(tmp_path / "controls.txt", "".join(map(chr, range(1, 9))) * 64 + "教育")

    with pytest.raises(DecodingError) as caught:
        load_file(path)

    assert_refused(caught.value, path, "not text: binary data")


@pytest.mark.parametrize("name", ["plan.doc", "plan.xlsx", "plan.PPTX", "README"])
def test_unsupported_extension_is_refused_listing_supported_ones(tmp_path: Path, name: str) -> None:
    path = make_random_bytes(tmp_path / name)
    shown = Path(name).suffix.lower() or "(none)"

    with pytest.raises(UnsupportedFileError) as caught:
        load_file(path)

    assert_refused(
        caught.value,
        path,
        f"unsupported file type '{shown}'; eduqa reads .txt, .md, .pdf, .docx",
    )


# --- limits -------------------------------------------------------------------------------


def _with_part(path: Path, name: str, megabytes: int) -> Path:
    """A real DOCX with one more part of `megabytes` MB of zeros (deflated to almost nothing)."""
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package,
        package.open(name, "w") as part,
    ):
        for _ in range(megabytes):
            part.write(bytes(2**20))
    return path


@pytest.mark.parametrize(
    ("megabytes", "reason"),
    [
        (2, r"DOCX part word/bomb\.xml is compressed 10\d\d to 1; the limit is 100 to 1 \(a zip"),
        (201, r"DOCX unpacks to 20[12] MB; the limit is 200 MB \(a zip bomb\?\)"),
    ],
    ids=["ratio", "size"],
)
def test_a_docx_zip_bomb_is_refused_before_it_is_inflated(
    tmp_path: Path, megabytes: int, reason: str
) -> None:
    path = _with_part(make_docx(tmp_path / "bomb.docx", ["全年招聘教师200人。"]), "word/bomb.xml",
                      megabytes)  # fmt: skip
    tracemalloc.start()
    try:
        with pytest.raises(FileTooLargeError) as caught:
            load_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert path.name in str(caught.value) and re.search(reason, str(caught.value))
    assert peak < 20 * 2**20  # the file's bytes, never its inflated parts


@pytest.mark.parametrize(
    "text",
    ["。，、；：“”" * 40, "1、2、3、4、5、6、7、8、9、10。\n" * 20, "第一章"],
    ids=["marks", "figures", "short"],
)
def test_a_text_with_too_few_words_to_be_a_plan_is_refused(tmp_path: Path, text: str) -> None:
    path = make_text_file(tmp_path / "marks.txt", text)

    with pytest.raises(EmptyDocumentError) as caught:
        read_document(path, ChunkSettings())

    assert_refused(caught.value, path, "too little text to be a plan")


def test_a_text_longer_than_any_plan_is_refused_with_its_length(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "MAX_CHARS", 30)
    path = make_text_file(tmp_path / "long.txt", PLAN)

    with pytest.raises(FileTooLargeError) as caught:
        read_document(path, ChunkSettings())

    assert_refused(caught.value, path, f"text is {len(PLAN.strip())} characters; the limit is 30")
