# Verhalenbank: build the site, run the tests, write posts. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PELICAN := $(VENV)/bin/pelican
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
JOBS ?= 2
export TITLE

.DEFAULT_GOAL := help
.PHONY: help site serve test lint format post bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

site: $(STAMP) ## set up, sync the sample (or real) submissions, build output/
	$(PY) -m pipeline site

serve: $(STAMP) ## preview the site on http://127.0.0.1:8000 with autoreload
	$(PELICAN) --listen --autoreload --bind $(HOST) --port $(PORT) -s pelicanconf.py

test: $(STAMP) $(NPM_STAMP) ## set up everything and run the whole test suite
	scripts/system-deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n $(JOBS) --dist loadgroup

lint: $(STAMP) ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP) ## apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

post: $(STAMP) ## start a new post: make post TITLE="Mijn titel"
	@test -n "$$TITLE" || { echo 'Usage: make post TITLE="Mijn titel"'; exit 2; }
	$(PY) scripts/new_post.py --title "$$TITLE"

bench: $(STAMP) $(NPM_STAMP) ## run the benchmarks and write bench/RESULTS.md
	$(PY) -m bench

clean: ## remove build output and caches
	rm -rf output cache .pytest_cache
