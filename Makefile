# Two commands matter: `make demo` and `make test`. Each makes its own virtual environment.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Extras to install: CI adds ftm (FollowTheMoney; builds PyICU, which needs libicu-dev and a C++
# compiler, installed by .ci/run) so that the FtM export is validated there.
EXTRAS ?= dev
DEMO_DB := demo/case.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo demo-db test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

demo-db: $(STAMP)
	rm -rf demo
	$(BIN)/factfinder ingest sample/corpus sample/lists --db $(DEMO_DB) --actor demo --quiet
	$(BIN)/factfinder link sample/lists/list_a.csv sample/lists/list_b.csv sample/lists/list_c.csv \
		--out demo/links.csv --db $(DEMO_DB) --actor demo

# The demo is read-only for visitors (--public-read); `factfinder users add` to log in and edit.
demo: demo-db
	$(BIN)/factfinder serve --db $(DEMO_DB) --host $(HOST) --port $(PORT) --public-read

lint: $(STAMP)
	$(BIN)/ruff check factfinder tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that must fail loudly, never pass.
test: lint typecheck
	@$(BIN)/pytest -q -ra; code=$$?; \
	if [ $$code -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	exit $$code

bench: $(STAMP)
	$(BIN)/python bench/seed_posts.py
	$(BIN)/python bench/intake_throughput.py
	$(BIN)/python bench/search_latency.py
	$(BIN)/python bench/html_reader_speed.py
	$(BIN)/python bench/extraction_quality.py
	$(BIN)/python bench/extraction_speed.py
	$(BIN)/python bench/extraction_speed.py --bare-batch-size 16
	$(BIN)/python bench/entity_quality.py
	$(BIN)/python bench/linkage_febrl.py
	$(BIN)/python bench/linkage_persian.py
	$(BIN)/python bench/linkage_scale.py
	$(BIN)/python bench/mse_search_speed.py
	$(BIN)/python bench/mse_lcmcr_speed.py
	$(BIN)/python bench/mse_coverage.py
	$(BIN)/python bench/ledger_quality.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
