"""The lines the pure-NumPy core prints into lessons (gradcheck's compare, the models' summaries) follow
dt.set_language: English exactly as before (the English notebooks are compared strictly), Chinese in a Chinese
lesson, with the same numbers and layer reprs (code) in both."""
import subprocess
import sys

import numpy as np
import pytest

import dlteach as dt
from dlteach.core import compare
from dlteach.core.transformer import Transformer
from dlteach.core.vae import VAE
from browser_support import ROOT


@pytest.fixture
def chinese():
    dt.set_language("zh_CN")
    yield
    dt.set_language("en")


def _network(batch_norm: bool):
    layers = [dt.Dense(2, 3, "relu")] + ([dt.BatchNormalization(3)] if batch_norm else []) + [dt.Dense(3, 1)]
    return dt.Sequential(layers, loss="mse")


def test_compare_speaks_the_lesson_language(capsys, chinese):
    assert compare("dW", np.ones(3), np.ones(3)) and not compare("dW", np.ones(3), 2 * np.ones(3))
    ok, mismatch = capsys.readouterr().out.splitlines()
    assert ok == f"{'dW':<40s} 相对误差 {'0':>7s}  一致"  # the English columns kept
    assert mismatch == f"{'dW':<40s} 相对误差 {'<1e0':>7s}  不一致"
    dt.set_language("en")
    compare("dW", np.ones(3), np.ones(3))
    assert capsys.readouterr().out == f"{'dW':<40s} rel err {'0':>7s}  OK\n"


def test_summaries_speak_the_lesson_language(chinese):
    plain, normed = _network(False), _network(True)
    assert plain.summary().splitlines() == ["Dense(2 -> 3, relu)", "Dense(3 -> 1, linear)", "损失：mse，参数：13"]
    assert normed.summary().splitlines()[-1] == "损失：mse，参数：25（其中 6 个不可训练）"
    vae = VAE(64, hidden=(8,), latent=2, seed=0)
    assert vae.summary().splitlines()[-1] == f"损失：重构（64 个像素上求和的 BCE）+ 1 KL，参数：{vae.count_params()}"
    dt.set_language("en")
    assert plain.summary().splitlines()[-1] == "loss: mse, parameters: 13"
    assert normed.summary().splitlines()[-1] == "loss: mse, parameters: 25 (6 non-trainable)"
    assert vae.summary().splitlines()[-1] == ("loss: reconstruction (BCE summed over 64 pixels) + 1 KL, "
                                             f"parameters: {vae.count_params()}")


def test_the_transformer_summary_speaks_the_lesson_language(chinese):
    model = Transformer(vocab_size=5, sequence_length=4, d_model=4, num_heads=1, seed=0)
    last = model.summary().splitlines()[-1]
    assert last == f"损失：每个位置上的 {model.loss.name}，参数：{model.count_params()}"
    dt.set_language("en")
    assert model.summary().splitlines()[-1] == (f"loss: {model.loss.name} over every position, "
                                                f"parameters: {model.count_params()}")


def test_the_core_still_imports_no_plotting_or_widgets():
    """dlteach.core now imports dlteach.i18n: that must not pull in matplotlib, ipywidgets or TensorFlow."""
    code = ("import sys, numpy as np; from dlteach.core import compare; compare('x', np.ones(2), np.ones(2)); "
            "print([m for m in ('matplotlib', 'ipywidgets', 'tensorflow', 'keras') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PATH": "/usr/bin:/bin", "DLTEACH_LANGUAGE": "en"}).stdout
    assert out.splitlines()[-1] == "[]"
