# Convenience targets; the README's two quick-start commands do not need make.
PYTHON ?= .venv/bin/python

.PHONY: setup test bench lint test-virtuoso

setup:
	python3 -m venv .venv
	.venv/bin/pip install -q -e '.[test]'

test:
	$(PYTHON) -m pytest -q

lint:
	.venv/bin/ruff check .

# sizes for the scale benchmark: make bench N="1 10"
N ?= 1 10 100 400

bench:
	$(PYTHON) -m bench.queries
	$(PYTHON) -m bench.scale --sizes "$(N)"

# ikg push and the named-query suite against Virtuoso (Debian package, installed if missing)
test-virtuoso:
	PYTHON=$(PYTHON) scripts/test-virtuoso
