# `make demo` and `make test` each bootstrap .venv themselves: a fresh machine needs only python3 and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEV    := $(VENV)/.installed-dev
BENCH  := $(VENV)/.installed-bench

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(BENCH): $(DEV)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

demo: $(DEV)
	$(BIN)/tinygrad-edu demo

test: $(DEV)
	$(BIN)/python -m pytest -q

bench: $(BENCH)
	$(BIN)/python -m benchmarks

lint: $(DEV)
	$(BIN)/ruff check tinygrad_edu viz tests benchmarks examples

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
