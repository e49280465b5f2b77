"""The 问答 (Ask) page on a copy of the seed index, through Streamlit's AppTest."""

from __future__ import annotations

import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.chat_server import chat_server
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

ANSWERABLE = "崇阳县2020年教师招聘目标是多少？"
UNANSWERABLE = "平江县2018年高考一本上线多少人？"


@pytest.fixture(scope="module")
def seed_copy(seed_index, tmp_path_factory):
    """One copy of the seed index for this module: the Ask page only reads it."""
    base = tmp_path_factory.mktemp("ask")
    shutil.copytree(seed_index.index_dir, base / "index")
    shutil.copytree(seed_index.corpus_dir, base / "corpus")
    return base


@pytest.fixture
def app(seed_copy, monkeypatch) -> AppTest:
    monkeypatch.setenv("EDUQA_INDEX", str(seed_copy / "index"))
    monkeypatch.setenv("EDUQA_CORPUS", str(seed_copy / "corpus"))
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()


def ask(app: AppTest, question: str) -> AppTest:
    return app.chat_input(key="ask_input").set_value(question).run()


def test_question_shows_the_answer_with_its_figure_and_a_highlighted_passage(app):
    ask(app, ANSWERABLE)
    assert not app.exception
    answer = app.success[0].value
    assert "**200人**" in answer
    assert any(c.value.startswith("出处") and "崇阳县" in c.value for c in app.caption)
    assert any("<mark>" in m.value and "200人" in m.value for m in app.markdown)


def test_unanswerable_question_says_not_found_and_shows_the_nearest_passages(app):
    ask(app, UNANSWERABLE)
    assert not app.exception
    assert "未找到" in app.info[0].value
    assert not app.success
    assert sum(m.value.startswith("**1.**") for m in app.markdown) == 1


def test_implied_filters_show_as_chips_and_removing_one_widens_the_scope(app):
    ask(app, "崇阳县2020年新增学位多少个？")
    chips = app.button_group(key="ask_scope_1")
    assert chips.value == [("years", 2020), ("regions", "崇阳县")]
    assert "未找到" in app.info[0].value  # 崇阳县's plan names no new school places

    chips.unselect(("regions", "崇阳县")).run()
    assert not app.exception
    assert app.button_group(key="ask_scope_1").value == [("years", 2020)]
    assert "2.86万个" in app.success[0].value  # 怀化市's 2020 plan, now in scope
    assert any(c.value.startswith("出处") and "怀化市" in c.value for c in app.caption)


def test_export_holds_the_answer_and_its_citation(app):
    ask(app, ANSWERABLE)
    exported = app.code[0].value
    assert "**问题**：" + ANSWERABLE in exported
    assert "200人" in exported
    assert "来源：崇阳县2020年教育工作要点" in exported
    assert app.get("download_button")


def test_an_example_button_asks_its_question(app):
    app.button(key="ask_example_1").click().run()
    assert not app.exception
    assert app.chat_message[0].markdown[0].value == "平江县2016年三年学前教育毛入园率要达到多少？"
    assert re.search(r"\*\*[^*]*85%[^*]*\*\*", app.success[0].value)  # the figure in bold


def test_asked_questions_are_listed_and_ask_again_on_click(app):
    ask(app, ANSWERABLE)
    ask(app, UNANSWERABLE)
    assert app.sidebar.button(key="ask_recent_0").label == UNANSWERABLE
    app.sidebar.button(key="ask_recent_1").click().run()
    assert app.chat_message[-2].markdown[0].value == ANSWERABLE  # asked again, as a new turn
    assert "200人" in app.chat_message[-1].success[0].value


def test_a_follow_up_is_answered_under_the_understanding_it_shows(app):
    ask(app, "崇阳县2020年计划招录多少义务段教师？")
    ask(app, "其中公办幼儿教师多少人？")
    assert not app.exception
    assert app.button_group(key="ask_understood_2").value == "崇阳县2020年公办幼儿教师多少人？"
    first, last = app.chat_message[1], app.chat_message[3]
    assert "200人" in first.success[0].value  # the earlier turn keeps its answer
    assert "30人" in last.success[0].value
    assert any("<mark>" in m.value and "30人" in m.value for m in last.markdown)
    exported = app.code[0].value  # the whole thread, with how each turn was understood
    assert (
        "其中公办幼儿教师多少人？" in exported
        and "理解为：崇阳县2020年公办幼儿教师多少人？" in exported
    )


