"""计划对照 (Diff): two plans aligned section by section, with their figures old → new."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from app.diff import PlanDiff, SectionDiff, diff
from app.engine import Engine
from app.targets import figure_label

from .common import t

_MARK = {"new": "＋", "dropped": "－", "changed": "～", "same": "＝"}
_OLD = "color:#b42318"  # dropped text: red, struck through
_NEW = "color:#067647;text-decoration:none"  # new text: green


def render(eng: Engine) -> None:
    """The diff tab of the Compare page."""
    docs = sorted(eng.index.documents(), key=lambda d: (d.meta.region or "", d.meta.year or 0))
    if len(docs) < 2:
        st.info(t("diff_need_two"))
        return
    labels = {d.file_name: f"{d.meta.title}（{d.meta.region or '—'}，{d.meta.year or '—'}）"
              for d in docs}  # fmt: skip
    names = list(labels)
    first, second = _default_pair(docs)
    left, right = st.columns(2)
    old = left.selectbox(t("diff_old"), names, index=first, format_func=labels.get, key="diff_old")
    new = right.selectbox(t("diff_new"), names, index=second, format_func=labels.get,
                          key="diff_new")  # fmt: skip
    if old == new:
        st.info(t("diff_same_plan"))
        return
    result = diff(eng, old, new)
    _summary(result)
    _figures(result)
    show_same = st.toggle(t("diff_show_same"), key="diff_show_same")
    for section in result.sections:
        if section.status != "same" or show_same:
            _section(section)


def _default_pair(docs) -> tuple[int, int]:
    """Two plans of one region, the older first, when the corpus has such a pair."""
    for i, a in enumerate(docs):
        for j in range(i + 1, len(docs)):
            b = docs[j]
            if a.meta.region and a.meta.region == b.meta.region and a.meta.year != b.meta.year:
                return i, j
    return 0, 1


def _summary(result: PlanDiff) -> None:
    labels = {"changed": "diff_changed", "new": "diff_new_count", "dropped": "diff_dropped",
              "same": "diff_same"}  # fmt: skip
    for column, (status, label) in zip(st.columns(4), labels.items(), strict=True):
        column.metric(t(label), sum(s.status == status for s in result.sections))


def _figures(result: PlanDiff) -> None:
    moved = [c for c in result.targets if c.status != "same"]
    if not moved:
        return
    st.subheader(t("diff_figures"))
    st.dataframe(
        pd.DataFrame(
            {
                t("diff_change"): [t(f"diff_status_{c.status}") for c in moved],
                t("col_indicator"): [c.group for c in moved],
                t("diff_old_value"): [figure_label(c.old) if c.old else "" for c in moved],
                t("diff_new_value"): [figure_label(c.new) if c.new else "" for c in moved],
                t("col_text"): [(c.new or c.old).text for c in moved],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _section(section: SectionDiff) -> None:
    heading = section.new if section.old is None else section.old
    if section.old is not None and section.new is not None and section.old != section.new:
        heading = f"{section.old} ⇒ {section.new}"
    title = f"{_MARK[section.status]} {heading or t('diff_opening')}"
    with st.expander(title):
        for change in section.changes:
            parts = []
            if change.old:
                parts.append(f"<del style='{_OLD}'>{html.escape(change.old)}</del>")
            if change.new:
                parts.append(f"<ins style='{_NEW}'>{html.escape(change.new)}</ins>")
            st.markdown("<br>".join(parts), unsafe_allow_html=True)
