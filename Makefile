# Two commands for a fresh machine with Python 3.11+ and make:
#   make run   — set up .venv, install, migrate, load demo data, serve http://127.0.0.1:8000
#   make test  — same set-up, then the whole pytest suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export DEBUG ?= 1

.PHONY: run test setup migrate lint format check-migrations compilemessages worker worker-ocr clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("wsmonitor needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: setup
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: setup
	$(BIN)/celery -A wsmonitor.celery worker --beat --loglevel INFO --concurrency 2

# The OCR/QR queue (docs/imaging.md): one process, one onnxruntime thread, its own time limits.
worker-ocr: setup
	nice -n 10 $(BIN)/celery -A wsmonitor.celery worker --queues ocr --concurrency 1 --pool prefork --loglevel INFO --hostname ocr@%h

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: setup
	$(BIN)/python manage.py makemigrations --check --dry-run

compilemessages: setup
	cd core && ../$(BIN)/python ../manage.py compilemessages --locale zh_Hans

clean:
	rm -rf $(VENV) var db.sqlite3*
