"""How much of its answer's wording a question repeats: the longest run of characters a question
shares with the sentence that answers it.

Real users do not quote the plan ("职高那边收多少学生" for "普高5500人、职高2600人"), so a QA
set written by echoing the plan overstates a system. The QA sets under `evals/` were written
to share no run of more than four characters with the answering sentence except names and
years; this module measures that, per question, for their README and for the writers to
check themselves.

Standard library only: `python -m app.qa_overlap evals/qa_train.jsonl` runs without the package.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

# where a QA item's `doc` may live: the served corpus, the test plans, the evaluation plans
PLAN_DIRS = (Path("corpus"), Path("tests/data/plans"), Path("evals/plans"))
_SENTENCE_END = "。！？；!?;\n"
# a run made of a year, a number or a name is not an echo of the plan's phrasing
_YEAR_OR_NUMBER = re.compile(r"^[\d.%年月]+$|(?:19|20)\d\d")
_QUOTED = re.compile(r"“[^”]{2,30}”|《[^》]{2,40}》|\"[^\"]{2,30}\"")
_NAMED = re.compile(
    r"[\u4e00-\u9fff]{2,12}?(?:学校|小学|中学|一中|二中|高中|幼儿园|职校|学院|县|市|区|镇|乡)"
)


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True, slots=True)
class Overlap:
    """The longest run a question shares with its answering sentence, and whether it is a name."""

    id: str
    type: str
    run: str
    sentence: str
    exempt: bool  # the run is (part of) a name, a year or a number

    @property
    def length(self) -> int:
        return len(self.run)


def answering_sentence(text: str, evidence: str) -> str:
    """The sentence(s) of a cleaned text holding an evidence string (both normalised); '' when
    the evidence is not in the text."""
    at = text.find(evidence)
    if at < 0:
        return ""
    start = max(text.rfind(c, 0, at) for c in _SENTENCE_END) + 1
    ends = [i for i in (text.find(c, at + len(evidence)) for c in _SENTENCE_END) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end]


def longest_run(question: str, sentence: str) -> str:
    """The longest run of characters both strings hold."""
    m = SequenceMatcher(None, question, sentence, autojunk=False).find_longest_match(
        0, len(question), 0, len(sentence)
    )
    return question[m.a : m.a + m.size]


def _is_name(run: str, sentence: str, question: str) -> bool:
    if _YEAR_OR_NUMBER.search(run) or re.fullmatch(r"[\d.]+", run.strip("年月日")):
        return True
    for pattern in (_QUOTED, _NAMED):
        for m in pattern.finditer(sentence):
            if run in m.group():
                return True
        for m in pattern.finditer(question):
            if run in m.group():
                return True
    return False


def overlap(item: dict, texts: dict[str, str]) -> Overlap | None:
    """A QA item's longest shared run over its evidence; None without evidence or source."""
    docs = item.get("doc")
    docs = docs if isinstance(docs, list) else [docs] if docs else []
    question = _norm(item["question"])
    best: tuple[str, str] | None = None
    for evidence in item.get("evidence") or ():
        ev = _norm(evidence)
        for doc in docs:
            sentence = answering_sentence(texts.get(doc, ""), ev)
            if not sentence:
                continue
            run = longest_run(question, sentence)
            if best is None or len(run) > len(best[0]):
                best = (run, sentence)
    if best is None:
        return None
    run, sentence = best
    return Overlap(
        item["id"], item.get("type", ""), run, sentence, _is_name(run, sentence, question)
    )


def load_texts(names: Iterable[str], dirs: Sequence[Path] = PLAN_DIRS) -> dict[str, str]:
    """Normalised raw text of each named plan, from the first folder that holds it."""
    out = {}
    for name in names:
        for folder in dirs:
            path = folder / name
            if path.is_file():
                out[name] = _norm(path.read_text(encoding="utf-8", errors="strict"))
                break
    return out


def overlaps(items: Sequence[dict], dirs: Sequence[Path] = PLAN_DIRS) -> list[Overlap]:
    names = set()
    for item in items:
        doc = item.get("doc")
        names.update(doc if isinstance(doc, list) else [doc] if doc else [])
    texts = load_texts(sorted(names), dirs)
    return [o for o in (overlap(i, texts) for i in items) if o is not None]


def distribution(found: Sequence[Overlap]) -> dict[str, dict[str, int]]:
    """Per type: how many questions share a longest run of ≤4, 5, 6 and >6 characters, and how
    many of the >4 runs are names or years."""
    out: dict[str, dict[str, int]] = {}
    for o in found:
        row = out.setdefault(o.type, Counter())
        bucket = "<=4" if o.length <= 4 else str(o.length) if o.length <= 6 else ">6"
        row[bucket] += 1
        if o.length > 4 and o.exempt:
            row["names/years >4"] += 1
        if o.length > 6 and not o.exempt:
            row[">6 not a name or year"] += 1
    return {t: dict(c) for t, c in sorted(out.items())}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main(argv: Sequence[str] | None = None) -> None:
    """Print each question's longest shared run (longest first) and the distribution per type."""
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    found = overlaps([item for p in paths for item in _read(p)])
    for o in sorted(found, key=lambda o: -o.length):
        mark = "name" if o.exempt else ""
        print(f"{o.length:3d} {mark:4s} {o.id}: {o.run}")
    print(json.dumps(distribution(found), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
