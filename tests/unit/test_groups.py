"""Indicator groups: which wordings may be one indicator, and the user's merges and splits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.groups import GroupCorrections, compatible, group_indicators, label_counts


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("学前三年毛入园率", "三年学前教育毛入园率", True),
        ("学前教育毛入园率", "学前三年毛入园率", True),
        ("小学入学率", "初中入学率", False),  # two stages
        ("一年学前教育入园率", "三年学前教育毛入园率", False),  # one year vs three, net vs gross
        ("学前一年入园率", "学前一年毛入园率", False),  # gross is not net
        ("城区大班额", "城区超大班额", False),  # super-large is not large
        ("县内高中招生", "高中招生", True),
    ],
)
def test_compatible_wordings(a: str, b: str, same: bool) -> None:
    assert compatible(a, b) is same
    assert compatible(b, a) is same


def _groups(pairs, corrections=None):
    """Groups with stand-in vectors: wordings of one measure share a vector (as a good model
    puts them close), every other indicator gets its own direction."""
    counts = label_counts(pairs)
    keys = sorted({k for k, _ in counts})
    basis = np.eye(len(keys), dtype=np.float32)
    vectors = {k: basis[0] if "入园率" in k else basis[i] for i, k in enumerate(keys)}
    return group_indicators(counts, vectors, corrections)


def test_wordings_of_one_indicator_form_one_group_labelled_by_the_commonest() -> None:
    rate = "学前三年毛入园率"
    pairs = [(rate, "%"), (rate, "%"), (f"2016年全县{rate}", "%"), ("三年学前教育毛入园率", "%"),
             ("初中入学率", "%"), (rate, "所")]  # fmt: skip
    groups = _groups(pairs)

    rate = groups[("学前三年毛入园率", "%")]
    assert rate.label == "学前三年毛入园率"
    assert set(rate.members) == {"学前三年毛入园率", "三年学前教育毛入园率"}
    assert 0 < rate.confidence < 1
    assert groups[("初中入学率", "%")].members == ("初中入学率",)
    # the same words in another unit are another indicator
    assert groups[("学前三年毛入园率", "所")] is not rate


def test_merge_and_split_are_saved_and_applied(tmp_path: Path) -> None:
    path = tmp_path / "indicator_groups.json"
    fixes = GroupCorrections.read(path)
    fixes.merge(["招聘教师", "招录义务段教师"])
    fixes.split("三年学前教育毛入园率")
    fixes.save()

    again = GroupCorrections.read(path)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "merged": [["招聘教师", "招录义务段教师"]],
        "separate": ["三年学前教育毛入园率"],
    }
    pairs = [("招聘教师", "人"), ("招录义务段教师", "人"), ("学前三年毛入园率", "%"),
             ("三年学前教育毛入园率", "%")]  # fmt: skip
    groups = _groups(pairs, again)
    teachers = groups[("招聘教师", "人")]
    assert teachers.by_user and set(teachers.members) == {"招聘教师", "招录义务段教师"}
    assert groups[("三年学前教育毛入园率", "%")].members == ("三年学前教育毛入园率",)
    assert groups[("学前三年毛入园率", "%")].members == ("学前三年毛入园率",)


def test_a_new_merge_takes_its_indicators_out_of_older_corrections(tmp_path: Path) -> None:
    fixes = GroupCorrections.read(tmp_path / "g.json")
    fixes.merge(["甲指标", "乙指标", "丙指标"])
    fixes.split("乙指标")
    fixes.merge(["乙指标", "丁指标"])

    assert fixes.merged == [["甲指标", "丙指标"], ["乙指标", "丁指标"]]
    assert fixes.separate == []
    fixes.reset()
    assert (fixes.merged, fixes.separate) == ([], [])
