"""Lesson 17 (autoencoders and generative models): the reparameterisation trick, forward and backward, and the
KL term of a VAE with its gradients.

Each exercise's cases (the place for its edge cases), reference, diagnoses and twin, then the CodeExercise
entries that code.py collects."""
from __future__ import annotations

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.vae import Sampling, gaussian_kl
from .common import tf_twin
from .hints import Ladder
from .runner import Case, CodeExercise


def _reparameterize_cases(rng):
    cases = []
    for n, k, note in ((4, 2, _("4 samples, 2 latent numbers")), (1, 3, _("a batch of one")),
                       (5, 1, _("one latent number")), (3, 7, _("3 samples, 7 latent numbers"))):
        cases.append(Case({"mu": rng.normal(size=(n, k)), "log_var": rng.normal(size=(n, k)),
                           "eps": rng.normal(size=(n, k)), "g": rng.normal(size=(n, k))}, note))
    cases.append(Case({"mu": rng.normal(size=(3, 2)), "log_var": rng.normal(size=(3, 2)), "eps": np.zeros((3, 2)),
                       "g": rng.normal(size=(3, 2))}, _("eps = 0 (the code at inference): z = mu")))
    cases.append(Case({"mu": rng.normal(size=(2, 3)), "log_var": np.array([[-12.0, 6.0, 0.0], [3.0, -6.0, 9.0]]),
                       "eps": rng.normal(size=(2, 3)), "g": rng.normal(size=(2, 3))},
                      _("very small and very large variances (log_var from -12 to 9)")))
    return cases


def _reparameterize_ref(mu, log_var, eps, g):
    layer = Sampling()
    z = layer.forward([mu, log_var], training=True, eps=eps)
    d_mu, d_log_var = layer.backward(g)
    return z, d_mu, d_log_var


def _reparameterize_diagnose(args, expected, got):
    mu, log_var, eps, g = args["mu"], args["log_var"], args["eps"], args["g"]
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        return None
    sigma = np.exp(0.5 * log_var)

    def fits(k, wrong):
        return (np.shape(got[k]) == np.shape(wrong) and np.allclose(np.asarray(got[k], dtype=float), wrong)
                and not np.allclose(wrong, expected[k]))

    known = [(0, mu + np.exp(log_var) * eps, _("your z scales eps by exp(log_var), the variance; the standard deviation "
                                             "is its square root.")),
             (0, mu + log_var * eps, _("your z scales eps by log_var itself; sigma is exp(log_var / 2).")),
             (0, mu + 0.5 * log_var * eps, _("your z scales eps by log_var / 2, the log of sigma, not sigma.")),
             (1, g * sigma, _("your d_mu is g times sigma; z moves one for one with mu.")),
             (2, g * eps * sigma, _("your d_log_var is twice the expected one: sigma = exp(log_var / 2) brings a 1/2.")),
             (2, g * eps, _("your d_log_var leaves out how sigma changes with log_var.")),
             (2, g * sigma / 2, _("your d_log_var leaves out eps: z = mu + sigma eps moves with sigma times eps."))]
    for k, wrong, message in known:
        if fits(k, wrong):
            return message
    return None


def _tf_reparameterize(tf, keras, mu, log_var, eps, g):
    mu_t, log_var_t = tf.constant(mu), tf.constant(log_var)
    with tf.GradientTape() as tape:
        tape.watch([mu_t, log_var_t])
        z = mu_t + tf.exp(0.5 * log_var_t) * eps   # Keras's VAE example's Sampling layer
        loss = tf.reduce_sum(z * g)
    d_mu, d_log_var = tape.gradient(loss, [mu_t, log_var_t])
    return z.numpy(), d_mu.numpy(), d_log_var.numpy()


def _kl_cases(rng):
    cases = []
    for n, k, note in ((4, 2, _("4 samples, 2 latent numbers")), (1, 3, _("a batch of one")),
                       (6, 1, _("one latent number")), (3, 5, _("3 samples, 5 latent numbers"))):
        cases.append(Case({"mu": rng.normal(size=(n, k)), "log_var": rng.normal(size=(n, k))}, note))
    cases.append(Case({"mu": np.zeros((2, 3)), "log_var": np.zeros((2, 3))},
                      _("q equal to the prior (mu = 0, log_var = 0): KL = 0, gradients 0")))
    cases.append(Case({"mu": rng.normal(scale=3.0, size=(2, 2)), "log_var": np.array([[-15.0, 4.0], [0.5, -3.0]])},
                      _("far from the prior: large mu, log_var from -15 to 4")))
    return cases


def _kl_ref(mu, log_var):
    return gaussian_kl(mu, log_var)


