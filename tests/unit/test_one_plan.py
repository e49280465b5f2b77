"""Page photos joined into one plan: one image-only PDF, pages in the natural order of their
names, other uploads untouched, a broken photo refused by name."""

from __future__ import annotations

import io

import pypdf
import pytest
from PIL import Image

from app.uploads import one_plan
from ingest.errors import ConfigError, CorruptFileError


def _photo(width: int, height: int | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height or 2 * width), "white").save(out, "PNG")
    return out.getvalue()


def test_photos_become_one_pdf_in_page_order_and_other_files_pass() -> None:
    files = [("p10.png", _photo(300, 300)), ("plan.txt", b"text"), ("p2.png", _photo(150))]

    (joined, pdf), other = one_plan(files)

    assert joined == "p2.pdf" and other == ("plan.txt", b"text")
    boxes = [page.mediabox for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert [float(b.width) for b in boxes] == pytest.approx([8.27 * 72] * 2, rel=0.01)  # A4 wide
    assert float(boxes[0].height) > float(boxes[1].height)  # p2 (the tall photo) first


def test_a_single_photo_is_joined_only_when_named_and_a_broken_one_is_refused() -> None:
    assert one_plan([("a.png", _photo(100))]) == [("a.png", _photo(100))]
    assert one_plan([("a.png", _photo(100))], "plan")[0][0] == "plan.pdf"
    assert one_plan([("a.png", _photo(100))], "要点v1.2")[0][0] == "要点v1.2.pdf"

    with pytest.raises(CorruptFileError, match="b.jpg: cannot read image"):
        one_plan([("a.png", _photo(100)), ("b.jpg", b"not an image")])


def test_every_frame_of_a_multi_page_tiff_is_a_page() -> None:
    out = io.BytesIO()
    first, second = Image.new("RGB", (100, 200), "white"), Image.new("RGB", (100, 200), "grey")
    first.save(out, "TIFF", save_all=True, append_images=[second])

    ((_, pdf),) = one_plan([("scan.tif", out.getvalue()), ("last.png", _photo(100))])

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 3


def test_a_named_plan_without_a_photo_is_refused_with_the_reason() -> None:
    with pytest.raises(ConfigError, match="--one-plan: none of the files is a page photo"):
        one_plan([("plan.txt", b"text")], "plan")
