# Hujin's everyday commands. From a fresh clone:
#   make demo   create .venv, install, migrate, load demo data, serve http://127.0.0.1:8000
#   make test   install dev dependencies (and Debian's Chromium), run the suite on SQLite,
#               then on PostgreSQL (PG_TEST_URL)
#   make lint   ruff check, ruff format --check, import-linter
#
# Knobs: PY (python to build the venv with), PG_TEST_URL, PYTEST_ARGS, PYTEST_WORKERS,
# HUJIN_REQUIRE_POSTGRES=1 / HUJIN_REQUIRE_BROWSER=1 (fail instead of skipping; .ci/run sets both).

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev
DEMO_ADDR ?= 127.0.0.1:8000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/hujin
CHROMIUM := /usr/bin/chromium
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
BROWSER_PACKAGES := chromium fonts-wqy-microhei
# The machine has 2 cores; xdist's workers each get their own test database.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) -ra --durations=10 $(PYTEST_ARGS)

.PHONY: demo test test-sqlite test-postgres browser-deps lint format

# --- environment ---------------------------------------------------------------------------

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(APP_STAMP)

# --- demo ----------------------------------------------------------------------------------

# Idempotent: a second run reuses the venv, the database and the demo data. It serves on
# DEMO_ADDR (make demo DEMO_ADDR=0.0.0.0:8000), and the demo prints its addresses there.
demo: $(APP_STAMP)
	$(BIN)/hujin migrate --no-input
	$(BIN)/hujin demo load --addr $(DEMO_ADDR)
	@echo "Hujin is starting at http://$(DEMO_ADDR)/ (Ctrl-C stops it)"
	$(BIN)/hujin serve $(DEMO_ADDR)

# --- tests ---------------------------------------------------------------------------------

# Both suites run even when the first fails; the exit status says whether both passed.
test: $(DEV_STAMP) browser-deps
	@sqlite=0; postgres=0; \
	$(MAKE) --no-print-directory test-sqlite || sqlite=$$?; \
	$(MAKE) --no-print-directory test-postgres || postgres=$$?; \
	echo "make test: SQLite suite $$( [ $$sqlite = 0 ] && echo passed || echo FAILED )," \
	     "PostgreSQL suite $$( [ $$postgres = 0 ] && echo 'passed (or skipped, see above)' || echo FAILED )"; \
	[ $$sqlite = 0 ] && [ $$postgres = 0 ]

# Each run gets a fresh HUJIN_VAR_DIR, shared by the test processes and whatever they spawn.
test-sqlite: $(DEV_STAMP)
	@echo "=== Hujin test suite on SQLite ==="
	@var_dir=$$(mktemp -d -t hujin-var.XXXXXX); trap 'rm -rf "$$var_dir"' EXIT; \
	DATABASE_URL= HUJIN_VAR_DIR=$$var_dir $(PYTEST)

test-postgres: $(DEV_STAMP)
	@echo "=== Hujin test suite on PostgreSQL ==="
	@if ! problem=$$($(BIN)/python -c "$$PG_PROBE" "$(PG_TEST_URL)" 2>&1); then \
	  echo "========================================================================"; \
	  echo "PostgreSQL suite SKIPPED: $$problem"; \
	  echo "  Start PostgreSQL or point PG_TEST_URL at one (the suite creates and drops"; \
	  echo "  test_<db> databases there)."; \
	  echo "========================================================================"; \
	  if [ "$${HUJIN_REQUIRE_POSTGRES:-}" = 1 ]; then \
	    echo "HUJIN_REQUIRE_POSTGRES=1: a skipped PostgreSQL suite is a failure."; exit 1; \
	  fi; \
	  exit 0; \
	fi; \
	var_dir=$$(mktemp -d -t hujin-var.XXXXXX); trap 'rm -rf "$$var_dir"' EXIT; \
	DATABASE_URL=$(PG_TEST_URL) HUJIN_VAR_DIR=$$var_dir $(PYTEST)

# Debian's Chromium for tests/browser (never a browser that Playwright downloads), and a small
# CJK font so that screenshots of 简体中文 pages are legible.
browser-deps:
	@if [ -x $(CHROMIUM) ] && [ -e $(CJK_FONT) ]; then exit 0; fi; \
	fail_or_skip() { \
	  if [ -x $(CHROMIUM) ]; then echo "NOTE: $$1 (only the CJK font is missing)"; exit 0; fi; \
	  if [ "$${HUJIN_REQUIRE_BROWSER:-}" = 1 ]; then \
	    echo "HUJIN_REQUIRE_BROWSER=1: $$1"; exit 1; \
	  fi; \
	  echo "NOTE: $$1 -- the browser tests will be skipped."; exit 0; \
	}; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  fail_or_skip "$(CHROMIUM) is missing and apt-get is not available to install it"; \
	fi; \
	sudo=; if [ "$$(id -u)" != 0 ]; then sudo=sudo; fi; \
	echo "Installing Debian's $(BROWSER_PACKAGES) for the browser tests ($${sudo:+sudo }apt-get)..."; \
	if $$sudo apt-get update -qq && \
	   $$sudo env DEBIAN_FRONTEND=noninteractive \
	     apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null \
	   && [ -x $(CHROMIUM) ]; then \
	  $(CHROMIUM) --version 2>/dev/null || true; \
	else \
	  fail_or_skip "installing $(BROWSER_PACKAGES) with apt-get failed"; \
	fi

# Exits non-zero, printing why, when PostgreSQL at argv[1] does not answer. Connects to the
# server's `postgres` database: the suite's own databases are created and dropped by the tests.
define PG_PROBE
import re, sys, time
import psycopg
url = sys.argv[1]
shown = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
for attempt in range(3):
    try:
        psycopg.connect(url, dbname="postgres", connect_timeout=5).close()
        sys.exit(0)
    except psycopg.Error as exc:
        problem = " ".join(str(exc).split())
        time.sleep(1)
sys.exit(f"cannot connect to {shown} ({problem})")
endef
export PG_PROBE

# --- code quality --------------------------------------------------------------------------

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
