# icity — two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PORT ?= 8000
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test setup setup-dev migrate translations messages static demo lint format e2e bench clean cluster cluster-test faults

# `make run PORT=8100`: SITE_URL (links in emails) follows the port unless it is set.
run: setup migrate translations static demo
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(PY) manage.py run_all --bind 127.0.0.1:$(PORT)

test: setup-dev translations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 --dist loadfile --ignore=tests/e2e --ignore=tests/faults $(PYTEST_ARGS)

$(VENV)/bin/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is required (see README)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

migrate: setup
	$(PY) manage.py migrate --noinput

translations: setup
	$(PY) manage.py compile_translations

# For developers (needs GNU gettext): refresh the catalogues after changing strings.
messages: setup
	$(PY) manage.py makemessages --all --no-location --ignore ".venv/*" --ignore "var/*"

static: setup
	$(PY) manage.py collectstatic --noinput --verbosity 0

demo: migrate
	$(PY) manage.py seed_demo

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var

$(VENV)/.installed-e2e: requirements-e2e.txt $(VENV)/.installed-dev
	$(PIP) install --quiet -r requirements-e2e.txt
	touch $@

# Browser journeys: needs PostgreSQL, Redis and Debian's chromium (.ci/run provides them).
e2e: $(VENV)/.installed-e2e translations static
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest tests/e2e -p no:xdist $(PYTEST_ARGS)

$(VENV)/.installed-cluster: requirements-cluster.txt $(VENV)/.installed-dev
	$(PIP) install --quiet -r requirements-cluster.txt
	touch $@

# Several servers on loopback (README, "Running on several servers"): HAProxy, two web nodes,
# two workers, two beats, own Redis, PgBouncer in front of PostgreSQL (127.0.0.1:5432, trust),
# moto's S3 server, an SMTP sink. One Ctrl-C stops it all.
cluster: $(VENV)/.installed-cluster translations
	$(PY) -m cluster.topology

# The cluster under Locust load while a web node, a worker and a beat are killed; bounded, self-stopping.
cluster-test: $(VENV)/.installed-cluster translations
	timeout --signal=TERM --kill-after=30 600 $(PY) -m cluster.loadtest

# Fault injection (README "Development", make faults): its own PostgreSQL (5441), Redis (6391), SMTP sink and
# web (8601-8602); kills the worker, stalls the relay, stops Redis, restarts PostgreSQL, runs two beats.
# About 10 minutes on the shared 2-core machine; bounded to 15.
faults: setup-dev translations
	ICITY_FAULTS=1 timeout 900 $(VENV)/bin/pytest tests/faults -p no:xdist -p no:randomly -s -q $(PYTEST_ARGS)
