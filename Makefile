# Homeward: `make run` sets up and serves the app with demo data; `make test` sets up and
# runs the whole test suite. Both are safe to re-run: each step runs only when its inputs change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app tracker
STAMP  := .make
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: setup run serve test lint prereqs clean bench

setup: $(STAMP)/python static/build/app.css

prereqs: $(STAMP)/prereqs

$(STAMP)/prereqs:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "Homeward needs Python 3.11 or newer as '$(PYTHON)'. Install it (e.g. apt-get install python3), or run: make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "Python's venv module is missing. Install it (on Debian/Ubuntu: apt-get install python3-venv)."; exit 1; }
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "Homeward needs Node.js 18+ and npm to build its stylesheet. Install them (e.g. apt-get install nodejs npm)."; exit 1; }
	@node -e 'process.exit(parseInt(process.versions.node) >= 18 ? 0 : 1)' || { \
	  echo "Homeward needs Node.js 18 or newer; you have $$(node --version)."; exit 1; }
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/python: pyproject.toml $(STAMP)/prereqs
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(STAMP)/node: package.json package-lock.json $(STAMP)/prereqs
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/app.css: $(STAMP)/node $(wildcard static/scss/*.scss) static/js/app.js scripts/build-assets.mjs
	npm run --silent build

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Homeward is at http://$(HOST):$(PORT)/ (Ctrl+C to stop), with the scheduler beside it"
	@$(FLASK) scheduler & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# Test workers (pytest-xdist): one per CPU; each module stays on one worker, with a database of its
# own. `make test WORKERS=0` runs everything in one process.
WORKERS ?= auto

test: setup
	$(BIN)/pytest -n $(WORKERS) --dist loadscope

lint: setup
	$(BIN)/ruff check tracker tests

# The benchmark (scripts/bench.py): e.g. `make bench BENCH_ARGS="--authorities 10"`.
BENCH_ARGS ?=

bench: setup
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(STAMP) $(VENV) node_modules static/build
