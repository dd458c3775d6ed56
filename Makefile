# Tribune — the two commands of the quick start are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
TRIBUNE_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.PHONY: demo run test lint typecheck test-sqlite test-postgres bench clean messages

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || "$$(bash scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

## Start Tribune with demo data on SQLite; prints the URL and the logins.
demo: $(STAMP)
	$(BIN)/tribune demo

run: $(STAMP)
	$(BIN)/tribune migrate --noinput && $(BIN)/tribune run

## The whole test suite: lint, types, then every test on SQLite and on PostgreSQL.
test: $(STAMP) lint typecheck
	@bash scripts/ensure-chromium.sh
	@bash scripts/peers-setup.sh
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	@echo "All checks passed on SQLite and PostgreSQL."

lint: $(STAMP)
	$(BIN)/ruff check tribune tests benchmarks scripts
	$(BIN)/ruff format --check tribune tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy tribune

test-sqlite: $(STAMP)
	DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@if [ "$${TRIBUNE_SKIP_POSTGRES:-}" = "1" ] && [ -z "$${CI:-}" ]; then \
	  echo "!!! PostgreSQL tests SKIPPED on request (TRIBUNE_SKIP_POSTGRES=1) !!!"; exit 0; fi; \
	$(PY) scripts/check-postgres.py "$(TRIBUNE_TEST_POSTGRES_URL)" && \
	DATABASE_URL="$(TRIBUNE_TEST_POSTGRES_URL)" TRIBUNE_DB_TESTS_ONLY=1 $(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m benchmarks

messages: $(STAMP)
	cd tribune && ../$(BIN)/tribune makemessages -l fr -l en --no-obsolete && ../$(BIN)/tribune compilemessages

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
