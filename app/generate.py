"""Generated answers: a chat model writes a sentence or two from the top passages, and eduqa
checks it against them before anyone sees it.

The extractive answer stays the default and the fallback. A generated answer is shown only when
every passage it cites was given to the model and every figure (a number with its unit, a
percentage, a year) and every quoted name in it occurs in the passages it cites; otherwise the
extractive answer is shown with the reason. Nothing here is imported unless a model is
configured (`EDUQA_LLM`), and the LangChain integrations are the optional `llm` extra.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ingest.chinese import CHECKED_UNITS, DIGIT_NUMERALS
from ingest.errors import ConfigError

from .answer import Answer, answer_with
from .engine import Engine
from .search import Hit, SearchResult
from .settings import LlmSettings

PASSAGES = 5  # the top passages the model is given: what the extractive answer draws on too
# [1], [2][3], [1, 2], [1-3]; 【1】 and full-width brackets are folded to these first
_CITATION = re.compile(r"\[(\d+(?:\s*[,，、\-–~]\s*\d+)*)\]")
# a figure: digits, with 万/亿 and a measure word or percent sign if written (年 makes a year)
_FIGURE = re.compile(rf"\d+(?:\.\d+)?(?:[万亿]?(?:{CHECKED_UNITS}))?")
_NUMERALS = f"{DIGIT_NUMERALS}两十"
# Chinese numerals to read as digits: a percentage in words, a run of two or more (两百,
# 八十五, 二〇二〇), or one before a measure word (五所); a lone 一 elsewhere (统一, 进一步) is no
# number
_CHINESE_NUMBER = re.compile(
    rf"百分之[{_NUMERALS}点]+|[{_NUMERALS}百千万亿点]{{2,}}|[{_NUMERALS}](?=[万亿]?(?:{CHECKED_UNITS}))"
)
_QUOTED = re.compile(r"[“\"「《『‘]([^”\"」》』’]{2,})[”\"」》』’]")
_THINKING = re.compile(r"<think>.*?</think>", re.DOTALL)  # a reasoning model's notes
_UNKNOWN = (
    "不知道", "没有回答", "无法回答", "未提及", "没有提到", "don't know", "do not know",
    "cannot answer",
)  # fmt: skip
SYSTEM = (
    "You answer questions about Chinese education bureaus' work plans using only the numbered "
    "passages you are given. Answer in the language of the question, in one or two sentences. "
    "After each statement cite the passages it rests on by number, like [1] or [2][3]. Copy "
    "figures, units, years and names exactly as the passages write them. If the passages do not "
    "answer the question, say that you do not know (不知道) and cite nothing."
)


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated answer, or why it is withheld, with the extractive answer beside it."""

    question: str
    text: str | None  # the model's answer, when it passed the check
    passages: tuple[Hit, ...]  # what the model was given; [n] in `text` is passages[n - 1]
    cited: tuple[int, ...]  # the passage numbers `text` cites, in order of first citation
    extractive: Answer  # the default answer, shown instead when `text` is None
    problem: str | None  # why the generated answer is withheld (None: it is shown)

    def citations(self) -> list[tuple[int, Hit]]:
        return [(n, self.passages[n - 1]) for n in self.cited]

    def to_dict(self) -> dict:
        return {
            **self.extractive.to_dict(),
            "generated": self.text,
            "generated_citations": [{"n": n, **h.to_dict()} for n, h in self.citations()],
            "generated_problem": self.problem,
        }


def chat_model(llm: LlmSettings) -> Any:
    """The LangChain chat model the settings name, imported only now.

    Raises:
        ConfigError: its integration package is not installed.
    """
    try:
        if llm.kind == "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(
                model=llm.model, base_url=llm.base_url, client_kwargs={"timeout": llm.timeout}
            )
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=llm.model,
            base_url=llm.base_url,
            api_key=llm.api_key or "none",  # local servers take any key
            timeout=llm.timeout,
            max_retries=0,  # a slow answer falls back to the extractive one, not to a retry
        )
    except ImportError as exc:
        raise ConfigError(
            "EDUQA_LLM", f"'{llm.kind}' needs the llm extra: pip install 'eduqa[llm]'"
        ) from exc


def _block(hit: Hit) -> str:
    """A passage as the model sees it: where it is from (title, year, region, heading path),
    then its text. The check reads the same, so a year the model takes from the title counts."""
    where = " · ".join(p for p in (hit.title, str(hit.year or ""), hit.region or "") if p)
    section = " › ".join(hit.section)
    return f"{where}{' · ' + section if section else ''}\n{hit.text}"


