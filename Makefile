# pagewash: every target installs what it needs into .venv first; nothing is installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_STAMP := $(VENV)/.installed
STAMP  := $(VENV)/.installed-dev
BENCH_VENV := .venv-bench
BENCH_BIN := $(BENCH_VENV)/bin
BENCH_STAMP := $(BENCH_VENV)/.installed
DOCS_VENV := .venv-docs
DOCS_STAMP := $(DOCS_VENV)/.installed
SEED   := fixtures/seed/input.html
IN     ?= $(SEED)
OUT    ?= out
TO     ?= md
SHARED ?= ../shared

.PHONY: demo test lint convert bench bench-extract bench-snippets bench-repair bench-langid bench-render \
	bench-batch bench-bombs bench-docs bench-fidelity docs-corpus docs-corpus-check golden clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# demo and convert: only what conversion needs (the plain `pip install pagewash`)
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# test and the rest: the dev tools, Ray, and every framework adapter's extra. NeMo Curator
# asks for any torch: the CPU build (2.13.0, a file on this machine's disk; PyPI otherwise) is
# installed first, so that pip does not add a CUDA build and its libraries (several GB) that
# the adapter, which runs on the CPU, never uses.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet 'torch==2.13.0'
	$(BIN)/python -m pip install --quiet -e '.[dev,adapters]'
	touch $@

# benchmarks: their own environment, so the anchors' pinned versions (trafilatura 2.3.1) do
# not fight the adapters' (NeMo Curator pins trafilatura 2.0.0)
$(BENCH_STAMP): pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_BIN)/python -m pip install --quiet --upgrade pip
	$(BENCH_BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

# The documentation generators live in their own environment: only docs-corpus needs them.
$(DOCS_STAMP): bench/docs/requirements.txt
	$(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DOCS_VENV)/bin/python -m pip install --quiet -r bench/docs/requirements.txt
	touch $@

## demo: convert the bundled sample page to out/ as Markdown, DOCX and EPUB
demo: $(DEMO_STAMP)
	@mkdir -p out
	$(BIN)/pagewash convert $(SEED) -o out/seed.md
	$(BIN)/pagewash convert $(SEED) -o out/seed.docx
	$(BIN)/pagewash convert $(SEED) -o out/seed.epub
	@echo "Wrote: out/seed.md out/seed.docx out/seed.epub"

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## lint: ruff (rules and formatting) over the package, tests and benchmarks; mypy over the package
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## convert: make convert IN=page.html|folder TO=md [OUT=out]
convert: $(DEMO_STAMP)
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

bench: bench-extract bench-snippets bench-repair bench-render bench-batch bench-docs bench-fidelity

bench-extract: $(BENCH_STAMP)
	$(BENCH_BIN)/python bench/extract.py --pages $(SHARED)/bench/extraction

## bench-snippets: many kinds of pages (forums, recipes, shops...) against trafilatura
bench-snippets: $(BENCH_STAMP)
	$(BENCH_BIN)/python bench/snippets.py --pages $(SHARED)/bench/snippets

bench-repair: $(STAMP)
	$(BIN)/python bench/repair.py

## bench-langid: the language identifiers compared on short paragraphs (installs the others)
bench-langid: $(BENCH_STAMP)
	$(BENCH_BIN)/python -m pip install --quiet -e '.[dev,bench,langid-bench]'
	$(BENCH_BIN)/python bench/langid.py

bench-render: $(STAMP)
	$(BIN)/python bench/render.py --shared $(SHARED)

bench-batch: $(STAMP)
	$(BIN)/python bench/batch.py --shared $(SHARED)

## bench-bombs: peak memory on decompression bombs (BEFORE=old/src for a before/after table)
bench-bombs: $(STAMP)
	$(BIN)/python bench/bombs.py $(if $(BEFORE),--src $(BEFORE))

## bench-fidelity: invented words per 100k output words on both page sets (the shared checker),
## then every flagged word again as a CommonMark reader sees it (bench/fidelity.py)
bench-fidelity: $(STAMP)
	$(BIN)/python $(SHARED)/tools/fidelity.py $(SHARED)/bench/extraction/pages --show 50
	$(BIN)/python $(SHARED)/tools/fidelity.py $(SHARED)/bench/snippets/pages --show 50
	$(BIN)/python bench/fidelity.py $(SHARED)/bench/extraction/pages $(SHARED)/bench/snippets/pages \
		--shared $(SHARED)

## bench-docs: code blocks byte-exact and prose F1 on the documentation corpus, pagewash vs trafilatura
bench-docs: $(BENCH_STAMP)
	$(BENCH_BIN)/python bench/docs.py --shared $(SHARED)

## docs-corpus: rebuild fixtures/docs-sites/ with every generator and theme (in .venv-docs)
docs-corpus: $(DOCS_STAMP)
	$(DOCS_VENV)/bin/python bench/docs/build.py --shared $(SHARED)

## docs-corpus-check: rebuild in a temporary folder and report pages that differ from the committed ones
docs-corpus-check: $(DOCS_STAMP)
	$(DOCS_VENV)/bin/python bench/docs/build.py --check --shared $(SHARED)

clean:
	rm -rf out build dist .pytest_cache .ruff_cache src/*.egg-info
