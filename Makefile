# Two commands for a newcomer: `make run` (the portal on SQLite with demo data) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
# python3.12 itself, wherever it lives (pyenv's shim fails when 3.12 is not the active version).
PYTHON312 := $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do $$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && { echo $$p; break; }; done)
# Every core the machine has (pytest-xdist); tests that share one resource run in one worker (--dist loadgroup).
PYTEST_ARGS ?= -n auto --dist loadgroup

.PHONY: run test install browser clean

$(BIN)/activate: requirements.txt
	@test -n "$(PYTHON312)" || { echo "Python 3.12 is needed: install python3.12 and try again."; exit 1; }
	$(PYTHON312) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

install: $(BIN)/activate

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's chromium; install it where we can (root with apt-get).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; } || \
	  echo "chromium is not installed: the browser tests will be skipped (set REQUIRE_BROWSER=1 to make that an error)."

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
