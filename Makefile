# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/activate pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/drplanner resources/examples/pangyo.drplan

test: $(VENV)/.installed-test
	$(BIN)/ruff check planner tests benchmarks docs
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto
	DRPLANNER_REALWINDOW=1 $(BIN)/python -m pytest -q tests/realwindow
	DRPLANNER_LIVE_NETBOX=1 $(BIN)/python -m pytest -q tests/live

lint: $(VENV)/.installed-test
	$(BIN)/ruff check planner tests benchmarks docs
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info

# Maintainers: the installable one-folder build (PyInstaller, about 20-30 s here) and its
# headless check. Not part of `make test`. See packaging/README.md.
.PHONY: package package-check

package: $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e '.[packaging]'
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/drplanner.spec
	@du -sh dist/drplanner

package-check:
	packaging/check-package.sh dist/drplanner
