# Two entry points: `make build` (set up, build, validate) and `make test` (set up, run the tests).
# Each target installs only the groups of pyproject.toml it needs (its optional dependencies), at the exact
# versions requirements.txt pins: `make build` never installs the test, site, release or Dask tools.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PINS   := $(shell cksum < requirements.txt | cut -d' ' -f1)
# A new requirements.txt makes a fresh venv, so a package dropped from the pins is gone too.
FRESH  := $(VENV)/.pins-$(PINS)
# The requirement lines of pyproject.toml's dependencies plus the named optional groups.
GROUPS  = $(shell $(PYTHON) -c 'import shlex, sys, tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print(shlex.join(p["dependencies"] + [r for g in sys.argv[1:] for r in p["optional-dependencies"][g]]))' $(1))
INSTALL = $(BIN)/pip install --quiet --disable-pip-version-check -c requirements.txt $(call GROUPS,$(1)) && touch $@

.PHONY: add draft draft-eval build test check figure validate verify release wheel site sqlite bench lint clean

$(FRESH): requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	touch $@

$(VENV)/.installed-build-$(PINS): $(FRESH) pyproject.toml
	$(call INSTALL,build)
$(VENV)/.installed-site-$(PINS): $(FRESH) pyproject.toml
	$(call INSTALL,build site)
$(VENV)/.installed-release-$(PINS): $(FRESH) pyproject.toml
	$(call INSTALL,build site release)
# The test group holds every other group, so its install also stands for theirs (a `make sqlite` the tests
# run then installs nothing).
$(VENV)/.installed-test-$(PINS): $(FRESH) pyproject.toml
	$(call INSTALL,build site release dask test)
	touch $(BUILD_ENV) $(SITE_ENV) $(RELEASE_ENV)

BUILD_ENV   := $(VENV)/.installed-build-$(PINS)
SITE_ENV    := $(VENV)/.installed-site-$(PINS)
RELEASE_ENV := $(VENV)/.installed-release-$(PINS)
TEST_ENV    := $(VENV)/.installed-test-$(PINS)

## Build data/ and datapackage.json from seeds/ and readings/, then validate the result with frictionless.
build: $(BUILD_ENV)
	$(BIN)/python -m superclusters.publish.generated
	$(BIN)/python build.py
	$(BIN)/python -m superclusters.publish.card
	$(BIN)/python -m superclusters.publish.figure
	$(BIN)/frictionless validate datapackage.json

## Add an article: make add ARTICLE=path/to/article.txt (copies it into seeds/, writes a draft reading with proposals).
add: $(BUILD_ENV)
	$(BIN)/python build.py add $(ARTICLE)

## Show what the drafter proposes for an article, without writing anything: make draft ARTICLE=path/to/article.txt
draft: $(BUILD_ENV)
	$(BIN)/python build.py draft $(ARTICLE)

## Measure the drafter leave-one-out on the curated seeds (recall and precision per article and kind, against
## the targets), on the articles in tests/drafts/, and its time by article size (docs/curating.md).
draft-eval: $(BUILD_ENV)
	$(BIN)/python -m benchmarks.draft_eval --scale

## Draw figures/claims_by_source.png from the published tables.
figure: $(BUILD_ENV)
	$(BIN)/python -m superclusters.publish.figure

## Run the test suite (it also checks that the committed data matches the inputs); installs headless Chromium.
test: $(TEST_ENV)
	.ci/install-chromium
	$(BIN)/python -m pytest

## Generate site/, a static website (article pages, tables, entities) from the published package only.
site: $(SITE_ENV)
	$(BIN)/python -m superclusters.site --root . --out site

## Fail if the committed data/, datapackage.json or README tables are out of date.
check: $(BUILD_ENV)
	$(BIN)/python build.py --check

## Cut the release, in this order: dist/v<version>/ with the zip, the SQLite database and its Datasette
## metadata, the Epoch-style CSV (when that table exists), all checked; pin the zip's sha256 in
## superclusters/releases.json; build the wheel from that pinned state into dist/v<version>/; write SHA256SUMS
## over every asset. Deterministic (honours SOURCE_DATE_EPOCH). Commit superclusters/releases.json after.
release: $(RELEASE_ENV)
	$(BIN)/python -m superclusters.build.release

## A development wheel in dist/ (it pins only the releases superclusters/releases.json holds now; the wheel to
## publish is the one `make release` builds after pinning).
wheel: $(RELEASE_ENV)
	$(BIN)/pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w dist .

## dist/ai-superclusters-2024.sqlite and dist/metadata.json: every table in SQLite, for Datasette.
sqlite: $(RELEASE_ENV)
	$(BIN)/python -m superclusters.publish.sqlite --root . --out dist

## Validate the published files as they are on disk (CSV and Parquet read back, hashes).
verify: $(BUILD_ENV)
	$(BIN)/python build.py --verify

validate: $(BUILD_ENV)
	$(BIN)/frictionless validate datapackage.json

## Benchmark the real build.py on synthetic corpora of 10 to 10,000 articles (per phase, peak memory, linearity)
## and the five-article build against its import floor; prints JSON. See docs/performance.md.
bench: $(BUILD_ENV)
	$(BIN)/python -m benchmarks.run

lint: $(TEST_ENV)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache dist build *.egg-info
