"""Lesson 17 (autoencoders and generative models): the experiments (dlteach.generative) and their cache, bad
settings refused by name, the explorer driven through every control, the explorer's "try this" outcomes over 5
seeds (the lesson checks them on seed 0), and correct exercise answers written differently from the solutions."""
import io

import numpy as np
import pytest

import dlteach as dt
from dlteach import generative
from dlteach.widgets import LatentExplorer

SEEDS = range(5)


def split():
    return dt.experiments.digits_split(0)


# --- the experiments --------------------------------------------------------------------------------
@pytest.mark.parametrize("call, match", [
    (lambda: generative.autoencoder(latent=0), "latent"),
    (lambda: generative.autoencoder(latent=2.0), "latent"),
    (lambda: generative.autoencoder(seed=-1), "seed"),
    (lambda: generative.ae_run(latent=17), "latent"),
    (lambda: generative.vae_run(beta=-1.0), "beta"),
    (lambda: generative.vae_run(beta=float("nan")), "beta"),
    (lambda: generative.vae_run(beta=1000.0), "beta"),
    (lambda: generative.vae_run(beta="1"), "beta"),
    (lambda: generative.vae_run(seed=1.5), "seed"),
    (lambda: generative.encode_images("model", np.zeros((1, 64))), "model"),
    (lambda: generative.decode_codes(generative.autoencoder(), np.zeros((1, 3))), "z"),
    (lambda: generative.decode_codes(dt.VAE(64, [4], 2), np.zeros((1, 3))), "z"),
    (lambda: generative.encode_images(generative.autoencoder(), np.zeros(64)), "X"),
    (lambda: generative.interpolate_codes(generative.autoencoder(), np.zeros(64), np.zeros(64), steps=1), "steps"),
    (lambda: generative.nearest_distance(np.zeros(64)), "images"),
])
def test_bad_settings_are_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_runs_are_cached_on_disk_and_a_second_session_loads_the_same_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("DLTEACH_CACHE", str(tmp_path))
    monkeypatch.setattr(generative, "EPOCHS", 2)
    generative._vae_run.cache_clear(), generative._ae_run.cache_clear()
    try:
        vae, history = generative.vae_run(beta=0.5, seed=3)
        ae, ae_history = generative.ae_run(seed=3)
        files = sorted(p.name for p in tmp_path.iterdir())
        assert files == ["ae_l2_s3_v1_e2_lr0.005.npz", "vae_b0.5_l2_s3_v1_e2_lr0.005.npz"]
        assert len(history["val_kl"]) == len(history["val_reconstruction"]) == len(history["loss"]) == 2
        generative._vae_run.cache_clear(), generative._ae_run.cache_clear()
        again, again_history = generative.vae_run(beta=0.5, seed=3)   # from the file: nothing trained
        ae_again, _ = generative.ae_run(seed=3)
        assert all(np.array_equal(a, b) for a, b in zip(vae.get_weights(), again.get_weights()))
        assert all(np.array_equal(a, b) for a, b in zip(ae.get_weights(), ae_again.get_weights()))
        assert again_history == history
        # what the history says is what the model does: the last epoch's validation terms at z = mu
        X_val = split()[1]
        again.evaluate(X_val)
        assert np.isclose(again.reconstruction_loss, history["val_reconstruction"][-1], rtol=1e-12)
        assert np.isclose(again.kl_loss, history["val_kl"][-1], rtol=1e-12)
        # a damaged file is trained again, not trusted
        (tmp_path / files[1]).write_bytes(b"not a zip")
        generative._vae_run.cache_clear()
        third, _ = generative.vae_run(beta=0.5, seed=3)
        assert all(np.array_equal(a, b) for a, b in zip(vae.get_weights(), third.get_weights()))
    finally:
        generative._vae_run.cache_clear(), generative._ae_run.cache_clear()


def test_runs_return_fresh_copies():
    a, h = generative.vae_run(beta=1.0, seed=0)
    a.z_mean.W[...] = 0.0
    h["loss"].append(1e9)
    b, h2 = generative.vae_run(beta=1.0, seed=0)
    assert np.any(b.z_mean.W != 0) and h2["loss"][-1] != 1e9


