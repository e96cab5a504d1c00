# coproduce — the two commands a fresh machine needs are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_WORKSPACE ?= ./demo-workspace

.PHONY: demo test wheel check lint format typecheck bench system clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

system:
	@bash scripts/system-packages.sh

demo: $(STAMP)
	$(BIN)/coproduce demo --workspace $(DEMO_WORKSPACE) --fresh

# The full suite includes tests/test_packaging.py: build the wheel, install it (no -e) into a
# fresh venv from .venv/wheelhouse, run init --sample, a redline and a launch from it.
test: $(STAMP) system
	$(BIN)/python -m pytest -q

wheel: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_packaging.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP) system
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(DEMO_WORKSPACE) .pytest_cache .mypy_cache .ruff_cache
