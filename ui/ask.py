"""问答 (Ask): a conversation. Each question is answered with its figure and source and its
cited passages; a follow-up ("那2021年呢？") leans on the turns before it.

The last turn shows how its question was understood ("理解为：崇阳县2021年…"), which the user
can correct or drop, and the question's implied scope (years, places) as chips; removing one
searches again without the question's own scope, with the remaining chips and the sidebar
filters as explicit filters. The sidebar filters apply to every turn; "新对话" starts over.
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from typing import Any

import streamlit as st

from app.answer import Answer, answer_markdown, answer_with
from app.corpus import Facets, facets
from app.engine import Engine
from app.followup import Turn, Understood, understand
from app.generate import chat_model, generate
from app.search import Filters, SearchResult, search
from app.settings import LlmSettings
from ingest.errors import EduqaError

from .answer_view import PASSAGES, markdown_text, show_answer, show_passages
from .common import engine, filter_sidebar, settings, source_line, t

EXAMPLES = (
    "崇阳县2020年教师招聘目标是多少？",
    "平江县2016年三年学前教育毛入园率要达到多少？",
    "怀化市2019年高考录取率是多少？",
    "攸县2017年公开招聘教师多少人？",
)
RECENT = 8  # questions of this session kept for a click
_THREAD = "ask_thread"  # the conversation: per turn, the question and how to understand it
_INPUT = "ask_input"  # the chat box
_ROUND = "ask_round"  # counts questions asked, so each gets fresh chips
_HISTORY = "ask_history"
_ANSWERS = "ask_answers"  # answers of earlier turns, by what was asked and where
_GENERATED = "ask_generated"  # (question and passages, the generated answer) of the last ask


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
                st.markdown(markdown_text(asked["text"]))
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
        filters = filter_sidebar(values, "ask", help_text=t("ask_filters_help"))
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
        show_answer(ans)
        if ans.result.hits:
            with st.expander(t("ask_turn_passages").format(n=len(ans.result.hits))):
                show_passages(eng, ans, key=f"{len(turns)}_")
        return Turn(understood, ans)
    answer_box = st.container()  # filled after the scope chips below it are read
    result = _scoped_search(eng, understood.text, where)
    with answer_box:
        ans = _generated(eng, result, model) if model is not None else _extracted(eng, result)
    show_passages(eng, ans)
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


# the answer: extracted or generated --------------------------------------------------------
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
    show_answer(ans)
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
        shown.caption(t("ask_generating") + markdown_text("".join(parts)) + " ▌")

    gen = kept[1] if kept and kept[0] == key else generate(eng, result, model, on_token)
    st.session_state[_GENERATED] = (key, gen)
    if gen.text is None:
        shown.warning(t("ask_generated_withheld").format(reason=gen.problem))
        show_answer(gen.extractive)
        return gen.extractive
    shown.success(markdown_text(gen.text))
    for number, hit in gen.citations():
        st.caption(f"[{number}] {source_line(hit)}")
    return gen.extractive


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
