"""Lesson 17's plausible wrong answers, joined to tests/test_exercises.py's tables (each must fail its checker)."""
import numpy as np

from dlteach import solutions


def _rep(mu, log_var, eps, g, scale="sigma", d_log_var="right", d_mu="g"):
    sigma = {"sigma": np.exp(0.5 * log_var), "var": np.exp(log_var), "log_var": log_var,
             "sqrt_abs": np.sqrt(np.abs(log_var))}[scale]
    z = mu + sigma * eps
    s = np.exp(0.5 * log_var)
    dl = {"right": g * eps * 0.5 * s, "no_half": g * eps * s, "no_sigma": g * eps * 0.5, "no_eps": g * 0.5 * s,
          "mean": (g * eps * 0.5 * s).mean(axis=0, keepdims=True) * np.ones_like(g)}[d_log_var]
    dm = {"g": g, "g_sigma": g * s, "sum": g.sum(axis=0, keepdims=True) * np.ones_like(g)}[d_mu]
    return z, dm, dl


def _kl(mu, log_var, half=0.5, var_power=1.0, reduce="sum", log_sign=1.0, d_half=0.5, d_mu_factor=1.0, axis=1):
    var = np.exp(var_power * log_var)
    terms = 1 + log_sign * log_var - mu**2 - var
    kl = -half * (terms.sum(axis=axis) if reduce == "sum" else terms.mean(axis=axis))
    return kl, d_mu_factor * mu, d_half * (np.exp(log_var) - 1)


WRONG_QUIZ_17 = {"17.kl_value": 5.0, "17.kl_wide": 0.5 * (3.0 - np.log(2.0))}

WRONG_CODE_17 = {
    "17.reparameterize": [
        lambda mu, log_var, eps, g: _rep(mu, log_var, eps, g, scale="var"),           # exp(log_var): the variance
        lambda mu, log_var, eps, g: _rep(mu, log_var, eps, g, scale="log_var"),       # log_var as the std
        lambda mu, log_var, eps, g: _rep(mu, log_var, eps, g, d_log_var="no_half"),   # the 1/2 dropped
        lambda mu, log_var, eps, g: _rep(mu, log_var, eps, g, d_log_var="no_sigma"),  # dsigma/dlog_var forgotten
        lambda mu, log_var, eps, g: _rep(mu, log_var, eps, g, d_log_var="no_eps"),    # eps left out
        lambda mu, log_var, eps, g: _rep(mu, log_var, eps, g, d_mu="g_sigma"),        # d_mu scaled by sigma
        lambda mu, log_var, eps, g: _rep(mu, log_var, eps, g, d_mu="sum"),            # summed over the batch
        lambda mu, log_var, eps, g: _rep(mu, log_var, eps, g, d_log_var="mean"),      # averaged over the batch
    ],
    "17.gaussian_kl": [
        lambda mu, log_var: _kl(mu, log_var, half=1.0),                 # no 1/2
        lambda mu, log_var: _kl(mu, log_var, var_power=2.0),            # exp(2 log_var)
        lambda mu, log_var: _kl(mu, log_var, reduce="mean"),            # mean over the latent numbers
        lambda mu, log_var: _kl(mu, log_var, log_sign=-1.0),            # the log_var term's sign
        lambda mu, log_var: _kl(mu, log_var, d_half=1.0),               # d_log_var without its 1/2
        lambda mu, log_var: _kl(mu, log_var, d_mu_factor=2.0),          # d_mu = 2 mu
        lambda mu, log_var: (_kl(mu, log_var)[0].sum(), *_kl(mu, log_var)[1:]),  # one number for the batch
        lambda mu, log_var: (_kl(mu, log_var, axis=0)[0], *_kl(mu, log_var)[1:]),  # summed over the batch axis
        lambda mu, log_var: (solutions.gaussian_kl(mu, log_var)[0], mu, 0.5 * (1 - np.exp(log_var))),  # sign
    ],
}
