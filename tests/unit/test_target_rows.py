"""Targets-table rows as people read them."""

from __future__ import annotations

import pytest

from app.targets import TargetRow, figure_label


@pytest.mark.parametrize(
    ("value", "value_max", "qualifier", "label"),
    [
        (85.0, None, "以上", "85 % (以上)"),
        (1610000.0, None, None, "1610000 %"),  # never 1.61e+06
        (3.0, 4.0, None, "3–4 %"),
        (90.21, None, "达到", "90.21 % (达到)"),
    ],
)
def test_a_figure_reads_as_written_numbers(value, value_max, qualifier, label) -> None:
    row = TargetRow("d.txt", "t", None, "指标", value, value_max, "%", qualifier, "target", 2020,
                    "", "", 0, 0, "", "指标", 1.0)  # fmt: skip
    assert figure_label(row) == label
