# groundtruth-warehouse: every target creates or refreshes .venv from requirements.lock first.
# Only Python 3.11 and make are needed on the machine.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# `make install-spark` leaves $(VENV)/.spark: from then on the venv follows requirements-spark.lock
# (requirements.lock plus the `spark` extra), so a refresh does not uninstall Spark again.
LOCK   := $(if $(wildcard $(VENV)/.spark),requirements-spark.lock,requirements.lock)
TARGET ?= duckdb
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

.PHONY: etl test test-spark lint sql docs bench report clean install install-spark

$(STAMP): requirements.lock requirements-spark.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip sync --quiet --python $(BIN)/python $(LOCK)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# The Spark target (docs/scale-out.md): pyspark and dbt-spark[session] (about 500 MB) and Java 17,
# which only the system provides (Debian: apt-get install openjdk-17-jre-headless).
install-spark:
	@command -v java >/dev/null || { echo "Spark needs Java 17: apt-get install -y openjdk-17-jre-headless"; exit 1; }
	mkdir -p $(VENV) && touch $(VENV)/.spark && rm -f $(STAMP)
	$(MAKE) --no-print-directory install

etl: $(STAMP)
	$(if $(filter spark,$(TARGET)),test -f $(VENV)/.spark || $(MAKE) --no-print-directory install-spark)
	$(BIN)/gtwh etl --source $(SOURCE) --target $(TARGET)

test: lint
	$(BIN)/python -m pytest -n 2 -q -m 'not spark'

# The same simulated operation built by DuckDB and by Spark, every mart compared (tests/test_spark.py).
test-spark: $(STAMP)
	test -f $(VENV)/.spark || $(MAKE) --no-print-directory install-spark
	@# the tests skip without pyspark or dbt-spark; here their absence is an error
	$(BIN)/python -c "import pyspark, dbt.adapters.spark"
	$(BIN)/python -m pytest -q -s -m spark tests/test_spark.py

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
