"""A topic across plans: each plan's best passages on it, grouped by region, ordered by year.

Every plan is searched on its own (a `Filters` restricted to its id), so a plan with few
matching passages is not crowded out of a corpus-wide candidate list by a plan with many.

Relevance: a passage is shown only when it holds every word of the topic (a word is met by any
of its synonyms, `SYNONYMS`). A search score threshold does not work here: hybrid scores
are normalised per search, so the same score means different things for different topics, and
a plan that never mentions the topic still gets passages that share a character with it. The
topic is cut into dictionary words; single characters jieba leaves loose are glued back to their
neighbours (大/班/额 → 大班额, 毛 + 入园率 → 毛入园率), so a loose character does not match
everywhere. Measured on the five seed plans: "大班额" selects 000, 001, 003, 004 (002 never says
it); "集团化办学" selects 000, 001, 004; "教师招聘" (招聘/招录/招考/补充) and "教育扶贫" select
the plans that name them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

import rjieba
from pypinyin import lazy_pinyin

from index.filters import Filters
from ingest.errors import ConfigError
from ingest.places import province_names

from .engine import Engine
from .lexicon import Lexicon
from .query import STOPWORDS, Region, Vocabulary, analyse
from .search import Hit, search
from .targets import TargetRow, Timeline, groups_named, table, timelines

# Words plans use interchangeably in a topic; a topic's word is met by any of them (the
# question path takes equivalents from CC-CEDICT and fitted word weights instead)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "招": ("招聘", "招录", "招考", "招生"),
    "建": ("建设", "新建", "建成", "创建"),
    "招聘": ("招录", "招考", "补充"),
    "招录": ("招聘", "招考"),
    "新建": ("建设", "建成", "新增"),
    "建成": ("建设", "完成", "新建"),
    "建设": ("新建", "建成"),
    "完工": ("竣工", "建成", "完成"),
    "老师": ("教师",),
    "教师": ("老师",),
    "比例": ("比率",),
    "控制": ("控制在", "下降到", "降至"),
    "资助": ("帮扶", "补助"),
    "消除": ("化解",),
    "化解": ("消除",),
}
# passages searched per plan before the relevance check; the best few that pass are kept
_CANDIDATES = 10
_WORD = re.compile(r"[\w%.]+")
_NUMBER = re.compile(r"[\d.%]+")


@dataclass(frozen=True, slots=True)
class DocumentPassages:
    """One plan's best passages on the topic."""

    doc: str  # file name in the corpus
    doc_id: str
    title: str
    year: int | None
    years: tuple[int, ...]
    region: str | None
    doc_type: str | None
    hits: tuple[Hit, ...]
    targets: tuple[TargetRow, ...] = ()  # the plan's figures on the topic

    def to_dict(self) -> dict:
        return {
            "doc": self.doc,
            "title": self.title,
            "year": self.year,
            "years": list(self.years),
            "region": self.region,
            "doc_type": self.doc_type,
            "hits": [h.to_dict() for h in self.hits],
            "targets": [t.to_dict() for t in self.targets],
        }


@dataclass(frozen=True, slots=True)
class RegionGroup:
    """The plans of one region (None: plans that name none), ordered by year."""

    region: str | None
    documents: tuple[DocumentPassages, ...]

    def to_dict(self) -> dict:
        return {"region": self.region, "documents": [d.to_dict() for d in self.documents]}


@dataclass(frozen=True, slots=True)
class Comparison:
    """A topic across plans; `words` are what a passage had to hold (each met by any member)."""

    topic: str
    words: tuple[tuple[str, ...], ...]
    groups: tuple[RegionGroup, ...]
    timelines: tuple[Timeline, ...] = ()  # the topic's indicators across plans and years

    @property
    def documents(self) -> tuple[DocumentPassages, ...]:
        return tuple(d for g in self.groups for d in g.documents)

    def to_dict(self) -> dict:
        return {
            "topic": self.topic,
            "words": [list(w) for w in self.words],
            "groups": [g.to_dict() for g in self.groups],
            "timelines": [t.to_dict() for t in self.timelines],
        }


def _glue(tokens: list[str]) -> list[str]:
    """Single characters back onto their neighbours: a run of them is one word (大/班/额), a
    lone one goes with the word after it (毛 + 入园率), or before it at the end."""
    words: list[str] = []
    run: list[str] = []
    pending = ""  # a lone character waiting for the next word
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) > 1:
            words.append("".join(run))
        elif run:
            pending = run[0]
        run = []
        if token:
            words.append(pending + token)
            pending = ""
    if pending:
        if words:
            words[-1] += pending
        else:
            words.append(pending)
    return words


