"""The one split of the evaluation plans into `train` and `test`, and of QA items by it.

Plans, not questions, are split: a question is in `train` only when every plan it is about is a
`train` plan, so nothing fitted on `train` has read a `test` plan's wording (a conversation
by the plan of its last turn; the writers kept each conversation on one side's plans). The
split was drawn once (seeded), within each source of plans (the five seeds, the test plans,
the evaluation plans) so both sides hold some of each, and is kept in `evals/split.json`; new
QA items follow it. `python -m app.qa_split evals/qa_work/*.jsonl` writes `evals/qa_train.jsonl` and
`evals/qa_test.jsonl`, and the conversations to `evals/followups_train.jsonl` and
`evals/followups_test.jsonl`.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path

SPLIT = Path("evals/split.json")
SOURCES = (Path("corpus"), Path("tests/data/plans"), Path("evals/plans"))
TEST_SHARE = 0.5  # of each source, rounded up: three of the five seeds
SEED = 13


def draw(sources: Sequence[Path] = SOURCES, seed: int = SEED) -> dict[str, list[str]]:
    """Plans per split, drawn within each source."""
    rng = random.Random(seed)
    split: dict[str, list[str]] = {"train": [], "test": []}
    for source in sources:
        plans = sorted(p.name for p in source.glob("*.txt"))
        rng.shuffle(plans)
        n_test = math.ceil(len(plans) * TEST_SHARE)
        split["test"] += sorted(plans[:n_test])
        split["train"] += sorted(plans[n_test:])
    return split


def side(item: dict, test_plans: set[str]) -> str:
    doc = item.get("doc")
    docs = doc if isinstance(doc, list) else [doc] if doc else []
    return "train" if docs and not (set(docs) & test_plans) else "test"


def main(argv: Sequence[str] | None = None) -> None:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    if not SPLIT.exists():
        SPLIT.write_text(json.dumps(draw(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    test_plans = set(json.loads(SPLIT.read_text("utf-8"))["test"])
    out: dict[str, list[str]] = {}
    for path in paths:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                set_name = "followups" if "turns" in item else "qa"  # conversations apart
                out.setdefault(f"evals/{set_name}_{side(item, test_plans)}.jsonl", []).append(line)
    for name, lines in sorted(out.items()):
        Path(name).write_text("\n".join(lines) + "\n", "utf-8")
        print(f"{name}: {len(lines)} items")


if __name__ == "__main__":
    main()
