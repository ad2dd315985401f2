# Convenience targets; the README's two quick-start commands do not need make.
PYTHON ?= .venv/bin/python

.PHONY: setup test test-fast bench lint test-virtuoso

setup:
	python3 -m venv .venv
	.venv/bin/pip install -q -e '.[test]'

test:
	$(PYTHON) -m pytest -q

# everything but the browser, server and slow tests (markers in pyproject.toml), in under a
# minute; scripts/test and CI run them all
test-fast:
	$(PYTHON) -m pytest -q -m "not browser and not server and not slow"

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# sizes for the scale benchmark: make bench N="1 10"
N ?= 1 10 100 400

bench:
	$(PYTHON) -m bench.queries
	$(PYTHON) -m bench.scale --sizes "$(N)"

# ikg push and the named-query suite against Virtuoso (Debian package, installed if missing)
test-virtuoso:
	PYTHON=$(PYTHON) scripts/test-virtuoso
