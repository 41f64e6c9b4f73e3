# Two commands on a fresh machine:  `make run` (the whole assistant locally) and `make test`.
# Both create .venv with Python 3.10, install the pinned stack, and train the model if needed.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON310 := $(shell ./scripts/find-python310)

.PHONY: setup model run test kb clean

setup: $(VENV)/.installed

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

test: model
	$(BIN)/rasa data validate --config nlu/config.yml --domain nlu/domain --data nlu/data --fail-on-warnings
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) models var .pytest_cache
