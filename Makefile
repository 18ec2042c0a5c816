# arealanalyse: the two commands a new user runs are `make demo` and `make test`.
# Everything installs into .venv from PyPI; only Python 3.11+ and make are needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: install demo test test-fast lint format bench browser gdal osmium-tool clean docs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## The main job on the bundled (synthetic) Bærum demo study area.
demo: install
	$(BIN)/arealanalyse demo run --out output

## A real headless browser for the map tests (Debian's chromium); skipped when not root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	      || echo "note: could not install chromium; browser tests will be skipped"; \
	  else echo "note: not root, chromium not installed; browser tests will be skipped"; fi; }

## GDAL's command-line tools with the SOSI driver (Debian's gdal-bin) for the SOSI reader tests.
gdal:
	@command -v ogr2ogr >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && apt-get install -y -qq gdal-bin >/dev/null) \
	      || echo "note: could not install gdal-bin; SOSI tests will be skipped"; \
	  else echo "note: not root, gdal-bin not installed; SOSI tests will be skipped"; fi; }

## osmium-tool (Debian) cuts the real OSM extract into test fixtures; skipped when not root.
osmium-tool:
	@command -v osmium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && apt-get install -y -qq osmium-tool >/dev/null) \
	      || echo "note: could not install osmium-tool; OSM extract tests will be skipped"; \
	  else echo "note: not root, osmium-tool not installed; OSM extract tests will be skipped"; fi; }

test: install browser gdal osmium-tool
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

test-fast: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q -m "not slow and not browser"

lint: install
	$(BIN)/ruff check src tests bench tools notebooks
	$(BIN)/ruff format --check src tests bench tools notebooks/make_notebooks.py
	$(BIN)/mypy
	$(BIN)/python tools/check_env_versions.py
	$(BIN)/python tools/sync_shipped_scenarios.py --check

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(BIN)/python -m pip install -q -e ".[bench]"
	$(BIN)/python bench/bench_scenarios.py --out bench
	$(BIN)/python bench/bench_transit.py --out bench
	$(BIN)/python bench/bench_batch.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/osm_real.py

clean:
	rm -rf output build dist .pytest_cache .mypy_cache .ruff_cache layers/baerum-demo
