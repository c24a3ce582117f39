# Every target uses a project-local virtual environment in .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

$(BIN)/exposure: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/exposure  ## run the whole pipeline on the embedded demo university
	$(BIN)/exposure demo

test: $(BIN)/exposure  ## lint, then the test suite
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: $(BIN)/exposure
	$(BIN)/ruff check .
	$(BIN)/ruff format --check analysis tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
