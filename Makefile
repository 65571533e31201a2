# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install messages serve lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Jiandu needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

# English catalogue: compiled from the committed .po when gettext is on the machine (Chinese needs none).
messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then $(BIN)/jiandu compilemessages --ignore=.venv -v0; \
	else echo "gettext (msgfmt) not found: the English interface stays untranslated"; fi

install: $(STAMP)

run: $(STAMP) messages
	$(BIN)/jiandu migrate --noinput
	$(BIN)/jiandu demo
	PORT=$(PORT) $(BIN)/jiandu serve --port $(PORT)

test: $(STAMP) messages
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy jiandu

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
