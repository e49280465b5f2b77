"""eduqa in the browser: ask, compare, manage documents, evaluate.

A thin layer over the `app` library (the same one the CLI uses); the pages live in `ui/`.
Run with `make run` (binds to localhost:8501).
"""

from __future__ import annotations

import streamlit as st

from ui import ask, compare, documents, evaluation
from ui.common import t

st.set_page_config(page_title="eduqa", page_icon="📘", layout="wide")
st.sidebar.radio(t("language"), ["中文", "English"], key="lang", horizontal=True)
pages = [
    st.Page(ask.render, title=t("page_ask"), icon="❓", default=True),
    st.Page(compare.render, title=t("page_compare"), icon="📊", url_path="compare"),
    st.Page(documents.render, title=t("page_documents"), icon="📄", url_path="documents"),
    st.Page(evaluation.render, title=t("page_evaluation"), icon="🧪", url_path="evaluation"),
]
st.navigation(pages).run()
