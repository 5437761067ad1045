# Cartable: `make run` serves the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint bench services clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip==26.3
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cartable run

services:
	./scripts/services.sh

test: $(STAMP) services lint test-sqlite test-postgres

test-sqlite: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests

test-postgres: $(STAMP) services
	CARTABLE_TEST_DATABASE=postgresql $(BIN)/pytest -q -p no:cacheprovider tests/integration

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m engine.migrate_check

bench: $(STAMP) services
	$(BIN)/python -m bench.chain

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
