"""eduqa in the browser: ask a question, read the answer and the passages it came from.

A thin layer over `app`: the engine (index + model) loads once per server, and an index
changed by another process is picked up on the next question without a restart.
"""

from __future__ import annotations

import html

import streamlit as st

from app.answer import answer_from
from app.engine import Engine
from app.search import search
from app.settings import load_settings
from ingest.errors import EduqaError, IndexMissingError

EXAMPLES = ("崇阳县2020年教师招聘目标是多少？", "平江县2016年三年学前教育毛入园率要达到多少？",
            "怀化市2019年高考录取率是多少？")  # fmt: skip


@st.cache_resource(show_spinner="加载索引和模型…")
def _engine(index_dir: str, model: str) -> Engine:
    """One engine per index and model, shared by every session of this server."""
    settings = load_settings()
    return Engine.open(settings)


def _mark(text: str, start: int, end: int) -> str:
    """The passage as HTML with [start:end] highlighted (offsets relative to the passage)."""
    before, span, after = text[:start], text[start:end], text[end:]
    return (html.escape(before) + f"<mark>{html.escape(span)}</mark>" + html.escape(after)).replace(
        "\n", "<br>"
    )


def main() -> None:
    st.set_page_config(page_title="eduqa 教育政策问答", layout="wide")
    st.title("eduqa 教育政策问答")
    try:
        settings = load_settings()
        engine = _engine(str(settings.index_dir), settings.model)
        engine.refresh()
    except IndexMissingError:
        st.warning(
            "还没有索引。请先运行 `make build`（或 `eduqa build`）把 corpus/ 中的文件建入索引。"
        )
        return
    except EduqaError as error:
        st.error(str(error))
        return

    with st.form("ask"):
        question = st.text_input("问题", placeholder=EXAMPLES[0])
        submitted = st.form_submit_button("提问")
    st.caption("示例：" + " · ".join(EXAMPLES))
    if not (submitted and question.strip()):
        return

    result = search(engine, question.strip())
    ans = answer_from(result)
    if ans.found and ans.hit and ans.span:
        st.success(ans.text)
        st.caption(
            f"{ans.hit.title} · {ans.hit.year or ''} · {ans.hit.region or ''} · "
            f"{' › '.join(ans.hit.section)}"
        )
    else:
        st.info("语料中未找到答案。以下是最接近的段落：")
    for i, hit in enumerate(result.hits[:5], 1):
        with st.container(border=True):
            st.markdown(
                f"**{i}. {html.escape(hit.title)}** · {hit.year or ''} · {hit.region or ''} · "
                f"{html.escape(' › '.join(hit.section))} · 相关度 {hit.score:.2f}"
            )
            if ans.found and ans.hit == hit and ans.span:
                body = _mark(hit.text, ans.span.start - hit.start, ans.span.end - hit.start)
            else:
                body = html.escape(hit.text).replace("\n", "<br>")
            st.markdown(body, unsafe_allow_html=True)


main()
