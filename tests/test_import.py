import subprocess
import sys


def test_import_is_light_and_fast():
    code = ("import time, sys; t = time.perf_counter(); import dlteach; dt = time.perf_counter() - t; "
            "print(dt, 'tensorflow' in sys.modules, 'keras' in sys.modules, 'matplotlib' in sys.modules)")
    # best of three: the first run may pay for a cold disk cache
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(3)]
    assert all(r[1:] == ["False", "False", "False"] for r in runs), runs
    assert min(float(r[0]) for r in runs) < 0.5, runs