def test_scores_and_helpers_mean_what_they_say():
    _, _, X_test, *_ = split()
    vae, _ = generative.vae_run(beta=1.0, seed=0)
    s = generative.autoencoder_scores(vae)
    vae.evaluate(X_test)
    assert np.isclose(s["reconstruction"], vae.reconstruction_loss, rtol=1e-12)
    assert np.isclose(s["kl"], vae.kl_loss, rtol=1e-12) and s["reconstruction_each"].shape == (360,)
    ae, _ = generative.ae_run(seed=0)
    s_ae = generative.autoencoder_scores(ae)
    # the autoencoder's loss is the mean BCE per pixel: 64 times it is the summed error
    assert np.isclose(64 * ae.evaluate(X_test, X_test), s_ae["reconstruction"], rtol=1e-10) and np.isnan(s_ae["kl"])
    # nearest_distance: brute force on a few images
    X_train = split()[0]
    images = X_test[:5]
    brute = [np.min(np.linalg.norm(X_train - x, axis=1)) for x in images]
    assert np.allclose(generative.nearest_distance(images), brute, atol=1e-9)
    assert np.allclose(generative.nearest_distance(X_train[:3]), 0.0, atol=1e-6)  # training images are their own
    path = generative.interpolate_codes(vae, X_test[0], X_test[1], steps=5)
    ends = generative.decode_codes(vae, generative.encode_images(vae, X_test[:2]))
    assert path.shape == (5, 64) and np.allclose(path[[0, -1]], ends, atol=1e-12)


# --- the explorer -------------------------------------------------------------------------------------
def controls():
    for name, p in LatentExplorer.PARAMS.items():
        for v in (p.choices if p.choices is not None else (p.low, p.high)):
            yield name, v


@pytest.mark.parametrize("name, value", list(controls()), ids=str)
def test_every_control_at_its_ends_draws_a_labelled_figure(name, value):
    ex = LatentExplorer()
    ex.set(**{name: value})
    assert ex.cfg[name] == value
    fig = ex.draw()
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
        for collection in ax.collections:
            assert np.all(np.isfinite(np.asarray(collection.get_offsets(), dtype=float)))
    assert ex.image.shape == (8, 8) and np.all((0 <= ex.image) & (ex.image <= 1))
    assert f"({ex.cfg['z1']:.2f}, {ex.cfg['z2']:.2f})" in fig.axes[1].get_title()
    assert f"beta {ex.cfg['beta']:g}" in fig.axes[0].get_title()


def test_bad_settings_leave_the_explorer_as_it_was():
    ex = LatentExplorer(z1=1.0)
    for bad, match in (({"z1": 5.0}, "z1 must be from -4 to 4"), ({"beta": 3.0}, "Unknown beta"),
                       ({"z2": "a"}, "z2 must be a number"), ({"gamma": 1}, "no setting 'gamma'")):
        with pytest.raises((ValueError, TypeError), match=match):
            ex.set(**bad)
    assert ex.cfg == {"z1": 1.0, "z2": 0.0, "beta": 1.0}


def test_a_refreshed_figure_equals_a_fresh_one():
    from PIL import Image

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)))

    ex = LatentExplorer()
    ex.png()
    for settings in ({"z1": 2.5}, {"beta": 0.0}, {"z2": -3.9}, {"beta": 4.0, "z1": -4.0}, {"beta": 1.0}):
        ex.set(**settings)
        assert np.array_equal(pixels(ex.png()), pixels(LatentExplorer(**ex.cfg).png())), settings


def test_the_widget_answers_a_slider_with_a_new_picture():
    ex = LatentExplorer()
    ui = ex.widget()
    before = ui.image.value
    ui.controls["z1"].value = 2.0
    assert ex.cfg["z1"] == 2.0 and ui.image.value != before and ui.message.value == ""
    import ipywidgets as W

    beta = ui.controls["beta"]
    assert isinstance(beta, W.SelectionSlider) and beta in ui.children[0].children  # a slider, shown
    assert [value for _, value in beta.options] == list(generative.VAE_BETAS) and beta.value == 1.0
    assert beta.label == "1" and [label for label, _ in beta.options][:2] == ["0", "0.25"]  # as readouts: not "1.0"
    beta.value = 0.25
    assert ex.cfg["beta"] == 0.25 and ex.model.beta == 0.25 and ui.message.value == ""
    beta.value = 4.0
    assert ex.cfg["beta"] == 4.0 and "beta 4" in ex.figure.axes[0].get_title()