def _kl_diagnose(args, expected, got):
    mu, log_var = args["mu"], args["log_var"]
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        return None
    var = np.exp(log_var)

    def fits(k, wrong):
        return (np.shape(got[k]) == np.shape(wrong) and np.allclose(np.asarray(got[k], dtype=float), wrong)
                and not np.allclose(wrong, expected[k]))

    known = [(0, -np.sum(1 + log_var - mu**2 - var, axis=-1), _("your KL is twice the expected one: the formula "
                                                               "has a factor 1/2.")),
             (0, -0.5 * np.sum(1 + log_var - mu**2 - np.exp(2 * log_var), axis=-1),
              _("your KL uses exp(2 log_var): the variance is exp(log_var) itself.")),
             (0, -0.5 * np.sum(1 - log_var - mu**2 - var, axis=-1), _("your KL has the sign of the log_var term wrong.")),
             (0, -0.5 * np.mean(1 + log_var - mu**2 - var, axis=-1),
              _("your KL averages over the {mu_shape} latent numbers; the KL of independent numbers adds up.").format(mu_shape=mu.shape[1])),
             (2, var - 1, _("your d_log_var is twice the expected one: the KL's factor 1/2 stays in its gradient.")),
             (2, 0.5 * (1 - var), _("your d_log_var has the wrong sign.")),
             (1, 2 * mu, _("your d_mu is 2 mu: the 1/2 in front of the sum multiplies the derivative of mu^2."))]
    for k, wrong, message in known:
        if fits(k, wrong):
            return message
    return None


def _tf_kl(tf, keras, mu, log_var):
    mu_t, log_var_t = tf.constant(mu), tf.constant(log_var)
    weights = np.arange(1.0, len(mu) + 1.0)  # a different weight per sample: each sample's gradient is its own
    with tf.GradientTape() as tape:
        tape.watch([mu_t, log_var_t])
        kl = -0.5 * tf.reduce_sum(1 + log_var_t - tf.square(mu_t) - tf.exp(log_var_t), axis=1)
        loss = tf.reduce_sum(kl * weights)
    d_mu, d_log_var = tape.gradient(loss, [mu_t, log_var_t])
    return kl.numpy(), d_mu.numpy() / weights[:, None], d_log_var.numpy() / weights[:, None]


EXERCISES = [
    CodeExercise("17.reparameterize", "reparameterize", ("mu", "log_var", "eps", "g"), _reparameterize_cases,
                 _reparameterize_ref, outputs=("z", "d_mu", "d_log_var"),
                 ladder=Ladder(
                     "The formula, derived",
                     "Which of z, d_mu, d_log_var is wrong, and in which case? With eps = 0, z must be mu and "
                     "d_log_var 0.",
                     "The sample is mu plus the standard deviation times the noise, and the standard deviation is "
                     "exp(log_var / 2); each gradient is g times how much z moves with that input.",
                     "sigma = exp(log_var / 2); z = mu + sigma eps; d_mu = g; d_log_var = g times eps times the "
                     "derivative of sigma with respect to log_var, which is sigma / 2."),
                 good="With eps = 0 nothing reached log_var: the reconstruction reaches the variance only through the noise.",
                 diagnose=_reparameterize_diagnose,
                 twin=tf_twin(N_("tf.GradientTape on mu + exp(0.5 log_var) eps"),
                              lambda rng: {"mu": rng.normal(size=(5, 3)), "log_var": rng.normal(size=(5, 3)),
                                           "eps": rng.normal(size=(5, 3)), "g": rng.normal(size=(5, 3))},
                              _tf_reparameterize)),
    CodeExercise("17.gaussian_kl", "gaussian_kl", ("mu", "log_var"), _kl_cases, _kl_ref,
                 outputs=("kl", "d_mu", "d_log_var"),
                 ladder=Ladder(
                     "The formula, derived",
                     "Which of kl, d_mu, d_log_var is wrong, and in which case? Where mu = 0 and log_var = 0, all "
                     "three must be 0.",
                     "Each latent number adds its own term, -1/2 (1 + log_var - mu^2 - exp(log_var)), to its "
                     "sample's KL; differentiate that term by mu and by log_var.",
                     "kl = -0.5 times the sum over the last axis of (1 + log_var - mu^2 - exp(log_var)); d_mu = mu; "
                     "d_log_var = 0.5 (exp(log_var) - 1)."),
                 good="Where q was the prior, the KL and both gradients were exactly 0: the prior is the KL's "
                      "only minimum.",
                 diagnose=_kl_diagnose,
                 twin=tf_twin(N_("tf.GradientTape on the KL of Keras's VAE example"),
                              lambda rng: {"mu": rng.normal(size=(4, 3)), "log_var": rng.normal(size=(4, 3))},
                              _tf_kl)),
]
