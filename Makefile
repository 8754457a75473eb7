# The product's commands. `make run` serves the demo; `make test` runs the whole suite on real
# PostgreSQL and Redis started for the run and stopped after it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
PYTEST_ARGS ?=
BENCH ?=

.PHONY: install run test lint format bench messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	scripts/system-deps.sh runtime
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --isolated -q --upgrade pip
	$(VENV)/bin/pip install --isolated -q ".[test]"
	rm -rf build *.egg-info
	touch $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	PORT=$(PORT) $(VENV)/bin/honcho -f Procfile.dev start

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install
	scripts/system-deps.sh test
	$(MAKE) --no-print-directory lint
	scripts/with-services.sh $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

# make bench                                  all benchmarks, 1,000,000 customers
# make bench BENCH_CUSTOMERS=20000             a quick run (a few minutes)
# make bench BENCH="lookup register --profile" some of them, then where their time goes
bench: install
	scripts/system-deps.sh test
	scripts/with-services.sh $(PY) -m bench.run $(BENCH)

messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var build *.egg-info
