# dlteach: `make lab` opens the lessons, `make test` runs every test. Both build .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Keep Jupyter, IPython, matplotlib, Keras and dlteach config/caches inside the repo. TensorFlow's
# logging and oneDNN variables are deliberately NOT set here: `import dlteach` sets them, as it must
# where lessons run without make (conda, Binder, JupyterHub, Colab), and the strict lesson tests
# (a stray stderr line is a difference) prove that it does.
export JUPYTER_CONFIG_DIR := $(CURDIR)/.cache/jupyter
export IPYTHONDIR         := $(CURDIR)/.cache/ipython
export MPLCONFIGDIR       := $(CURDIR)/.cache/matplotlib
export KERAS_HOME         := $(CURDIR)/.cache/keras
export DLTEACH_CACHE      := $(CURDIR)/.cache/dlteach
unexport TF_CPP_MIN_LOG_LEVEL TF_ENABLE_ONEDNN_OPTS
export PYTHONHASHSEED := 0
# Every test run and lesson build runs under scripts/same_numbers.py: NumPy, OpenBLAS, oneDNN and XLA take their
# AVX2 code on every x86-64 CPU, so a stored lesson's numbers do not depend on whether the machine has AVX-512.
SAME_NUMBERS = scripts/same_numbers.py
export PIP_DISABLE_PIP_VERSION_CHECK := 1

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with nbval-sanitize.cfg

.PHONY: lab app test test-fast test-colab test-lowest unit-colab lessons-colab unit-lowest lessons-lowest constraints constraints-lowest bench browser env clean notebooks translations sources assignments

# uv installs the environments: a fresh one (TensorFlow included, 2 GB) took pip 155 s and 106 CPU-seconds on the
# 2-core machine, uv 51 s and 45 CPU-seconds, byte-compiling as pip does (--compile-bytecode: where
# PYTHONDONTWRITEBYTECODE is set, as on this machine, nothing is cached at import, and without it every kernel and
# worker compiled TensorFlow from source: a make test run took 52 min instead of 45; with it, 28 min). Each venv keeps pip.
UV := .cache/uv/bin/uv
$(UV):
	$(PYTHON) -m venv .cache/uv
	.cache/uv/bin/python -m pip install -q "uv==0.13.9"
UV_INSTALL := $(UV) pip install -q --compile-bytecode

# The exact versions CI tests are in constraints.txt; pyproject.toml states compatible ranges.
$(STAMP): pyproject.toml constraints.txt | $(UV)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(UV_INSTALL) --python $(PY) -c constraints.txt -e ".[lab,test]"
	touch $(STAMP)

# Each test run leaves its counts here (JUnit XML, the lessons' JSON); make test's last lines sum them up.
RESULTS := .cache/test-results
# Each lesson's seconds in a strict nbval run (scripts/lesson_seconds.json, from a make test's pinned.xml: `python scripts/
# execute_notebooks.py --seconds-from .cache/test-results/pinned.xml > scripts/lesson_seconds.json`): the lesson runs start the longest first,
# so that no long lesson drawn last leaves the other core idle. Only an order: a stale or missing file changes nothing else.
LESSON_SECONDS := scripts/lesson_seconds.json
UNIT_OTHER := -n 2 --dist loadfile -q tests -m "not browser and not sweep" --ignore=tests/test_lab.py --ignore=tests/test_nbgrader.py

# A second environment with Google Colab's versions (TensorFlow 2.20, Keras 3.13, ipywidgets 7.7.1,
# NumPy 2.1): the unit tests and every lesson executed, without the strict output comparison.
COLAB_VENV  := .venv-colab
COLAB_STAMP := $(COLAB_VENV)/.installed
$(COLAB_STAMP): pyproject.toml constraints-colab.txt | $(UV)
	rm -f $@  # gone while (re)installing: tests that run this interpreter look for it
	test -x $(COLAB_VENV)/bin/python || $(PYTHON) -m venv $(COLAB_VENV)
	$(UV_INSTALL) --python $(COLAB_VENV)/bin/python -c constraints-colab.txt -e ".[test]"
	touch $(COLAB_STAMP)

