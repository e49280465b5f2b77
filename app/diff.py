"""Two plans side by side: sections aligned by outline and meaning, what is new, dropped, changed.

Plans of one county in two years keep much of their outline but renumber and reword it ("三、
工作措施" becomes "二、主要任务"), so headings alone do not align them and neither does meaning
alone (every section of an education plan is about education). A section pair's similarity
blends its headings' shared character bigrams (numbering stripped) with the cosine of the
sections' mean passage vectors, read from the index, so a diff needs no model. Pairs are taken
best first, one-to-one, above a floor; the sections left over are new or dropped.

Inside an aligned pair, sentences are matched by shared character bigrams: an identical one is
unchanged, a close one was changed (shown old → new), the rest are new or dropped. Targets
are paired by indicator group and shown old → new where their values differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.filters import Filters
from ingest.chunking import sentence_spans

from .engine import Engine
from .groups import dice, unit_family
from .targets import TargetRow, table

SECTION_FLOOR = 0.45  # blended similarity below which two sections are not the same section
_CHANGED_SENTENCE = 0.5  # bigram Dice: the same sentence reworded or with a figure updated
_COSINE_FLOOR = 0.75  # e5 cosine of two unrelated sections of education plans
_NUMBERING = re.compile(
    r"^[\s#]*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.])"
)


@dataclass(frozen=True, slots=True)
class Section:
    """A heading path's text in one plan, with the mean vector of its passages."""

    heading: str  # the path joined with " › "; "" for text before the first heading
    start: int
    end: int
    sentences: tuple[str, ...]
    vector: np.ndarray


@dataclass(frozen=True, slots=True)
class SentenceChange:
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class SectionDiff:
    """One aligned section; `status` is same, changed, new (only in B) or dropped (only in A)."""

    status: str
    old: str | None  # heading in A
    new: str | None  # heading in B
    similarity: float
    changes: tuple[SentenceChange, ...]  # new, dropped and reworded sentences

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "old": self.old,
            "new": self.new,
            "similarity": round(self.similarity, 3),
            "changes": [{"old": c.old, "new": c.new} for c in self.changes],
        }


@dataclass(frozen=True, slots=True)
class TargetChange:
    """A figure of one indicator group in both plans (or one): changed, same, new or dropped."""

    status: str
    group: str
    unit: str
    old: TargetRow | None
    new: TargetRow | None

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "group": self.group,
            "unit": self.unit,
            "old": self.old.to_dict() if self.old else None,
            "new": self.new.to_dict() if self.new else None,
        }


@dataclass(frozen=True, slots=True)
class PlanDiff:
    old_doc: str
    new_doc: str
    sections: tuple[SectionDiff, ...]  # in the order of plan B, dropped sections last
    targets: tuple[TargetChange, ...]  # changed first, then new, dropped, same

    def to_dict(self) -> dict:
        return {
            "old_doc": self.old_doc,
            "new_doc": self.new_doc,
            "sections": [s.to_dict() for s in self.sections],
            "targets": [t.to_dict() for t in self.targets],
        }


def diff(engine: Engine, old: str, new: str) -> PlanDiff:
    """Plan `old` (A) against plan `new` (B), both named by file name (extension optional).

    Raises:
        DocumentNotFoundError: a name that is not indexed.
    """
    doc_a, doc_b = engine.index.find_document(old), engine.index.find_document(new)
    sections_a = _sections(engine, doc_a.doc_id)
    sections_b = _sections(engine, doc_b.doc_id)
    pairs = _align(sections_a, sections_b)
    by_b = {j: (i, score) for i, j, score in pairs}
    matched_a = {i for i, _, _ in pairs}
    out = []
    for j, section in enumerate(sections_b):
        if j in by_b:
            i, score = by_b[j]
            out.append(_section_diff(sections_a[i], section, score))
        else:
            changes = tuple(SentenceChange(None, s) for s in section.sentences)
            out.append(SectionDiff("new", None, section.heading, 0.0, changes))
    for i, section in enumerate(sections_a):
        if i not in matched_a:
            changes = tuple(SentenceChange(s, None) for s in section.sentences)
            out.append(SectionDiff("dropped", section.heading, None, 0.0, changes))
    targets = _target_changes(
        table(engine, filters=Filters(doc_ids=(doc_a.doc_id,))),
        table(engine, filters=Filters(doc_ids=(doc_b.doc_id,))),
    )
    return PlanDiff(doc_a.file_name, doc_b.file_name, tuple(out), targets)


