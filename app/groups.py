"""Groups of indicators that measure the same thing across plans, with user corrections.

学前三年毛入园率 / 三年学前教育毛入园率 / 学前教育毛入园率 are one indicator worded three ways;
小学入学率 and 初中入学率, or 一年 and 三年学前教育入园率, are not, although an embedding finds
them just as close. So two indicators may share a group only when they are compatible (the same
base unit, no conflicting school stage, scope or number), and then their similarity blends the
embedding cosine with shared character bigrams. Grouping is complete-linkage: an indicator joins a
group only when it is similar enough to every member, so chains of near neighbours do not glue
unrelated indicators together. A group's confidence is its weakest pairwise similarity.

Users correct the result with `merge` (these indicators are one group) and `split` (this
indicator stands alone); corrections are kept in a JSON file beside the corpus so they survive
rebuilds, keyed by the normalised indicator text.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.targets import indicator_key

THRESHOLD = 0.6  # blended similarity an indicator needs to every member of a group
_COSINE_FLOOR = 0.85  # e5 cosines of unrelated short phrases sit around here
_COSINE_WEIGHT = 0.6
# words that split an indicator by population, place or level: 小学入学率 is not 初中入学率,
# 省级示范幼儿园 not 市级示范幼儿园
_MARKERS = re.compile(
    r"学前|幼儿|小学|初中|高中|普高|中职|职业|职高|中专|高职|义务|特殊|特教|残疾|三残|高等|本科|"
    r"一本|二本|三本|专科|城区|城镇|农村|乡村|乡镇|县城|超大|民办|公办|寄宿|留守|贫困|男|女|"
    r"国家级|省级|市级|县级|校级|全国|全省"
)
# markers whose absence is a meaning too: 超大班额 is not 大班额, 毛入园率 is not 入园率
_STRICT_MARKERS = re.compile(r"超大|毛|净")
_NUMERALS = re.compile(r"\d+|[一二两三四五六七八九十]")
_UNIT_FAMILY = {"名": "人"}  # 招聘教师50名 and 招聘教师50人 count the same people


@dataclass(frozen=True, slots=True)
class IndicatorGroup:
    """Indicators (normalised keys) taken as one; `label` is the commonest wording."""

    label: str
    members: tuple[str, ...]
    confidence: float  # lowest pairwise similarity; 1.0 for one member or a user's merge
    by_user: bool = False


@dataclass
class GroupCorrections:
    """A user's merges and splits, kept in `path`; keys are `indicator_key` texts."""

    path: Path
    merged: list[list[str]] = field(default_factory=list)
    separate: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> GroupCorrections:
        if not path.exists():
            return cls(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(path, [list(g) for g in data.get("merged", [])], list(data.get("separate", [])))

    def merge(self, indicators: Iterable[str]) -> None:
        """Make these indicators one group, taking them out of any earlier merge or split."""
        keys = list(dict.fromkeys(indicator_key(i) for i in indicators))
        self._release(keys)
        self.merged.append(keys)

    def split(self, indicator: str) -> None:
        """Let this indicator stand alone."""
        key = indicator_key(indicator)
        self._release([key])
        self.separate.append(key)

    def reset(self) -> None:
        self.merged.clear()
        self.separate.clear()

    def _release(self, keys: list[str]) -> None:
        self.merged = [
            rest for g in self.merged if len(rest := [k for k in g if k not in keys]) > 1
        ]
        self.separate = [k for k in self.separate if k not in keys]

    def save(self) -> None:
        """Write atomically: a crash leaves the old corrections, never half a file."""
        payload = {"merged": self.merged, "separate": self.separate}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


def similarity(a: str, b: str, vec_a: np.ndarray | None, vec_b: np.ndarray | None) -> float:
    """Blended similarity of two indicator keys in [0, 1]; 0 when they cannot be the same."""
    if a == b:
        return 1.0
    if not compatible(a, b):
        return 0.0
    shared = dice(a, b)
    if vec_a is None or vec_b is None:
        return shared
    cosine = float(np.dot(vec_a, vec_b))
    scaled = min(1.0, max(0.0, (cosine - _COSINE_FLOOR) / (1 - _COSINE_FLOOR)))
    return _COSINE_WEIGHT * scaled + (1 - _COSINE_WEIGHT) * shared


def compatible(a: str, b: str) -> bool:
    """No conflicting stage/place marker and no conflicting numeral ("一年" vs "三年")."""
    markers_a, markers_b = set(_MARKERS.findall(a)), set(_MARKERS.findall(b))
    if markers_a != markers_b and markers_a and markers_b:
        return False
    if set(_STRICT_MARKERS.findall(a)) != set(_STRICT_MARKERS.findall(b)):
        return False
    numerals_a, numerals_b = set(_NUMERALS.findall(a)), set(_NUMERALS.findall(b))
    return not (numerals_a != numerals_b and numerals_a and numerals_b)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def dice(a: str, b: str) -> float:
    """Share of character bigrams two texts have in common (Dice), in [0, 1]."""
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def unit_family(unit: str) -> str:
    return _UNIT_FAMILY.get(unit, unit)


def group_indicators(
    counts: Mapping[tuple[str, str], int],
    vectors: Mapping[str, np.ndarray],
    corrections: GroupCorrections | None = None,
) -> dict[tuple[str, str], IndicatorGroup]:
    """The group of every (indicator key, unit family), from how often each occurs.

    Frequent indicators seed groups first, so a group's label is its commonest wording.
    """
    merged = corrections.merged if corrections else []
    separate = set(corrections.separate) if corrections else set()
    forced = {key: tuple(group) for group in merged for key in group}
    by_unit: dict[str, list[str]] = {}
    for key, unit in counts:
        by_unit.setdefault(unit, []).append(key)
    out: dict[tuple[str, str], IndicatorGroup] = {}
    for unit, keys in by_unit.items():
        keys.sort(key=lambda k: (-counts[(k, unit)], len(k), k))
        clusters: list[list[str]] = []
        user_groups: dict[tuple[str, ...], list[str]] = {}
        for key in keys:
            if key in forced:
                user_groups.setdefault(forced[key], []).append(key)
                continue
            best = None if key in separate else _best_cluster(key, clusters, vectors, separate)
            if best is None:
                clusters.append([key])
            else:
                best.append(key)
        for members in user_groups.values():
            group = IndicatorGroup(members[0], tuple(members), 1.0, by_user=True)
            out.update({(k, unit): group for k in members})
        for members in clusters:
            group = IndicatorGroup(members[0], tuple(members), _weakest(members, vectors))
            out.update({(k, unit): group for k in members})
    return out


def _best_cluster(
    key: str, clusters: list[list[str]], vectors: Mapping[str, np.ndarray], separate: set[str]
) -> list[str] | None:
    best, best_score = None, THRESHOLD
    vec = vectors.get(key)
    for members in clusters:
        if members[0] in separate:
            continue
        score = min(similarity(key, m, vec, vectors.get(m)) for m in members)
        if score >= best_score:
            best, best_score = members, score
    return best


def _weakest(members: list[str], vectors: Mapping[str, np.ndarray]) -> float:
    if len(members) == 1:
        return 1.0
    return round(
        min(
            similarity(a, b, vectors.get(a), vectors.get(b))
            for i, a in enumerate(members)
            for b in members[i + 1 :]
        ),
        3,
    )


def label_counts(pairs: Iterable[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """How often each (indicator key, unit family) occurs among (indicator, unit) pairs."""
    return Counter((indicator_key(ind), unit_family(unit)) for ind, unit in pairs)
