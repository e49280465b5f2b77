"""How far a QA run's `confidence` can be trusted: does it rank right answers above the rest
(AUC), does a stated 70% come true 70% of the time (reliability table), and what precision and
recall of "found" each threshold would give (the precision/recall curve).

A question counts as right when its best candidate, shown or not, answers it; an unanswerable
question is never right. Only single-answer and unanswerable questions are judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True, slots=True)
class Bin:
    low: float
    high: float
    questions: int
    mean_confidence: float | None
    share_right: float | None


@dataclass(frozen=True, slots=True)
class Point:
    threshold: float | None  # None: the app's own decisions
    precision: float | None  # of the questions answered at this threshold, the share right
    recall: float | None  # of the answerable questions, the share answered right


@dataclass(frozen=True, slots=True)
class Calibration:
    auc: float | None  # right questions above wrong and unanswerable ones
    reliability: tuple[Bin, ...]
    curve: tuple[Point, ...]  # "found" at each threshold
    found: Point  # at the thresholds the app uses (as run)

    def to_dict(self) -> dict:
        return {
            "auc": self.auc,
            "reliability": [_fields(b) for b in self.reliability],
            "curve": [_fields(p) for p in self.curve],
            "found": _fields(self.found),
        }


def _fields(record) -> dict:
    return {name: getattr(record, name) for name in record.__slots__}


def auc(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half)."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(positive, dtype=bool)
    if y.all() or not y.any():
        return None
    greater = (s[y][:, None] > s[~y][None, :]).mean()
    ties = (s[y][:, None] == s[~y][None, :]).mean()
    return round(float(greater + ties / 2), 4)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def calibration(outcomes: Sequence[tuple[float, bool, bool, bool]]) -> Calibration:
    """From (confidence, best candidate right, answerable, found) per question."""
    conf = np.array([o[0] for o in outcomes], dtype=float)
    right = np.array([o[1] for o in outcomes], dtype=bool)
    answerable = np.array([o[2] for o in outcomes], dtype=bool)
    found = np.array([o[3] for o in outcomes], dtype=bool)
    bins = []
    for low, high in zip(BINS[:-1], BINS[1:], strict=True):
        inside = (conf >= low) & ((conf < high) if high < 1.0 else (conf <= high))
        n = int(inside.sum())
        bins.append(Bin(low, high, n, _round(conf[inside].mean()) if n else None,
                        _round(right[inside].mean()) if n else None))  # fmt: skip

    def point(threshold: float | None, shown: np.ndarray) -> Point:
        n_shown, n_answerable = int(shown.sum()), int(answerable.sum())
        hits = int((shown & right).sum())
        return Point(threshold, _round(hits / n_shown) if n_shown else None,
                     _round(hits / n_answerable) if n_answerable else None)  # fmt: skip

    curve = tuple(point(t, conf >= t) for t in THRESHOLDS)
    return Calibration(auc(conf, right), tuple(bins), curve, point(None, found))
