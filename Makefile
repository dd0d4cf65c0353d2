PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/hujin

.PHONY: demo test test-sqlite test-postgres lint format

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

test-sqlite: $(STAMP)
	DATABASE_URL= $(BIN)/pytest -q

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q

test: test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
