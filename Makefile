# The two commands of the README. Everything a fresh machine needs is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLE := $(VENV)/.installe

.PHONY: run test verifier benchmarks clean

$(INSTALLE): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLE)

run: $(INSTALLE)
	$(BIN)/relais base preparer
	$(BIN)/relais demo
	@echo "Simulateur : http://127.0.0.1:8000/simulateur  -  console : http://127.0.0.1:8000/console"
	$(BIN)/relais serve --host 127.0.0.1 --port 8000

test: $(INSTALLE)
	$(BIN)/ruff check assistant canaux tests benchmarks
	$(BIN)/ruff format --check assistant canaux tests benchmarks
	$(BIN)/mypy
	$(BIN)/relais contenus verifier
	$(BIN)/python -m pytest

benchmarks: $(INSTALLE)
	$(BIN)/python benchmarks/moteur.py

clean:
	rm -rf $(VENV) relais.db .mypy_cache .ruff_cache .pytest_cache
