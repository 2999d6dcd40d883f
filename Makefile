# Two commands for a newcomer: `make run` and `make test`. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.sha256
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-64)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export AWS_DEFAULT_REGION ?= cn-northwest-1

.PHONY: venv browser run demo test coverage test-unit test-integration test-infra test-e2e lint format synth grants openapi bench clean

# Reinstall only when the pinned requirements change (hash kept in the venv).
venv:
	@if [ ! -x $(PY) ]; then $(PYTHON) -m venv $(VENV); fi
	@if [ "$$(cat $(STAMP) 2>/dev/null)" != "$(REQ_HASH)" ]; then \
		echo "Installing pinned dependencies into $(VENV) ..."; \
		$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" || true; \
		$(PY) -m pip check >/dev/null && echo "$(REQ_HASH)" > $(STAMP); \
	fi
	@test -f $(STAMP) || { echo "dependency install failed"; exit 1; }

# Debian's chromium + chromedriver for the call-page browser test, and a small CJK font so its
# screenshots are legible. apt runs only when one is missing (CI is root; elsewhere sudo); the
# package lists are refreshed only if the install cannot find the packages.
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get
BROWSER_PKGS := chromium chromium-driver fonts-wqy-microhei
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || \
		[ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then \
		echo "Installing $(BROWSER_PKGS) (Debian) ..."; \
		$(APT) install -y -qq $(BROWSER_PKGS) >/dev/null 2>&1 || \
		{ $(APT) update -qq && $(APT) install -y -qq $(BROWSER_PKGS); } || exit 1; \
	fi

run: venv
	$(PY) -m devstack up

# With `make run` up in another terminal: a stroke patient from the doorplate scan to admission.
demo: venv
	$(PY) -m devstack demo

# Two workers, one test file each at a time: files share their fixtures (a seeded stack, a synth).
# The unit tests run first, under coverage (their figure: how much of chalicelib the in-memory tests
# alone reach; `make coverage` measures every in-process test, about 50% slower). Every function's AWS
# calls are then recorded on the way through the rest and checked against its own role (after the
# whole run: a separate invocation), which also refreshes the unused grants in docs/architecture.md.
AWS_CALLS := $(CURDIR)/.devstack/aws-calls
test: lint browser
	rm -rf $(AWS_CALLS)
	$(PY) -m pytest -n 2 --cov=chalicelib --cov-report= tests/unit
	@echo "Line and branch coverage of chalicelib by the unit tests: $$($(PY) -m coverage report --format=total)%"
	EMS_AWS_CALLS_DIR=$(AWS_CALLS) $(PY) -m pytest -n 2 --dist loadfile tests/integration tests/infrastructure \
		tests/e2e --ignore=tests/infrastructure/test_function_roles.py
	EMS_AWS_CALLS_DIR=$(AWS_CALLS) EMS_GRANTS_REPORT=write $(PY) -m pytest -q tests/infrastructure/test_function_roles.py

# Line and branch coverage of chalicelib by every in-process test (unit and integration), with the
# files below 100%.
coverage: venv
	$(PY) -m pytest -q -n 2 --dist loadfile --cov=chalicelib --cov-report=term:skip-covered tests/unit tests/integration

test-unit: venv
	$(PY) -m pytest tests/unit
test-integration: venv
	$(PY) -m pytest tests/integration
test-infra: venv
	$(PY) -m pytest tests/infrastructure
test-e2e: venv browser
	$(PY) -m pytest tests/e2e

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy app.py chalicelib devstack iot_rules infrastructure admin
	PYTHONPATH=. $(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

synth: venv
	$(PY) -m infrastructure.app

# The unused grants in docs/architecture.md, from the calls the last `make test` recorded.
grants: venv
	$(PY) -m infrastructure.grants_report

openapi: venv
	$(PY) -m chalicelib.openapi > docs/openapi.json

bench: venv
	$(PY) bench/cold_start.py
	$(PY) bench/intake.py
	$(PY) bench/devstack_burst.py
	$(PY) bench/dispatch.py
	$(PY) bench/telemetry.py
	$(PY) bench/recommend_reads.py
	$(PY) bench/hospital_options.py
	$(PY) bench/import_addresses.py

clean:
	rm -rf $(VENV) cdk.out .devstack .pytest_cache .mypy_cache .ruff_cache
