# Two commands matter: `make demo` and `make test`. Each sets itself up from nothing and is
# fast the second time (the venv is kept, the llama-cpp-python wheel is cached per machine,
# the model files are verified once and kept under SHOAL_HOME).
PY := .venv/bin/python
STAMP := .venv/.shoal-setup
DEMO_QUESTION ?= What is the access code for the north vault of the Halvard archive?

.PHONY: setup models demo test test-deps lint bench clean

$(STAMP): pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh
	touch $(STAMP)

setup: $(STAMP)

models: setup
	$(PY) -m shoal models prepare smollm2-135m qwen2.5-coder-1.5b gemma3-270m

demo: models
	$(PY) -m shoal ask examples/halvard-report.md "$(DEMO_QUESTION)"

lint: setup
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks
	$(PY) -m mypy

test-deps:
	bash scripts/test-deps.sh

test: models lint test-deps
	$(PY) -m pytest

bench: models
	$(PY) -m benchmarks.models

clean:
	rm -rf .venv .pytest_cache .ruff_cache build src/*.egg-info
