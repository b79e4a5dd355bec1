import os

# Before anything can import TensorFlow: no C++ log lines, no oneDNN (bit-reproducible results).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def _same_numbers():
    """The same last bits on every x86-64 CPU (scripts/same_numbers.py): set before NumPy is imported here,
    so that this process, its xdist workers and the kernels nbval starts all inherit it."""
    import importlib.util  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    path = Path(__file__).resolve().parents[1] / "scripts" / "same_numbers.py"
    spec = importlib.util.spec_from_file_location("same_numbers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.use()


_same_numbers()

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# Under CI (CI=true) the end-to-end browser test must run: a skip there (no chromium, no playwright,
# a module-level skip) is turned into a failure, so that a green CI run means the browser test passed.
def _ci() -> bool:
    return os.environ.get("CI") == "true"


def _is_browser(nodeid: str, reason: object = "") -> bool:
    """A browser test by its file name, or a module skipped for want of Chromium or Playwright."""
    return "browser" in nodeid or any(word in str(reason).lower() for word in ("chromium", "playwright"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if _ci() and report.skipped and (item.get_closest_marker("browser") or _is_browser(item.nodeid)):
        report.outcome = "failed"
        report.longrepr = f"CI=true: the browser test must run, but it was skipped: {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if _ci() and report.skipped and _is_browser(report.nodeid, report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"CI=true: the browser test must run, but its module was skipped: {report.longrepr}"


# Tests that re-run a lesson's experiment over seeds or settings to prove one of its claims ("holds on five
# seeds", "the setting chosen on validation data"). They are NumPy arithmetic on the engine, the same whatever
# matplotlib, ipywidgets or Keras is installed, and the lessons, executed in every environment, check the same
# claims. The pinned run has them; the Colab and lowest runs deselect them (-m "not sweep" in the Makefile),
# which is a fifth of each of those runs. A name here that no test has any more is an error, not a silent no-op.
SWEEPS = {
    "test_distillation_settings_are_the_validation_search", "test_transfer_settings_are_the_validation_search",
    "test_try_this_the_all_label_teachers_gain_is_its_labels_over_seeds",
    "test_try_this_the_same_label_teacher_gains_little_at_other_fractions",
    "test_shift_verdicts_hold_at_every_rate_seed_by_seed",
    "test_depth_does_not_beat_width_at_a_matched_size_once_each_has_its_own_learning_rate",
    "test_a_spiral_needs_depth", "test_l2_tames_overfitting",
    "test_lesson_09_try_this_holds_on_five_seeds", "test_lesson_10_try_this_holds_on_five_seeds",
    "test_try_this_1_shallow_sigmoid_learns_deep_does_not_on_every_seed",
    "test_try_this_2_residual_relu_goes_nowhere_at_any_rate", "test_try_this_3_both_relu_trains_on_every_seed",
    "test_try_this_outcomes_hold_on_other_seeds", "test_lesson_07_trained_state_is_converged_on_every_seed",
    "test_lesson_17_try_this_holds_on_five_seeds",
    "test_lesson_16_try_this_holds_on_five_seeds",
    # the cold readers' claims re-run over seeds and rates (pure NumPy: the same numbers in every environment)
    "test_positions_make_the_difference_on_every_seed", "test_no_learning_rate_rescues_the_deep_sigmoid_network",
    "test_residual_relu_goes_nowhere_and_both_trains_at_every_rate", "test_the_explorers_outcomes_hold_on_five_seeds",
}


# Load balance of `pytest -n 2 --dist loadfile` (make test): a file runs whole on one worker, and files are handed
# out in collection order, so the longest go first and the short ones fill in at the end (pytest-xdist 3.2+ would
# otherwise order files by their number of tests, which hands out the few-test pixel-comparing files, 50-100
# CPU-seconds each, near the end; 3.0, the lowest set's, keeps the alphabetical order). The lessons (nbval's
# notebooks, make test's pinned run) first of all, then these files by their CPU-seconds in the pinned unit run
# (December 2026; an order hint only, a file not named counts 0.15 s a test).
FILE_SECONDS = {
    "test_explorer_refresh.py": 101, "test_descent_explorers.py": 90, "test_keras_twin.py": 54,
    "test_explorer_layout_cache.py": 53, "test_explorers.py": 39, "test_fastagg.py": 38, "test_playground.py": 34,
    "test_progressive_widget.py": 26, "test_optimizers_keras.py": 22, "test_lessons_06_08.py": 22,
    "test_lesson_15.py": 17, "test_pairings.py": 16, "test_lesson_14.py": 15, "test_export.py": 15,
    "test_autoencoder.py": 15, "test_lesson_17.py": 9,
    "test_recurrent.py": 13, "test_cold_read_08.py": 12, "test_static_picture.py": 11, "test_clipnorm.py": 10,
    "test_normalization.py": 10,
}


def pytest_configure(config):
    if hasattr(config.option, "loadscopereorder"):  # pytest-xdist 3.2+; 3.0 keeps the collection order anyway
        config.option.loadscopereorder = False


def _longest_files_first(items):
    counts = {}
    for item in items:
        counts[item.path] = counts.get(item.path, 0) + 1

    def cost(path):  # a lesson: 10**6 and its number of cells (more cells, longer, as a rule)
        return 10**6 + counts[path] if path.suffix == ".ipynb" else FILE_SECONDS.get(path.name, 0.15 * counts[path])

    items[:] = sorted(items, key=lambda item: -cost(item.path))  # stable: a file's tests keep their order


def pytest_collection_modifyitems(config, items):
    if getattr(config.option, "dist", "no") in ("loadfile", "loadscope"):
        _longest_files_first(items)
    found = set()
    for item in items:
        if getattr(item, "originalname", None) in SWEEPS:
            item.add_marker(pytest.mark.sweep)
            found.add(item.originalname)
    whole_suite = any(os.path.basename(str(a).rstrip("/")) == "tests" for a in config.args)
    if whole_suite and not config.option.keyword and found != SWEEPS:
        raise pytest.UsageError(f"tests/conftest.py SWEEPS names tests that do not exist: {sorted(SWEEPS - found)}")
