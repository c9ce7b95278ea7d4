# The two commands of the README:
#   make up     run the pipeline (sets up Python deps, the local Kafka + Elasticsearch, topics, templates)
#   make test   run the test suite against the real Kafka + Elasticsearch (started if not running)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The tagging core runs compiled with mypyc when a C compiler is available (same output, faster);
# FAULTLINE_COMPILE=0 skips compiling. Under CI=true a failed compilation fails the build.
FAULTLINE_COMPILE ?= 1
COMPILED_SOURCES  := $(filter-out %/__init__.py,$(wildcard faultline/tagging/*.py faultline/knowledge/*.py))
COMPILED_MANIFEST := faultline/_mypyc_sources.json
COMPILE_LOG       := build/compile.log
IN_CI             := $(filter 1 true yes TRUE True YES,$(CI))

.PHONY: up test venv compile lint bench clean-venv clean-compiled FORCE

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,fulltext]'
	touch $@

venv: $(BIN)/.installed

ifneq ($(filter 0 false no,$(FAULTLINE_COMPILE)),)
compile:
else
compile: $(COMPILED_MANIFEST)
endif

# Rebuilt in place when a compiled source (or setup.py) is newer than the manifest of the last build, or
# the compiled library is missing. Without a C compiler, or when the build fails, the tagger runs as pure
# Python (an error under CI).
$(COMPILED_MANIFEST): $(COMPILED_SOURCES) setup.py $(if $(wildcard faultline_tagging__mypyc.*),,FORCE) | venv
	@mkdir -p $(dir $(COMPILE_LOG)); rm -f $(COMPILE_LOG); \
	cc=$$($(BIN)/python -c 'import os, shutil, sysconfig; \
	cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]; \
	print(shutil.which(cc) or "")'); \
	if [ -z "$$cc" ]; then \
	  reason="no C compiler found"; \
	else \
	  echo "compiling the tagger with mypyc (about 40 s; FAULTLINE_COMPILE=0 skips it)"; \
	  if FAULTLINE_COMPILE=1 $(BIN)/python setup.py build_ext --inplace >$(COMPILE_LOG) 2>&1; then exit 0; fi; \
	  reason="mypyc build failed: $$(grep -m1 -E '(^|: )error' $(COMPILE_LOG) || tail -n1 $(COMPILE_LOG)) (log: $(COMPILE_LOG))"; \
	fi; \
	if [ -n "$(IN_CI)" ]; then \
	  [ -f $(COMPILE_LOG) ] && tail -n 40 $(COMPILE_LOG) >&2; \
	  echo "error: the tagger must be compiled under CI: $$reason" >&2; exit 1; \
	fi; \
	echo "tagger runs as pure Python: $$reason"

FORCE:

clean-compiled:
	rm -f $(COMPILED_MANIFEST) faultline_tagging__mypyc*.so faultline/tagging/*.so faultline/knowledge/*.so

up: venv compile
	$(BIN)/faultline up $(ARGS)

test: venv compile
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
