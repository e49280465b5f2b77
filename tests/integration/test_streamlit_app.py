"""The minimal web app on the real seed index, through Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


@pytest.fixture
def app(seed_index, monkeypatch) -> AppTest:
    monkeypatch.setenv("EDUQA_INDEX", str(seed_index.index_dir))
    monkeypatch.setenv("EDUQA_CORPUS", str(seed_index.corpus_dir))
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()


def test_question_shows_answer_and_highlighted_source(app):
    app.chat_input[0].set_value("崇阳县2020年教师招聘目标是多少？").run()
    assert not app.exception
    assert "200人" in app.success[0].value
    assert any("<mark>" in m.value and "200人" in m.value for m in app.markdown)


def test_unanswerable_question_says_not_found_and_shows_passages(app):
    app.chat_input[0].set_value("平江县2018年高考一本上线多少人？").run()
    assert "未找到" in app.info[0].value
    assert len(app.markdown) >= 2


def test_missing_index_explains_how_to_build(tmp_path, monkeypatch):
    monkeypatch.setenv("EDUQA_INDEX", str(tmp_path / "nothing"))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    assert "eduqa build" in at.warning[0].value
