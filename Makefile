# The commands of the README: `make run`, `make venue`, `make stack` and `make test`. Each sets
# up what it needs on a fresh machine that has only Python 3.11+ (`make stack`: and nginx,
# PostgreSQL and Redis).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DECK := fixtures/innovation-on-track.json

# `make run` is a local install over plain HTTP: no TLS redirect or secure-only cookies.
export SECURE_SSL_REDIRECT ?= false
export SECURE_COOKIES ?= false
export SECURE_HSTS_SECONDS ?= 0

.PHONY: run venue test setup install lint format bench clean

run: setup
	@$(PY) manage.py collectstatic --noinput -v 0
	@PORT=$(PORT) $(PY) manage.py local_welcome --host $(HOST) --port $(PORT)
	@PORT=$(PORT) $(VENV)/bin/daphne -b $(HOST) -p $(PORT) innovation_track.asgi:application

# `make venue`: this laptop serves the phones on the venue's Wi-Fi (docs/hosting.md).
# Listens on every interface; the settings let in only this laptop's address on the local
# network (detected, or VENUE_ADDRESS) besides 127.0.0.1.
venue: setup
	@$(PY) manage.py collectstatic --noinput -v 0
	@VENUE=true PORT=$(PORT) $(PY) manage.py local_welcome --venue --port $(PORT)
	@VENUE=true PORT=$(PORT) $(VENV)/bin/daphne -b 0.0.0.0 -p $(PORT) innovation_track.asgi:application

# `make stack`: the production setup on this machine, on loopback (docs/hosting.md): nginx
# on 127.0.0.1:STACK_PORT in front of STACK_WORKERS daphne workers, over PostgreSQL and Redis
# (DATABASE_URL and REDIS_URL; by default the database kwartet_stack on this machine's
# PostgreSQL, made when missing, and this machine's Redis). deploy/stack.py runs the release
# step, starts everything, and stops it all on Ctrl+C.
STACK_PORT ?= 8080
STACK_WORKERS ?= 2

.PHONY: stack need-nginx
stack: need-nginx install
	@$(PY) deploy/stack.py --workers $(STACK_WORKERS) --port $(STACK_PORT)

need-nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { echo "nginx is not installed: sudo apt-get install nginx" >&2; exit 1; }

# The suite in TEST_WORKERS processes (pytest-xdist): most tests wait on a server, a browser or
# a socket, so more workers than cores still gain. Tests that share something outside their
# process run one after another in one worker (tests/conftest.py, xdist_group_of).
TEST_WORKERS ?= 4
PARALLEL := -n $(TEST_WORKERS) --dist loadgroup

test: install
	$(PY) -m pytest $(PARALLEL)
	$(PY) -m tests.services postgres $(PARALLEL)

setup: install
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py import_deck $(DECK) --skip-existing

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) tests/benchmarks/bench_engine.py

# How many players the embedded default carries in a real room (tests/benchmarks/bench_room.py).
.PHONY: bench-room
bench-room: install
	$(PY) tests/benchmarks/bench_room.py

# The load harness (tests/perf/loadtest.py): our server against a bare websockets floor,
# 60 tables of 5 phones and 2 dashboards at 30, 120 and 300 moves/s ("mixed" asks) and at
# 300 moves/s where every ask misses that can ("missing"), and a reconnect storm of 1,000
# phones; loopback only. PostgreSQL, Redis and nginx runs skip when absent.
LOADTEST_ARGS ?= --storm 1000
.PHONY: loadtest
loadtest: install
	$(PY) tests/perf/loadtest.py $(LOADTEST_ARGS)

# The message catalogues: new UI texts into locale/{nl,en}, then translate and compile.
# Templates include .svg (the debrief's network); the venv and the tests are not scanned.
.PHONY: messages
messages: install
	$(PY) manage.py makemessages -l nl -l en -e html,txt,py,svg --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
