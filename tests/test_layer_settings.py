"""Dense, Dropout, initialisers and L1/L2: every setting checked where it is given, by name, with
the value and what is accepted; `seed` (None, an int >= 0 or a Generator) as everywhere."""
import numpy as np
import pytest

from dlteach.core import L1L2, Dense, Dropout, get_initializer
from dlteach.core.init import glorot_uniform, he_normal, initial_weights


@pytest.mark.parametrize("kwargs,exc,message", [
    ({"n_in": 0}, ValueError, "Dense n_in must be an integer >= 1, got 0"),
    ({"n_in": 2.0}, TypeError, "Dense n_in must be an integer, got 2.0"),
    ({"units": -3}, ValueError, "Dense units must be an integer >= 1, got -3"),
    ({"units": True}, TypeError, "Dense units must be an integer, got True"),
    ({"activation": "sigmoidal"}, ValueError, "Unknown activation 'sigmoidal'. Valid: .*relu"),
    ({"activation": 3}, TypeError, "activation must be given by name"),
    ({"init": "xavier"}, ValueError, "Unknown initializer 'xavier'. Valid: .*glorot_uniform"),
    ({"init": 0.1}, TypeError, "initializer must be given by name"),
    ({"l1": -0.1}, ValueError, "l1 must be >= 0, got -0.1"),
    ({"l2": float("nan")}, ValueError, "l2 must be >= 0"),
    ({"l2": "0.01"}, TypeError, "l2 must be a number, got '0.01'"),
    ({"seed": -1}, ValueError, "seed must be None, an integer >= 0 or a numpy Generator, got -1"),
    ({"seed": 1.5}, ValueError, "seed must be None, an integer >= 0 or a numpy Generator, got 1.5"),
    ({"name": ""}, TypeError, "name must be a non-empty string, got ''"),
    ({"name": 7}, TypeError, "name must be a non-empty string, got 7"),
])
def test_dense_settings_are_named(kwargs, exc, message):
    args = {"n_in": 3, "units": 2, **kwargs}
    with pytest.raises(exc, match=message):
        Dense(**args)


def test_dense_seed_and_custom_initialiser():
    a, b = Dense(4, 3, seed=5), Dense(4, 3, seed=np.random.default_rng(5))
    assert np.array_equal(a.W, b.W) and np.array_equal(a.W, glorot_uniform(4, 3, 5))
    assert not np.array_equal(a.W, Dense(4, 3, seed=6).W)
    assert np.array_equal(Dense(4, 3, init=lambda n_in, n_out, seed: np.ones((n_in, n_out))).W, np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"initializer .* must return finite weights of shape \(4, 3\), got shape \(3, 4\)"):
        Dense(4, 3, init=lambda n_in, n_out, seed: np.ones((n_out, n_in)))
    with pytest.raises(ValueError, match=r"must return finite weights of shape \(4, 3\), got shape \(4, 3\) with NaN"):
        Dense(4, 3, init=lambda n_in, n_out, seed: np.full((n_in, n_out), np.nan))
    with pytest.raises(TypeError, match="unexpected keyword argument 'rng'"):
        Dense(4, 3, rng=0)  # renamed: seed, as in MLP and fit


def test_dropout_and_initialiser_settings_are_named():
    for bad, exc, message in [(1.0, ValueError, r"dropout rate must be in \[0, 1\), got 1.0"),
                              (-0.2, ValueError, "dropout rate must be >= 0, got -0.2"),
                              ("half", TypeError, "dropout rate must be a number, got 'half'")]:
        with pytest.raises(exc, match=message):
            Dropout(bad)
    with pytest.raises(ValueError, match="seed must be None, an integer >= 0"):
        Dropout(0.5, seed="abc")
    a, b = Dropout(0.5, seed=3), Dropout(0.5, seed=3)
    x = np.ones((20, 10))
    assert np.array_equal(a.forward(x, training=True), b.forward(x, training=True))
    assert np.array_equal(he_normal(5, 4, seed=2), get_initializer("he_normal")(5, 4, np.random.default_rng(2)))
    with pytest.raises(ValueError, match="n_in must be an integer >= 1, got 0"):
        initial_weights("zeros", 0, 3)
    with pytest.raises(ValueError, match="seed must be None"):
        glorot_uniform(3, 3, seed=-5)
    with pytest.raises(ValueError, match=r"l1 must be >= 0 and at most 3.4e\+38"):
        L1L2(l1=float("1e39"))


def test_dense_units_is_the_keras_name_for_n_out():
    layer = Dense(4, units=3)
    assert layer.units == layer.n_out == 3 and layer.W.shape == (4, 3)
