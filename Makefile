# `make demo` and `make test` each bootstrap .venv themselves: a fresh machine needs only python3 and pip.
# `make demo` installs the package alone (what the demo runs on); `make test` adds the [dev] extra.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BASE   := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
BENCH  := $(VENV)/.installed-bench

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# No pip upgrade here: the pip that venv brings installs an editable package, and
# skipping the upgrade keeps a fresh `make demo` well under half a minute.
$(BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BASE) $@

$(BENCH): $(DEV)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

demo: $(BASE)
	$(BIN)/tinygrad-edu demo

test: $(DEV)
	$(BIN)/python -m pytest -q

bench: $(BENCH)
	$(BIN)/python -m benchmarks

lint: $(DEV)
	$(BIN)/ruff check tinygrad_edu viz tests benchmarks examples notebooks

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
