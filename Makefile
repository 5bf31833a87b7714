# Hearth: `make run` serves the forum, `make test` runs the suite. Nothing else to install.
SHELL := /bin/bash
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The first Python >= 3.12 among the usual places (Django 6.1 needs it).
PYTHON ?= $(shell for c in python3.13 python3.12 /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then command -v $$c; break; fi; done)

.PHONY: run test e2e screenshots chromium screenshot-fonts setup migrate serve expire-loop messages catalogues check clean

$(STAMP): requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then echo "Hearth needs Python 3.12 or newer (Django 6.1 requires it); none was found. Install python3.12 or python3.13." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	@$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

setup: $(STAMP)

# The compiled catalogues (.mo) are built here, never committed.
messages: setup
	@DJANGO_DEBUG=1 $(VPY) manage.py compilemessages --ignore=.venv --ignore=var -v 0

# After changing a user-facing string: refresh every catalogue, then translate what is new.
# (tests/test_translations.py fails while a catalogue is out of date or incomplete.)
catalogues:
	@DJANGO_DEBUG=1 $(VPY) manage.py makemessages -a --no-obsolete \
		--ignore=.venv --ignore=bench --ignore=tests --ignore=var --ignore=docs -v 0

migrate: messages
	@DJANGO_DEBUG=1 $(VPY) manage.py migrate --noinput
	@DJANGO_DEBUG=1 $(VPY) manage.py createcachetable

run: migrate
	@DJANGO_DEBUG=1 $(VPY) manage.py seed_demo --if-empty
	@echo "Hearth is at http://127.0.0.1:8000/  (Ctrl-C stops it; expired data is deleted every 15 minutes)"
	@DJANGO_DEBUG=1 $(VPY) manage.py expire --loop 900 --quiet-when-idle & expiry=$$!; \
	trap 'kill $$expiry 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(VPY) manage.py runserver 127.0.0.1:8000

test: messages
	@$(VPY) -m pytest --ignore=tests/e2e $(PYTEST_ARGS)

# Browser tests (tests/e2e): Playwright drives Debian's chromium (Playwright's own browser
# download cannot work here), installed below where it is missing, against a live server on
# 127.0.0.1; every flow runs with JavaScript and without.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

e2e: messages chromium
	@$(VPY) -m pytest tests/e2e $(PYTEST_ARGS)

# The screenshots of docs/screenshots/, taken by tests/e2e/test_screenshots.py; the fonts
# make Arabic and Japanese pages look as they would on a member's phone.
screenshot-fonts:
	@if ! fc-list :lang=ja | grep -q . || ! fc-list :lang=ar | grep -qi noto; then \
		echo "Installing Noto fonts for the screenshots"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core fonts-noto-cjk >/dev/null; \
	fi

screenshots: messages chromium screenshot-fonts
	@HEARTH_SCREENSHOTS=1 $(VPY) -m pytest tests/e2e/test_screenshots.py -q

check: setup
	@$(VPY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/static .pytest_cache
