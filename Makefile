# groundtruth-warehouse: every target creates or refreshes .venv from requirements.lock first.
# Only Python 3.11 and make are needed on the machine.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SOURCE ?= simulator
N      ?= 1000000

# Settings from .env (copy .env.example): plain KEY=value lines, exported to every command.
ifneq (,$(wildcard .env))
include .env
export $(shell sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' .env)
endif

export GTWH_DATA_DIR ?= $(CURDIR)/data
export GTWH_WAREHOUSE ?= $(GTWH_DATA_DIR)/warehouse.duckdb
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: etl test lint sql docs bench report clean install

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

etl: $(STAMP)
	$(BIN)/gtwh etl --source $(SOURCE)

test: lint
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check extract expectations tests
	$(BIN)/ruff format --check extract expectations tests
	GTWH_WAREHOUSE=:memory: $(BIN)/sqlfluff lint models --disable-progress-bar

sql: $(STAMP)
	$(BIN)/gtwh sql

report: $(STAMP)
	$(BIN)/gtwh report

docs: $(STAMP)
	$(BIN)/gtwh docs

bench: $(STAMP)
	$(BIN)/gtwh bench --events $(N)

clean:
	rm -rf data target logs dbt_packages .pytest_cache
