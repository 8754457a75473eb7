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
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install
	scripts/system-deps.sh test
	$(MAKE) --no-print-directory lint
	scripts/with-services.sh $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)
	# The reports once more on SQLite, the embedded database of `make run`.
	scripts/with-services.sh env SALESOFFICE_TESTS_ON_SQLITE=1 $(VENV)/bin/pytest -q -p no:xdist tests/reports

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

# Backups (README.md, "Production: backups"). backup: DATABASE_URL, BACKUP_DIR (var/backups),
# BACKUP_KEEP_DAYS. restore: FILE, and RESTORE_DATABASE_URL or DATABASE_URL for the target.
.PHONY: backup restore

backup:
	scripts/backup.sh

restore:
	scripts/restore.sh "$(FILE)"
