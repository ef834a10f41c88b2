# OneWindow developer commands. `make help` lists them.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	echo $$p; break; fi; done)
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: help install demo test check fmt journeys bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "需要 Python 3.11 或更高版本 / Python 3.11+ is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed ## Create .venv and install the project with its dev tools

demo: install ## Serve the platform on SQLite with demo data (HOST, PORT)
	@echo "一窗通办演示：http://$(HOST):$(PORT)/ （账号见 README，密码 demo12345）"
	$(BIN)/onewindow demo --host $(HOST) --port $(PORT)

test: install ## Run the test suite (SQLite; PostgreSQL when DATABASE_URL is set)
	$(BIN)/python -m pytest

check: install ## ruff, mypy (strict), import-linter, makemigrations --check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src tests bench
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=onewindow.config.settings.test $(BIN)/onewindow makemigrations --check --dry-run

fmt: install ## Format and autofix
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

journeys: install ## Browser journeys in Debian's Chromium
	ONEWINDOW_REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/journeys -m browser

bench: install ## Intake benchmark (gunicorn, SQLite and PostgreSQL)
	$(BIN)/python bench/intake.py

clean: ## Remove the virtualenv and run-time state
	rm -rf $(VENV) var
