# The README's commands. Each target creates .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test bench lint installer screenshots clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip wheel
	$(PY) -m pip install -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/nocturne gui

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m "not bench" -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/bench -m bench -s -q

lint: $(STAMP)
	$(VENV)/bin/ruff check desktop tests
	$(VENV)/bin/ruff format --check desktop tests
	$(VENV)/bin/mypy

screenshots: $(STAMP)
	NOCTURNE_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/ui/test_screenshots.py tests/ui/test_tray_host.py -q

installer: $(STAMP)
	bash installer/build.sh

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
