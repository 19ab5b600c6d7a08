# Kohtaamo: `make run` serves the app, `make test` runs the suite (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
# HOST/PORT go to every flask command: the default BASE_URL (links in mails, feeds) follows them.
FLASK := HOST=$(HOST) PORT=$(PORT) $(PY) -m flask --app wsgi

.PHONY: run test lint-imports serve install install-dev translations compile-translations extract-translations bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.runtime compile-translations

install-dev: $(VENV)/.dev node_modules/.installed compile-translations

compile-translations: $(VENV)/.runtime
	$(VENV)/bin/pybabel -q compile -d translations

extract-translations: $(VENV)/.runtime
	@# --ignore-dirs: Babel skips folders starting with "_" by default, which hid templates/_macros/.
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ --ignore-dirs ".*" --no-location --omit-header -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --ignore-obsolete

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev lint-imports
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

# The layer rule (.importlinter): imports only go downward; a violation fails `make test`.
lint-imports: install-dev
	PYTHONPATH=. $(VENV)/bin/lint-imports

# Production-like: several gunicorn workers (set DATABASE_URL and REDIS_URL); run
# `flask mail deliver` as a second process.
serve: install
	$(FLASK) db upgrade
	@# --preload: import and warm up once (app/core/warmup.py), then fork: every worker starts warm
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn --workers $${WORKERS:-4} --preload --bind $(HOST):$(PORT) --access-logfile - wsgi:app

bench: install-dev
	for script in bench/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules
