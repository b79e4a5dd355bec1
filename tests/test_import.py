import subprocess
import sys


def test_import_is_light_and_fast():
    # CPU time of the importing process, not wall time: the budget is about what import does, and a loaded
    # machine (pytest -n 2 beside other work) stretches wall time several-fold without doing more.
    code = ("import time, sys; t = time.process_time(); import dlteach; dt = time.process_time() - t; "
            "print(dt, 'tensorflow' in sys.modules, 'keras' in sys.modules, 'matplotlib' in sys.modules)")
    # best of three: the first run may pay for a cold disk cache
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(3)]
    assert all(r[1:] == ["False", "False", "False"] for r in runs), runs
    assert min(float(r[0]) for r in runs) < 0.5, runs