# What only Colab's set brings to the unit tests: its Keras (3.13.2; the lowest run leaves the tests named for Keras
# or GradientTape to this one). Every other package lies between the lowest and the pinned versions, which both run
# every other unit test: NumPy 2.1 (2.0 / 2.4), matplotlib 3.11.2 and scikit-learn 1.9.1 (the pinned ones),
# ipywidgets 7.7.1 (lowest 7.7.0), TensorFlow 2.20.0 (lowest's). For the same reason make test executes the lessons
# in the pinned set (strictly, both languages) and the lowest one, not here: Colab's set is, package by package, at or
# between those two, its Keras a patch release (3.13.2) above the lowest's (tests/test_constraints.py holds both premises).
# make test-colab (or lessons-colab) executes every Chinese lesson here too, as make test did until it had to fit 25 min.
COLAB_OWN := -k "keras or tape"

test-colab: $(COLAB_STAMP)
	@$(MAKE) --no-print-directory unit-colab; unit=$$?; $(MAKE) --no-print-directory lessons-colab && [ $$unit = 0 ]
unit-colab: $(COLAB_STAMP)
	@mkdir -p $(RESULTS)
	$(COLAB_VENV)/bin/python $(SAME_NUMBERS) $(COLAB_VENV)/bin/python -m pytest $(UNIT_OTHER) $(COLAB_OWN) --junitxml=$(RESULTS)/colab-unit.xml
lessons-colab: $(COLAB_STAMP)
	@mkdir -p $(RESULTS)
	$(COLAB_VENV)/bin/python scripts/execute_notebooks.py --check --jobs 2 --longest-first $(LESSON_SECONDS) \
	  --results $(RESULTS)/colab-lessons.json notebooks/zh_CN/[0-9][0-9]_*.ipynb

# A third environment at the lowest versions pyproject.toml declares (constraints-lowest.txt: NumPy 2.0,
# matplotlib 3.8.4, scikit-learn 1.4.2, SciPy 1.13, Keras 3.13.1, TensorFlow 2.20, ipywidgets 7.7.0, ...):
# the same unit tests and every English lesson executed once. A Chinese lesson runs its English twin's code (tested:
# only strings and comments differ), so each language is executed in two environments besides the pinned strict
# nbval of both: the Chinese lessons in Colab's (where most of their readers run them), the English ones here.
LOWEST_VENV  := .venv-lowest
LOWEST_STAMP := $(LOWEST_VENV)/.installed
$(LOWEST_STAMP): pyproject.toml constraints-lowest.txt | $(UV)
	rm -f $@  # gone while (re)installing: tests that run this interpreter look for it
	test -x $(LOWEST_VENV)/bin/python || $(PYTHON) -m venv $(LOWEST_VENV)
	$(UV_INSTALL) --python $(LOWEST_VENV)/bin/python -c constraints-lowest.txt -e ".[test]"
	touch $(LOWEST_STAMP)

test-lowest: $(LOWEST_STAMP)
	@$(MAKE) --no-print-directory unit-lowest; unit=$$?; $(MAKE) --no-print-directory lessons-lowest && [ $$unit = 0 ]
# The lowest set's TensorFlow is Colab's (2.20.0) and its Keras one patch release below (3.13.1; Colab 3.13.2): the tests
# named for Keras or GradientTape (the twins' agreement with them, 771 of 5,169 tests and a quarter of this run's
# time) run in the Colab run; here the rest, for what only this set has (matplotlib 3.8, NumPy 2.0, scikit-learn 1.4,
# SciPy 1.13, ipywidgets 7.7.0). The lessons executed here still check their Keras twins (dt.expect).
LOWEST_SAME_AS_COLAB := -k "not keras and not tape"
unit-lowest: $(LOWEST_STAMP)
	@mkdir -p $(RESULTS)
	$(LOWEST_VENV)/bin/python $(SAME_NUMBERS) $(LOWEST_VENV)/bin/python -m pytest $(UNIT_OTHER) $(LOWEST_SAME_AS_COLAB) --junitxml=$(RESULTS)/lowest-unit.xml
lessons-lowest: $(LOWEST_STAMP)
	@mkdir -p $(RESULTS)
	$(LOWEST_VENV)/bin/python scripts/execute_notebooks.py --check --jobs 2 --longest-first $(LESSON_SECONDS) \
	  --results $(RESULTS)/lowest-lessons.json notebooks/[0-9][0-9]_*.ipynb

# Rewrite constraints-lowest.txt (after raising a minimum in pyproject.toml): uv's lowest-direct resolution,
# every requirement of dlteach and its test extra at its declared minimum, the rest the newest that fit.
constraints-lowest: | $(UV)
	$(UV) pip compile pyproject.toml --extra test --resolution lowest-direct --python-version 3.11 \
	  --no-annotate --custom-compile-command "make constraints-lowest" -q -o constraints-lowest.txt

