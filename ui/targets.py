"""指标表 (Targets): every figure of the plans, filtered, charted over the years, exported; and
the indicator groups a user can merge or split."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.engine import Engine
from app.search import Filters
from app.targets import (
    TargetRow,
    Timeline,
    corrections,
    indicator_groups,
    plain_number,
    table,
    table_bytes,
)
from app.targets import timelines as build_timelines

from .common import t

_KINDS = {"all": None, "target": "target", "result": "result"}


def render(eng: Engine, filters: Filters) -> None:
    """The targets tab of the Compare page."""
    left, right = st.columns([3, 2])
    indicator = left.text_input(
        t("targets_indicator"), key="targets_indicator", placeholder=t("targets_placeholder")
    )
    kind = right.segmented_control(
        t("targets_kind"),
        list(_KINDS),
        format_func=lambda k: t(f"kind_{k}"),
        default="all",
        key="targets_kind",
    )
    rows = table(eng, indicator.strip() or None, filters, _KINDS.get(kind or "all"))
    st.caption(t("targets_count").format(rows=len(rows), docs=len({r.doc for r in rows})))
    if not rows:
        st.info(t("targets_none"))
        _corrections(eng)
        return
    st.dataframe(_frame(rows), hide_index=True, width="stretch")
    csv_col, xlsx_col, _ = st.columns([1, 1, 3])
    csv_col.download_button(t("targets_csv"), table_bytes(rows, "csv"), "targets.csv",
                            mime="text/csv", key="targets_csv")  # fmt: skip
    xlsx_col.download_button(
        t("targets_xlsx"),
        table_bytes(rows, "xlsx"),
        "targets.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="targets_xlsx",
    )
    chart(build_timelines(rows), key="targets_chart")
    _corrections(eng)


def _frame(rows: list[TargetRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col_region"): [r.region or t("region_none") for r in rows],
            t("col_year"): [r.year for r in rows],
            t("col_kind"): [t(f"kind_{r.kind}") if r.kind else "" for r in rows],
            t("col_indicator"): [r.indicator for r in rows],
            t("col_value"): [r.value for r in rows],
            t("col_value_max"): [
                "" if r.value_max is None else plain_number(r.value_max) for r in rows
            ],
            t("col_unit"): [r.unit for r in rows],
            t("col_qualifier"): [r.qualifier or "" for r in rows],
            t("col_group"): [r.group for r in rows],
            t("col_text"): [r.text for r in rows],
            t("col_doc"): [r.doc for r in rows],
        }
    )


def chart(lines: tuple[Timeline, ...], key: str) -> None:
    """A chosen indicator group's values over the years, one line per region."""
    if not lines:
        return
    names = {f"{line.group}（{line.unit}）": line for line in lines}
    chosen = st.selectbox(t("targets_chart"), list(names), key=key)
    line = names[chosen]
    data = pd.DataFrame(
        {
            "year": [p.year for p in line.points],
            "value": [p.value for p in line.points],
            "region": [p.region or t("region_none") for p in line.points],
            "kind": [t(f"kind_{p.kind}") if p.kind else "" for p in line.points],
            "text": [p.text for p in line.points],
            "doc": [p.doc for p in line.points],
        }
    ).dropna(subset=["year"])
    if data.empty:
        st.caption(t("targets_chart_no_year"))
        return
    encoding = {
        "x": alt.X("year:O", title=t("col_year")),
        "y": alt.Y("value:Q", title=f"{line.group}（{line.unit}）"),
        "color": alt.Color("region:N", title=t("col_region")),
        "tooltip": ["region", "year", "kind", "value", "text", "doc"],
    }
    points = (
        alt.Chart(data)
        .mark_point(size=90, filled=True)
        .encode(shape=alt.Shape("kind:N", title=t("col_kind")), **encoding)
    )
    st.altair_chart(alt.Chart(data).mark_line().encode(**encoding) + points, width="stretch")


def _corrections(eng: Engine) -> None:
    """Merge or split indicator groups; kept beside the corpus so they survive rebuilds."""
    groups = {g.label: g for g in indicator_groups(eng).values()}
    with st.expander(t("groups_title")):
        st.caption(t("groups_intro"))
        merge = st.multiselect(t("groups_merge"), sorted(groups), key="groups_merge",
                               placeholder=t("choose"))  # fmt: skip
        if st.button(t("groups_merge_button"), key="groups_merge_button", disabled=len(merge) < 2):
            fixes = corrections(eng)
            fixes.merge([m for label in merge for m in groups[label].members])
            fixes.save()
            st.rerun()
        several = sorted(m for g in groups.values() if len(g.members) > 1 for m in g.members)
        split = st.selectbox(t("groups_split"), several, index=None, key="groups_split",
                             placeholder=t("choose"))  # fmt: skip
        if st.button(t("groups_split_button"), key="groups_split_button", disabled=split is None):
            fixes = corrections(eng)
            fixes.split(split)
            fixes.save()
            st.rerun()
        shown = sorted((g for g in groups.values() if len(g.members) > 1),
                       key=lambda g: g.confidence)  # fmt: skip
        for g in shown:
            who = t("groups_by_user") if g.by_user else f"{g.confidence:.2f}"
            st.markdown(f"- **{g.label}**（{who}）：{' / '.join(g.members)}")
