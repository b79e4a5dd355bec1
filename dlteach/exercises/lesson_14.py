"""Lesson 14 (normalisation and residual connections): batch normalisation's forward and backward
passes in training mode, and a residual block's backward pass.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the
CodeExercise entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.layers import Dense
from ..core.normalization import BatchNormalization
from ..core.residual import ActivationLayer, Residual
from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise


def _layer(gamma, beta, epsilon):
    layer = BatchNormalization(len(gamma), epsilon=float(epsilon))
    layer.gamma[...], layer.beta[...] = gamma, beta
    return layer


def _bn_inputs(rng):
    """(x, note) pairs: odd and non-square shapes, a batch of one, a constant feature, features of very
    different scale, a feature whose variance is close to epsilon."""
    cases = [(rng.normal(size=(5, 3)), _("5 samples, 3 features")),
             (rng.normal(loc=2.0, scale=3.0, size=(2, 7)), _("2 samples, 7 features")),
             (rng.normal(size=(9, 1)), _("9 samples, 1 feature")),
             (rng.normal(size=(1, 4)), _("a batch of one: every feature equals its own mean"))]
    x = rng.normal(size=(6, 3))
    x[:, 1] = 4.0
    cases.append((x, _("a constant feature (column 1): its variance is 0")))
    cases.append((rng.normal(size=(8, 3)) * [100.0, 1.0, 0.01] + [0.0, -5.0, 3.0],
                  _("features of very different scale: 100, 1 and 0.01")))
    return cases


def _bn_forward_cases(rng):
    cases = []
    for (x, note), epsilon in zip(_bn_inputs(rng), (1e-3, 1e-3, 0.5, 1e-3, 1e-3, 1e-3)):
        d = x.shape[1]
        cases.append(Case({"x": x, "gamma": rng.uniform(0.5, 2.0, size=d), "beta": rng.normal(size=d),
                           "epsilon": epsilon}, note + (_(", epsilon = {epsilon}").format(epsilon=epsilon) if epsilon != 1e-3 else "")))
    return cases


def _bn_forward_ref(x, gamma, beta, epsilon):
    return _layer(gamma, beta, epsilon).forward(x, training=True)


def _bn_forward_diagnose(args, expected, got):
    x, gamma, beta, eps = args["x"], args["gamma"], args["beta"], args["epsilon"]
    got = np.asarray(got, dtype=float)
    if got.shape != x.shape:
        return None
    mu = x.mean(axis=0)
    known = []
    if len(x) > 1:
        known.append((gamma * (x - mu) / np.sqrt(x.var(axis=0, ddof=1) + eps) + beta,
                      _("your result divides by the unbiased variance (n - 1); batch normalisation uses the mean of the "
                      "squared deviations, divided by n.")))
    known += [(gamma * (x - mu) / (x.std(axis=0) + eps) + beta,
               _("your result adds epsilon to the standard deviation; it belongs under the square root, with the "
               "variance.")),
              ((x - mu) / np.sqrt(x.var(axis=0) + eps),
               _("your result is x_hat itself: gamma and beta have not been applied.")),
              (gamma * (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps) + beta,
               _("your result normalises each sample over its features (each row): that is layer normalisation. "
               "Batch normalisation normalises each feature (each column) over the batch."))]
    for wrong, message in known:
        if np.allclose(got, wrong) and not np.allclose(wrong, expected):
            return message
    return None


def _bn_backward_cases(rng):
    cases = []
    for x, note in _bn_inputs(rng):
        d = x.shape[1]
        cases.append(Case({"x": x, "gamma": rng.uniform(0.5, 2.0, size=d), "epsilon": 1e-3,
                           "g": rng.normal(size=x.shape)}, note))
    return cases


def _bn_backward_ref(x, gamma, epsilon, g):
    layer = _layer(gamma, np.zeros_like(gamma), epsilon)
    layer.forward(x, training=True)
    dx = layer.backward(g)
    return dx, layer.dgamma.copy(), layer.dbeta.copy()


def _bn_backward_diagnose(args, expected, got):
    x, gamma, eps, g = args["x"], args["gamma"], args["epsilon"], args["g"]
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        return None
    m = len(x)
    sigma = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / sigma

    def fits(k, wrong):
        return (np.shape(got[k]) == np.shape(wrong) and np.allclose(np.asarray(got[k], dtype=float), wrong)
                and not np.allclose(wrong, expected[k]))

    known = [(0, gamma * g / sigma, _("your dx is gamma g / sigma: that treats mu and sigma as constants (the inference "
                                    "formula). In training they depend on every x of the batch.")),
             (0, gamma / (m * sigma) * (m * g - g.sum(axis=0)),
              _("your dx keeps the path through mu but not the one through sigma (the x_hat term).")),
             (0, gamma / (m * sigma) * (m * g - x_hat * (g * x_hat).sum(axis=0)),
              _("your dx keeps the path through sigma but not the one through mu (the sum of g).")),
             (1, (g * x).sum(axis=0), _("your dgamma sums g times x; gamma multiplies x_hat, not x.")),
             (2, g.mean(axis=0), _("your dbeta is the mean of g over the batch, {m} times smaller: beta is added to "
                                 "every sample, so its gradient adds them up.").format(m=m))]
    for k, wrong, message in known:
        if fits(k, wrong):
            return message
    return None


def _tf_bn_forward(tf, keras, x, gamma, beta, epsilon):
    layer = keras.layers.BatchNormalization(epsilon=float(epsilon), dtype="float64")
    layer.build(x.shape)
    layer.set_weights([gamma, beta, np.zeros_like(gamma), np.ones_like(gamma)])
    return layer(tf.constant(x), training=True).numpy()


def _tf_bn_backward(tf, keras, x, gamma, epsilon, g):
    layer = keras.layers.BatchNormalization(epsilon=float(epsilon), dtype="float64")
    layer.build(x.shape)
    layer.set_weights([gamma, np.zeros_like(gamma), np.zeros_like(gamma), np.ones_like(gamma)])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(layer(xt, training=True) * g)
    dx, dgamma, dbeta = tape.gradient(loss, [xt, layer.gamma, layer.beta])
    return dx.numpy(), dgamma.numpy(), dbeta.numpy()


def _bn_twin_case(rng):
    return {"x": rng.normal(size=(6, 4)) * [1.0, 3.0, 0.2, 1.0], "gamma": rng.uniform(0.5, 2.0, size=4),
            "beta": rng.normal(size=4), "epsilon": 1e-3}


def _bn_backward_twin_case(rng):
    args = _bn_twin_case(rng)
    del args["beta"]
    args["g"] = rng.normal(size=(6, 4))
    return args


def _residual_cases(rng):
    cases = []
    for n, d in ((4, 3), (1, 5), (7, 2), (3, 6)):
        cases.append(Case({"x": rng.normal(size=(n, d)), "W": rng.normal(size=(d, d)), "g": rng.normal(size=(n, d))},
                          _("{n} samples, {d} features").format(n=n, d=d) + (_(": a batch of one") if n == 1 else "")))
    x = rng.normal(size=(5, 4))
    x[x < 0] = -1.0  # every negative input is exactly -1: ReLU is off for all of them
    x[0, :] = 0.0    # ReLU at exactly 0: its slope there is 0, as in TensorFlow
    cases.append(Case({"x": x, "W": rng.normal(size=(4, 4)), "g": rng.normal(size=(5, 4))},
                      _("some inputs exactly 0 (ReLU's slope there is 0, as in TensorFlow)")))
    cases.append(Case({"x": -np.abs(rng.normal(size=(3, 3))), "W": rng.normal(size=(3, 3)), "g": rng.normal(size=(3, 3))},
                      _("every input negative: F passes no gradient, only the skip path does")))
    return cases


def _residual_ref(x, W, g):
    d = W.shape[0]
    dense = Dense(d, d)
    dense.W[...] = W
    block = Residual([ActivationLayer("relu"), dense])
    block.forward(x, training=True)
    dx = block.backward(g)
    return dx, dense.dW.copy(), dense.db.copy()


def _residual_diagnose(args, expected, got):
    x, W, g = args["x"], args["W"], args["g"]
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        return None
    a = np.maximum(x, 0.0)

    def fits(k, wrong):
        return (np.shape(got[k]) == np.shape(wrong) and np.allclose(np.asarray(got[k], dtype=float), wrong)
                and not np.allclose(wrong, expected[k]))

    known = [(0, (g @ W.T) * (x > 0), _("your dx is the path through F alone: the skip path, out = x + ..., adds g itself.")),
             (0, g, _("your dx is g alone, the skip path: the path through F adds its own share.")),
             (0, g + g @ W.T, _("your dx passes g through W but not through ReLU's slope (0 where x <= 0).")),
             (0, g + (g @ W) * (x > 0), _("your dx multiplies g by W, not by W transposed.")),
             (1, x.T @ g, _("your dW uses x; the Dense layer's input is relu(x).")),
             (1, g.T @ a, _("your dW is the transpose of the expected one: the input's transpose comes first.")),
             (2, g.mean(axis=0), _("your db is the mean of g over the samples, {length} times smaller than expected.").format(length=len(x)))]
    for k, wrong, message in known:
        if fits(k, wrong):
            return message
    return None


def _tf_residual(tf, keras, x, W, g):
    xt, Wt, bt = tf.constant(x), tf.Variable(W), tf.Variable(np.zeros(W.shape[1]))
    with tf.GradientTape() as tape:
        tape.watch(xt)
        out = xt + tf.matmul(tf.nn.relu(xt), Wt) + bt
        loss = tf.reduce_sum(out * g)
    dx, dW, db = tape.gradient(loss, [xt, Wt, bt])
    return dx.numpy(), dW.numpy(), db.numpy()


EXERCISES = [
    CodeExercise("14.batchnorm_forward", "batchnorm_forward", ("x", "gamma", "beta", "epsilon"), _bn_forward_cases,
                 _bn_forward_ref,
                 ladder=Ladder(
                     "Batch normalisation, derived",
                     "Check the case named in the message: the batch of one, the constant feature, the large epsilon "
                     "or the features of different scale each catch another detail.",
                     "Each feature (column) is normalised with its own mean and variance over the batch (rows), then "
                     "stretched by gamma and shifted by beta; epsilon keeps the division finite when a column is "
                     "constant.",
                     "Per column: mu = mean over the rows; var = mean of (x - mu) squared (divided by n); x_hat = "
                     "(x - mu) / sqrt(var + epsilon); return gamma times x_hat plus beta."),
                 good="A batch of one gave exactly beta: batch normalisation needs batches of several samples.",
                 diagnose=_bn_forward_diagnose,
                 twin=tf_twin("keras.layers.BatchNormalization(training=True)", _bn_twin_case, _tf_bn_forward)),
    CodeExercise("14.batchnorm_backward", "batchnorm_backward", ("x", "gamma", "epsilon", "g"), _bn_backward_cases,
                 _bn_backward_ref, outputs=("dx", "dgamma", "dbeta"),
                 ladder=Ladder(
                     "Batch normalisation, derived",
                     "Which of dx, dgamma, dbeta is wrong, and in which case? In the batch of one every dx must be 0.",
                     "Every x of a column moves that column's mu and sigma, and through them every x_hat of the column: "
                     "dx has the direct term and two corrections, one through mu and one through sigma.",
                     "Per column: recompute mu, sigma = sqrt(var + epsilon) and x_hat; dbeta = sum of g; dgamma = sum of "
                     "g times x_hat; dx = gamma / (m sigma) times (m g - dbeta - x_hat dgamma), m the batch size."),
                 good="The two sums you subtracted make every column of dx sum to 0: moving a whole column changes "
                      "nothing after normalising.",
                 diagnose=_bn_backward_diagnose,
                 twin=tf_twin(N_("keras.layers.BatchNormalization under tf.GradientTape"), _bn_backward_twin_case,
                              _tf_bn_backward)),
    CodeExercise("14.residual_backward", "residual_backward", ("x", "W", "g"), _residual_cases, _residual_ref,
                 outputs=("dx", "dW", "db"),
                 ladder=Ladder(
                     "Residual connections: a highway for the gradient",
                     "Which of dx, dW, db is wrong? In the case where every input is negative, F passes nothing back: "
                     "what is left of dx there?",
                     "out = x + F(x) with F(x) = relu(x) W + b: x reaches out along two paths, and the gradients of the "
                     "two paths add at the fork. Inside F it is lesson 06's Dense backward with relu(x) as the input.",
                     "a = relu(x); dW = a transposed times g; db = g summed over the samples; dx = g plus (g times W "
                     "transposed) multiplied by ReLU's slope, 1 where x > 0 and 0 elsewhere."),
                 good="Where every input was negative, dx was exactly g: the skip path carries the gradient even when "
                      "F passes none.",
                 diagnose=_residual_diagnose,
                 twin=tf_twin(N_("tf.GradientTape on x + relu(x) W + b"),
                              lambda rng: {"x": rng.normal(size=(5, 3)), "W": rng.normal(size=(3, 3)),
                                           "g": rng.normal(size=(5, 3))}, _tf_residual)),
]
