# Verhalenbank: build the site, run the tests, write posts. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PELICAN := $(VENV)/bin/pelican
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
# Where `make serve` listens.
HOST ?= 127.0.0.1
PORT ?= 8000
# The build's clock for `make site` and `make serve` (ISO 8601 with offset); empty means now.
BUILD_TIME ?=
BUILD_TIME_ARG = $(if $(BUILD_TIME),--build-time "$(BUILD_TIME)")
JOBS ?= 2
# The installer of the Python packages, pinned with its hashes in this file: uv resolves and
# downloads in parallel, and installs exactly what uv.lock holds (every package, with hashes).
UV_REQUIREMENTS := .github/uv/requirements.txt
UV := $(VENV)/bin/uv
# Examples the fuzz tests generate under `make fuzz` (`make test` runs 100).
FUZZ_EXAMPLES ?= 2000
export TITLE
# Python's bytecode cache on, even where the environment turns it off: the tests and builds
# start hundreds of Python processes, each of which would otherwise compile every module anew.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help site serve test fuzz screenshots lint format post bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo 'Variables:'
	@echo '  HOST=$(HOST) PORT=$(PORT)  where make serve listens (a busy port stops it with a message)'
	@echo '  BUILD_TIME=2012-08-20T12:00:00+02:00  the clock of make site/serve (default: now),'
	@echo '             e.g. a moment before CALL_DEADLINE to see the call open'

# `--locked` stops when uv.lock and pyproject.toml disagree (run `uv lock` after a change);
# `--inexact` keeps uv itself, which the lock does not list.
$(STAMP): pyproject.toml uv.lock $(UV_REQUIREMENTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		-r $(UV_REQUIREMENTS)
	$(UV) sync --quiet --locked --inexact --extra dev --python $(PY)
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

site: $(STAMP) ## set up, sync the sample (or real) submissions, build output/
	$(PY) -m pipeline site $(BUILD_TIME_ARG)

serve: $(STAMP) ## build as make site does, serve on http://HOST:PORT, rebuild on save
	$(PY) -m pipeline serve --host $(HOST) --port $(PORT) $(BUILD_TIME_ARG)

test: ## set up everything and run the whole test suite
	@# The Python and the npm packages install side by side; mypy checks while the tests run
	@# (its report follows theirs), and either failing fails the target.
	$(MAKE) --no-print-directory -j2 $(STAMP) $(NPM_STAMP)
	scripts/system-deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@mkdir -p .build
	$(VENV)/bin/mypy > .build/mypy.txt 2>&1 & mypy=$$!; \
		$(PY) -m pytest -n $(JOBS) --dist loadgroup; tests=$$?; \
		wait $$mypy; types=$$?; cat .build/mypy.txt; \
		test $$tests -eq 0 && test $$types -eq 0

fuzz: $(STAMP) ## fuzz parse, validate, render, the build and the editorial record longer (FUZZ_EXAMPLES=2000)
	VERHALENBANK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -s -p no:cacheprovider \
		tests/hostile/test_fuzz.py tests/pipeline/test_editorial_stateful.py

screenshots: $(STAMP) $(NPM_STAMP) ## whole-page screenshots of every page type in test-artifacts/
	scripts/system-deps.sh
	VERHALENBANK_SCREENSHOTS=full $(PY) -m pytest -q -p no:cacheprovider \
		tests/browser/test_accessibility.py

lint: $(STAMP) ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP) ## apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

post: $(STAMP) ## start a new post: make post TITLE="Mijn titel"
	@test -n "$$TITLE" || { echo 'gebruik: make post TITLE="Titel van het bericht"' >&2; exit 2; }
	$(PY) scripts/new_post.py --title "$$TITLE"

bench: $(STAMP) $(NPM_STAMP) ## run the benchmarks (ours, plain Pelican, Hugo), write bench/RESULTS.md
	$(PY) -m bench

clean: ## remove everything the builds and tests generate (not .venv or node_modules)
	rm -rf output cache .build test-artifacts .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d \
		-exec rm -rf {} +
