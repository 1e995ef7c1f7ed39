# Anju: the two commands a new machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install assets browser lint typecheck clean migrate demo

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Anju needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) assets

assets: $(STAMP)
	@scripts/install-assets

run: install
	$(BIN)/anju migrate --noinput
	$(BIN)/anju demo
	PORT=$(PORT) scripts/serve

test: install
	scripts/test

browser:
	scripts/install-browser

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy anju

clean:
	rm -rf $(VENV) var node_modules
