# Convenience targets; the README's two quick-start commands do not need make.
PYTHON ?= .venv/bin/python

.PHONY: setup test bench lint

setup:
	python3 -m venv .venv
	.venv/bin/pip install -q -e '.[test]'

test:
	$(PYTHON) -m pytest -q

lint:
	.venv/bin/ruff check .

bench:
	$(PYTHON) -m bench.queries
