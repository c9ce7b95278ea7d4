# The two commands of the README:
#   make up     run the pipeline (sets up Python deps, the local Kafka + Elasticsearch, topics, templates)
#   make test   run the test suite against the real Kafka + Elasticsearch (started if not running)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: up test venv lint bench clean-venv

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,fulltext]'
	touch $@

venv: $(BIN)/.installed

up: venv
	$(BIN)/faultline up $(ARGS)

test: venv
	$(BIN)/pytest $(ARGS)

lint: venv
	$(BIN)/ruff check faultline producers processors indexers deploy tests bench

# Benchmarks need the local stack (started by `make up` or `.venv/bin/faultline stack up`); results go to
# bench/RESULTS.md.
bench: venv
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/faultline stack up
	$(BIN)/python bench/tagging.py --write
	$(BIN)/python bench/producers.py
	$(BIN)/python bench/indexers.py
	$(BIN)/python bench/processors.py

clean-venv:
	rm -rf $(VENV)
