"""The fitted models of the question path, as plain numbers in JSON files beside this module.

A model is a logistic regression over standardised features followed by a calibration (Platt
scaling fitted on out-of-fold scores), so `probability` is a probability, not a score. Both are
fitted by `app/fit.py` on the `train` split (`eduqa fit`); applying them needs only numpy, so the
app does not import scikit-learn. Each file records what it was fitted on and its thresholds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from ingest.errors import ConfigError

from .words import Words

FITTED = Path(__file__).parent / "fitted"
RERANK = "rerank"
ANSWER = "answer"
VERIFY = "verify"
WORDS = "words"


@dataclass(frozen=True)
class LinearModel:
    """Calibrated logistic regression over named features."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    platt: tuple[float, float]  # probability = sigmoid(a * logit + b)
    thresholds: dict[str, float] = field(default_factory=dict)  # "found", "maybe"
    fitted_on: dict = field(default_factory=dict)  # data, sizes, cross-validated numbers

    def logit(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.coef + self.intercept

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated probability of each row being a positive (an answer, a relevant passage)."""
        if len(rows) == 0:
            return np.zeros(0)
        a, b = self.platt
        return 1.0 / (1.0 + np.exp(-(a * self.logit(rows) + b)))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "platt": list(self.platt),
            "thresholds": self.thresholds,
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_dict(cls, data: dict) -> LinearModel:
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            platt=(float(data["platt"][0]), float(data["platt"][1])),
            thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()},
            fitted_on=data.get("fitted_on", {}),
        )


def save_model(model: LinearModel, name: str, folder: Path = FITTED) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    load_model.cache_clear()
    return path


@cache
def load_model(name: str, expected: tuple[str, ...], folder: Path = FITTED) -> LinearModel:
    """A fitted model; an error naming the file when it is missing or fitted on other features
    (the features changed since: run `eduqa fit`)."""
    path = folder / f"{name}.json"
    try:
        model = LinearModel.from_dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(str(path), f"cannot read the fitted {name} model ({exc})") from exc
    if model.features != expected:
        raise ConfigError(
            str(path), "fitted on other features than the code computes; run `eduqa fit`"
        )
    return model


def save_words(words: Words, folder: Path = FITTED) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{WORDS}.json"
    text = json.dumps(words.to_dict(), ensure_ascii=False, indent=1, sort_keys=True)
    path.write_text(text + "\n", "utf-8")
    load_words.cache_clear()
    return path


@cache
def load_words(folder: Path = FITTED) -> Words:
    """The fitted word statistics; none (every word at its idf) before the first fit."""
    path = folder / f"{WORDS}.json"
    if not path.exists():
        return Words()
    try:
        return Words.from_dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError) as exc:
        raise ConfigError(str(path), f"cannot read the fitted word statistics ({exc})") from exc
