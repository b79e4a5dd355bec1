# dlteach: `make lab` opens the lessons, `make test` runs every test. Both build .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Keep Jupyter, IPython, matplotlib and Keras config/caches inside the repo, and silence
# TensorFlow's C++ logging and oneDNN before it is ever imported (otherwise log lines with
# timestamps land in notebook outputs and the last bits of results change).
export JUPYTER_CONFIG_DIR := $(CURDIR)/.cache/jupyter
export IPYTHONDIR         := $(CURDIR)/.cache/ipython
export MPLCONFIGDIR       := $(CURDIR)/.cache/matplotlib
export KERAS_HOME         := $(CURDIR)/.cache/keras
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0
export PYTHONHASHSEED := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with nbval-sanitize.cfg

.PHONY: lab test test-fast bench browser env clean notebooks

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

env: $(STAMP)

# Any user, root included, with or without a desktop; the last lines printed are the URL to open.
# make lab PORT=8890 picks the port, make lab IP=0.0.0.0 listens on every interface.
PORT ?=
IP   ?= 127.0.0.1
lab: $(STAMP)
	$(PY) scripts/lab.py --ip $(IP) $(if $(PORT),--port $(PORT))

# Debian's chromium for the end-to-end browser test (needs root; skipped quietly otherwise,
# and then the browser test is skipped too, except under CI where it must run).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the browser test will be skipped"; }

test: $(STAMP) browser
	$(PY) -m pytest -n 2 --dist loadfile -q tests $(NBVAL) notebooks

# Only the unit tests, for a quick loop while developing.
test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -q tests -m "not browser"

# Re-execute the lessons and store them with outputs (after changing a lesson or the package).
notebooks: $(STAMP)
	$(PY) scripts/execute_notebooks.py

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .cache .pytest_cache
