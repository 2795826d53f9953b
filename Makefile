# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test lint migrate bench load fonts

install: $(STAMP)

$(STAMP): requirements.txt requirements-test.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

# The demo is a laptop's: DEBUG on, development keys in .local-keys.json (for migrate too).
demo: export DJANGO_DEBUG = 1
demo: migrate
	$(PY) manage.py load_demo
	# The background worker of roster imports (django-tasks-db) runs beside the server and stops with it.
	$(PY) manage.py db_worker & trap 'kill $$! 2>/dev/null' EXIT INT TERM; $(PY) manage.py runserver 127.0.0.1:8000

# The suite sets what it needs itself (casework/settings_test.py turns DJANGO_DEBUG on).
test: install fonts
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Benchmark (not part of `make test`): BENCH_PERSONS and BENCH_BACKENDS (sqlite, postgres) pick the runs;
# results go to bench/results/ and docs/benchmarks.md.
BENCH_PERSONS ?= 10000
BENCH_BACKENDS ?= sqlite
bench: export DJANGO_DEBUG = 1
bench: install
	$(PY) bench/run.py --persons $(BENCH_PERSONS) --backend $(BENCH_BACKENDS)

# Load test (not part of `make test`): gunicorn with the production settings on 127.0.0.1 and Locust headless,
# against the bench PostgreSQL database bench_$(LOAD_PERSONS) (`make bench` fills it); docs/benchmarks.md.
LOAD_PERSONS ?= 100000
LOAD_USERS ?= 50
LOAD_TIME ?= 2m
LOAD_RATE ?= 10
LOAD_FLAGS ?=
load: install
	$(PY) bench/load.py --persons $(LOAD_PERSONS) --users $(LOAD_USERS) --time $(LOAD_TIME) --rate $(LOAD_RATE) $(LOAD_FLAGS)

# Printable notices (WeasyPrint): Debian's CJK font, pango, and HarfBuzz's subsetter (without it
# fontTools subsets the 19 MB font in ~20 s per PDF instead of well under one). Installed only when missing.
NOTICE_DEBS := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
fonts:
	@dpkg -s $(NOTICE_DEBS) >/dev/null 2>&1 || { apt-get update && apt-get install -y $(NOTICE_DEBS); }
