"""Crash points for the fault-injection tests: a write killed at a named step of its protocol.

`EDUQA_CRASH_AT=step` makes the process kill itself (SIGKILL, as a power cut or the OOM killer
would) when it reaches that step, so a test can check what the next writer finds. Unset, as in
every real run, a crash point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

CRASH_AT = "EDUQA_CRASH_AT"


def crash_point(step: str) -> None:
    """Die here, at once and without clean-up, when the environment names this step."""
    if os.environ.get(CRASH_AT) == step:
        os.kill(os.getpid(), signal.SIGKILL)