# Rewrite constraints.txt from what .venv has now (after changing a version range on purpose).
constraints: $(STAMP)
	{ echo "# Exact versions CI tests (make uses: pip install -c constraints.txt). Regenerate: make constraints"; \
	  $(PY) -m pip freeze --exclude-editable | grep -v '^dlteach'; } > constraints.txt

env: $(STAMP)

# Any user, root included, with or without a desktop; the last lines printed are the URL to open.
# make lab PORT=8890 picks the port, make lab IP=0.0.0.0 listens on every interface.
PORT ?=
IP   ?= 127.0.0.1
lab: $(STAMP)
	$(PY) scripts/lab.py --ip $(IP) $(if $(PORT),--port $(PORT))

# The explorers as standalone pages (Voila, no code shown): the index, the Playground and every
# lesson's explorer, in English and in Chinese (apps/zh_CN/; scripts/make_apps.py writes them).
# make app APP_PORT=8870 picks the port. apps/server/voila.py makes a page's kernel go when the
# page is left; kernels of pages that vanished without a word (crash, closed laptop) go
# after APP_CULL_IDLE seconds idle with no page connected (checked every APP_CULL_INTERVAL
# seconds); an open tab keeps its kernel. JUPYTER_PATH finds the page template (no CDN) in apps/server.
APP_PORT ?= 8866
APP_CULL_IDLE ?= 600
APP_CULL_INTERVAL ?= 60
app: $(STAMP)
	cp -p dlteach/fonts/NotoSansSC-dlteach.otf apps/server/voila/templates/dlteach/static/  # the Chinese pages' font
	cd apps && JUPYTER_PATH=$(CURDIR)/apps/server$${JUPYTER_PATH:+:$$JUPYTER_PATH} ../$(PY) -m voila \
	  --no-browser --Voila.ip=$(IP) --port=$(APP_PORT) --Voila.port_retries=0 --Voila.config_file_paths=server \
	  --MappingKernelManager.cull_idle_timeout=$(APP_CULL_IDLE) --MappingKernelManager.cull_interval=$(APP_CULL_INTERVAL) .

# Debian's chromium for the end-to-end browser test (needs root; skipped quietly otherwise,
# and then the browser test is skipped too, except under CI where it must run).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the browser test will be skipped"; }

# Everything: unit, browser and nbgrader tests and the strict lesson comparison with the pinned versions; the
# Keras/GradientTape unit tests with Colab's versions; the other unit tests and every lesson with the lowest ones.
# Each part runs whatever the one before did; the last lines count each part's results
# (scripts/test_summary.py), and make test fails if any part failed or did not run.
# Two cores, kept busy: the pinned run leaves one idle for part of its time (its browser tests wait on pages and
# kernels), so the Colab and lowest environments install and then run all their parts in the background meanwhile,
# at a lower priority (nice 5: the pinned tests keep the cores they ask for), their output kept in files and shown
# when the pinned run is over; what is still running then finishes with both cores.
# An install that fails is shown after the pinned run, and tried again then by each part's target.
BACKGROUND := nice -n 5 $(MAKE) --no-print-directory
test: $(STAMP) browser
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	-{ $(MAKE) --no-print-directory $(COLAB_STAMP) $(LOWEST_STAMP) >$(RESULTS)/install.log 2>&1 && \
	   touch $(RESULTS)/installed; } & install=$$!; \
	{ while kill -0 $$install 2>/dev/null; do sleep 2; done; [ -f $(RESULTS)/installed ] && { \
	  $(BACKGROUND) unit-colab >$(RESULTS)/unit-colab.log 2>&1; \
	  $(BACKGROUND) lessons-lowest >$(RESULTS)/lessons-lowest.log 2>&1; \
	  $(BACKGROUND) unit-lowest >$(RESULTS)/unit-lowest.log 2>&1; }; } & background=$$!; \
	$(PY) $(SAME_NUMBERS) $(PY) -m pytest -n 2 --dist loadfile -q tests $(NBVAL) notebooks --junitxml=$(RESULTS)/pinned.xml; \
	wait $$install; [ -f $(RESULTS)/installed ] || \
	  { echo "Installing the Colab or lowest environment failed:"; cat $(RESULTS)/install.log; }; \
	wait $$background; \
	if [ -f $(RESULTS)/installed ]; then \
	  echo "== unit tests with Colab's versions (run in the background) =="; cat $(RESULTS)/unit-colab.log; \
	  echo "== lessons executed with the lowest versions (run in the background) =="; cat $(RESULTS)/lessons-lowest.log; \
	  echo "== unit tests with the lowest versions (run in the background) =="; cat $(RESULTS)/unit-lowest.log; \
	else $(MAKE) --no-print-directory unit-colab; $(MAKE) --no-print-directory lessons-lowest; \
	  $(MAKE) --no-print-directory unit-lowest; fi
	@$(PY) scripts/test_summary.py $(RESULTS)

