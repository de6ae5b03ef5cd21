# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/atlas

CHROMIUM := /usr/bin/chromium
QGIS     := /usr/bin/qgis_process.bin

.PHONY: demo test lint setup sample clean browser qgis qgis-plugin

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

## the QGIS plugin's tests run Debian's QGIS 3.22 headless (qgis_process.bin); installed here when missing
$(QGIS):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qgis python3-qgis

qgis: $(QGIS)

## make qgis-plugin: the installable plugin zip (QGIS: Plugins > Install from ZIP), in dist/
qgis-plugin:
	$(PYTHON) tools/build_qgis_plugin.py dist

## make test: set up, then lint, type-check, check the import direction and run the whole suite; the
## PostGIS tests get a throw-away PostgreSQL + PostGIS server (installed from Debian when missing)
test: $(STAMP) $(CHROMIUM) $(QGIS) lint
	@url=$$(bash tools/pg_test_server.sh start) || exit 1; \
	ZONEKIT_TEST_PG_URL="$$url" ZONEKIT_TEST_QGIS=1 $(BIN)/python -m pytest -q; status=$$?; \
	bash tools/pg_test_server.sh stop; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check zonekit tests data bench tools qgis
	$(BIN)/ruff format --check zonekit tests data bench tools qgis
	$(BIN)/lint-imports
	$(BIN)/mypy

## make sample: regenerate the bundled sample study from its generator (deterministic)
sample: $(STAMP)
	$(BIN)/python data/generate_sample.py data/sample

clean:
	rm -rf $(VENV) out test-output dist .pytest_cache .ruff_cache
