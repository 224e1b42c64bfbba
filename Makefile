# A fresh machine needs two commands: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: build test lint bench bench-map clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# the project itself (what `make build` needs)
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

# the project with its test tools, and the system pieces the tests drive for real
$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml scripts/install-test-deps.sh
	$(BIN)/pip install --quiet -e '.[test]'
	bash scripts/install-test-deps.sh $(BIN)
	touch $@

build: $(VENV)/.installed
	$(BIN)/kg build --corpus corpus --out exports

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# the scale benchmark: ×20 and ×100 copies of corpus/, figures printed as Markdown tables
bench: $(VENV)/.installed
	$(BIN)/python scripts/bench.py --copies 20 --copies 100

# the map: HTML size and time to interactive in headless Chromium, 2,000 and 10,000 nodes
bench-map: $(VENV)/.installed-test
	$(BIN)/python scripts/bench_map.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf exports/graph.* exports/store exports/.store* exports/.kg-cache exports/.kg-build.lock build dist *.egg-info
