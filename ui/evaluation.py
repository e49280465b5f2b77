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
# the sets a user can pick: the dev set, and those written by others (split by plan)
QA_SETS = (DEV_QA, Path("evals") / "qa_test.jsonl", Path("evals") / "qa_train.jsonl")
MODE_CHOICES = ("hybrid", "dense", "lexical", "all")
METRICS = (
    *(f"recall@{k}" for k in KS),
    "mrr@10",
    "evidence_coverage@10",
    "answer_accuracy",
    "unanswerable_accuracy",
    "compare_accuracy",
)
_REPORTS = "eval_reports"  # the last run, kept while the user visits other pages
_LABEL = "eval_label"


def qa_sets() -> list[Path]:
    """The QA sets of the repository, the dev set first: relative to the working directory
    (`make run`), else beside the corpus."""
    if DEV_QA.exists():
        return [p for p in QA_SETS if p.exists()]
    base = settings().corpus_dir.resolve().parent
    return [base / p for p in QA_SETS if (base / p).exists()] or [DEV_QA]


def render() -> None:
    st.title(t("eval_title"))
    st.caption(t("eval_intro"))
    eng = engine()
    if eng is None:
        return
    sets = [str(p) for p in qa_sets()]
    st.session_state.setdefault("eval_path", sets[0])
    st.selectbox(t("eval_qa_set"), sets, key="eval_set", on_change=_choose_set)
    with st.form("evaluate"):
        path = st.text_input(t("eval_qa_path"), key="eval_path")
        upload = st.file_uploader(t("eval_upload"), type=["jsonl", "json", "txt"])
        labels = {m: t(f"mode_{m}") for m in MODE_CHOICES}  # fixed now, not when Streamlit calls
        mode = st.selectbox(t("eval_mode"), MODE_CHOICES, format_func=labels.get, key="eval_mode")
        run = st.form_submit_button(t("eval_run"), type="primary")
    if run:
        modes = list(MODES) if mode == "all" else [mode]
        if upload is not None:
            _run_upload(eng, upload, modes)
        else:
            _run_path(eng, Path(str(path).strip()), modes)
    reports = st.session_state.get(_REPORTS)
    if reports:
        _show(reports, st.session_state.get(_LABEL, ""))


def _choose_set() -> None:
    """A set picked from the list fills the path box (which also takes any other file)."""
    st.session_state["eval_path"] = st.session_state["eval_set"]


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
    if reports[0].skipped:
        st.caption(t("eval_skipped").format(n=reports[0].skipped))
    st.subheader(t("eval_metrics"))
    rows = []
    for report in reports:
        slices = (("", report.overall), *report.by_type.items(),
                  *((f"lang_{k}", v) for k, v in report.by_language.items()))  # fmt: skip
        for scope, values in slices:
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
    for report in reports:
        _confidence(report)
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
    if scope in TEXT:
        return t(scope)
    return t(f"qtype_{scope}") if f"qtype_{scope}" in TEXT else scope


def _confidence(report: EvalReport) -> None:
    """AUC, the reliability table and the precision/recall curve of "found"."""
    c = report.confidence
    st.subheader(f"{t('eval_confidence')} · {t(f'mode_{report.mode}')}")
    st.markdown(t("eval_auc").format(auc=_number(c.auc), p=_number(c.found.precision),
                                     r=_number(c.found.recall)))  # fmt: skip
    left, right = st.columns(2)
    with left:
        st.caption(t("eval_reliability"))
        st.dataframe(
            [{t("eval_col_bin"): f"{b.low:.1f}–{b.high:.1f}", t("eval_col_n"): b.questions,
              t("eval_col_mean"): _number(b.mean_confidence),
              t("eval_col_right"): _number(b.share_right)} for b in c.reliability],
            hide_index=True,
        )  # fmt: skip
    with right:
        st.caption(t("eval_curve"))
        st.dataframe(
            [{t("eval_col_threshold"): f"{p.threshold:.1f}",
              t("eval_col_precision"): _number(p.precision),
              t("eval_col_recall"): _number(p.recall)} for p in c.curve],
            hide_index=True,
        )  # fmt: skip


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
