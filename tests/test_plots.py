import numpy as np
from matplotlib.figure import Figure

from dlteach import plots
from dlteach.core import MLP, fit


def test_live_loss_plot_redraws_during_training():
    shown = []
    live = plots.LiveLossPlot(every=4, display=lambda fig: shown.append(
        [line.get_ydata().copy() for line in fig.axes[0].lines]))
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(float)
    h = fit(MLP([2, 4, 1], "tanh", "sigmoid", "binary_crossentropy"), X[:40], y[:40], "adam", epochs=10,
            learning_rate=0.05, validation_data=(X[40:], y[40:]), callbacks=[live], verbose=0)
    assert len(shown) == 3  # epochs 4, 8 and the last one, 10
    assert [len(s[0]) for s in shown] == [4, 8, 10]
    assert np.allclose(shown[-1][0], h["loss"]) and np.allclose(shown[-1][1], h["val_loss"])
    ax = live.figure.axes[0]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss" and ax.get_title() == "training: epoch 10"


def test_drawing_functions_label_their_axes():
    fig = Figure()
    axes = fig.subplots(2, 3)
    plots.decision_boundary(axes[0, 0], np.linspace(0, 1, 100))
    plots.activation_plot(axes[0, 1], "tanh")
    plots.loss_surface(axes[0, 2], lambda W: (W**2).sum(1))
    plots.path(axes[0, 2], [[1, 1], [0.5, 0.5], [0, 0]])
    plots.confusion_matrix(axes[1, 0], np.array([[5, 1], [0, 4]]))
    plots.loss_curves(axes[1, 1], [3, 2, 1], [3.5, 2.5, 2])
    for ax in list(axes.ravel())[:5]:
        assert ax.get_xlabel() and ax.get_ylabel(), ax
    assert axes[0, 1].get_title() == "tanh: f(z) = tanh(z)"
    assert [t.get_text() for t in axes[1, 0].texts] == ["5", "1", "0", "4"]
    train, test = axes[1, 1].lines[:2]  # the curves are the data, against epochs 1, 2, 3
    assert list(train.get_xdata()) == [1, 2, 3] and list(train.get_ydata()) == [3, 2, 1]
    assert list(test.get_ydata()) == [3.5, 2.5, 2]
    grid_axes = plots.image_grid(Figure(), np.zeros((5, 64)), titles=list("abcde"), ncols=3)
    assert grid_axes.shape == (2, 3) and grid_axes[0, 0].get_title() == "a"
