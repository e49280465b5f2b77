"""What the question words of staff are worth, learned from QA data: how often the sentence
that answers a question holds the question's own word (or a dictionary equivalent of it).

Staff write "打算", "准备", "叫", "定成" — words of asking that no answer holds — beside the
words of what they ask about. Counted over the `train` split (each question against the
sentence that answers it), a word's presence share becomes a factor on its idf weight, so words
of asking stop outweighing the words of the topic. The shares are fitted (`app/fit.py`) and
stored in `fitted/words.json`; a word the data never saw counts with the average share.

(Learning which sentence words stand in for a missing question word was tried too: with some
hundred questions it paired words with whatever answers often say, "职高" with 普通 and 学校,
and made answers worse, so it was dropped.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PRIOR_WEIGHT = 2.0  # questions' worth of the average share a word's own count starts from


@dataclass(frozen=True, slots=True)
class Words:
    """Per question word: the share of answering sentences that hold it."""

    presence: dict[str, float] = field(default_factory=dict)
    prior: float = 1.0  # the share of a word the data never saw

    def factor(self, word: str) -> float:
        return self.presence.get(word, self.prior)

    def to_dict(self) -> dict:
        return {"prior": self.prior, "presence": self.presence}

    @classmethod
    def from_dict(cls, data: dict) -> Words:
        return cls(
            presence={w: float(p) for w, p in data.get("presence", {}).items()},
            prior=float(data.get("prior", 1.0)),
        )


def learn(pairs: Iterable[tuple[Sequence[tuple[str, ...]], str]]) -> Words:
    """Learn from (a question's word groups, the sentence that answers it) pairs."""
    asked: Counter[str] = Counter()
    held: Counter[str] = Counter()
    for groups, sentence in pairs:
        for group in groups:
            asked[group[0]] += 1
            held[group[0]] += any(t in sentence for t in group)
    if not asked:
        return Words()
    prior = sum(held.values()) / sum(asked.values())
    presence = {
        w: round((held[w] + PRIOR_WEIGHT * prior) / (n + PRIOR_WEIGHT), 4) for w, n in asked.items()
    }
    return Words(presence, round(prior, 4))
