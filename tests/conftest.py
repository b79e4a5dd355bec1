import os

# Before anything can import TensorFlow: no C++ log lines, no oneDNN (bit-reproducible results).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

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
