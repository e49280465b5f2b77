"""Generated answers on the real seed index: a faithful answer is shown with its citations, an
unfaithful one or a failing model gives the extractive answer and says why; through LangChain's
fake chat model, and through the real OpenAI-compatible and Ollama clients talking to a local
stand-in server (no network)."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from typer.testing import CliRunner

from app.answer import answer
from app.cli import cli
from app.generate import chat_model, generate
from app.search import search
from app.settings import LlmSettings
from tests.chat_server import chat_server

pytestmark = pytest.mark.integration

QUESTION = "2020年教师招聘目标是多少？"
FAITHFUL = "崇阳县2020年计划招录义务段教师200人[1]。"


def generated(engine, reply: str, **options):
    model = FakeListChatModel(responses=[reply], **options)
    return generate(engine, search(engine, QUESTION), model)


def test_a_faithful_answer_is_shown_with_the_passages_it_cites(seed_engine) -> None:
    streamed: list[str] = []
    result = search(seed_engine, QUESTION)

    gen = generate(seed_engine, result, FakeListChatModel(responses=[FAITHFUL]), streamed.append)

    assert gen.problem is None and gen.text == FAITHFUL
    assert "".join(streamed) == FAITHFUL  # the page shows it as it is written
    ((number, cited),) = gen.citations()
    assert number == 1 and cited == result.hits[0]
    assert "招录义务段教师200人" in cited.text


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ("崇阳县2020年计划招录义务段教师300人[1]。", "the figure '300人'"),
        ("崇阳县2020年计划招录义务段教师200人[9]。", "passage [9], which it was not given"),
        ("不知道。", "found no answer"),
    ],
    ids=["invented-figure", "citation-not-given", "declines"],
)
def test_an_unfaithful_answer_gives_the_extractive_one_and_says_why(
    seed_engine, reply: str, problem: str
) -> None:
    gen = generated(seed_engine, reply)

    assert gen.text is None and problem in gen.problem
    assert gen.extractive == answer(seed_engine, QUESTION)
    assert "招录义务段教师200人" in gen.extractive.text


def test_a_model_error_gives_the_extractive_answer_with_a_clear_message(seed_engine) -> None:
    gen = generated(seed_engine, FAITHFUL, error_on_chunk_number=2)

    assert gen.text is None and gen.problem.startswith("the model failed")
    assert gen.extractive.found


def test_no_model_is_asked_when_the_question_is_out_of_scope(seed_engine) -> None:
    model = FakeListChatModel(responses=["长沙市2021年招生政策是……[1]"])

    gen = generate(seed_engine, search(seed_engine, "长沙市2021年中考招生政策是什么？"), model)

    assert gen.text is None and "no passage in scope" in gen.problem
    assert model.i == 0


@pytest.mark.parametrize(("kind", "path"), [("openai-compatible", "/v1"), ("ollama", "")])
def test_the_configured_clients_stream_and_time_out_against_a_real_server(
    seed_engine, kind: str, path: str
) -> None:
    with chat_server() as server:
        server.reply = FAITHFUL
        model = chat_model(LlmSettings(kind, "qwen2.5", server.url + path, timeout=2))
        gen = generate(seed_engine, search(seed_engine, QUESTION), model)
        assert gen.text == FAITHFUL
        sent = json.dumps(server.requests[-1], ensure_ascii=False)
        assert "招录义务段教师200人" in sent and "[1] 崇阳县2020年教育工作要点" in sent

        server.delay = 4
        slow = chat_model(LlmSettings(kind, "qwen2.5", server.url + path, timeout=0.5))
        gen = generate(seed_engine, search(seed_engine, QUESTION), slow)
        assert gen.text is None and gen.problem.startswith("the model failed")
        assert "招录义务段教师200人" in gen.extractive.text


def test_ask_generate_through_the_cli(seed_index, monkeypatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("EDUQA_INDEX", str(seed_index.index_dir))
    refused = runner.invoke(cli, ["ask", "--generate", QUESTION])
    assert refused.exit_code == 1 and "--generate: no chat model is configured" in refused.stderr

    with chat_server() as server:
        for name, value in (("EDUQA_LLM", "openai-compatible"), ("EDUQA_LLM_MODEL", "qwen2.5"),
                            ("EDUQA_LLM_BASE_URL", server.url + "/v1")):  # fmt: skip
            monkeypatch.setenv(name, value)
        server.reply = FAITHFUL
        shown = runner.invoke(cli, ["ask", "--generate", QUESTION])
        server.reply = "崇阳县2020年计划招录义务段教师300人[1]。"
        withheld = runner.invoke(cli, ["ask", "--generate", "--json", QUESTION])

    assert shown.exit_code == 0, shown.output
    assert FAITHFUL in shown.stdout and "[1] 崇阳县2020年教育工作要点" in shown.stdout
    row = json.loads(withheld.stdout)
    assert row["generated"] is None and "'300人'" in row["generated_problem"]
    assert "招录义务段教师200人" in row["answer"]


def test_a_reasoning_models_notes_are_dropped_before_the_check(seed_engine) -> None:
    gen = generated(seed_engine, "<think>也许是300人？查段落[1]。</think>" + FAITHFUL)

    assert gen.problem is None and gen.text == FAITHFUL
