# Quick start: `make run` (build the warehouse from data/raw) and `make test`. Both bootstrap .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup system-deps run test fixtures fuzz-long bench bench-national lint dev clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/xxgk run

system-deps:
	./scripts/install-system-deps.sh

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# The seeds rendered as HTML, DOCX (the official blank template, filled) and PDF, with expected files.
fixtures: $(STAMP) system-deps
	$(BIN)/python -m tests.support.render tests/fixtures/seeds data/rendered ../shared/fixtures/real/政务公开年报模版.docx
	$(BIN)/xxgk run --raw-dir data/rendered --warehouse data/rendered.duckdb
	$(BIN)/python ../shared/tools/evaluate.py data/rendered.duckdb data/rendered | tail -3

# Round-trip fuzzing, long profile: 10,000 random valid reports as text, HTML, DOCX (and 1% as PDF) read
# back cell by cell, a quarter of them also degraded the way real extractions are (pipeline/degrade.py:
# flattened crawls, vertical labels, torn tables, lying headers, abbreviated names); writes fuzz/RESULTS.md.
# The CI profile is tests/test_fuzz.py and tests/test_degrade.py.
fuzz-long: $(STAMP) system-deps
	$(BIN)/python -m tests.support.fuzz --cases 10000 --out fuzz/RESULTS.md

# Benchmarks (issue 8): PDF parse against pypdfium2 and pdfplumber, 1,000 generated reports end to end,
# the nightly run, queries on a synthetic 100k-report warehouse; writes bench/RESULTS.md (bench/README.md).
bench: $(STAMP)
	$(BIN)/python -m bench.run

# A warehouse the size of the country (issue 15): 1.5 million synthetic reports, 300 million cells, the
# README's queries and the scorecards timed on one DuckDB file and on Parquet partitions; about an hour,
# 10–20 GB under data/bench/national (deleted afterwards). Its section of bench/RESULTS.md is kept by `make bench`.
bench-national: $(STAMP)
	$(BIN)/python -m bench.national

dev: $(STAMP)
	mkdir -p .dagster_home
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf $(VENV) data/warehouse.duckdb .dagster_home
