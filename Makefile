# Two commands: `make run` and `make test`. Both create .venv when missing and
# install the pinned environment from requirements.lock first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
RUN    ?= seeds
SET    ?=

.PHONY: setup run test lab lab-check bench clean-runs lock

# The first install takes minutes: say so, and let pip show its work (a "Collecting" line per package and
# a progress bar per download) instead of staying silent. An update after requirements.lock changed
# stays --quiet: it would otherwise print a "Requirement already satisfied" line per package.
PIP := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar on

$(STAMP): requirements.lock pyproject.toml
	@if test -x $(BIN)/python; then \
	  echo "updating the pinned environment in $(VENV) (requirements.lock or pyproject.toml changed)..."; \
	  $(PIP) --quiet -r requirements.lock; \
	else \
	  echo "installing the pinned environment into $(VENV) (first run only, a few minutes)..."; \
	  $(PYTHON) -m venv $(VENV) && $(PIP) -r requirements.lock; \
	fi
	@echo "installing stancebook itself (editable) into $(VENV)..."
	@$(PIP) --quiet --no-deps -e .
	@touch $(STAMP)
	@echo "environment ready in $(VENV)"

setup: $(STAMP)

## make run [RUN=seeds] [SET="n_topics=3 unit=paragraph"]: execute the chain of notebooks/$(RUN).yaml
run: setup
	$(BIN)/python -m stancebook run notebooks/$(RUN).yaml $(foreach pair,$(SET),--set $(pair))

## make test: unit tests, notebook execution and the committed-figure check
test: setup
	$(BIN)/python -m pytest

## make lab: JupyterLab on the same environment, rooted at the repository so notebooks/, runs/ and figures/
## can all be browsed; it opens on notebooks/. A notebook run there writes to the scratch run <run>-scratch.
## Kernels get CurveZMQ transport encryption (as the runner's): no "Kernel is running over TCP without encryption".
lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks --KernelManager.transport_encryption=auto

## make lab-check: JupyterLab + headless Chromium (Debian: apt-get install chromium) run a notebook as a user
## would and fail on errors or missing inline figures; the screenshot is runs/lab-check.png
lab-check: setup
	$(BIN)/python .ci/lab_check.py --screenshot runs/lab-check.png

## make bench [BENCH_ARGS=--quick]: stancebook vs spaCy+CountVectorizer, gensim and tomotopy on the UNGDC
## (about 9 minutes on 2 cores; the comparison tools are benchmark-only dependencies)
bench: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

## make lock: re-resolve requirements.lock from pyproject.toml in a throw-away venv
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[test]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^stancebook' > requirements.lock
	rm -rf .lock-venv

clean-runs:
	rm -rf runs