# Only the unit tests, for a quick loop while developing.
test-fast: $(STAMP)
	$(PY) $(SAME_NUMBERS) $(PY) -m pytest -n 2 -q tests -m "not browser"

# Build the lesson notebooks from their sources (lessons/NN_name.md) and execute them, stored with
# outputs: every lesson, or one with `make notebooks LESSON=07` (several: LESSON="07 09").
LESSON ?=
notebooks: $(STAMP)
	$(PY) scripts/lessons.py build $(LESSON)

# The translated lessons (notebooks/zh_CN/) from the English sources and lessons/zh_CN/*.po, executed and stored:
# every lesson that has a catalogue, or `make translations LESSON=07`. A missing or stale translation stops the
# build, naming the lesson and the message (scripts/translate_lessons.py; `... extract NN` updates a catalogue).
translations: $(STAMP)
	$(PY) scripts/translate_lessons.py build $(LESSON)

# The other direction, for a notebook edited outside JupyterLab's jupytext pairing: write its source.
sources: $(STAMP)
	$(PY) scripts/lessons.py sources $(LESSON)

# An nbgrader course from the lessons: course/source/<lesson>/<lesson>.ipynb with the instructors'
# solutions and locked autograded test cells, and each Chinese lesson as the assignment <lesson>_zh_CN
# (README: "For instructors: nbgrader").
assignments: $(STAMP)
	$(PY) scripts/make_assignments.py --course course

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

# Mutation testing (mutmut 3, [tool.mutmut] in pyproject.toml) of dlteach/core and dlteach/exercises
# against the fast NumPy tests, on a copy of the working tree in MUTATION_DIR (mutmut writes a
# mutants/ tree next to the code); prints killed / total for each. Not part of `make test`: about
# 40-60 minutes on 2 shared cores. Survivors and why they may stay: docs/MUTATION.md.
MUTATION_DIR ?= $(or $(TMPDIR),/tmp)/dlteach-mutation
# what to mutate: both by default; `make mutation MUTATE='"dlteach/core/*"'` for the core alone
MUTATE ?= "dlteach/core/*", "dlteach/exercises*"
define MUTATION_SCORE
import collections, json, pathlib
from mutmut.stats import status_by_exit_code
groups = {"dlteach/core": collections.Counter(), "dlteach/exercises": collections.Counter()}
for meta in pathlib.Path("mutants").rglob("*.py.meta"):
    source = meta.relative_to("mutants").as_posix()
    for group, count in groups.items():
        if source.startswith(group):
            count.update(status_by_exit_code[c] for c in json.loads(meta.read_text())["exit_code_by_key"].values())
for group, n in groups.items():
    total, killed = sum(n.values()), n["killed"] + n["timeout"]
    print(f"{group}: {killed} of {total} mutants killed ({100 * killed / max(total, 1):.1f} %); "
          f"{n['survived']} survived, {n['no tests']} reached by no fast test, {n['timeout']} of the killed by timeout")
endef
export MUTATION_SCORE
.PHONY: mutation
mutation: $(STAMP)
	$(PY) -c "import mutmut" 2>/dev/null || $(PY) -m pip install -q -c constraints.txt -e ".[mutation]"
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)
	tar -c --exclude=__pycache__ dlteach tests lessons pyproject.toml | tar -x -C $(MUTATION_DIR)
	sed -i 's|^only_mutate = .*|only_mutate = [$(MUTATE)]|' $(MUTATION_DIR)/pyproject.toml
	cd $(MUTATION_DIR) && start=$$(date +%s) && \
	  { nice -n 15 $(CURDIR)/$(VENV)/bin/mutmut run --max-children 2 >mutmut.log 2>&1 || { tail -c 3000 mutmut.log; exit 1; }; } && \
	  $(CURDIR)/$(PY) -c "$$MUTATION_SCORE" && echo "($$(( ($$(date +%s) - start) / 60 )) minutes; survivors: cd $(MUTATION_DIR) && mutmut results)"

clean:
	rm -rf $(VENV) .cache .pytest_cache
