"""Fitting without a model: word statistics, the model file format, calibration and the choice
of thresholds on synthetic data whose right answers are known."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.evaluate import QAItem
from app.fit import Rows, choose_thresholds, logistic, platt
from app.models import LinearModel, load_model, save_model
from app.spans import counted, figures, names, unit_fits
from app.words import learn
from ingest.errors import ConfigError


def test_a_word_answers_never_hold_weighs_less_than_one_they_always_hold():
    pairs = [((("打算",), ("教师", "老师")), "招聘教师200人")] * 4
    words = learn(pairs)
    assert words.factor("打算") < words.prior < words.factor("教师")
    assert words.factor("从未见过") == words.prior


def test_a_model_file_round_trips_and_refuses_other_features(tmp_path):
    model = LinearModel(("a", "b"), np.zeros(2), np.ones(2), np.array([1.0, -1.0]), 0.5, (2.0, 0.1),
                        {"found": 0.6, "maybe": 0.2}, {"qa": "x"})  # fmt: skip
    path = save_model(model, "test", tmp_path)
    assert json.loads(path.read_text("utf-8"))["thresholds"] == {"found": 0.6, "maybe": 0.2}
    loaded = load_model("test", ("a", "b"), tmp_path)
    rows = np.array([[1.0, 0.0], [0.0, 3.0]])
    assert np.allclose(loaded.probability(rows), model.probability(rows))
    assert np.allclose(
        loaded.probability(rows), 1 / (1 + np.exp(-(2.0 * (rows @ [1, -1] + 0.5) + 0.1)))
    )
    with pytest.raises(ConfigError, match="eduqa fit"):
        load_model("test", ("a", "c"), tmp_path)
    with pytest.raises(ConfigError, match="missing.json"):
        load_model("missing", ("a",), tmp_path)


def test_a_fitted_logistic_model_separates_what_its_features_separate_and_calibrates():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(int)
    model = logistic(Rows(x, y, np.arange(400)), ("signal", "noise"))
    assert abs(model.coef[0]) > 5 * abs(model.coef[1])
    a, b = platt(model.logit(x), y)
    assert a > 0
    assert np.mean((model.probability(x) > 0.5) == y) > 0.85


def item(n: int, answerable: bool) -> QAItem:
    return QAItem(str(n), "?", ("1人",) if answerable else (), ("p.txt",), (),
                  "number" if answerable else "unanswerable", None, None)  # fmt: skip


def test_the_found_threshold_maximises_answer_plus_unanswerable_accuracy():
    items = [item(n, answerable=n < 6) for n in range(10)]
    # right answers at 0.7-0.9, one wrong best at 0.8, unanswerable questions at 0.2-0.45
    best = {0: (0.9, True), 1: (0.8, True), 2: (0.75, True), 3: (0.7, True),
            4: (0.8, False), 5: (0.3, True), 6: (0.2, False), 7: (0.3, False),
            8: (0.45, False), 9: (0.4, False)}  # fmt: skip
    found, maybe, accuracy = choose_thresholds(items, best)
    assert 0.45 < found <= 0.7
    expected = {"answer_accuracy": 4 / 6, "unanswerable_accuracy": 1.0, "best_right": 5 / 6,
                "answer_accuracy_number": 4 / 6}  # fmt: skip
    assert accuracy.items() >= expected.items()
    assert maybe <= found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县内高中招生8100人以上,其中普高5500人", ["8100人以上", "5500人"]),
        ("高考二本以上上线人数不少于1700人", ["不少于1700人"]),
        ("毛入园率达到85%以上,新增学位1.2万个", ["达到85%以上", "1.2万个"]),
        ("12、建设5所学校。2016年为质量年,用三年时间", ["5所"]),
        ("平均受教育年限达到9.5年以上", ["达到9.5年以上"]),
    ],
)
def test_figures_are_numbers_with_units_and_qualifiers_not_outline_numbers_or_years(text, expected):
    found = [text[f.start : f.end] for f in figures(text)]
    assert [e for e in expected if any(e in f for f in found)] == expected
    assert not any(f in ("12、", "2016年", "三年") for f in found)


def test_what_a_figure_counts_is_taken_only_up_to_a_clause_mark():
    text = "设计规模54个教学班,学位2430个"
    first, second = figures(text)
    assert text[first.start : counted(text, first)] == "54个教学班"
    assert counted(text, second) == second.end


def test_money_in_ten_thousands_fits_a_question_about_yuan():
    assert unit_fits("万元", ("元",)) and not unit_fits("人次", ("人", "名"))


def test_a_designated_year_and_a_lead_department_are_names():
    kinds = {n.kind: "确定2019年为全县“教育内涵发展年”。由县教育局牵头完成"[n.start : n.end]
             for n in names("确定2019年为全县“教育内涵发展年”。由县教育局牵头完成")}  # fmt: skip
    assert kinds["quoted"] == "教育内涵发展年" and kinds["lead"] == "县教育局"
