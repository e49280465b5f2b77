"""Precision and recall of targets extraction against hand-labelled figures (`evals/targets_gold/`).

A gold row gives the clause (`text`, exact in the cleaned text; `occurrence` when it repeats),
the `figure` inside it, and the indicator, value, unit and qualifier a person reads there. A
predicted row matches a gold row when their figures overlap in the cleaned text (one-to-one).
Each field is then scored on its own:
- value: the matched row has the gold value and upper value (the figure was found and read);
- unit: ... and the gold base unit;
- indicator: ... and the gold indicator or an accepted variant (`indicator_alt`), compared after
  `indicator_key` normalisation, allowing a character overlap (F1) of 0.8 for a word more or less;
- qualifier and kind: the value is right and so is the 以上/控制在… word or target/result.
Precision divides by predicted rows, recall by gold rows. Rows the labeller marked `doubtful` are
left out of both sides: finding them is neither a hit nor a false alarm.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.chunking import ChunkSettings
from ingest.errors import ConfigError
from ingest.pipeline import read_document
from ingest.targets import indicator_key
from ingest.types import Target

FIELDS = ("value", "unit", "indicator", "qualifier", "kind")
INDICATOR_OVERLAP = 0.8


@dataclass(frozen=True, slots=True)
class GoldFigure:
    doc: str
    figure_start: int
    figure_end: int
    indicators: tuple[str, ...]  # the label first, then accepted variants
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None
    kind: str | None
    doubtful: bool


@dataclass(frozen=True, slots=True)
class FieldScore:
    precision: float
    recall: float


@dataclass(frozen=True, slots=True)
class ExtractionReport:
    docs: tuple[str, ...]
    gold: int  # gold rows scored (doubtful ones left out)
    predicted: int
    scores: dict[str, FieldScore]
    misses: tuple[str, ...]  # gold figures not found with the right value, "doc: clause"
    false_alarms: tuple[str, ...]  # predicted figures no gold row has, "doc: clause"

    def to_dict(self) -> dict:
        return {
            "docs": list(self.docs),
            "gold": self.gold,
            "predicted": self.predicted,
            **{
                f"{f}_{m}": getattr(s, m)
                for f, s in self.scores.items()
                for m in ("precision", "recall")
            },
            "misses": list(self.misses),
            "false_alarms": list(self.false_alarms),
        }


def load_gold(path: Path, text: str) -> list[GoldFigure]:
    """Gold rows of one document, located in its cleaned `text`; a bad row names its line."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        start = _nth(text, d["text"], d.get("occurrence", 0))
        inner = d["text"].find(d["figure"])
        if start < 0 or inner < 0:
            raise ConfigError(f"{path}:{n}", "clause or figure not found in the cleaned text")
        rows.append(
            GoldFigure(
                doc=d["doc"],
                figure_start=start + inner,
                figure_end=start + inner + len(d["figure"]),
                indicators=(d["indicator"], *d.get("indicator_alt", [])),
                value=float(d["value"]),
                value_max=None if d.get("value_max") is None else float(d["value_max"]),
                unit=d["unit"],
                qualifier=d.get("qualifier"),
                kind=d.get("kind"),
                doubtful=bool(d.get("doubtful")),
            )
        )
    return rows


def _nth(text: str, needle: str, n: int) -> int:
    at = -1
    for _ in range(n + 1):
        at = text.find(needle, at + 1)
        if at < 0:
            return -1
    return at


def evaluate_extraction(gold_dir: Path, corpus_dir: Path) -> ExtractionReport:
    """Run extraction on every labelled document of `corpus_dir` and score it."""
    files = sorted(gold_dir.glob("*.jsonl"))
    if not files:
        raise ConfigError(gold_dir, "no labelled documents (*.jsonl) here")
    counts: Counter[str] = Counter()
    gold_total = predicted_total = 0
    misses: list[str] = []
    false_alarms: list[str] = []
    for path in files:
        doc = read_document(corpus_dir / f"{path.stem}.txt", ChunkSettings())
        gold = load_gold(path, doc.text)
        pairs, unmatched = _match(gold, doc.targets)
        scored = [(g, t) for g, t in pairs if not g.doubtful]
        gold_total += sum(not g.doubtful for g in gold)
        predicted_total += len(scored) + len(unmatched)
        for g, t in scored:
            for name in FIELDS:
                counts[name] += _correct(name, g, t)
        found = {id(g) for g, t in scored if _correct("value", g, t)}
        misses += [
            f"{doc.file_name}: {doc.text[g.figure_start - 12 : g.figure_end + 4]}"
            for g in gold
            if not g.doubtful and id(g) not in found
        ]
        false_alarms += [f"{doc.file_name}: {t.text}" for t in unmatched]
    scores = {
        name: FieldScore(
            precision=round(counts[name] / predicted_total, 3) if predicted_total else 0.0,
            recall=round(counts[name] / gold_total, 3) if gold_total else 0.0,
        )
        for name in FIELDS
    }
    return ExtractionReport(
        docs=tuple(f"{p.stem}.txt" for p in files),
        gold=gold_total,
        predicted=predicted_total,
        scores=scores,
        misses=tuple(misses),
        false_alarms=tuple(false_alarms),
    )


def _match(
    gold: list[GoldFigure], predicted: Iterable[Target]
) -> tuple[list[tuple[GoldFigure, Target]], list[Target]]:
    """One-to-one pairs of overlapping figures, and the predicted rows left over."""
    free = list(gold)
    pairs, unmatched = [], []
    for t in predicted:
        overlapping = [
            g for g in free if g.figure_start < t.figure_end and t.figure_start < g.figure_end
        ]
        if not overlapping:
            unmatched.append(t)
            continue
        g = max(
            overlapping,
            key=lambda g: min(g.figure_end, t.figure_end) - max(g.figure_start, t.figure_start),
        )
        free.remove(g)
        pairs.append((g, t))
    return pairs, unmatched


def _correct(field_name: str, gold: GoldFigure, target: Target) -> bool:
    value_ok = abs(gold.value - target.value) < 1e-6 and gold.value_max == target.value_max
    if field_name == "value":
        return value_ok
    if field_name == "unit":
        return value_ok and gold.unit == target.unit
    if field_name == "qualifier":
        return value_ok and gold.qualifier == target.qualifier
    if field_name == "kind":
        return value_ok and gold.kind == target.kind
    return value_ok and gold.unit == target.unit and _same_indicator(gold, target.indicator)


def _same_indicator(gold: GoldFigure, indicator: str) -> bool:
    predicted = indicator_key(indicator)
    return any(
        _overlap(indicator_key(label), predicted) >= INDICATOR_OVERLAP for label in gold.indicators
    )


def _overlap(a: str, b: str) -> float:
    """F1 of the characters two strings share (as multisets)."""
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b))
