"""One answer on the page: the answer (`show_answer`), a comparison's lines, and the cited
passages with the answer's span marked, each opening its whole document (`show_passages`).
The page's one renderer of an `Answer`, as `answer_markdown` is the Markdown one and
`app.cli_ask.print_answer` the command line's."""

from __future__ import annotations

import html
import re

import streamlit as st
import streamlit.components.v1 as components

from app.answer import Answer, answer_figures
from app.comparison import value
from app.engine import Engine
from app.search import Hit

from .common import marked, source_line, t

SHOWN = 5  # passages shown at once; the rest of the top 10 sit in an expander
PASSAGES = 10
DOCUMENT_HEIGHT = 600  # px of the document view in the dialog

# what Markdown would read as markup inside a line (a plan's text starts with no list marker)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")


def markdown_text(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _with_figures(ans: Answer) -> str:
    """The answer as Markdown with its figures in bold."""
    text = ans.text or ""
    out, last = [], 0
    for start, end in answer_figures(ans):
        out += [markdown_text(text[last:start]), f"**{markdown_text(text[start:end])}**"]
        last = end
    out.append(markdown_text(text[last:]))
    return "".join(out)


def show_answer(ans: Answer) -> None:
    """An answer as the page shows it: the statement with its figures in bold and its source, or
    a comparison's lines, or "not found" with what may be relevant; its confidence; and a note
    when the question's scope is not in the corpus."""
    if ans.found and ans.compared:
        st.success(_with_figures(ans))
        _comparison(ans)
    elif ans.found and ans.hit and ans.span:
        st.success(_with_figures(ans))
        st.caption(t("ask_source") + source_line(ans.hit))
    else:
        st.info(t("ask_not_found"))
        if ans.maybe:
            st.warning(t("ask_maybe").format(p=ans.confidence) + markdown_text(ans.maybe.text))
            st.caption(t("ask_source") + source_line(ans.maybe.hit))
    st.progress(ans.confidence, text=t("ask_confidence").format(p=ans.confidence))
    asked = ans.result.question
    if not ans.result.in_scope and (asked.years or asked.regions or asked.unknown_places):
        st.caption(t("ask_out_of_scope"))


def _comparison(ans: Answer) -> None:
    """A comparison's lines: a table of each year's (place's) figure, a chart when three or
    more years of one unit are compared, and each line's passage with its figure marked."""
    st.subheader(t("ask_lines"))
    rows = [
        {
            t("ask_line_slot"): c.slot.label,
            t("ask_line_figure"): c.figure or "—",
            t("ask_line_text"): c.line.text if c.line else "—",
            t("ask_line_source"): html.unescape(source_line(c.line.hit)) if c.line else "—",
        }
        for c in ans.compared
    ]
    st.dataframe(rows, hide_index=True)
    values = {c.slot.label: value(c.figure) for c in ans.compared if c.figure}
    units = {v[1] for v in values.values() if v}
    if len(values) >= 3 and len(units) == 1 and all(values.values()):
        unit = units.pop()
        st.bar_chart({unit: {label: v[0] for label, v in values.items()}}, y_label=unit)
    for c in ans.compared:
        if c.line is None:
            continue
        hit, span = c.line.hit, c.line.span
        at = span.start + (c.line.text.rfind(c.figure) if c.figure else 0)
        end = at + len(c.figure) if c.figure else span.end
        with st.container(border=True):
            st.markdown(f"**{c.slot.label}** · {source_line(hit)}")
            st.markdown(marked(hit.text, at - hit.start, end - hit.start), unsafe_allow_html=True)


def show_passages(eng: Engine, ans: Answer, key: str = "") -> None:
    """The cited passages, the answer's span marked; `key` tells one turn's buttons apart."""
    hits = ans.result.hits
    if not hits:
        return
    if key:  # an earlier turn's, inside its expander already
        for i, hit in enumerate(hits[:PASSAGES], 1):
            _passage(eng, ans, i, hit, key)
        return
    st.subheader(t("ask_passages"))
    for i, hit in enumerate(hits[:SHOWN], 1):
        _passage(eng, ans, i, hit)
    rest = hits[SHOWN:PASSAGES]
    if rest:
        with st.expander(t("ask_more").format(n=len(rest))):
            for i, hit in enumerate(rest, SHOWN + 1):
                _passage(eng, ans, i, hit)


def _answer_span(ans: Answer, hit: Hit) -> tuple[int, int]:
    """The answer's (or the possibly relevant statement's) offsets in the document when it
    comes from this passage, else empty."""
    if ans.found and ans.span and ans.hit == hit:
        return ans.span.start, ans.span.end
    if ans.maybe and ans.maybe.hit == hit:
        return ans.maybe.span.start, ans.maybe.span.end
    return hit.start, hit.start


def _passage(eng: Engine, ans: Answer, i: int, hit: Hit, key: str = "") -> None:
    start, end = _answer_span(ans, hit)
    with st.container(border=True):
        st.markdown(f"**{i}.** {source_line(hit)} · {t('ask_score')} {hit.score:.2f}")
        body = marked(hit.text, start - hit.start, end - hit.start)
        st.markdown(body, unsafe_allow_html=True)
        if st.button(t("ask_show"), key=f"ask_show_{key}{i}", type="tertiary", icon="📄"):
            text = eng.index.document_text(hit.doc_id)
            st.dialog(hit.title or hit.doc, width="large")(_document)(text, hit, start, end)


def document_html(text: str, hit: Hit, start: int, end: int) -> str:
    """A whole document as an HTML page: the passage in <span id="hit">, [start:end] in <mark>,
    scrolled so the passage is in view. Everything from the document is escaped."""
    start, end = max(hit.start, min(start, hit.end)), max(hit.start, min(end, hit.end))
    parts = [
        html.escape(text[: hit.start]),
        '<span id="hit">',
        html.escape(text[hit.start : start]),
        f"<mark>{html.escape(text[start:end])}</mark>" if end > start else "",
        html.escape(text[end : hit.end]),
        "</span>",
        html.escape(text[hit.end :]),
    ]
    style = (
        "body{font-family:sans-serif;font-size:15px;line-height:1.8;white-space:pre-wrap;"
        "margin:0 12px;color:#222;background:#fff}"
        "#hit{background:#fff3c4;border-radius:3px}mark{background:#ffc933}"
    )
    script = "document.getElementById('hit').scrollIntoView({block:'center'});"
    return f"<style>{style}</style><div>{''.join(parts)}</div><script>{script}</script>"


def _document(text: str, hit: Hit, start: int, end: int) -> None:
    st.caption(f"{source_line(hit)} · `{hit.doc}`")
    components.html(document_html(text, hit, start, end), height=DOCUMENT_HEIGHT, scrolling=True)
