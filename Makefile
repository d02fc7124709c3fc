# Two commands do everything on a fresh machine (see README.md):
#   make run    set up and serve the site on http://127.0.0.1:8000 (SQLite, no other service)
#   make test   set up and run the test suite (DATABASE_URL picks PostgreSQL instead of SQLite)

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# Proxies of ours in front of gunicorn (README "Running in production"). 0: the client is the
# connecting address and X-Forwarded-* headers are ignored; N: gunicorn trusts the forwarding
# headers from FORWARDED_ALLOW_IPS (default: a proxy on this host) and Django reads the client
# from X-Forwarded-For (conference/client_ip.py).
TRUSTED_PROXY_COUNT ?= 0
FORWARDED_ALLOW_IPS ?= 127.0.0.1,::1
export TRUSTED_PROXY_COUNT
GUNICORN_FORWARDED := $(if $(filter 0,$(TRUSTED_PROXY_COUNT)),'',$(FORWARDED_ALLOW_IPS))

# The first Python >= 3.12 found: on PATH, then pyenv's versions. Django 6.1 needs 3.12 or newer.
PYTHON ?= $(shell for candidate in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
	  command -v $$candidate >/dev/null 2>&1 || continue; \
	  $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	    && { command -v $$candidate; break; }; \
	done)

.PHONY: help run test lint format check clean big-program bench

help:
	@echo "make run    set up and serve the site on http://$(HOST):$(PORT)"
	@echo "make test   set up and run the tests (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint   ruff, migrations check"
	@echo "make big-program  generate the big program (CONFERENCE=big) into DATABASE_URL's database"
	@echo "make bench  benchmark_server on it (BENCH_ARGS, default --duration 3; add --proxy for nginx)"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found. Install one (e.g. 'pyenv install 3.13' or your"; \
	  echo "system's python3.13 package) or name it: make PYTHON=/path/to/python3.13 ..."; \
	  exit 1; fi
	@[ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	  || { rm -rf $(VENV); echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@# Its pins (lxml<5, icalendar<6, pytz<2023) would not install beside ours: pyproject's dev
	@# extras hold what it imports.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps "c3voc-schedule-tools>=1.1,<1.2"
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py prepare_site
	@echo "Serving on http://$(HOST):$(PORT)/ (admin at /admin/); Ctrl-C stops."
	@# The task runner (similar papers after a change) beside the server, started again if it
	@# stops (it once died on SQLite's "database is locked" and nothing noticed), stopped with it.
	( trap 'kill $$child 2>/dev/null; exit 0' INT TERM; \
	  while :; do $(PY) manage.py db_worker --no-startup-delay & child=$$!; wait $$child; \
	    echo "db_worker stopped (exit $$?): starting it again in 3 s" >&2; \
	    sleep 3 & wait $$!; done ) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn conference.wsgi:application --bind $(HOST):$(PORT) --preload \
	  --workers $(WORKERS) --access-logfile - --forwarded-allow-ips $(GUNICORN_FORWARDED)

# The browser tests' accessibility scan uses axe-core from the npm registry; without npm (or
# without Debian's chromium) those tests are skipped with a message, and CI installs both.
node_modules/.installed: package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: browser accessibility tests will be skipped"; fi

test: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Development commands (devtools/, README "Scale"): only devtools.settings installs that app.
DEV_MANAGE := DJANGO_SETTINGS_MODULE=devtools.settings $(PY) manage.py
CONFERENCE ?= big
GENERATE_ARGS ?=
BENCH_ARGS ?= --duration 3

big-program: $(VENV)/.installed
	$(DEV_MANAGE) migrate --noinput
	$(DEV_MANAGE) generate_program --slug $(CONFERENCE) $(GENERATE_ARGS)

bench: $(VENV)/.installed
	$(DEV_MANAGE) benchmark_server $(CONFERENCE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
