# A fresh machine needs two commands: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: build test lint bench clean

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

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf exports/graph.* exports/store exports/.store* build dist *.egg-info
