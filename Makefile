# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DEBUG ?= 1

# Every interface language's catalogue (locale/<xx>/LC_MESSAGES/django.po: zh_Hans, vi, ...), and its compiled copy.
PO := $(wildcard locale/*/LC_MESSAGES/django.po)
LOCALES := $(patsubst locale/%/LC_MESSAGES/django.po,%,$(PO))
MO := $(PO:.po=.mo)

.PHONY: run test lint format venv venv-dev messages serve-worker assets bench

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

# The compiled catalogue is made from the .po, never committed (it would conflict on every merge).
# Each catalogue is compiled when its own .po changes.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.runtime
	$(PY) manage.py compilemessages --ignore=.venv -v 0 --locale $*

# Front-end packages come from the npm registry (package.json, package-lock.json: exact versions).
# The files the portal serves are copied into static/vendor/ and committed, so `make run` needs no npm;
# `make assets` refreshes them after a version change (a test checks the copies match node_modules/).
# The tests also use axe-core (accessibility) and vnu-jar (the Nu HTML checker) straight from node_modules/.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

VENDOR := static/vendor
## assets: install the npm packages and copy what the portal serves into static/vendor/
assets: node_modules/.installed
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/tom-select
	cd node_modules/tom-select && cp LICENSE dist/js/tom-select.complete.min.js dist/js/tom-select.complete.min.js.map \
	   dist/css/tom-select.bootstrap5.min.css dist/css/tom-select.bootstrap5.min.css.map ../../$(VENDOR)/tom-select/

## run: set up this machine and serve the portal with the demo programme at http://127.0.0.1:8000
# The first run writes .env from .env.example (DEBUG on), so a command run by hand in this checkout
# (`.venv/bin/python manage.py load_demo`, `createsuperuser`, ...) runs as `make run` does.
.env:
	cp .env.example .env

run: venv .env
	bash scripts/system-packages.sh run
	$(MAKE) --no-print-directory $(MO)
	mkdir -p var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## test: install what the tests need, lint, and run the whole suite
test: venv-dev
	bash scripts/system-packages.sh test
	$(MAKE) --no-print-directory $(MO) node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

## bench: the pages at 100,000 enterprises beside the admin changelist, with the load run and the exports, and the
## bulk import beside its floor (README, "Measured"); BENCH_DATABASE_URL names the PostgreSQL database to fill
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sp_perf_bench
bench: venv-dev
	bash scripts/system-packages.sh bench
	$(MAKE) --no-print-directory $(MO)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/pages.py --scale 10 --repeat 7
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/import_results.py  # in a transaction it rolls back

format: venv-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: extract and compile the translations of every catalogue under locale/ (Chinese, Vietnamese, ...)
messages: venv-dev
	$(PY) manage.py makemessages $(foreach l,$(LOCALES),-l $(l)) --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

## fonts: refresh the newsletter's fonts in static/fonts/ from the npm registry (the files are committed)
# Noto Sans and Noto Serif (SIL Open Font License): each face's Latin, Latin Extended and Vietnamese subsets merged
# into one WOFF (scripts/merge_fonts.py says why), for WeasyPrint and browsers.
FONT_PACKAGES := @fontsource/noto-sans@5.3.0 @fontsource/noto-serif@5.3.0
FONT_FACES := noto-sans-400-normal noto-sans-400-italic noto-sans-700-normal noto-sans-700-italic \
	noto-serif-700-normal noto-serif-400-italic
FONT_SUBSETS := latin latin-ext vietnamese
.PHONY: fonts
fonts: $(VENV)/.runtime
	rm -rf var/fonts && mkdir -p var/fonts static/fonts && rm -f static/fonts/*.woff
	cd var/fonts && npm pack --silent $(FONT_PACKAGES) >/dev/null && for f in *.tgz; do tar xzf $$f --one-top-level=$${f%.tgz}; done
	for face in $(FONT_FACES); do family=$${face%-[0-9]*}; rest=$${face#$$family-}; \
		$(PY) scripts/merge_fonts.py static/fonts/$$face.woff \
		$(foreach subset,$(FONT_SUBSETS),var/fonts/*/package/files/$$family-$(subset)-$$rest.woff); done
	cp var/fonts/fontsource-noto-sans-*/package/LICENSE static/fonts/OFL-noto-sans.txt
	cp var/fonts/fontsource-noto-serif-*/package/LICENSE static/fonts/OFL-noto-serif.txt
	rm -rf var/fonts