def prompt(question: str, passages: Sequence[Hit]) -> list[tuple[str, str]]:
    """The chat messages: the rules, then the question and the numbered passages."""
    blocks = [f"[{i}] {_block(hit)}" for i, hit in enumerate(passages, 1)]
    body = f"问题 / Question: {question}\n\n段落 / Passages:\n\n" + "\n\n".join(blocks)
    return [("system", SYSTEM), ("human", body)]


def _normal(text: str) -> str:
    """Width-folded, without spaces or thousands separators, Chinese numerals as digits
    (两百人 → 200人): the form in which the answer's figures are looked for in the passages."""
    text = unicodedata.normalize("NFKC", text).replace("【", "[").replace("】", "]")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", re.sub(r"\s+", "", text))
    return _CHINESE_NUMBER.sub(_digits, text)


def _digits(match: re.Match) -> str:
    import cn2an  # loads in a second; only a generated answer needs it

    with warnings.catch_warnings():  # cn2an warns, and returns the text, on what it cannot read
        warnings.simplefilter("ignore")
        try:
            return str(cn2an.transform(match.group(), "cn2an"))
        except ValueError:
            return match.group()


def _cited(text: str) -> tuple[int, ...]:
    """The passage numbers a text cites, in order of first citation ([1-3] is 1, 2, 3)."""
    numbers: list[int] = []
    for group in _CITATION.findall(text):
        for part in re.split(r"\s*[,，、]\s*", group):
            ends = [int(n) for n in re.split(r"\s*[\-–~]\s*", part)]
            numbers += range(ends[0], ends[-1] + 1) if len(ends) == 2 else ends
    return tuple(dict.fromkeys(numbers))


def _occurs(figure: str, source: str) -> bool:
    """Whether a figure stands in the source as a whole number (5% is not in 85%)."""
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", source) is not None


def check(text: str, passages: Sequence[Hit]) -> tuple[tuple[int, ...], str | None]:
    """The passage numbers an answer cites, and what is wrong with it (None: nothing).

    Figures are compared in the passages the answer cites as a whole (not sentence by
    sentence): a figure of one cited passage passes in a sentence citing another."""
    text = _normal(text)
    cited = _cited(text)
    if not cited:
        return cited, "the generated answer cites no passage"
    unknown = [n for n in cited if not 1 <= n <= len(passages)]
    if unknown:
        return cited, f"it cites passage [{unknown[0]}], which it was not given"
    source = "|".join(_normal(_block(passages[n - 1])) for n in cited)
    claims = _CITATION.sub("|", text)
    for figure in _FIGURE.findall(claims):
        if not _occurs(figure, source):
            return cited, f"the figure '{figure}' is not in the passages it cites"
    for name in _QUOTED.findall(claims):
        if name not in source:
            return cited, f"the name '{name}' is not in the passages it cites"
    return cited, None


def _declines(text: str) -> bool:
    text = _normal(text).lower().replace("’", "'")
    return not _cited(text) and any(w.replace(" ", "") in text for w in _UNKNOWN)


def generate(
    engine: Engine,
    result: SearchResult,
    model: Any,
    on_token: Callable[[str], None] | None = None,
) -> Generated:
    """Answer a searched question with the model from the top passages, checked against them;
    the extractive answer otherwise. `on_token` receives the text as the model writes it."""
    question = result.text
    extractive = answer_with(engine, result)
    passages = tuple(result.hits[:PASSAGES])

    def withheld(problem: str) -> Generated:
        return Generated(question, None, passages, (), extractive, problem)

    if not result.in_scope or not passages:
        return withheld("the corpus has no passage in scope")
    parts: list[str] = []
    try:
        for chunk in model.stream(prompt(question, passages)):
            parts.append(str(chunk.content))
            if on_token:
                on_token(parts[-1])
    except Exception as error:  # a model server's failure of any kind: fall back, say why
        return withheld(f"the model failed: {type(error).__name__} {error}".strip())
    text = _THINKING.sub("", "".join(parts)).strip()
    if _declines(text):
        return withheld("the model found no answer in the passages")
    cited, problem = check(text, passages)
    if problem:
        return withheld(problem)
    return Generated(question, text, passages, cited, extractive, None)
