"""An OCR worker process: `python -m ingest.ocr_worker THREADS` reads page images (pickled
arrays) from its stdin and writes each page's lines back to its stdout, until stdin closes.

Started by `ingest.ocr.read_pages`, one per core. Launched with `-m` rather than by
multiprocessing, whose spawn and forkserver children re-run the program that started them as
`__mp_main__` (a Streamlit script runs as `__main__`). The channel is the process's original
stdout; once the worker runs, anything a library prints goes to stderr instead, so it cannot
corrupt a message (the reader treats a garbled reply as a stopped worker).
"""

from __future__ import annotations

import os
import pickle
import sys

from .errors import OcrUnavailableError, short_reason
from .ocr import recognise, rows_of


def main() -> None:
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    images = sys.stdin.buffer
    while True:
        try:
            image = pickle.load(images)
        except EOFError:  # the reader closed the pipe, or is gone
            return
        try:
            reply = ("page", rows_of(recognise(image, threads)))
        except OcrUnavailableError as error:
            reply = ("unavailable", error.reason)
        except Exception as error:  # a page the engine cannot read: the worker goes on
            reply = ("unreadable", short_reason(error))
        pickle.dump(reply, channel)
        channel.flush()


if __name__ == "__main__":
    main()
