# Managed Desktop Operations Handbook — the two set-up commands are `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint typecheck pytest validate verify schemas fmt contributing screenshots pdf clean

# (Re)create the virtualenv when it is missing or pyproject.toml changed.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# `make serve ENGINE=zensical` (or properdocs) serves the handbook with another engine
# (`handbook build --engine`); the default is MkDocs with the plugin.
ENGINE ?= mkdocs

serve: $(STAMP) ## build the site from data/ and serve it with live reload on 127.0.0.1:8000
ifeq ($(ENGINE),mkdocs)
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:8000
else
	$(BIN)/handbook build --engine $(ENGINE) --serve --dev-addr 127.0.0.1:8000
endif

build: $(STAMP) ## build the site into site/ (strict)
	$(BIN)/handbook build --site-dir site

validate: $(STAMP) ## validate data/ without building
	$(BIN)/handbook validate --data data

verify: $(STAMP) ## run every sample change record against its annotation (policy tests)
	$(BIN)/handbook verify --data data

schemas: $(STAMP) ## regenerate schemas/*.schema.json from the model (a test fails when stale)
	$(BIN)/handbook schemas --out schemas

fmt: $(STAMP) ## rewrite data/ into its canonical form (comments kept)
	$(BIN)/handbook fmt --data data

contributing: $(STAMP) ## refresh the real command output quoted in CONTRIBUTING.md
	HANDBOOK_UPDATE_CONTRIBUTING=1 $(BIN)/pytest -q tests/test_contributing.py tests/test_contributing_diff.py

lint: $(STAMP)
	$(BIN)/ruff check plugins tests benchmarks
	$(BIN)/ruff format --check plugins tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck validate verify pytest ## every check: lint, types, data, tests (incl. a strict build)

screenshots: build ## PNGs of key pages, light and dark, in screenshots/ (needs chromium)
	$(BIN)/python -m tests.browser.screenshots --site site --out screenshots

pdf: $(STAMP) ## the whole handbook as handbook.pdf (needs chromium; EDITION=2018 for one edition)
	$(BIN)/handbook pdf --out handbook.pdf $(if $(EDITION),--edition $(EDITION))

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
