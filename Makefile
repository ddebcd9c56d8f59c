# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv on first use and install torch first (spacebrief's judge needs it): the
# CPU build from PyTorch's CPU index (TORCH_INDEX), or, where that index is unreachable, the
# same CPU build from whatever pip finds (a local wheel). A bare `torch` from PyPI would be
# the CUDA build (gigabytes): constraints.txt pins the CPU build for every later install.
# `make test` (and `make bench`) also install the `transformer` and `dask` extras, so every
# test runs.

PYTHON ?= python3
VENV ?= .venv
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH ?= torch==2.13.0+cpu
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test install install-torch install-test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt $(VENV)/.installed-torch
	$(PIP) -e .
	touch $@

$(VENV)/.installed-torch: $(BIN)/python constraints.txt
	$(PIP) --timeout 10 --retries 1 --index-url $(TORCH_INDEX) '$(TORCH)' \
		|| $(PIP) '$(TORCH)'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed $(VENV)/.installed-torch
	$(PIP) -e '.[test,transformer,dask]'
	touch $@

install: $(VENV)/.installed

install-torch: $(VENV)/.installed-torch

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/spacebrief demo

test: install-test
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/typecheck.py

# bench/classify.py measures the MiniLM reference pass beside the shipped classifier.
bench: install-test
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/digest.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/full_text.py

clean:
	rm -rf $(VENV) build *.egg-info