def _sections(engine: Engine, doc_id: str) -> list[Section]:
    rows = engine.index.document_chunks(doc_id)
    vectors = engine.index.passage_vectors(rows)
    text = engine.index.document_text(doc_id)
    grouped: dict[tuple[str, ...], list[int]] = {}
    for n, row in enumerate(rows):
        grouped.setdefault(row.chunk.section, []).append(n)
    sections = []
    for path, members in grouped.items():
        start, end = rows[members[0]].chunk.start, rows[members[-1]].chunk.end
        mean = vectors[members].mean(axis=0)
        sentences = tuple(
            s
            for a, b in sentence_spans(text, start, end, 200)
            if (s := text[a:b].strip()) and s not in path
        )
        sections.append(
            Section(" › ".join(path), start, end, sentences, mean / (np.linalg.norm(mean) or 1.0))
        )
    return sections


def _align(a: list[Section], b: list[Section]) -> list[tuple[int, int, float]]:
    """One-to-one (i, j, similarity) pairs, best first, above the floor."""
    scored = sorted(
        ((_section_similarity(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)),
        reverse=True,
    )
    used_a, used_b, pairs = set(), set(), []
    for score, i, j in scored:
        if score < SECTION_FLOOR:
            break
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j, score))
    return pairs


def _section_similarity(a: Section, b: Section) -> float:
    cosine = float(np.dot(a.vector, b.vector))
    meaning = min(1.0, max(0.0, (cosine - _COSINE_FLOOR) / (1 - _COSINE_FLOOR)))
    headings = dice(_title(a.heading), _title(b.heading))
    return 0.5 * meaning + 0.5 * headings


def _title(heading: str) -> str:
    last = heading.rsplit(" › ", 1)[-1]
    return _NUMBERING.sub("", last)


def _section_diff(a: Section, b: Section, score: float) -> SectionDiff:
    changes: list[SentenceChange] = []
    used: set[int] = set()
    for sentence in b.sentences:
        best, best_score = None, 0.0
        for i, old in enumerate(a.sentences):
            if i not in used and (d := dice(old, sentence)) > best_score:
                best, best_score = i, d
        if best is not None and best_score >= _CHANGED_SENTENCE:
            used.add(best)
            if a.sentences[best] != sentence:
                changes.append(SentenceChange(a.sentences[best], sentence))
        else:
            changes.append(SentenceChange(None, sentence))
    changes += [SentenceChange(s, None) for i, s in enumerate(a.sentences) if i not in used]
    status = "changed" if changes else "same"
    return SectionDiff(status, a.heading, b.heading, score, tuple(changes))


def _target_changes(old: list[TargetRow], new: list[TargetRow]) -> tuple[TargetChange, ...]:
    """Figures paired by indicator group (and the same indicator first, in text order)."""
    pending: dict[tuple[str, str], list[TargetRow]] = {}
    for row in old:
        pending.setdefault((row.group, unit_family(row.unit)), []).append(row)
    changes: list[TargetChange] = []
    for row in new:
        key = (row.group, unit_family(row.unit))
        candidates = pending.get(key, [])
        if not candidates:
            changes.append(TargetChange("new", row.group, row.unit, None, row))
            continue
        same_words = [c for c in candidates if c.indicator == row.indicator]
        match = (same_words or candidates)[0]
        candidates.remove(match)
        moved = (match.value, match.value_max) != (row.value, row.value_max)
        changes.append(
            TargetChange("changed" if moved else "same", row.group, row.unit, match, row)
        )
    for rows in pending.values():
        changes += [TargetChange("dropped", r.group, r.unit, r, None) for r in rows]
    order = {"changed": 0, "new": 1, "dropped": 2, "same": 3}
    return tuple(sorted(changes, key=lambda c: order[c.status]))
