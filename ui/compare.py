"""对比 (Compare): what each region's plans say about one topic, side by side, year by year."""

from __future__ import annotations

import html
import json

import streamlit as st

from app.compare import Comparison, DocumentPassages, compare
from app.corpus import facets
from app.engine import Engine
from app.search import Filters
from app.targets import figure_label
from ingest.errors import EduqaError

from . import diff as diff_page
from . import targets as targets_page
from .common import engine, filter_sidebar, highlight_terms, t

EXAMPLES = ("学前教育毛入园率", "教师招聘", "大班额", "教育扶贫")
PER_ROW = 3  # plans side by side: three columns still read well at 1400 px
_TOPIC = "compare_topic"  # the input's widget key (dropped by Streamlit on another page)
_SAVED = "compare_saved"  # the topic kept across pages


def render() -> None:
    st.title(t("compare_title"))
    st.caption(t("compare_intro"))
    eng = engine()
    if eng is None:
        return
    filters, per_doc = _sidebar(eng)
    topic_tab, targets_tab, diff_tab = st.tabs(
        [t("compare_tab_topic"), t("compare_tab_targets"), t("compare_tab_diff")]
    )
    with topic_tab:
        _topic(eng, filters, per_doc)
    with targets_tab:
        targets_page.render(eng, filters)
    with diff_tab:
        diff_page.render(eng)


def _topic(eng: Engine, filters: Filters, per_doc: int) -> None:
    if _TOPIC not in st.session_state:
        st.session_state[_TOPIC] = st.session_state.get(_SAVED, "")
    st.caption(t("compare_examples"))
    for column, example in zip(st.columns(len(EXAMPLES)), EXAMPLES, strict=True):
        # before the input exists in this run, so the input may still be set
        if column.button(example, key=f"compare_example_{example}", width="stretch"):
            st.session_state[_TOPIC] = example
    topic = st.text_input(t("compare_topic"), key=_TOPIC, placeholder=t("compare_placeholder"))
    st.session_state[_SAVED] = topic
    if not topic.strip():
        return
    try:
        comparison = compare(eng, topic.strip(), per_doc=per_doc, filters=filters)
    except EduqaError as error:
        st.error(str(error))
        return
    _show(comparison)


def _sidebar(eng: Engine) -> tuple[Filters, int]:
    with st.sidebar:
        filters = filter_sidebar(facets(eng.index.documents()), "compare")
        per_doc = st.slider(t("compare_per_doc"), 1, 5, 2, key="compare_per_doc")
    return filters, per_doc


def _show(comparison: Comparison) -> None:
    if not comparison.groups:
        st.info(t("compare_none").format(topic=comparison.topic))
        return
    terms = [w for group in comparison.words for w in group]
    st.caption(
        t("compare_summary").format(
            docs=len(comparison.documents),
            regions=len(comparison.groups),
            topic=comparison.topic,
            words="、".join("/".join(group) for group in comparison.words),
        )
    )
    for group in comparison.groups:
        st.subheader(group.region or t("region_none"))
        docs = group.documents
        for first in range(0, len(docs), PER_ROW):
            columns = st.columns(min(PER_ROW, len(docs)))
            for column, doc in zip(columns, docs[first : first + PER_ROW], strict=False):
                with column:
                    _document(doc, terms)
    if comparison.timelines:
        st.subheader(t("compare_timeline"))
        targets_page.chart(comparison.timelines, key="compare_chart")
    st.download_button(
        t("compare_download"),
        json.dumps(comparison.to_dict(), ensure_ascii=False, indent=1),
        file_name=f"compare-{comparison.topic}.json",
        mime="application/json",
    )


def _years(doc: DocumentPassages) -> str:
    if len(doc.years) > 1:
        return f"{min(doc.years)}–{max(doc.years)}"
    return str(doc.year) if doc.year else t("year_none")


def _document(doc: DocumentPassages, terms: list[str]) -> None:
    with st.container(border=True):
        st.markdown(f"**{html.escape(doc.title)}**")
        st.caption(" · ".join((_years(doc), doc.doc_type or t("type_none"), doc.doc)))
        for hit in doc.hits:
            where = " › ".join(hit.section)
            year = f"{hit.year}" if hit.year else ""
            st.caption(html.escape(" · ".join(p for p in (year, where) if p)))
            # table rows of a schedule read better as one line than one cell per line
            text = " ".join(hit.text.split())
            st.markdown(highlight_terms(text, terms), unsafe_allow_html=True)
        for row in doc.targets:
            kind = t(f"kind_{row.kind}") if row.kind else ""
            figure = figure_label(row)
            st.markdown(
                f"📊 **{html.escape(row.indicator)}**：{html.escape(figure)}"
                f" <small>{html.escape(' · '.join(p for p in (kind, str(row.year or '')) if p))}"
                "</small>",
                unsafe_allow_html=True,
            )
