# Two commands for a newcomer: `make run` and `make test`. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.sha256
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-64)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export AWS_DEFAULT_REGION ?= cn-northwest-1

.PHONY: venv run test test-unit test-integration test-infra test-e2e lint format synth openapi bench clean

# Reinstall only when the pinned requirements change (hash kept in the venv).
venv:
	@if [ ! -x $(PY) ]; then $(PYTHON) -m venv $(VENV); fi
	@if [ "$$(cat $(STAMP) 2>/dev/null)" != "$(REQ_HASH)" ]; then \
		echo "Installing pinned dependencies into $(VENV) ..."; \
		$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" || true; \
		$(PY) -m pip check >/dev/null && echo "$(REQ_HASH)" > $(STAMP); \
	fi
	@test -f $(STAMP) || { echo "dependency install failed"; exit 1; }

run: venv
	$(PY) -m devstack up

test: lint
	$(PY) -m pytest tests/unit tests/integration tests/infrastructure tests/e2e

test-unit: venv
	$(PY) -m pytest tests/unit
test-integration: venv
	$(PY) -m pytest tests/integration
test-infra: venv
	$(PY) -m pytest tests/infrastructure
test-e2e: venv
	$(PY) -m pytest tests/e2e

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy app.py chalicelib devstack iot_rules infrastructure

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

synth: venv
	$(PY) -m infrastructure.app

openapi: venv
	$(PY) -m chalicelib.core.openapi > docs/openapi.json

bench: venv
	$(PY) bench/cold_start.py

clean:
	rm -rf $(VENV) cdk.out .devstack .pytest_cache .mypy_cache .ruff_cache
