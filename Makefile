# e-BOK. The two set-up commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
# pytest-xdist processes: one per core (each has its own test database and Redis database).
TEST_WORKERS ?= auto

.PHONY: run test install lint messages bench worker beat clean

$(STAMP): pyproject.toml
	scripts/system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports          # the dependency rules (pyproject.toml, docs/architecture.md)
	$(PY) -m mypy                     # types of core/, services and queries
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .

# Regenerate the catalogues after changing UI strings; commit the .po and .mo files.
messages: $(STAMP)
	$(PY) manage.py makemessages -l pl -l en --ignore=.venv --ignore=tests --ignore=staticfiles --ignore=var --no-obsolete --no-location
	$(PY) manage.py compilemessages --ignore=.venv

# Benchmarks run on PostgreSQL and Redis (the local servers unless DATABASE_URL / REDIS_URL say
# otherwise) and print their figures; they are not part of `make test`.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ebok_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/13
bench: $(STAMP)
	scripts/system-deps --bench
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(BENCH_REDIS_URL)} \
	  EBOK_REQUIRE_SERVICES=1 \
	  $(PY) -m pytest tests/bench -p no:randomly -s -o addopts="" $(PYTEST_ARGS)

# One worker consumes every queue (urgent, default, pdf, bulk); `make worker QUEUES=urgent`
# starts one for some of them, as production does (docs/operations.md, "Queues and workers").
QUEUES ?=
worker: $(STAMP)
	$(VENV)/bin/celery -A ebok worker -l info $(if $(QUEUES),-Q $(QUEUES))

# With REDIS_URL a second beat waits for the first one's lock (RedBeat).
beat: $(STAMP)
	$(VENV)/bin/celery -A ebok beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
