"""问答 (Ask): a conversation. Each question is answered with its figure and source and its
cited passages; a follow-up ("那2021年呢？") leans on the turns before it.

The last turn shows how its question was understood ("理解为：崇阳县2021年…"), which the user
can correct or drop, and the question's implied scope (years, places) as chips; removing one
searches again without the question's own scope, with the remaining chips and the sidebar
filters as explicit filters. The sidebar filters apply to every turn; "新对话" starts over.
"""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import replace
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from app.answer import Answer, answer_figures, answer_markdown, answer_with
from app.comparison import value
from app.corpus import Facets, facets
from app.engine import Engine
from app.followup import Turn, Understood, understand
from app.generate import chat_model, generate
from app.search import Filters, Hit, SearchResult, search
from app.settings import LlmSettings
from ingest.errors import EduqaError

from .common import engine, filter_sidebar, marked, settings, source_line, t

EXAMPLES = (
    "崇阳县2020年教师招聘目标是多少？",
    "平江县2016年三年学前教育毛入园率要达到多少？",
    "怀化市2019年高考录取率是多少？",
    "攸县2017年公开招聘教师多少人？",
)
SHOWN = 5  # passages shown at once; the rest of the top 10 sit in an expander
PASSAGES = 10
RECENT = 8  # questions of this session kept for a click
DOCUMENT_HEIGHT = 600  # px of the document view in the dialog

_THREAD = "ask_thread"  # the conversation: per turn, the question and how to understand it
_INPUT = "ask_input"  # the chat box
_ROUND = "ask_round"  # counts questions asked, so each gets fresh chips
_HISTORY = "ask_history"
_ANSWERS = "ask_answers"  # answers of earlier turns, by what was asked and where
_GENERATED = "ask_generated"  # (question and passages, the generated answer) of the last ask
# what Markdown would read as markup inside a line (a plan's text starts with no list marker)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")


def render() -> None:
    st.title(t("app_title"))
    eng = engine()
    if eng is None:
        return
    documents = eng.index.documents()
    if not documents:
        st.info(t("ask_no_documents"))
        return
    sidebar = _sidebar(facets(documents))
    model = _generating_model()
    thread = st.session_state.get(_THREAD, [])
    if not thread:
        _examples()
    turns: list[Turn] = []
    try:
        for n, asked in enumerate(thread):
            with st.chat_message("user"):
                st.markdown(_markdown_text(asked["text"]))
            with st.chat_message("assistant"):
                last = n == len(thread) - 1
                turns.append(_turn(eng, asked, turns, sidebar, model if last else None, last))
    except EduqaError as error:
        st.error(str(error))
    if turns:
        _export(turns)
        st.button(t("ask_new"), key="ask_new", on_click=_new_conversation, icon="🆕")
    st.chat_input(t("ask_placeholder"), key=_INPUT, on_submit=_submit)


# asking ----------------------------------------------------------------------------------------
def _ask(question: str) -> None:
    """Add `question` to the conversation (a callback: runs before the page is drawn again)."""
    question = question.strip()
    if not question:
        return
    st.session_state[_THREAD] = [*st.session_state.get(_THREAD, []), {"text": question}]
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    history = [q for q in st.session_state.get(_HISTORY, []) if q != question]
    st.session_state[_HISTORY] = [question, *history][:RECENT]


def _submit() -> None:
    _ask(st.session_state.get(_INPUT) or "")


def _new_conversation() -> None:
    st.session_state[_THREAD] = []
    st.session_state[_ANSWERS] = {}
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1


def _examples() -> None:
    st.caption(t("ask_examples"))
    with st.container(horizontal=True):
        for i, example in enumerate(EXAMPLES):
            st.button(example, key=f"ask_example_{i}", on_click=_ask, args=(example,))


def _sidebar(values: Facets) -> Filters:
    """The sidebar's filters, and this session's recent questions."""
    with st.sidebar:
        filters = filter_sidebar(values, "ask")
        history = st.session_state.get(_HISTORY, [])
        if history:
            st.subheader(t("ask_recent"))
            for i, question in enumerate(history):
                key = f"ask_recent_{i}"
                st.button(question, key=key, type="tertiary", on_click=_ask, args=(question,))
    return filters


