# Two entry points: `make build` (set up, build, validate) and `make test` (set up, run the tests).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)

.PHONY: add draft draft-eval build test check figure validate verify release wheel site bench lint clean

$(STAMP): requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

## Build data/ and datapackage.json from seeds/ and readings/, then validate the result with frictionless.
build: $(STAMP)
	$(BIN)/python -m superclusters.publish.generated
	$(BIN)/python build.py
	$(BIN)/python -m superclusters.publish.figure
	$(BIN)/frictionless validate datapackage.json

## Add an article: make add ARTICLE=path/to/article.txt (copies it into seeds/, writes a draft reading with proposals).
add: $(STAMP)
	$(BIN)/python build.py add $(ARTICLE)

## Show what the drafter proposes for an article, without writing anything: make draft ARTICLE=path/to/article.txt
draft: $(STAMP)
	$(BIN)/python build.py draft $(ARTICLE)

## Measure the drafter leave-one-out on the curated seeds (recall and precision per article and kind, against
## the targets), on the articles in tests/drafts/, and its time by article size (docs/curating.md).
draft-eval: $(STAMP)
	$(BIN)/python -m benchmarks.draft_eval --scale

## Draw figures/claims_by_source.png from the published tables.
figure: $(STAMP)
	$(BIN)/python -m superclusters.publish.figure

## Run the test suite (it also checks that the committed data matches the inputs).
test: $(STAMP)
	.ci/install-chromium
	$(BIN)/python -m pytest

## Generate site/, a static website (article pages, tables, entities) from the published package only.
site: $(STAMP)
	$(BIN)/python -m superclusters.site --root . --out site

## Fail if the committed data/, datapackage.json or README tables are out of date.
check: $(STAMP)
	$(BIN)/python build.py --check

## Build dist/v<version>/<name>-<version>.zip and its SHA256SUMS (the layout the loader downloads; deterministic;
## honours SOURCE_DATE_EPOCH), check them, and pin the zip's sha256 in superclusters/releases.json (commit it).
release: $(STAMP)
	$(BIN)/python -m superclusters.build.release

## Build dist/<name>-<version>-py3-none-any.whl: the loader plus the published data (copied in by setup.py).
wheel: $(STAMP)
	$(BIN)/pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w dist .

## Validate the published files as they are on disk (CSV and Parquet read back, hashes).
verify: $(STAMP)
	$(BIN)/python build.py --verify

validate: $(STAMP)
	$(BIN)/frictionless validate datapackage.json

## Benchmark the real build.py on synthetic corpora of 10 to 10,000 articles (per phase, peak memory, first build
## and rebuild, linearity) and the five-article build against its import floor; prints JSON. See docs/performance.md.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache dist build *.egg-info
