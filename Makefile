# Two commands on a fresh machine:  `make run` (the whole assistant locally) and `make test`.
# Both create .venv with Python 3.10, install the pinned stack, and train the model if needed.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON310 := $(shell ./scripts/find-python310)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup model run test kb clean

setup: $(VENV)/.installed

# Debian's Chromium for the console's browser tests (Playwright drives /usr/bin/chromium; it never
# downloads a browser) and a CJK font so screenshots show Chinese. Skipped when already present.
SYSTEM_PACKAGES := chromium chromium-driver fonts-wqy-microhei
$(VENV)/.system-packages:
	@if dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; then echo "system packages present"; \
	else $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); fi
	@mkdir -p $(VENV) && touch $@

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs 3.8-3.10)"; exit 1; }
	$(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==24.2"
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

model: setup
	$(BIN)/jiuye validate-kb
	$(BIN)/jiuye train

run: model
	$(BIN)/jiuye run

# Static checks first (seconds): the layering (import-linter contracts in pyproject.toml), lint, types.
test: model $(VENV)/.system-packages
	PYTHONPATH=. $(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/rasa data validate --config nlu/config.yml --domain nlu/domain --data nlu/data --fail-on-warnings
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) models var .pytest_cache
