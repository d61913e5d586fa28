# PUA — developer commands. Only Python 3.11 and make are assumed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run serve test install install-dev lint migrate messages system-deps clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

var:
	mkdir -p var

migrate: install var
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	$(PY) manage.py migrate --no-input -v 0

run: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo --once
	$(PY) manage.py load_instruments
	$(PY) manage.py generate_dataset --persons 300 --seed 2026 --access-point "PUA Ambito di Cremona" --if-empty
	$(PY) manage.py generate_dataset --persons 120 --seed 2027 --access-point "UTI Distretto B Frosinone" --if-empty
	$(PY) manage.py collectstatic --no-input -v 0
	@echo "Demo users sign in without a second factor while DEBUG=1; run with MFA_EXEMPT_DEMO_USERS=0 to be asked for one, or enrol from your profile → Two-factor sign-in (security keys need http://localhost:$(PORT))."
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production serving: DEBUG off, so SECRET_KEY and ALLOWED_HOSTS (and
# DATABASE_URL for PostgreSQL) come from the environment; see docs/deploy.md.
serve: install var
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	DEBUG=0 $(PY) manage.py migrate --no-input -v 0
	DEBUG=0 $(PY) manage.py collectstatic --no-input -v 0
	DEBUG=0 $(VENV)/bin/gunicorn --config config/gunicorn.conf.py config.wsgi:application

system-deps:
	sh scripts/ensure-system-deps

test: install-dev system-deps
	$(PY) manage.py compilemessages --ignore=.venv -v 0
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) -m pytest -n 2

lint: install-dev
	$(VENV)/bin/ruff check .

messages: install
	$(PY) manage.py makemessages -l it --ignore=.venv --ignore=var --no-obsolete

clean:
	rm -rf $(VENV) var staticfiles
