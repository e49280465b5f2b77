"""`eduqa fit` on the real seed index: the four stages fitted from a QA set, written where asked
(never over the app's own models), readable by the app, recording what they were fitted on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from app.answer_features import ANSWER_FEATURES, VERIFY_FEATURES
from app.cli import cli
from app.features import RERANK_FEATURES
from app.models import ANSWER, FITTED, RERANK, VERIFY, load_model
from tests.conftest import DEV_QA

pytestmark = pytest.mark.integration


def test_fit_writes_four_readable_models_fitted_on_the_given_set(seed_index, tmp_path) -> None:
    shipped = {p.name: p.read_bytes() for p in FITTED.glob("*.json")}
    out = tmp_path / "fitted"

    result = CliRunner().invoke(cli, ["fit", "--qa", str(DEV_QA), "--out", str(out), "--index",
                                      str(seed_index.index_dir), "--corpus",
                                      str(seed_index.corpus_dir)])  # fmt: skip

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.json")) == [
        "answer.json", "rerank.json", "verify.json", "words.json"
    ]  # fmt: skip
    for name, features in ((RERANK, RERANK_FEATURES), (ANSWER, ANSWER_FEATURES),
                           (VERIFY, VERIFY_FEATURES)):  # fmt: skip
        model = load_model(name, features, out)
        assert model.fitted_on["qa"] == Path(DEV_QA).as_posix()
        assert model.fitted_on["documents"] == 5
        assert np.all(np.isfinite(model.coef))
    verifier = load_model(VERIFY, VERIFY_FEATURES, out)
    assert 0.0 < verifier.thresholds["maybe"] <= verifier.thresholds["found"] < 1.0
    assert 0.5 < verifier.fitted_on["auc_out_of_fold"] <= 1.0
    words = json.loads((out / "words.json").read_text("utf-8"))
    assert 0.0 < words["prior"] <= 1.0 and words["presence"]
    assert {p.name: p.read_bytes() for p in FITTED.glob("*.json")} == shipped
