# Two commands do everything on a fresh machine:
#   make run    - set up, migrate, load demo data, serve http://127.0.0.1:8000 (PORT=8101 make run: another port)
#   make test   - set up, then run the whole test suite
# Also: make lint (what CI checks before the tests), make lock (after changing pyproject.toml's dependencies).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# What make runs sees where the site is served: settings build PORTAL_BASE_URL (links in emails,
# calendar files, QR codes) from HOST and PORT unless PORTAL_BASE_URL is set.
export HOST PORT

.PHONY: run test lint lock bench wrk setup check-python pdf-packages chromium migrate seed serve clean

run: setup migrate seed serve

test: setup chromium
	$(BIN)/pytest $(PYTEST_ARGS)

# The benchmark (issue 15): the app under gunicorn with production settings, driven by wrk, on a
# PostgreSQL database and a Redis database of its own (made, then dropped: nothing is kept); then
# 200 bookers at once, the services, the reports at scale. Table in bench-results.md.
# BENCH_ARGS="--large" adds 3 x 10^6 attendances; "--seconds 3 --rounds 1 --no-scale" is quick.
bench: setup wrk
	$(BIN)/python manage.py bench $(BENCH_ARGS)

# The benchmark's load tool: Debian's wrk, as the browser tests get Debian's chromium.
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's wrk for the benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "wrk is not installed and this is not root: install it (apt-get install wrk)"; exit 1; fi

setup: check-python pdf-packages $(VENV)/.installed node_modules/.installed

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: set PYTHON=python3.12 (or similar)")'

# The exact versions CI tested, from requirements.lock (hashes checked); then the project itself.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Re-resolve pyproject.toml's dependencies and the test extra into requirements.lock,
# for every platform and for Python 3.11 and newer. uv is only the tool that writes it.
lock: check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv>=0.13,<0.14"
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" --quiet --output-file requirements.lock

# The checks CI runs before the tests. Each runs under its own heading, even after
# another failed, so one run shows every problem; the target fails if any did.
lint: setup
	@failed=""; \
	echo "=== ruff check"; $(BIN)/ruff check . || failed="$$failed ruff-check"; \
	echo "=== ruff format --check"; $(BIN)/ruff format --check . || failed="$$failed ruff-format"; \
	echo "=== makemigrations --check"; $(BIN)/python manage.py makemigrations --check --dry-run || failed="$$failed makemigrations"; \
	echo "=== import-linter (the apps' layers)"; $(BIN)/lint-imports || failed="$$failed import-linter"; \
	if [ -n "$$failed" ]; then echo "=== lint failed:$$failed"; exit 1; fi; echo "=== lint passed"

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Certificates and registers are their pages printed to PDF by WeasyPrint, which needs Debian's Pango
# (HarfBuzz shapes Arabic and orders it right to left) and fonts with every script of the borough's
# names: Noto (Latin, Vietnamese, Greek, Cyrillic, Arabic and more) and DejaVu as the fallback.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core
pdf-packages:
	@missing=""; for package in $(PDF_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's Pango and fonts for PDFs:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "PDFs (certificates, registers) need Pango and fonts that are not installed:$$missing." \
		"Install them (sudo apt-get install$$missing), or Pango and Noto fonts from your system's packages: until then PDF downloads and their tests fail."; fi

# Browser tests drive Debian's chromium (never a downloaded browser build).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is not installed and this is not root: browser tests will be skipped"; fi

migrate:
	$(BIN)/python manage.py migrate --noinput

seed:
	$(BIN)/python manage.py seed_demo

# Emails wait in the outbox (crm/outbox.py): the sender runs beside the web server and prints
# them to this console within two seconds; it stops when runserver does.
serve:
	$(BIN)/python manage.py send_outbox --every 2 & sender=$$!; \
	trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 *.egg-info
