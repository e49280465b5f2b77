"""Removing and replacing a large document: the time of `eduqa remove` and of a replace, by
the document's passages.

    python -m benchmarks.remove [--passages 2000 5000 8000] [--out evals/reports/remove.json]

Each size gets an index of the five seed plans and one synthetic plan of that many passages
(its sections repeat a seed's sentences with numbered figures, so no two passages are equal).
Embedding is not what is timed: a remove embeds nothing, so the index is built with a stand-in
embedder of e5's width (384) that hashes characters, which makes the build fast; then the
remove, through `remove_documents` as the CLI runs it (lock, recovery, copy-on-write, commit),
is timed, and a replace of the document by a one-passage version of it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from . import ROOT

# one item is one passage: about 200 characters, and passages hold at most 300
_SENTENCE = (
    "{n}、推进第{n}项教育工程建设,年内新建改扩建校舍{k}平方米,新增公办学位{k}个,"
    "招聘补充义务教育阶段教师{m}人,培训乡村学校校长和骨干教师{y}人次,落实项目建设资金{y}万元,"
    "同步推进校园安全、食堂改造、信息化设备配备和课后服务工作,确保按期完成建设任务并投入使用,"
    "由县教育局牵头,县财政局、县住建局、县自然资源局和相关乡镇人民政府按职责分工配合落实。"
)


class HashEmbedder:
    """Vectors of e5's width from hashed characters: the index does the same work as with e5,
    minus the model."""

    name = "bench:hashed-chars-384"
    dim = 384

    def _vectors(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in text:
                out[row, hashlib.md5(ch.encode()).digest()[0] % self.dim] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def embed_query(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)


def synthetic_plan(passages: int) -> str:
    """A plan whose every item is one passage: a heading per 50 items, numbered sentences."""
    lines = ["某县教育局2030年工作计划"]
    for n in range(1, passages + 1):
        if n % 50 == 1:
            lines.append(f"第{n // 50 + 1}部分 重点工作")
        lines.append(_SENTENCE.format(n=n, k=n * 3, m=n % 97 + 1, y=n * 7))
    return "\n".join(lines) + "\n"


def measure(passages: int, base: Path) -> dict:
    from app.corpus import add_files, build, remove_documents
    from app.settings import Settings
    from index.reader import Index

    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    big = corpus / "big.txt"
    big.write_text(synthetic_plan(passages), encoding="utf-8")
    settings = Settings(index_dir=base / "index", corpus_dir=corpus)
    embedder = HashEmbedder()
    build(settings, embedder)
    index = Index.open(settings.index_dir, embedder.name)
    held = index.find_document("big.txt").chunks
    index.close()

    small = base / "big.txt"
    small.write_text(synthetic_plan(1), encoding="utf-8")
    start = time.perf_counter()
    add_files(settings, embedder, [small])
    replace_s = time.perf_counter() - start

    big.write_text(synthetic_plan(passages), encoding="utf-8")
    build(settings, embedder)
    start = time.perf_counter()
    remove_documents(settings, embedder, ["big.txt"])
    remove_s = time.perf_counter() - start
    return {"passages": held, "remove_s": round(remove_s, 2), "replace_s": round(replace_s, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, nargs="+", default=[2000, 5000, 8000])
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "reports" / "remove.json")
    args = parser.parse_args()
    rows = []
    for passages in args.passages:
        with tempfile.TemporaryDirectory(prefix="eduqa-bench-remove-") as temp:
            row = measure(passages, Path(temp))
        rows.append(row)
        print(f"{row['passages']:>7} passages: remove {row['remove_s']} s, "
              f"replace by one passage {row['replace_s']} s")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
