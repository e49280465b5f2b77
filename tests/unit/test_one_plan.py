"""Page photos joined into one plan: one image-only PDF, pages in the natural order of their
names, other uploads untouched, a broken photo refused by name."""

from __future__ import annotations

import io

import pypdf
import pytest
from PIL import Image

from app.uploads import one_plan
from ingest.errors import CorruptFileError


def _photo(width: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, 2 * width), "white").save(out, "PNG")
    return out.getvalue()


def test_photos_become_one_pdf_in_page_order_and_other_files_pass() -> None:
    files = [("p10.png", _photo(300)), ("plan.txt", b"text"), ("p2.png", _photo(150))]

    (joined, pdf), other = one_plan(files)

    assert joined == "p2.pdf" and other == ("plan.txt", b"text")
    widths = [float(page.mediabox.width) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert widths[0] < widths[1]  # p2 (the narrow photo) first, though "p10" sorts first
    assert widths[1] == pytest.approx(8.27 * 72, rel=0.01)  # the widest photo is A4 wide


def test_a_single_photo_is_joined_only_when_named_and_a_broken_one_is_refused() -> None:
    assert one_plan([("a.png", _photo(100))]) == [("a.png", _photo(100))]
    assert one_plan([("a.png", _photo(100))], "plan")[0][0] == "plan.pdf"

    with pytest.raises(CorruptFileError, match="b.jpg: cannot read image"):
        one_plan([("a.png", _photo(100)), ("b.jpg", b"not an image")])
