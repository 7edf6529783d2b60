# Two commands on a fresh machine with only Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint migrate demo worker token schema bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python cli.py run

test: $(STAMP) lint
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

migrate: $(STAMP)
	$(BIN)/python cli.py migrate

demo: $(STAMP)
	$(BIN)/python cli.py demo

worker: $(STAMP)
	$(BIN)/python cli.py worker

token: $(STAMP)
	$(BIN)/python cli.py token $(USER_EMAIL)

# Through a temporary file, so a failing command never leaves a truncated schema.graphql.
schema: $(STAMP)
	$(BIN)/python cli.py print-schema > schema.graphql.tmp
	mv schema.graphql.tmp schema.graphql

bench: $(STAMP)
	for script in bench/bench_*.py; do [ -e "$$script" ] || continue; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .data .mypy_cache .ruff_cache .pytest_cache *.egg-info schema.graphql.tmp
