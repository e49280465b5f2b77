"""Page photos and scans (.png, .jpg, .jpeg, .tif, .tiff) → text by OCR, one page per image
frame (a multi-page TIFF is a whole plan), pages separated by form feeds as in a PDF; and the
photos of one plan's pages joined into one image-only PDF, so that a plan is one document."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import CorruptFileError, OcrUnavailableError, ScannedPdfError, short_reason
from .ocr import Ocr, read_pages
from .types import RawText

MAX_PIXELS = 200_000_000  # a page at 600 dpi is 35 million; more is a decompression bomb


def load_image(path: Path, data: bytes, ocr: Ocr | None = None) -> RawText:
    """The text of an image file's pages, read by OCR; refuses files that are not images."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # checks the file's structure without decoding it all
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise CorruptFileError(path, f"cannot read image: {short_reason(error)}") from None
    try:
        read = read_pages(data, range(frames), render_frame, ocr or Ocr())
    except OcrUnavailableError as error:
        raise ScannedPdfError(path, f"an image needs OCR, and {error.reason}") from None
    except (OSError, ValueError) as error:
        raise CorruptFileError(path, f"cannot read image: {short_reason(error)}") from None
    text = "\f".join(read[n].text for n in range(frames))
    if not text.strip():
        raise ScannedPdfError(path, "no text found in the image by OCR")
    confidences = tuple((n + 1, read[n].confidence) for n in range(frames))
    return RawText(text, "image", ocr=confidences)


def render_frame(data: bytes, n: int) -> np.ndarray:
    """Frame n of an image file as an RGB array."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        image.seek(n)
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


A4_WIDTH = 8.27  # inches: each joined page is as wide as A4, so it renders near the OCR dpi


def join_pages(pages: Sequence[tuple[str, bytes]]) -> bytes:
    """(name, bytes) page photos of one plan as one image-only PDF, in the order given, every
    frame of a multi-page TIFF a page; a file that is not an image is refused by name.

    Pages are scaled to the widest one's width and set A4 wide, so each renders near the OCR
    resolution, and kept as JPEG of quality 95 (the default 75 blurs small print)."""
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    images = []
    for name, data in pages:
        try:
            with Image.open(io.BytesIO(data)) as image:
                images += [ImageOps.exif_transpose(frame).convert("RGB")
                           for frame in ImageSequence.Iterator(image)]  # fmt: skip
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
            raise CorruptFileError(name, f"cannot read image: {short_reason(error)}") from None
    if not images:
        raise CorruptFileError("pages", "no page photos to join")
    width = max(image.width for image in images)
    images = [i if i.width == width else i.resize((width, round(i.height * width / i.width)))
              for i in images]  # fmt: skip
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=width / A4_WIDTH,
                   quality=95)  # fmt: skip
    return out.getvalue()


def in_page_order(pages: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Page photos in the natural order of their names: p2 before p10."""
    return sorted(pages, key=lambda page: _natural(page[0]))


def _natural(name: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name.lower())]
