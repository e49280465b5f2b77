"""Answer or abstain: the fitted candidate model ranks every candidate span, a fitted verifier
judges the best one, and it is the answer when its probability clears the threshold chosen on
`train`.

The probability is calibrated (Platt scaling on out-of-fold scores, `app/fit.py`), so it is
reported as the answer's confidence whether or not it is shown: `found` above the "found"
threshold, "可能相关" (`maybe`) between it and the "maybe" threshold, nothing below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .answer_features import (
    ANSWER_FEATURES,
    CLOSE,
    VERIFY_FEATURES,
    answer_features,
    verify_features,
)
from .candidates import Candidate, extract, joined
from .hits import SearchResult
from .models import ANSWER, VERIFY, load_model


@dataclass(frozen=True, slots=True)
class Decision:
    """The best candidate, how likely it answers, and what is shown."""

    best: Candidate | None  # the answer's span
    confidence: float  # probability that `best` answers the question
    found: bool  # shown as the answer
    maybe: bool  # shown as possibly relevant, not as the answer
    threshold: float  # the probability a candidate needs to be shown as an answer
    ranked: tuple[tuple[Candidate, float], ...] = ()  # every candidate with its probability


def decide(result: SearchResult) -> Decision:
    """Whether the result holds the answer, and which span it is.

    The candidate model ranks every span; the verifier turns the best one (with the margin to
    its rivals) into the calibrated probability that it answers. Other spans keep their
    candidate-model probability, which is what a question across plans compares per plan.
    """
    verifier = load_model(VERIFY, VERIFY_FEATURES)
    threshold = verifier.thresholds["found"]
    candidates = extract(result.question, result.hits) if result.in_scope else []
    if not candidates:
        return Decision(None, 0.0, False, False, threshold)
    model = load_model(ANSWER, ANSWER_FEATURES)
    rows = answer_features(result.question, candidates)
    logits = model.logit(rows)
    places = [c.place for c in candidates]
    confidence = float(verifier.probability(verify_features(logits, rows, places))[0])
    probability = model.probability(rows)
    order = np.argsort(-logits, kind="stable")
    ranked = tuple((candidates[i], float(probability[i])) for i in order)
    best = together(candidates, logits)
    found = confidence >= threshold
    maybe = not found and confidence >= verifier.thresholds["maybe"]
    return Decision(best, confidence, found, maybe, threshold, ranked)


def together(candidates: list[Candidate], logits: np.ndarray) -> Candidate:
    """The best candidate, joined with the spans of its statement of its kind that the model
    rates nearly as high (CLOSE): "招录义务段教师200人,招录公办幼儿教师30人" answers 教师招聘."""
    top = int(np.argmax(logits))
    best = candidates[top]
    near = tuple(
        c for c, logit in zip(candidates, logits, strict=True)
        if c.place == best.place and c.kind == best.kind and logit > logits[top] - CLOSE
    )  # fmt: skip
    return joined(near)
