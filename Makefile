# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/atlas

CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint setup sample clean browser

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,postgis,cluster]'
	touch $(STAMP)

setup: $(STAMP)

## make demo: set up, then run the main job on the bundled sample study
demo: $(STAMP)
	$(BIN)/zonekit atlas --out $(OUT)

## the browser tests use Debian's chromium and a CJK font; installed here when missing (needs root)
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei

browser: $(CHROMIUM)

## make test: set up, then lint, type-check, check the import direction and run the whole suite; the
## PostGIS tests get a throw-away PostgreSQL + PostGIS server (installed from Debian when missing)
test: $(STAMP) $(CHROMIUM) lint
	@url=$$(bash tools/pg_test_server.sh start) || exit 1; \
	ZONEKIT_TEST_PG_URL="$$url" $(BIN)/python -m pytest -q; status=$$?; \
	bash tools/pg_test_server.sh stop; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check zonekit tests data bench tools
	$(BIN)/ruff format --check zonekit tests data bench tools
	$(BIN)/lint-imports
	$(BIN)/mypy

## make sample: regenerate the bundled sample study from its generator (deterministic)
sample: $(STAMP)
	$(BIN)/python data/generate_sample.py data/sample

clean:
	rm -rf $(VENV) out test-output .pytest_cache .ruff_cache
