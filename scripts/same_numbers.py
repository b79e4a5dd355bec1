"""The environment that makes a lesson's printed numbers the same on every x86-64 machine we build and test on.

Two CPUs that both run the lessons can differ in the last bit of a result: NumPy picks SIMD loops for exp, log and
power at import by what the CPU offers (AVX-512 loops are not the scalar ones, bit for bit), OpenBLAS picks a
matrix kernel (with its own summation order) by CPU, and TensorFlow's XLA and oneDNN compile or choose code for it.
A last bit can move a printed "0.75" to "0.76", and the stored lessons are compared character for character
(nbval). So every lesson build and every test run asks each library for the AVX2 code that every such machine has:

    NPY_DISABLE_CPU_FEATURES   NumPy's AVX-512 dispatch targets (their names differ between NumPy versions: read
                               from the NumPy of the interpreter that runs the kernels)
    OPENBLAS_CORETYPE=Haswell  OpenBLAS's AVX2 kernels
    ONEDNN_MAX_CPU_ISA=AVX2    oneDNN (TensorFlow's CPU kernels)
    XLA_FLAGS=--xla_cpu_max_isa=AVX2   XLA (Keras's jit-compiled training)

Measured on an AVX-512 machine (AMD EPYC) against lessons stored on an AVX2 one: 30 strict-comparison failures
without these, 2 with them (the two copies of a cell whose model Keras trained; its weights now ship with the
package). A learner's machine does not need any of this: only the stored outputs are compared.

    python scripts/same_numbers.py                        # prints them
    python scripts/same_numbers.py python -m pytest ...   # runs the command with them (the Makefile's way)
"""
from __future__ import annotations

import os
import platform
import shlex
import sys


def environment() -> dict[str, str]:
    """The variables, for the NumPy of this interpreter (empty on a CPU that is not x86-64)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return {}
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__ as dispatch  # noqa: PLC0415
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__ as dispatch  # noqa: PLC0415
    avx512 = [name for name in dispatch if name.startswith(("AVX512", "X86_V4"))]
    return {"NPY_DISABLE_CPU_FEATURES": " ".join(avx512), "OPENBLAS_CORETYPE": "Haswell",
            "ONEDNN_MAX_CPU_ISA": "AVX2", "XLA_FLAGS": "--xla_cpu_max_isa=AVX2"}


def use() -> None:
    """Set the variables in this process's environment (kernels and workers started later inherit them);
    a variable already set is left as it is."""
    for name, value in environment().items():
        os.environ.setdefault(name, value)


if __name__ == "__main__":
    if len(sys.argv) == 1:
        print(" ".join(f"{name}={shlex.quote(value)}" for name, value in environment().items()))
        sys.exit(0)
    use()
    os.execvp(sys.argv[1], sys.argv[1:])
