"""文档 (Documents): the corpus as a table; upload, correct, inspect and remove documents.

Every change goes through `app.corpus`; the page then reruns so the table shows the new index,
and what happened is shown at the top of that run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from app.corpus import (
    CorpusReport,
    build,
    corpus_files,
    index_exists,
    load_model,
    remove_documents,
    set_metadata,
)
from app.engine import Engine
from app.errors import USER_ERRORS, one_line
from app.settings import Settings
from app.uploads import add_uploads, one_plan

from .common import engine, forget_engine, marked, settings, t

if TYPE_CHECKING:
    from index.embedders import Embedder
    from index.store import StoredDocument

UPLOAD_TYPES = ("txt", "md", "pdf", "docx", "png", "jpg", "jpeg", "tif", "tiff")
TEXT_HEIGHT = 420  # px of the scrollable document text
_MESSAGES = "docs_messages"  # what the last change did, shown after the rerun
_CONFIRM = "docs_confirm_remove"  # the file name awaiting a confirmed removal
_META_FIELDS = ("title", "year", "region", "province", "doc_type", "issuer")
Progress = Callable[[str, int, int], None]


def render() -> None:
    st.title(t("page_documents"))
    _show_messages()
    current = settings()
    if not index_exists(current):
        _no_index(current)
        _upload_form(current, None)
        return
    eng = engine()
    if eng is None:
        return
    documents = eng.index.documents()
    if documents:
        st.caption(f"{t('docs_count').format(n=len(documents))} {_backend_line(current)}")
        st.dataframe(_table(eng), hide_index=True)
    else:
        st.info(t("docs_empty"))
    _upload_form(current, eng)
    if documents:
        _one_document(current, eng)


def _backend_line(current: Settings) -> str:
    """Where passages are searched: what an administrator checks after switching backends."""
    backend = current.backend
    if backend.kind == "faiss":
        return t("backend_faiss")
    return t("backend_milvus").format(where=backend.milvus_uri or t("milvus_lite"))


# messages carried over a rerun -----------------------------------------------------------------
def _say(kind: str, text: str) -> None:
    st.session_state.setdefault(_MESSAGES, []).append((kind, text))


def _show_messages() -> None:
    shown = {"success": st.success, "info": st.info, "error": st.error}
    for kind, text in st.session_state.pop(_MESSAGES, []):
        shown[kind](text)


def _report(report: CorpusReport) -> None:
    result = report.result
    for name in result.added:
        _say("success", t("docs_added").format(name=name))
    for name in result.replaced:
        _say("success", t("docs_replaced").format(name=name))
    for name in result.unchanged:
        _say("info", t("docs_unchanged").format(name=name))
    for name in result.removed:
        _say("success", t("docs_removed").format(name=name))
    for refusal in report.refused:
        _say("error", t("docs_refused") + str(refusal))


def _progress(template: str) -> tuple[Progress, Progress, Callable[[], None]]:
    """A progress bar advanced per file and, while OCR reads a scanned file, per page; and a
    function that removes it."""
    bar = st.progress(0.0)
    at = {"done": 0, "total": 1}

    def on_file(name: str, done: int, total: int) -> None:
        at.update(done=done, total=max(total, 1))
        bar.progress(done / at["total"], text=template.format(name=name, done=done + 1,
                                                               total=total))  # fmt: skip

    def on_page(name: str, done: int, total: int) -> None:
        share = (at["done"] + done / max(total, 1)) / at["total"]
        bar.progress(min(share, 1.0), text=t("docs_ocr_page").format(name=name, done=done,
                                                                     total=total))  # fmt: skip

    return on_file, on_page, bar.empty


# the corpus ------------------------------------------------------------------------------------
def _table(eng: Engine) -> list[dict]:
    rows = []
    for doc in eng.index.documents():
        meta = doc.meta
        years = meta.years or ((meta.year,) if meta.year else ())
        rows.append(
            {
                t("docs_title"): meta.title,
                t("docs_years"): ", ".join(str(y) for y in years),
                t("docs_region"): meta.region or "",
                t("docs_province"): meta.province or "",
                t("docs_type"): meta.doc_type or "",
                t("docs_issuer"): meta.issuer or "",
                t("docs_published"): meta.published or "",
                t("docs_passages_n"): doc.chunks,
                t("docs_ocr"): _ocr_cell(doc),
                t("docs_added_at"): doc.added[:16].replace("T", " "),
                t("docs_file"): doc.file_name,
            }
        )
    return rows


def _ocr_cell(doc) -> str:
    """How many pages OCR read, and which of them it was unsure of (a person should look)."""
    if not doc.ocr:
        return ""
    said = t("docs_ocr_pages").format(n=len(doc.ocr))
    if doc.doubtful_pages:
        said += t("docs_ocr_doubtful").format(pages="、".join(map(str, doc.doubtful_pages)))
    return said


def _no_index(current: Settings) -> None:
    files = corpus_files(current.corpus_dir)
    if not files:
        st.info(t("docs_empty"))
        return
    st.info(t("docs_no_index").format(folder=f"`{current.corpus_dir}`", n=len(files)))
    if st.button(t("docs_build"), type="primary", icon="🛠️"):
        on_file, on_page, done = _progress(t("docs_building"))
        try:
            report = build(current, load_model(current), on_file=on_file, on_page=on_page)
        except USER_ERRORS as error:
            st.error(one_line(error))
            return
        done()
        _say("success", t("docs_built"))
        _report(report)
        forget_engine()
        st.rerun()


# upload ----------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _model(model: str) -> Embedder:
    """The embedder for uploads before any index exists (one per server and model; the
    argument is the cache key)."""
    return load_model(settings())


def _upload_form(current: Settings, eng: Engine | None) -> None:
    st.subheader(t("docs_upload"))
    with st.form("docs_upload", clear_on_submit=True):
        uploads = st.file_uploader(
            t("docs_upload_label"),
            type=list(UPLOAD_TYPES),
            accept_multiple_files=True,
            max_upload_size=current.max_upload_mb,
            help=t("docs_upload_help").format(mb=current.max_upload_mb),
        )
        replace = st.checkbox(t("docs_replace"), value=False)
        joined = st.checkbox(t("docs_one_plan"), value=False)
        submitted = st.form_submit_button(t("docs_upload_submit"), type="primary", icon="⬆️")
    if not (submitted and uploads):
        return
    on_file, on_page, done = _progress(t("docs_indexing"))
    files = [(f.name, f.getvalue()) for f in uploads]
    try:
        files = one_plan(files) if joined else files
        embedder = eng.embedder if eng else _model(current.model)
        report = add_uploads(current, embedder, files, replace, on_file, on_page)
    except USER_ERRORS as error:
        st.error(one_line(error))
        return
    done()
    _report(report)
    if eng is not None:
        eng.refresh()
    else:
        forget_engine()
    st.rerun()


# one document ----------------------------------------------------------------------------------
def _one_document(current: Settings, eng: Engine) -> None:
    st.subheader(t("docs_one"))
    documents = {d.file_name: d for d in eng.index.documents()}
    name = st.selectbox(
        t("docs_select"),
        list(documents),
        format_func=lambda n: f"{documents[n].meta.title} · {n}",
        key="docs_selected",
    )
    if name is None:
        return
    doc = documents[name]
    view, edit, remove = st.tabs([t("docs_tab_view"), t("docs_tab_edit"), t("docs_tab_remove")])
    with view:
        _view(eng, doc.doc_id)
    with edit:
        _edit(current, eng, doc)
    with remove:
        _remove(current, eng, name)


def _view(eng: Engine, doc_id: str) -> None:
    st.markdown(f"**{t('docs_text')}**")
    with st.container(height=TEXT_HEIGHT, border=True):
        text = eng.index.document_text(doc_id)
        st.markdown(marked(text, 0, 0), unsafe_allow_html=True)
    chunks = eng.index.document_chunks(doc_id)
    st.markdown(f"**{t('docs_passages').format(n=len(chunks))}**")
    kinds = {"target": t("docs_kind_target"), "result": t("docs_kind_result")}
    rows = [
        {
            "#": c.ordinal + 1,
            t("docs_section"): " › ".join(c.section),
            t("docs_year"): str(c.year or ""),
            t("docs_kind"): kinds.get(c.kind or "", ""),
            t("docs_start"): c.start,
            t("docs_end"): c.end,
            t("docs_passage_text"): c.text,
        }
        for c in (row.chunk for row in chunks)
    ]
    st.dataframe(rows, hide_index=True)


def _clean(value: str | int | None) -> str | int | None:
    if isinstance(value, str):
        return value.strip() or None
    return value


def _edit(current: Settings, eng: Engine, doc: StoredDocument) -> None:
    meta = doc.meta
    st.caption(t("docs_edit_help"))
    with st.form(f"docs_edit_{doc.doc_id}"):
        values = {
            "title": st.text_input(t("docs_title"), meta.title),
            "year": st.number_input(
                t("docs_edit_year"), min_value=1900, max_value=2100, value=meta.year, step=1
            ),
            "region": st.text_input(t("docs_region"), meta.region or ""),
            "province": st.text_input(t("docs_province"), meta.province or ""),
            "doc_type": st.text_input(t("docs_type"), meta.doc_type or ""),
            "issuer": st.text_input(t("docs_issuer"), meta.issuer or ""),
        }
        submitted = st.form_submit_button(t("docs_save"), type="primary")
    if not submitted:
        return
    changes = {
        field: _clean(values[field])
        for field in _META_FIELDS
        if _clean(values[field]) != getattr(meta, field)
    }
    if not changes:
        st.info(t("docs_no_changes"))
        return
    try:
        updated = set_metadata(current, eng.embedder, doc.file_name, changes)
    except USER_ERRORS as error:
        st.error(one_line(error))
        return
    shown = " · ".join(
        str(v) for v in (updated.meta.title, updated.meta.year, updated.meta.region) if v
    )
    _say("success", t("docs_saved").format(name=doc.file_name, meta=shown))
    eng.refresh()
    st.rerun()


def _ask_to_remove(name: str) -> None:
    st.session_state[_CONFIRM] = name


def _cancel_removal() -> None:
    st.session_state.pop(_CONFIRM, None)


def _remove(current: Settings, eng: Engine, name: str) -> None:
    if st.session_state.get(_CONFIRM) != name:
        st.button(t("docs_remove_button"), key="docs_remove", on_click=_ask_to_remove, args=(name,))
        return
    st.warning(t("docs_remove_confirm").format(name=name))
    with st.container(horizontal=True):
        confirmed = st.button(t("docs_remove_yes"), key="docs_remove_yes", type="primary")
        st.button(t("docs_cancel"), key="docs_remove_cancel", on_click=_cancel_removal)
    if not confirmed:
        return
    _cancel_removal()
    try:
        report = remove_documents(current, eng.embedder, [name])
    except USER_ERRORS as error:
        st.error(one_line(error))
        return
    _report(report)
    eng.refresh()
    st.rerun()
