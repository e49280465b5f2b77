"""问答 (Ask): a question, the answer with its highlighted source, the cited passages."""

from __future__ import annotations

import streamlit as st

from app.answer import answer_from
from app.search import search

from .common import engine, marked, source_line, t

EXAMPLES = (
    "崇阳县2020年教师招聘目标是多少？",
    "平江县2016年三年学前教育毛入园率要达到多少？",
    "怀化市2019年高考录取率是多少？",
)


def render() -> None:
    st.title(t("app_title"))
    eng = engine()
    if eng is None:
        return
    with st.form("ask"):
        question = st.text_input("问题", placeholder=EXAMPLES[0])
        submitted = st.form_submit_button("提问")
    st.caption("示例：" + " · ".join(EXAMPLES))
    if not (submitted and question.strip()):
        return
    result = search(eng, question.strip())
    ans = answer_from(result)
    if ans.found and ans.hit and ans.span:
        st.success(ans.text)
        st.caption(source_line(ans.hit))
    else:
        st.info("语料中未找到答案。以下是最接近的段落：")
    for i, hit in enumerate(result.hits[:5], 1):
        with st.container(border=True):
            st.markdown(f"**{i}.** {source_line(hit)} · {hit.score:.2f}")
            if ans.found and ans.hit == hit and ans.span:
                body = marked(hit.text, ans.span.start - hit.start, ans.span.end - hit.start)
            else:
                body = marked(hit.text, 0, 0)
            st.markdown(body, unsafe_allow_html=True)