# --- the lesson's "try this", on every seed ---------------------------------------------------------------
def test_lesson_17_try_this_holds_on_five_seeds():
    _, _, X_test, _, _, y_test = split()
    classifier = dt.experiments.digits_mlp(0)
    for seed in SEEDS:
        vae = generative.vae_run(beta=1.0, seed=seed)[0]
        codes = generative.encode_images(vae, X_test)
        medians = np.array([np.median(codes[y_test == k], axis=0) for k in range(10)])
        agree = classifier.predict(generative.decode_codes(vae, medians)).argmax(axis=1) == np.arange(10)
        assert agree.sum() >= 7, seed                                                       # 1.
        assert np.min(np.linalg.norm(codes - [3.5, 3.5], axis=1)) > 1.0, seed                # 2.
        corners = np.array([[-3.0, -3.0], [3.0, 3.0]])
        assert np.abs(np.diff(generative.decode_codes(vae, corners), axis=0)).max() > 0.5, seed    # 3. beta 1 moves
        collapsed = generative.vae_run(beta=4.0, seed=seed)[0]
        assert np.abs(generative.encode_images(collapsed, X_test)).max() < 0.1, seed
        assert np.abs(np.diff(generative.decode_codes(collapsed, corners), axis=0)).max() < 0.2, seed
        free = generative.encode_images(generative.vae_run(beta=0.0, seed=seed)[0], X_test)
        assert np.sum(np.any(np.abs(free) > 4.3, axis=1)) > 180, seed


# --- the exercises: correct answers written differently from dlteach.solutions pass ----------------------
def _reparameterize_staged(mu, log_var, eps, g):
    var = np.exp(log_var)
    sigma = np.sqrt(var)                       # the same sigma by another road
    dsigma_dlog_var = 0.5 * np.sqrt(var)
    return mu + eps * sigma, g * np.ones_like(mu), g * eps * dsigma_dlog_var


def _kl_per_number(mu, log_var):
    sigma = np.exp(log_var / 2)
    kl = np.einsum("nk->n", -np.log(sigma) - 0.5 + 0.5 * (mu**2 + sigma**2))   # step 3 of the derivation
    return kl, mu + 0.0, (sigma**2 - 1) / 2


@pytest.mark.parametrize("name, answer", [("17.reparameterize", _reparameterize_staged),
                                          ("17.gaussian_kl", _kl_per_number)])
def test_a_correct_answer_written_differently_passes(name, answer, capsys):
    from dlteach.exercises import check

    assert all(check(name, answer, seed=seed) for seed in (0, 1, 2))
    assert capsys.readouterr().out.count("Correct!") == 3


@pytest.mark.parametrize("name, answer, words", [
    ("17.reparameterize", lambda mu, log_var, eps, g: (mu + np.exp(log_var) * eps, g, g * eps * np.exp(log_var)),
     "the variance"),
    ("17.reparameterize", lambda mu, log_var, eps, g: (mu + np.exp(0.5 * log_var) * eps, g,
                                                      g * eps * np.exp(0.5 * log_var)), "brings a 1/2"),
    ("17.gaussian_kl", lambda mu, log_var: (-np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=1), mu,
                                            0.5 * (np.exp(log_var) - 1)), "factor 1/2"),
    ("17.gaussian_kl", lambda mu, log_var: (-0.5 * np.mean(1 + log_var - mu**2 - np.exp(log_var), axis=1), mu,
                                            0.5 * (np.exp(log_var) - 1)), "adds up"),
])
def test_typical_mistakes_get_their_own_diagnosis(name, answer, words, capsys):
    from dlteach.exercises import check, reset_hints

    reset_hints()
    assert check(name, answer) is False
    out = capsys.readouterr().out
    assert words in out and "Hint" in out
    reset_hints()
