# Cartable: `make run` serves the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Compiled translation catalogs (built, not committed; docs/ui.md).
PO_FILES := $(wildcard web/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test test-sqlite test-postgres lint bench services clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip==26.3
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) $(MO_FILES)
	$(BIN)/cartable run

services:
	./scripts/services.sh

test: $(STAMP) services browser lint test-sqlite test-postgres

# The database suites run on two processes (pytest-xdist; every test has its own
# database); the browser and system tests start servers and run one at a time.
test-sqlite: $(STAMP) $(MO_FILES)
	$(BIN)/pytest -q -p no:cacheprovider -n 2 tests/unit tests/integration tests/notifications
	$(BIN)/pytest -q -p no:cacheprovider tests/browser tests/system

test-postgres: $(STAMP) $(MO_FILES) services
	CARTABLE_TEST_DATABASE=postgresql $(BIN)/pytest -q -p no:cacheprovider -n 2 tests/integration

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m engine.migrate_check
	$(BIN)/python -m engine.layers_check

bench: $(STAMP) services  # each prints JSON lines of figures (docs/performance.md)
	$(BIN)/python -m bench.actions
	$(BIN)/python -m bench.chain
	$(BIN)/python -m bench.cartable_page
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.followups --workers 2
	$(BIN)/python -m bench.notifications

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# Web app (docs/ui.md): translation catalogs, the browser for browser tests, screenshots.
.PHONY: translations browser screenshots

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -f -i $< -o $@

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project Cartable -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -f -d web/translations

browser:
	./scripts/system-packages.sh

screenshots: $(STAMP) $(MO_FILES) browser
	$(BIN)/python -m tests.browser.screenshots docs/screenshots
