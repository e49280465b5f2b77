"""The grounding check of generated answers, the prompt, and the model settings: no model."""

from __future__ import annotations

import sys

import pytest

from app.generate import _declines, chat_model, check, prompt
from app.search import Hit
from app.settings import LlmSettings, load_settings
from ingest.errors import ConfigError


def hit(text: str, title: str = "崇阳县2020年教育工作要点", year: int = 2020) -> Hit:
    return Hit("004.txt", "d4", title, year, "崇阳县", "target", ("四、教师队伍",), 0, len(text),
               text, 1.0)  # fmt: skip


PASSAGES = (
    hit("招录义务段教师200人,招录公办幼儿教师30人。三年学前教育毛入园率达到85%以上。"),
    hit("新建改扩建学校36所,开展“教师队伍建设年”活动。", "怀化市2019年工作总结", 2019),
)

CASES = {
    "faithful": ("崇阳县2020年计划招录义务段教师200人[1]。", (1,), None),
    "two-citations": ("招录教师200人[1]，新建学校36所[2]。", (1, 2), None),
    "percentage": ("毛入园率要达到85%以上[1]。", (1,), None),
    "year-from-the-title": ("怀化市2019年新建改扩建学校36所[2]。", (2,), None),
    "english": ("Chongyang planned to hire 200 compulsory-school teachers [1].", (1,), None),
    "quoted-name": ("怀化市开展了“教师队伍建设年”活动[2]。", (2,), None),
    "figure-in-chinese-numerals": ("计划招录义务段教师两百人[1]。", (1,), None),
    "percentage-in-words": ("毛入园率要达到百分之八十五以上[1]。", (1,), None),
    "invented-figure-in-numerals": ("计划招录义务段教师三百人[1]。", (1,), "'300人'"),
    "invented-figure": ("计划招录义务段教师250人[1]。", (1,), "'250人'"),
    "another-unit": ("计划招录义务段教师200名[1]。", (1,), "'200名'"),
    "figure-of-the-other-passage": ("崇阳县新建学校36所[1]。", (1,), "'36所'"),
    "invented-year": ("2021年招录教师200人[1]。", (1,), "'2021年'"),
    "invented-name": ("开展了“强师工程”[2]。", (2,), "'强师工程'"),
    "part-of-a-larger-figure": ("毛入园率达到5%以上[1]。", (1,), "'5%'"),
    "digits-of-another-figure": ("新建学校6所[2]。", (2,), "'6所'"),
    "english-number-in-a-year": ("They will hire 20 teachers [1].", (1,), "'20'"),
    "thousands-separator": ("招录教师2,200人[1]。", (1,), "'2200人'"),
    "a-year-before-a-word": ("崇阳县2020计划招录义务段教师200人[1]。", (1,), None),
    "one-chinese-numeral-before-a-unit": ("新建学校五所[2]。", (2,), "'5所'"),
    "full-width-citation": ("招录义务段教师200人［1］。", (1,), None),
    "lenticular-citation": ("招录义务段教师200人【1】。", (1,), None),
    "citation-list": ("招录教师200人，新建学校36所[1, 2]。", (1, 2), None),
    "citation-range": ("招录教师200人，新建学校36所[1-2]。", (1, 2), None),
    "invented-name-in-other-quotes": ("开展了『强师工程』[2]。", (2,), "'强师工程'"),
    "passage-not-given": ("招录教师200人[3]。", (3,), "passage [3]"),
    "no-citation": ("崇阳县计划招录义务段教师200人。", (), "cites no passage"),
}


@pytest.mark.parametrize(("text", "cited", "problem"), list(CASES.values()), ids=list(CASES))
def test_a_generated_answer_passes_only_if_its_figures_and_names_are_in_what_it_cites(
    text: str, cited: tuple[int, ...], problem: str | None
) -> None:
    found, reason = check(text, PASSAGES)

    assert found == cited
    if problem is None:
        assert reason is None
    else:
        assert reason is not None and problem in reason


@pytest.mark.parametrize(
    ("text", "declines"),
    [("不知道。", True), ("I don't know.", True), ("I don’t know.", True),
     ("所给段落无法回答这个问题。", True), ("段落中未提及。", True),
     ("不知道具体人数，但计划招录教师200人[1]。", False), ("招录教师200人[1]。", False)],
)  # fmt: skip
def test_a_model_that_says_it_does_not_know_is_recognised(text: str, declines: bool) -> None:
    assert _declines(text) is declines


def test_the_prompt_gives_only_the_numbered_passages_with_their_citations() -> None:
    (system, rules), (human, body) = prompt("2020年教师招聘目标是多少？", PASSAGES)

    assert (system, human) == ("system", "human")
    assert "cite" in rules and "不知道" in rules and "language of the question" in rules
    assert body.startswith("问题 / Question: 2020年教师招聘目标是多少？")
    assert (
        "[1] 崇阳县2020年教育工作要点 · 2020 · 崇阳县 · 四、教师队伍\n招录义务段教师200人" in body
    )
    assert "[2] 怀化市2019年工作总结" in body and "[3]" not in body


def test_no_llm_setting_means_extractive_answers_only() -> None:
    assert load_settings({}).llm is None


def test_llm_settings_are_read_and_checked() -> None:
    env = {"EDUQA_LLM": "ollama", "EDUQA_LLM_MODEL": "qwen2.5:7b", "EDUQA_LLM_TIMEOUT": "7.5"}
    assert load_settings(env).llm == LlmSettings("ollama", "qwen2.5:7b", timeout=7.5)
    with pytest.raises(ConfigError, match="EDUQA_LLM: must be one of openai-compatible, ollama"):
        load_settings({"EDUQA_LLM": "gpt"})
    with pytest.raises(ConfigError, match="EDUQA_LLM_MODEL"):
        load_settings({"EDUQA_LLM": "ollama"})


@pytest.mark.parametrize(
    ("kind", "package"), [("openai-compatible", "langchain_openai"), ("ollama", "langchain_ollama")]
)
def test_a_model_without_its_package_names_the_extra(monkeypatch, kind: str, package: str):
    monkeypatch.setitem(sys.modules, package, None)

    with pytest.raises(ConfigError, match=r"eduqa\[llm\]"):
        chat_model(LlmSettings(kind, "some-model"))