def test_dropping_or_correcting_the_understanding_answers_another_question(app):
    ask(app, "怀化市2020年新增多少学位？")
    ask(app, "去年呢？")
    assert "4.07万个" in app.chat_message[3].success[0].value  # understood as 怀化市2019年…

    app.button_group(key="ask_understood_2").unselect("怀化市2019年新增多少学位？").run()
    assert not app.exception
    said = app.chat_message[3]
    assert "4.07万个" not in " ".join(e.value for e in [*said.success, *said.info, *said.warning])

    box = next(w for w in app.text_input if w.key.startswith("ask_correct_2_"))
    assert box.value == "去年呢？"  # the question now answered, to be written out
    box.input("怀化市2020年新增多少学位？").run()
    assert "2.86万个" in app.chat_message[3].success[0].value
    assert any(c.value == "理解为：怀化市2020年新增多少学位？" for c in app.chat_message[3].caption)


def test_a_new_conversation_starts_over(app):
    ask(app, ANSWERABLE)
    app.button(key="ask_new").click().run()
    assert not app.chat_message
    assert app.button(key="ask_example_0")
    ask(app, "去年呢？")  # nothing to lean on: answered as typed
    assert not app.get("button_group") or not any(
        b.key and b.key.startswith("ask_understood") for b in app.get("button_group")
    )


def test_show_in_document_opens_the_document_at_the_passage(app):
    ask(app, ANSWERABLE)
    app.button(key="ask_show_1").click().run()
    assert not app.exception
    frames = app.get("iframe")
    assert frames
    page = frames[0].proto.srcdoc
    assert '<span id="hit">' in page and "<mark>" in page and "scrollIntoView" in page
    assert "200人" in page.split("<mark>")[1].split("</mark>")[0]


def test_sidebar_year_filter_scopes_the_passages(app):
    app.sidebar.multiselect(key="ask_years").select(2019).run()
    ask(app, "新建学校多少所？")
    assert not app.exception
    cited = [m.value for m in app.markdown if m.value.startswith("**1.**")]
    assert cited and "2019" in cited[0]


def test_without_a_model_there_is_no_generate_toggle(app):
    assert not app.toggle


GENERATED = "崇阳县2020年计划招录义务段教师200人[1]。"


@pytest.fixture
def model_server(seed_copy, monkeypatch):
    """The seed copy with a chat model configured: the stand-in server, whose reply tests set."""
    with chat_server() as server:
        for name, value in (
            ("EDUQA_INDEX", seed_copy / "index"), ("EDUQA_CORPUS", seed_copy / "corpus"),
            ("EDUQA_LLM", "openai-compatible"), ("EDUQA_LLM_MODEL", "qwen2.5"),
            ("EDUQA_LLM_BASE_URL", f"{server.url}/v1"),
        ):  # fmt: skip
            monkeypatch.setenv(name, str(value))
        yield server


def ask_generating(question: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    app.toggle(key="ask_generate").set_value(True).run()
    return ask(app, question)


@pytest.mark.parametrize(
    ("reply", "shown"),
    [(GENERATED, True), ("崇阳县2020年计划招录义务段教师300人[1]。", False)],
    ids=["faithful", "invented-figure"],
)
def test_the_generate_toggle_shows_a_checked_answer_or_the_extracted_one(
    model_server, reply: str, shown: bool
):
    model_server.reply = reply

    app = ask_generating(ANSWERABLE)

    assert not app.exception
    if shown:
        assert app.success[0].value == GENERATED.replace("[", "\\[").replace("]", "\\]")
        assert any(c.value.startswith("[1] 崇阳县2020年教育工作要点") for c in app.caption)
    else:
        assert "没有通过核对" in app.warning[0].value and "'300人'" in app.warning[0].value
        assert "**200人**" in app.success[0].value  # the extracted answer, figure in bold


def test_a_rerun_shows_the_generated_answer_again_without_asking_the_model(model_server):
    model_server.reply = GENERATED

    app = ask_generating(ANSWERABLE).run()

    assert not app.exception
    assert len(model_server.requests) == 1
    assert app.success[0].value == GENERATED.replace("[", "\\[").replace("]", "\\]")
