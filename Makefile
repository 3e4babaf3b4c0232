# pagewash: every target installs what it needs into .venv first; nothing is installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
SEED   := fixtures/seed/input.html
IN     ?= $(SEED)
OUT    ?= out
TO     ?= md
SHARED ?= ../shared

.PHONY: demo test lint convert bench bench-extract bench-repair bench-langid bench-render bench-batch golden clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

## demo: convert the bundled sample page to out/ as Markdown, DOCX and EPUB
demo: $(STAMP)
	@mkdir -p out
	$(BIN)/pagewash convert $(SEED) -o out/seed.md
	$(BIN)/pagewash convert $(SEED) -o out/seed.docx
	$(BIN)/pagewash convert $(SEED) -o out/seed.epub
	@echo "Wrote: out/seed.md out/seed.docx out/seed.epub"

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## lint: ruff over the package, tests and benchmarks
lint: $(STAMP)
	$(BIN)/ruff check src tests bench

## convert: make convert IN=page.html|folder TO=md [OUT=out]
convert: $(STAMP)
	@if [ -d "$(IN)" ]; then \
		$(BIN)/pagewash convert "$(IN)" --out-dir "$(OUT)" --to $(TO); \
	else \
		mkdir -p "$(OUT)" && name=$$(basename "$(IN)") && name=$${name%.gz} && name=$${name%.*} && \
		$(BIN)/pagewash convert "$(IN)" --to $(TO) -o "$(OUT)/$$name.$(TO)" && \
		echo "Wrote: $(OUT)/$$name.$(TO)"; \
	fi

## golden: rewrite the golden files after a reviewed change
golden: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_golden.py --update-golden

bench: bench-extract bench-repair bench-render bench-batch

bench-extract: $(BENCH_STAMP)
	$(BIN)/python bench/extract.py --pages $(SHARED)/bench/extraction

bench-repair: $(STAMP)
	$(BIN)/python bench/repair.py

## bench-langid: the language identifiers compared on short paragraphs (installs the others)
bench-langid: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,langid-bench]'
	$(BIN)/python bench/langid.py

bench-render: $(STAMP)
	$(BIN)/python bench/render.py --shared $(SHARED)

bench-batch: $(STAMP)
	$(BIN)/python bench/batch.py --shared $(SHARED)

clean:
	rm -rf out build dist .pytest_cache .ruff_cache src/*.egg-info
