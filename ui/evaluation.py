"""评测 (Evaluation): run a QA set, see the metrics per mode and question type, and what missed."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import streamlit as st

from app.engine import Engine
from app.evaluate import KS, EvalReport, Judged, evaluate
from app.search import MODES
from ingest.errors import EduqaError

from .common import engine, marked, settings, t
from .text import TEXT

DEV_QA = Path("evals") / "qa_dev.jsonl"  # from the repo root, as `make eval` uses it
MODE_CHOICES = ("hybrid", "dense", "lexical", "all")
METRICS = (
    *(f"recall@{k}" for k in KS),
    "mrr@10",
    "evidence_coverage@10",
    "answer_accuracy",
    "unanswerable_accuracy",
)
_REPORTS = "eval_reports"  # the last run, kept while the user visits other pages
_LABEL = "eval_label"


def default_qa() -> Path:
    """The dev set: next to the working directory (`make run`), else beside the corpus."""
    for base in (Path.cwd(), settings().corpus_dir.resolve().parent):
        if (base / DEV_QA).exists():
            return base / DEV_QA
    return DEV_QA


def render() -> None:
    st.title(t("eval_title"))
    st.caption(t("eval_intro"))
    eng = engine()
    if eng is None:
        return
    with st.form("evaluate"):
        path = st.text_input(t("eval_qa_path"), value=str(default_qa()), key="eval_path")
        upload = st.file_uploader(t("eval_upload"), type=["jsonl", "json", "txt"])
        labels = {m: t(f"mode_{m}") for m in MODE_CHOICES}  # fixed now, not when Streamlit calls
        mode = st.selectbox(t("eval_mode"), MODE_CHOICES, format_func=labels.get, key="eval_mode")
        run = st.form_submit_button(t("eval_run"), type="primary")
    if run:
        modes = list(MODES) if mode == "all" else [mode]
        if upload is not None:
            _run_upload(eng, upload, modes)
        else:
            _run_path(eng, Path(path.strip()), modes)
    reports = st.session_state.get(_REPORTS)
    if reports:
        _show(reports, st.session_state.get(_LABEL, ""))


def _run_path(eng: Engine, path: Path, modes: list[str]) -> None:
    if not path.is_file():
        st.error(t("eval_no_file").format(path=path))
        return
    _run(eng, path, modes, label=str(path))


def _run_upload(eng: Engine, upload, modes: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="eduqa-qa-") as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        _run(eng, path, modes, label=upload.name)


def _run(eng: Engine, path: Path, modes: list[str], label: str) -> None:
    bar = st.progress(0.0)
    reports = []
    try:
        for n, mode in enumerate(modes):

            def step(done: int, total: int, n: int = n, mode: str = mode) -> None:
                share = (n + done / total) / len(modes)
                text = t("eval_progress").format(mode=t(f"mode_{mode}"), done=done, total=total)
                bar.progress(share, text=text)

            reports.append(evaluate(eng, path, mode, on_item=step))
    except EduqaError as error:
        # an uploaded file lives in a temp dir: name it as the user knows it
        st.error(str(error).replace(str(path), label))
        return
    finally:
        bar.empty()
    st.session_state[_REPORTS] = reports
    st.session_state[_LABEL] = label


def _show(reports: list[EvalReport], label: str) -> None:
    st.caption(t("eval_report_of").format(qa=label))
    st.subheader(t("eval_metrics"))
    rows = []
    for report in reports:
        for scope, values in (("", report.overall), *report.by_type.items()):
            rows.append(
                {
                    t("eval_col_mode"): t(f"mode_{report.mode}"),
                    t("eval_col_type"): _type_label(scope),
                    t("eval_col_n"): int(values["questions"] or 0),
                    **{t(f"metric_{m}"): _number(values[m]) for m in METRICS},
                }
            )
    st.dataframe(
        rows,
        hide_index=True,
    )
    payload = [r.to_dict() for r in reports]
    st.download_button(
        t("eval_download"),
        json.dumps(payload if len(payload) > 1 else payload[0], ensure_ascii=False, indent=1),
        file_name="eval-report.json",
        mime="application/json",
    )
    st.subheader(t("eval_missed"))
    for report in reports:
        if len(reports) > 1:
            st.markdown(f"**{t(f'mode_{report.mode}')}**")
        missed = [(j, _kinds(report, j)) for j in report.judged]
        missed = [(j, kinds) for j, kinds in missed if kinds]
        if not missed:
            st.success(t("eval_none_missed"))
        for judged, kinds in missed:
            _missed(judged, kinds)


def _type_label(scope: str) -> str:
    if not scope:
        return t("eval_overall")
    return t(f"qtype_{scope}") if f"qtype_{scope}" in TEXT else scope


def _number(value: float | None) -> str:
    """Three decimals; "—" where a metric does not apply to the question type."""
    return "—" if value is None else f"{value:.3f}"


def _kinds(report: EvalReport, judged: Judged) -> list[str]:
    kinds = [kind for kind, ids in report.missed.items() if judged.item.id in ids]
    return [t(f"miss_{kind}") if f"miss_{kind}" in TEXT else kind for kind in kinds]


def _missed(judged: Judged, kinds: list[str]) -> None:
    item = judged.item
    with st.expander(f"{item.id} · {item.question} — {'；'.join(kinds)}"):
        st.markdown(f"**{t('eval_expected')}**：{'；'.join(item.answers) or '—'}")
        st.markdown(f"**{t('eval_evidence')}**：{'；'.join(item.evidence) or '—'}")
        st.markdown(f"**{t('eval_docs')}**：{'、'.join(item.docs) or '—'}")
        given = judged.answer.get("answer") if judged.answer.get("found") else None
        st.markdown(f"**{t('eval_given')}**：{given or t('eval_not_found')}")
        st.markdown(f"**{t('eval_retrieved')}**")
        for rank, hit in enumerate(judged.answer.get("hits", [])[:3], 1):
            where = " · ".join(
                str(p) for p in (hit["doc"], hit["year"] or "—", hit["section"]) if p
            )
            st.caption(f"{rank}. {where}")
            st.markdown(marked(hit["text"], 0, 0), unsafe_allow_html=True)
