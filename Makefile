# The two front-door commands: `make run` starts the whole system, `make test` runs every test.
# Both create the virtual environment in .venv/ (Python 3.11) and install what they need first.

VENV   := .venv
STAMP  := $(VENV)/.installed
PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: run test test-unit test-faults bench lint clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "Atelier needs Python 3.11 (found $$($(PYTHON) --version 2>&1)); set PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

run: $(STAMP)
	$(VENV)/bin/atelier run

TEST_WORKERS ?= 3

# Tests run side by side (each has its own RabbitMQ vhost and databases); the few that restart the
# broker itself run alone afterwards. The long fault suites run here in a bounded form (three
# SIGTERM rounds of the runner instead of twenty); `make test-faults` runs them in full.
test: $(STAMP)
	$(VENV)/bin/python -m tests.support.infra
	ATELIER_SIGTERM_ROUNDS=3 $(VENV)/bin/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) -m "not exclusive" tests
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider -m exclusive tests

test-faults: $(STAMP)
	$(VENV)/bin/python -m tests.support.infra
	ATELIER_SIGTERM_ROUNDS=20 $(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/e2e/test_local_runner.py
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider -m exclusive tests

test-unit: $(STAMP)
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/unit

$(VENV)/.bench-installed: $(STAMP)
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	@touch $@

# Every benchmark, each figure the median of three runs; writes bench/report.md and bench/*.png.
bench: $(VENV)/.bench-installed
	$(VENV)/bin/python -m tests.support.infra
	$(VENV)/bin/python -m bench

# ruff, and import-linter's contracts (pyproject.toml): no service imports another, the gateway
# imports only the core kernel, domain rules import no framework.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV) var