def topic_words(
    topic: str,
    regions: Iterable[Region] = (),
    vocabulary: Vocabulary | None = None,
    lexicon: Lexicon | None = None,
) -> tuple[tuple[str, ...], ...]:
    """What a passage must hold to be about the topic: word groups, each met by any member.

    Places, years and question words are not part of a topic; an English topic is mapped to
    the Chinese words plans use (CC-CEDICT, `lexicon`, limited to the corpus `vocabulary`).
    """
    topic = unicodedata.normalize("NFKC", topic).strip()
    regions = tuple(regions)
    asked = analyse(topic, regions, vocabulary, lexicon)
    if asked.is_english:
        return tuple(dict.fromkeys(asked.groups))
    places = {a for r in regions for a in r.aliases} | set(province_names())
    pieces: list[list[str]] = [[]]  # runs of adjacent kept tokens; a dropped token splits them
    for token in rjieba.cut(topic, False):
        drop = (
            not _WORD.fullmatch(token)
            or token in STOPWORDS
            or token in places
            or _NUMBER.fullmatch(token)
        )
        if drop:
            pieces.append([])
        else:
            pieces[-1].append(token)
    words = [w for piece in pieces for w in _glue(piece)]
    words = list(dict.fromkeys(words)) or ([topic] if topic else [])
    return tuple((w, *SYNONYMS.get(w, ())) for w in words)


def holds_words(text: str, words: tuple[tuple[str, ...], ...]) -> bool:
    """The relevance rule: every word group has a member in the text."""
    return bool(words) and all(any(w in text for w in group) for group in words)


def _region_key(group: RegionGroup) -> tuple:
    # pinyin order, as Chinese readers expect a list of places; plans without a region last
    if group.region is None:
        return (1, [])
    return (0, lazy_pinyin(group.region), group.region)


def compare(
    engine: Engine, topic: str, per_doc: int = 2, filters: Filters | None = None
) -> Comparison:
    """Each plan's best passages (at most `per_doc`) on a topic, grouped by region.

    Plans none of whose passages hold the topic's words are left out.

    Raises:
        ConfigError: an empty topic or a `per_doc` below 1.
    """
    topic = topic.strip()
    if not topic:
        raise ConfigError("topic", "is empty; name what to compare, e.g. 大班额 or 教师招聘")
    if per_doc < 1:
        raise ConfigError("per_doc", f"must be at least 1, got {per_doc}")
    words = topic_words(topic, engine.regions, engine.index, engine.lexicon)
    base = filters or Filters()
    index = engine.index
    figures = topic_targets(engine, topic, words, base)
    by_doc: dict[str, list[TargetRow]] = {}
    for row in figures:
        by_doc.setdefault(row.doc, []).append(row)
    found: list[DocumentPassages] = []
    for doc in index.documents():
        scope = replace(base, doc_ids=(doc.doc_id,))
        rows = tuple(by_doc.get(doc.file_name, ()))
        # the whole text first: most plans never name a given topic, and this skips their search
        hits: tuple[Hit, ...] = ()
        if index.mask(scope).any() and holds_words(index.document_text(doc.doc_id), words):
            result = search(engine, topic, k=_CANDIDATES, filters=scope, question_scope=False)
            hits = tuple(h for h in result.hits if holds_words(h.text, words))[:per_doc]
        if hits or rows:
            meta = doc.meta
            found.append(
                DocumentPassages(
                    doc=doc.file_name,
                    doc_id=doc.doc_id,
                    title=meta.title,
                    year=meta.year,
                    years=meta.years,
                    region=meta.region,
                    doc_type=meta.doc_type,
                    hits=hits,
                    targets=rows,
                )
            )
    by_region: dict[str | None, list[DocumentPassages]] = {}
    for d in found:
        by_region.setdefault(d.region, []).append(d)
    groups = [
        RegionGroup(
            region,
            tuple(sorted(docs, key=lambda d: (d.year is None, d.year or 0, d.title, d.doc))),
        )
        for region, docs in by_region.items()
    ]
    return Comparison(topic, words, tuple(sorted(groups, key=_region_key)), timelines(figures))


def topic_targets(
    engine: Engine, topic: str, words: tuple[tuple[str, ...], ...], filters: Filters
) -> list[TargetRow]:
    """Figures on the topic: their clause holds its words, or their indicator group is named
    by it (so 学前三年毛入园率 comes with a topic worded 学前教育毛入园率)."""
    named = groups_named(engine, topic)
    return [
        row
        for row in table(engine, filters=filters)
        if row.group in named or holds_words(row.text, words)
    ]
