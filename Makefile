# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed

.PHONY: venv demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# The demo is served over plain HTTP on loopback, so its session cookie cannot be Secure-only.
demo: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Serving http://127.0.0.1:5000 — stop with Ctrl-C"
	SESSION_COOKIE_SECURE=0 $(FLASK) run --host 127.0.0.1 --port 5000

# One pytest worker per core (pytest-xdist); PYTEST_ARGS adds to it, e.g. PYTEST_ARGS='-n 0 -x'.
test: $(STAMP)
	$(BIN)/python -m pytest -rs -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy scoring

# Each benchmark runs in a few minutes at its full size (see its docstring for the parameters);
# the last step writes the one-page table benchmarks/RESULTS.md.
bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done
	$(BIN)/python benchmarks/bench_imports.py --profile
	$(BIN)/python benchmarks/report.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
