"""The warning filters of pyproject.toml ([tool.pytest.ini_options] filterwarnings) do what they say: a
warning raised in dlteach's code, or caused there, fails its test; an understood dependency warning is
dropped by its message; any other warning stays visible in the summary."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBES = '''
import warnings


def warn_from(module, category, message):
    """A warning attributed to `module`, as if raised by code in it (warnings.warn with its frame)."""
    exec(compile("import warnings\\nwarnings.warn(message, category)", module.replace(".", "/") + ".py", "exec"),
         {"__name__": module, "message": message, "category": category})


def test_dlteachs_own_warning():
    warn_from("dlteach.widgets.base", UserWarning, "something dlteach says")


def test_a_deprecation_caused_by_dlteach():
    warn_from("dlteach.core.training", DeprecationWarning, "a dependency's API that dlteach still calls")


def test_a_numpy_overflow_in_dlteach():
    warn_from("dlteach.core.losses", RuntimeWarning, "overflow encountered in exp")


def test_an_understood_dependency_warning():
    warn_from("ipywidgets.widgets.widget", DeprecationWarning,
              "The `ipykernel.comm.Comm` class has been deprecated. Please use the `comm` module instead.")


def test_another_dependency_warning():
    warn_from("somelib.module", DeprecationWarning, "a new deprecation nobody has read yet")
'''


def test_dlteach_warnings_fail_understood_ones_are_dropped_and_others_stay_visible(tmp_path):
    (tmp_path / "test_probes.py").write_text(PROBES)
    run = subprocess.run([sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path),
                          "-p", "no:xdist", "-p", "no:randomly", "-q", "-rfE", str(tmp_path / "test_probes.py")],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    out = run.stdout
    assert run.returncode == 1, out
    for name in ("test_dlteachs_own_warning", "test_a_deprecation_caused_by_dlteach", "test_a_numpy_overflow_in_dlteach"):
        assert f"FAILED test_probes.py::{name}" in out, out
    assert "3 failed, 2 passed, 1 warning" in out, out
    assert "a new deprecation nobody has read yet" in out and "ipykernel.comm.Comm" not in out
