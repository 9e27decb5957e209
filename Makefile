# The two commands of the README, and the steps they are made of.
.PHONY: setup demo test lint typecheck unit bench screenshots

VENV := .venv/bin

setup:
	@scripts/bootstrap

demo: setup
	$(VENV)/threadline demo

lint: setup
	$(VENV)/ruff check src tests bench
	$(VENV)/ruff format --check src tests bench

typecheck: setup
	$(VENV)/mypy

unit: setup
	$(VENV)/pytest -n 2 -q

test: lint typecheck unit

bench: setup
	$(VENV)/python bench/import.py

# The screenshots in docs/, taken again by the browser test.
screenshots: setup
	THREADLINE_SCREENSHOTS=docs/screenshots $(VENV)/pytest -q tests/web/test_browser.py
