# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/atlas

.PHONY: demo test lint setup sample clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## make demo: set up, then run the main job on the bundled sample study
demo: $(STAMP)
	$(BIN)/zonekit atlas --out $(OUT)

## make test: set up, then lint, check the import direction and run the whole suite
test: $(STAMP) lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check zonekit tests data bench
	$(BIN)/ruff format --check zonekit tests data bench
	$(BIN)/lint-imports

## make sample: regenerate the bundled sample study from its generator (deterministic)
sample: $(STAMP)
	$(BIN)/python data/generate_sample.py data/sample

clean:
	rm -rf $(VENV) out test-output .pytest_cache .ruff_cache
