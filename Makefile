# Every target uses a project-local virtual environment in .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint method watchlist browser-tools notebooks clean
INSTALL_BROWSER_TOOLS := apt-get install -y -qq chromium poppler-utils fonts-noto-cjk

$(BIN)/exposure: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/exposure  ## run the whole pipeline on the embedded demo university
	$(BIN)/exposure demo

test: $(BIN)/exposure browser-tools  ## lint, then the test suite
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# The browser and PDF tests need Debian's chromium and poppler-utils, and PDFs need a CJK font
# (fonts-noto-cjk) or Chinese affiliation strings print as empty boxes. Install them when missing
# (as root, or with sudo when it needs no password); where that cannot be done the tests are
# skipped with the reason and the install command, and everything else still runs.
browser-tools:
	@if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
	  && fc-list :lang=zh family 2>/dev/null | grep -q .; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "note: no apt-get here; install Chromium, poppler-utils and a CJK font to run the browser tests"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium, poppler-utils and fonts-noto-cjk for the browser and PDF tests ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(INSTALL_BROWSER_TOOLS) >/dev/null) \
	    || echo "note: could not install them; the browser tests will be skipped"; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  echo "installing chromium, poppler-utils and fonts-noto-cjk (sudo) for the browser and PDF tests ..."; \
	  (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive \
	    $(INSTALL_BROWSER_TOOLS) >/dev/null) \
	    || echo "note: could not install them; the browser tests will be skipped"; \
	else \
	  echo "note: the browser and PDF tests will be skipped: no root and no passwordless sudo;"; \
	  echo "      install them with: sudo apt-get install chromium poppler-utils fonts-noto-cjk"; \
	fi

notebooks: $(BIN)/exposure  ## execute every notebook headless on the demo (copies in reports/demo/notebooks)
	$(BIN)/exposure notebooks

lint: $(BIN)/exposure
	$(BIN)/ruff check .
	$(BIN)/ruff format --check analysis tests benchmarks

method: $(BIN)/exposure  ## regenerate the rules table in reports/METHOD.md from the code
	$(BIN)/python -c "from analysis import match; match.write_method_table()"

watchlist: $(BIN)/exposure  ## rebuild data/watchlist/watchlist.csv from curated.csv + sources/
	$(BIN)/python -m analysis.watchlist_build

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
