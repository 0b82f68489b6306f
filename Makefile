# shopgraph: `make run` serves the API, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install run test lint typecheck pytest schema migrations bench bench-events bench-feed clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install shopgraph with its test tools

run: $(STAMP) ## migrate, seed the demo store when empty, serve on http://127.0.0.1:8000/graphql
	$(BIN)/shopgraph migrate
	$(BIN)/shopgraph seed --if-empty
	$(BIN)/shopgraph serve

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP) ## mypy on our packages
	$(BIN)/mypy

JS_STAMP := tests/js/node_modules/.installed-stamp

# The reference JavaScript clients some tests drive; without npm those tests skip and say so.
$(JS_STAMP): tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/js --no-audit --no-fund --silent && touch $(JS_STAMP); \
	else echo "npm not found: the JavaScript protocol-client tests will be skipped"; fi

pytest: $(STAMP) $(JS_STAMP) ## the test suite only
	$(BIN)/pytest

test: lint typecheck pytest ## lint, type check and the whole test suite

schema: $(STAMP) ## rewrite schema.graphql from the code
	$(BIN)/shopgraph export-schema

migrations: $(STAMP) ## write a migration for model changes
	$(BIN)/tortoise makemigrations

BENCH_SCALE ?= 2
bench: $(STAMP) ## HTTP pages beside hand-written floors, then catalog read latency (prints figures)
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null 2>&1 || \
		echo "wrk is not installed and could not be: the Python load generator is used"
	$(BIN)/python -m benchmarks.http --scale $(BENCH_SCALE)
	DATABASE_URL=$${DATABASE_URL:-sqlite://$(CURDIR)/var/bench/scale-$(BENCH_SCALE).sqlite3} \
		$(BIN)/python -m benchmarks.catalog

bench-events: $(STAMP) ## WebSocket fan-out: 1,000 subscribers on two processes (needs PostgreSQL + Redis)
	$(BIN)/python -m benchmarks.events

bench-feed: $(STAMP) ## FOR_YOU over HTTP, 32 shoppers at once, 10k products / 50k users (DATABASE_URL, REDIS_URL)
	$(BIN)/python -m benchmarks.feed_served --reuse-model

clean: ## remove .venv and local data
	rm -rf $(VENV) var