# a turn of the conversation ---------------------------------------------------------------------
def _turn(
    eng: Engine, asked: dict, turns: list[Turn], sidebar: Filters, model: Any, last: bool
) -> Turn:
    """One turn: how its question was understood, its answer and its cited passages. The last
    turn has the controls (understanding, scope chips, all passages); earlier ones are kept
    as they were answered, their passages folded."""
    understood = _understood(eng, asked, turns, last)
    where = sidebar
    if understood.within is not None:
        where = replace(sidebar, doc_ids=(understood.within,))
    if not last:
        ans = _earlier_answer(eng, understood.text, where)
        _answer(ans)
        if ans.result.hits:
            with st.expander(t("ask_turn_passages").format(n=len(ans.result.hits))):
                _passages(eng, ans, key=f"{len(turns)}_")
        return Turn(understood, ans)
    answer_box = st.container()  # filled after the scope chips below it are read
    result = _scoped_search(eng, understood.text, where)
    with answer_box:
        ans = _generated(eng, result, model) if model is not None else _extracted(eng, result)
    _passages(eng, ans)
    return Turn(understood, ans)


def _understood(eng: Engine, asked: dict, turns: list[Turn], last: bool) -> Understood:
    """The question as the turn answers it: leaning on the turns before it, unless the user
    dropped that ("literal") or wrote it out ("own"). The last turn offers both."""
    text = asked["text"]
    proposed = understand(eng, text, turns)
    if asked.get("own"):
        understood = Understood(text, asked["own"], "corrected")
    elif asked.get("literal"):
        understood = Understood(text, text, "standalone")
    else:
        understood = proposed
    if not last or asked.get("own"):
        if understood.rewritten:
            st.caption(t("ask_understood") + understood.text)
    elif proposed.rewritten:
        kept = st.pills(t("ask_understood_chip"), [proposed.text],
                        default=None if asked.get("literal") else proposed.text,
                        key=f"ask_understood_{st.session_state.get(_ROUND, 0)}",
                        help=t("ask_understood_help"))  # fmt: skip
        asked["literal"] = not kept
        understood = proposed if kept else Understood(text, text, "standalone")
    if last:
        with st.popover(t("ask_correct"), icon="✏️"):  # a fresh box for each understanding
            key = f"ask_correct_{st.session_state.get(_ROUND, 0)}_"
            key += str(zlib.crc32(understood.text.encode()))
            st.text_input(t("ask_correct_label"), value=understood.text, key=key,
                          on_change=_correct, args=(asked, key))  # fmt: skip
    return understood


def _correct(asked: dict, key: str) -> None:
    """Answer the user's own wording of a turn's question (a callback, before the redraw)."""
    own = (st.session_state.get(key) or "").strip()
    if own and own != asked["text"]:
        asked["own"] = own
    else:
        asked.pop("own", None)


def _earlier_answer(eng: Engine, question: str, where: Filters) -> Answer:
    """An earlier turn's answer, kept for the session: the page is drawn again on every click."""
    kept = st.session_state.setdefault(_ANSWERS, {})
    key = (question, where)
    if key not in kept:
        kept[key] = answer_with(eng, search(eng, question, k=PASSAGES, filters=where))
    return kept[key]


# the scope chips ---------------------------------------------------------------------------------
def _implied(result: SearchResult, sidebar: Filters) -> list[tuple[str, int | str]]:
    """The filters the question itself set: the applied scope where the sidebar sets none."""
    if not result.in_scope:
        return []
    scope = result.filters
    chips: list[tuple[str, int | str]] = []
    if not sidebar.years:
        chips += [("years", y) for y in scope.years]
    if not sidebar.regions:
        chips += [("regions", r) for r in scope.regions]
    if not sidebar.provinces:
        chips += [("provinces", p) for p in scope.provinces]
    return chips


def _scoped_search(eng: Engine, question: str, sidebar: Filters) -> SearchResult:
    """Search in the question's scope, minus the chips the user removed."""
    result = search(eng, question, k=PASSAGES, filters=sidebar)
    chips = _implied(result, sidebar)
    if not chips:
        return result
    kept = st.pills(
        t("ask_scope"),
        chips,
        selection_mode="multi",
        default=chips,
        format_func=lambda chip: str(chip[1]),
        key=f"ask_scope_{st.session_state.get(_ROUND, 0)}",
    )
    if len(kept) == len(chips):
        return result

    def values(field: str) -> tuple:
        return tuple(v for f, v in kept if f == field)

    explicit = Filters(
        years=sidebar.years or values("years"),
        regions=sidebar.regions or values("regions"),
        provinces=sidebar.provinces or values("provinces"),
        doc_types=sidebar.doc_types,
        doc_ids=sidebar.doc_ids,  # a narrowing reads one plan
    )
    return search(eng, question, k=PASSAGES, filters=explicit, question_scope=False)


