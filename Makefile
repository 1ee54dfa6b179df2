# The few targets people type. `make run` and `make test` do all the set-up themselves on a fresh
# Debian machine (as root they install the missing Debian packages with apt-get).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# WeasyPrint renders PDFs with Pango; msgfmt (gettext) checks the translation catalogues;
# Chromium drives the browser tests; pdfinfo (poppler-utils) checks that the reports are tagged.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0
TEST_PACKAGES := $(RUN_PACKAGES) gettext chromium poppler-utils
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core, at most four processes (pytest-xdist; tests/parallel.py says how
# they share PostgreSQL and Redis). `make test PARALLEL=` runs it in one process.
PARALLEL ?= -p tests.parallel -n auto --maxprocesses 4 --dist loadgroup

.PHONY: run test lint format lock messages worker clean

run: $(VENV)/.installed-run
	@$(call ensure_packages,$(RUN_PACKAGES))
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo
	@echo "Zlagoda runs at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	@$(call ensure_packages,$(TEST_PACKAGES))
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) -m pytest $(PARALLEL) $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-resolve the pinned dependency sets after editing pyproject.toml.
lock: $(VENV)/.installed-dev
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

# Extract new strings into the catalogues, then compile them (translate the empty ones in between).
messages: $(VENV)/.installed-dev
	for lang in uk en cs ru; do $(PY) manage.py makemessages -l $$lang --no-location --no-wrap --ignore=.venv --ignore=tests --ignore=staticfiles; done
	$(PY) manage.py compilemessages --ignore=.venv

worker: $(VENV)/.installed-run
	$(VENV)/bin/celery -A config worker -B -l info

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media test-artifacts

$(VENV)/.installed-run: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.lock
	touch $@ $(VENV)/.installed-run

define ensure_packages
missing=""; for package in $(1); do dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
    echo "Installing Debian packages:$$missing"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
  else echo "Missing Debian packages:$$missing (install them, e.g. sudo apt-get install$$missing)" >&2; exit 1; fi; \
fi
endef
