# `make run` and `make test` set themselves up on first use (a .venv beside this file).
# The first interpreter that runs and is 3.11 or newer (a pyenv shim for an absent version does not run).
ifndef PYTHON
PYTHON := $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

# Set-up prints one line per step. pip runs with -qq (errors only); a machine-wide pip configuration
# pointing at missing folders makes pip warn "Location ... is ignored" once per package: those lines are
# dropped, anything else pip prints (errors) is shown, and a failing pip still fails the step (pipefail).
SHELL := /bin/bash
PIP_NOISE := { grep -v -e "is ignored: it is neither a file nor a directory" >&2 || true; }
PIP := PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_WARN_SCRIPT_LOCATION=1 $(BIN)/python -m pip install -qq

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "briefbot needs Python 3.11 or newer: none found (set PYTHON=/path/to/python3.11)"; exit 1; }
	@echo "set-up 1/3: virtual environment in $(VENV) ($(PYTHON))"
	@$(PYTHON) -m venv $(VENV)
	@echo "set-up 2/3: pip"
	@set -o pipefail; $(PIP) --upgrade pip 2>&1 | $(PIP_NOISE)
	@echo "set-up 3/3: briefbot and its dependencies (a minute or two the first time)"
	@set -o pipefail; $(PIP) -e '.[dev]' 2>&1 | $(PIP_NOISE)
	@touch $(STAMP)
	@echo "set-up done"

run: $(STAMP)
	$(BIN)/briefbot run

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
