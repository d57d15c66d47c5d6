# Two entry points for a fresh machine: `make demo` (the main job on embedded defaults)
# and `make test` (what CI runs). Both create the virtualenv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dondoc demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/parse.py
	$(BIN)/python benchmarks/compile.py
	$(BIN)/python benchmarks/feeds.py
	$(BIN)/python benchmarks/notify.py
	$(BIN)/python benchmarks/notify_select.py
	$(BIN)/python benchmarks/documents.py