# the answer ------------------------------------------------------------------------------------
def _markdown_text(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _with_figures(ans: Answer) -> str:
    """The answer as Markdown with its figures in bold."""
    text = ans.text or ""
    out, last = [], 0
    for start, end in answer_figures(ans):
        out += [_markdown_text(text[last:start]), f"**{_markdown_text(text[start:end])}**"]
        last = end
    out.append(_markdown_text(text[last:]))
    return "".join(out)


def _generating_model() -> Any:
    """The chat model, when one is configured and the toggle under the question is on."""
    llm = settings().llm
    if llm is None or not st.toggle(
        t("ask_generate"), key="ask_generate", help=t("ask_generate_help")
    ):
        return None
    try:
        return _chat_model(llm)
    except EduqaError as error:
        st.error(str(error))
        return None


@st.cache_resource(show_spinner=False)
def _chat_model(llm: LlmSettings) -> Any:
    return chat_model(llm)


def _extracted(eng: Engine, result: SearchResult) -> Answer:
    ans = answer_with(eng, result)
    _answer(ans)
    return ans


def _generated(eng: Engine, result: SearchResult, model: Any) -> Answer:
    """The model's answer, shown as it is written, then kept only if it passes the check;
    else the extracted answer with the reason. Returns the extracted answer, which the
    passages and the export below are about.

    The page reruns on every click (a passage's document, a scope chip): the answer to the
    same question over the same passages is kept for the session, not asked for again."""
    key = (result.text, tuple((h.doc, h.start) for h in result.hits), repr(model))
    kept = st.session_state.get(_GENERATED)
    shown = st.empty()
    parts: list[str] = []

    def on_token(part: str) -> None:
        parts.append(part)  # muted and marked unchecked until the check has passed
        shown.caption(t("ask_generating") + _markdown_text("".join(parts)) + " ▌")

    gen = kept[1] if kept and kept[0] == key else generate(eng, result, model, on_token)
    st.session_state[_GENERATED] = (key, gen)
    if gen.text is None:
        shown.warning(t("ask_generated_withheld").format(reason=gen.problem))
        _answer(gen.extractive)
        return gen.extractive
    shown.success(_markdown_text(gen.text))
    for number, hit in gen.citations():
        st.caption(f"[{number}] {source_line(hit)}")
    return gen.extractive


def _answer(ans: Answer) -> None:
    if ans.found and ans.compared:
        st.success(_with_figures(ans))
        _comparison(ans)
    elif ans.found and ans.hit and ans.span:
        st.success(_with_figures(ans))
        st.caption(t("ask_source") + source_line(ans.hit))
    else:
        st.info(t("ask_not_found"))
        if ans.maybe:
            st.warning(t("ask_maybe").format(p=ans.confidence) + _markdown_text(ans.maybe.text))
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


def _passages(eng: Engine, ans: Answer, key: str = "") -> None:
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


def thread_markdown(turns: list[Turn]) -> str:
    """The whole conversation as Markdown: each turn's question, how it was understood, its
    answer and citations."""
    parts = []
    for n, turn in enumerate(turns, 1):
        said = f"## {n}. {turn.understood.asked}\n\n"
        if turn.understood.rewritten:
            said += f"{t('ask_understood')}{turn.understood.text}\n\n"
        parts.append(said + answer_markdown(turn.answer))
    return "\n\n".join(parts)


def _export(turns: list[Turn]) -> None:
    text = thread_markdown(turns) if len(turns) > 1 else answer_markdown(turns[-1].answer)
    with st.expander(t("ask_export")):
        st.code(text, language="markdown", wrap_lines=True)
        st.download_button(
            t("ask_download"),
            text,
            file_name="eduqa-answer.md",
            mime="text/markdown",
            on_click="ignore",
            icon="⬇️",
        )
