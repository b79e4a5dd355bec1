"""The optimizers' update rules over several steps, written out here from Keras 3's source
(keras/src/optimizers/*.py) with every option, and the base class's checks word for word
(mutation testing, docs/MUTATION.md)."""
import numpy as np
import pytest

from dlteach.core import SGD, Adam, AdamW, RMSprop, get_optimizer
from dlteach.core.optimizers import Optimizer

f32 = lambda x: float(np.float32(x))  # noqa: E731  Keras casts these constants through float32


def gradients(steps=5, shape=(2, 3), seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) * (1 + t) for t in range(steps)]


def run(opt, grads, w0=None):
    w = np.linspace(-1, 1, grads[0].size).reshape(grads[0].shape) if w0 is None else w0.copy()
    b = np.array([0.5, -0.5])
    for g in grads:
        opt.step([("w", w, g), ("b", b, g[0, :2] * 2)])
    return w, b


def reference(rule, grads, w0=None):
    """Run `rule(state, w, g, t)` on the same two parameters as `run`."""
    w = np.linspace(-1, 1, grads[0].size).reshape(grads[0].shape) if w0 is None else w0.copy()
    b = np.array([0.5, -0.5])
    sw, sb = {}, {}
    for t, g in enumerate(grads, start=1):
        w = rule(sw, w, g, t)
        b = rule(sb, b, g[0, :2] * 2, t)
    return w, b


def close(a, b):
    return all(np.allclose(x, y, rtol=1e-13, atol=1e-15) for x, y in zip(a, b))


@pytest.mark.parametrize("rho,momentum,eps,centered", [(0.9, 0.0, 1e-7, False), (0.8, 0.5, 1e-3, False),
                                                       (0.7, 0.0, 1e-2, True), (0.95, 0.3, 1e-4, True)])
def test_rmsprop_over_five_steps(rho, momentum, eps, centered):
    lr = 0.03

    def rule(s, w, g, t):
        v = rho * s.get("v", 0) + (1 - rho) * g**2
        s["v"] = v
        if centered:
            s["avg"] = rho * s.get("avg", 0) + (1 - rho) * g
            increment = lr * g / np.sqrt(v - s["avg"] ** 2 + eps)
        else:
            increment = lr * g / np.sqrt(v + eps)
        if momentum > 0:
            s["m"] = momentum * s.get("m", 0) + increment
            return w - s["m"]
        return w - increment
    opt = RMSprop(lr, rho=rho, momentum=momentum, epsilon=eps, centered=centered)
    assert close(run(opt, gradients()), reference(rule, gradients()))


def test_rmsprop_defaults_are_keras_s():
    opt = RMSprop()
    assert opt.config() == {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False}

    def rule(s, w, g, t):
        s["v"] = 0.9 * s.get("v", 0) + 0.1 * g**2
        return w - 0.001 * g / np.sqrt(s["v"] + 1e-7)
    assert close(run(opt, gradients(3)), reference(rule, gradients(3)))


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.5, True), (0.0, True)])
def test_sgd_over_five_steps(momentum, nesterov):
    lr, mu = 0.05, f32(momentum)

    def rule(s, w, g, t):
        if momentum == 0:
            return w - lr * g
        s["m"] = mu * s.get("m", 0) - lr * g
        return w + (mu * s["m"] - lr * g if nesterov else s["m"])
    assert close(run(SGD(lr, momentum=momentum, nesterov=nesterov), gradients()), reference(rule, gradients()))
    assert SGD().config() == {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}


def adam_rule(s, w, g, t, lr, b1, b2, eps, amsgrad):
    """Keras's Adam step written out: moments as running means, bias correction folded into the rate."""
    s["m"] = s.get("m", 0) + (g - s.get("m", 0)) * (1 - b1)
    s["v"] = s.get("v", 0) + (g**2 - s.get("v", 0)) * (1 - b2)
    v = s["v"]
    if amsgrad:
        s["vmax"] = np.maximum(s.get("vmax", 0), v)
        v = s["vmax"]
    alpha = lr * np.sqrt(1 - f32(b2) ** t) / (1 - f32(b1) ** t)
    return w - alpha * s["m"] / (np.sqrt(v) + eps)


@pytest.mark.parametrize("b1,b2,eps,amsgrad", [(0.9, 0.999, 1e-7, False), (0.8, 0.9, 1e-3, True),
                                               (0.5, 0.6, 1e-2, False)])
def test_adam_over_five_steps(b1, b2, eps, amsgrad):
    lr = 0.02

    def rule(s, w, g, t):
        return adam_rule(s, w, g, t, lr, b1, b2, eps, amsgrad)
    # gradients that shrink: amsgrad's max(v) then differs from v
    grads = gradients()[::-1]
    assert close(run(Adam(lr, beta_1=b1, beta_2=b2, epsilon=eps, amsgrad=amsgrad), grads), reference(rule, grads))


def test_adam_and_adamw_defaults_are_keras_s():
    assert Adam().config() == {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                               "amsgrad": False}
    assert AdamW().config() == {"learning_rate": 0.001, "weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999,
                                "epsilon": 1e-7, "amsgrad": False}


@pytest.mark.parametrize("wd,amsgrad", [(0.004, False), (0.1, True)])
def test_adamw_over_five_steps(wd, amsgrad):
    lr, b1, b2, eps = 0.02, 0.9, 0.999, 1e-7

    def rule(s, w, g, t):
        return adam_rule(s, w - w * f32(wd) * lr, g, t, lr, b1, b2, eps, amsgrad)  # decay first, then Adam
    grads = gradients()[::-1]
    opt = AdamW(lr, weight_decay=wd, amsgrad=amsgrad) if wd != 0.004 else AdamW(lr)
    assert close(run(opt, grads), reference(rule, grads))


def test_step_checks_each_parameter_word_for_word():
    opt = SGD(0.1)
    with pytest.raises(TypeError) as err:
        opt.step([("w", [1.0, 2.0], np.zeros(2))])
    assert str(err.value) == "w must be a float NumPy array (it is updated in place), got list."
    with pytest.raises(TypeError) as err:
        opt.step([("k", np.array([1, 2]), np.zeros(2))])
    assert str(err.value) == "k must be a float NumPy array (it is updated in place), got ndarray of int64."
    with pytest.raises(ValueError) as err:
        opt.step([("w", np.zeros(2), np.zeros(3))])
    assert str(err.value) == "gradient of w has shape (3,), but w has shape (2,)."
    for bad in (np.nan, np.inf, -np.inf):
        with pytest.raises(FloatingPointError) as err:
            opt.step([("w", np.zeros(2), np.array([1.0, bad]))])
        assert str(err.value) == "gradient of w is NaN or infinite; lower the learning rate."
    assert opt.iterations == 0
    opt.step([("w", np.zeros(2), np.ones(2))])
    opt.step([])
    assert opt.iterations == 2
    w = np.zeros(2, dtype=np.float32)
    opt.step([("w32", w, np.ones(2))])
    assert np.allclose(w, -0.1)


def test_a_refused_parameter_leaves_the_earlier_ones_updated_but_not_the_counter():
    opt = SGD(0.5)
    a, b = np.zeros(2), np.zeros(2)
    with pytest.raises(FloatingPointError):
        opt.step([("a", a, np.ones(2)), ("b", b, np.array([np.nan, 0.0]))])
    assert np.array_equal(a, [-0.5, -0.5]) and opt.iterations == 0


def test_slots_are_zeros_per_parameter_and_refuse_another_shape():
    opt = RMSprop(0.1)
    w = np.ones((2, 2))
    s = opt.slots(0, w, ["v", "m"])
    assert set(s) == {"v", "m"} and all(np.array_equal(a, np.zeros((2, 2))) for a in s.values())
    s["v"] += 1
    assert opt.slots(0, w, ["v", "m", "avg"])["v"][0, 0] == 1.0 and "avg" in opt.state[0]
    with pytest.raises(ValueError) as err:
        opt.slots(0, np.ones(3), ["v"])
    assert str(err.value) == ("rmsprop: parameter 0 has shape (3,) but this optimizer's state was built for "
                              "shape (2, 2); use a new optimizer (or reset()) for another model.")
    opt.reset()
    assert opt.state == {} and opt.iterations == 0
    assert opt.slots(0, np.ones(3), ["v"])["v"].shape == (3,)


def test_amsgrad_switched_on_later_starts_its_maximum_at_zero():
    opt = Adam(0.01)
    w = np.zeros(2)
    for g in ([1.0, 2.0], [0.1, 0.1]):
        opt.step([("w", w, np.array(g))])
    v = opt.state[0]["v"].copy()
    opt.set(amsgrad=True)
    opt.step([("w", w, np.array([0.01, 0.01]))])
    assert np.allclose(opt.state[0]["v_max"], v + (np.array([1e-4, 1e-4]) - v) * 0.001, rtol=1e-15)


def test_set_changes_only_after_checking_everything():
    opt = Adam(0.01)
    with pytest.raises(ValueError) as err:
        opt.set(learning_rate=0.5, momentum=0.9)
    assert str(err.value) == ("Adam has no hyperparameter 'momentum'. Valid: learning_rate, beta_1, beta_2, "
                              "epsilon, amsgrad, iterations.")
    assert opt.learning_rate == 0.01
    with pytest.raises(ValueError):
        opt.set(learning_rate=0.5, beta_1=1.0)
    assert opt.learning_rate == 0.01
    assert opt.set(learning_rate=0.5, iterations=np.int64(7)) is opt
    assert opt.learning_rate == 0.5 and opt.iterations == 7 and type(opt.iterations) is int and opt.lr == 0.5
    with pytest.raises(ValueError, match="iterations must be an integer >= 0, got -1"):
        opt.set(iterations=-1)
    opt.set(iterations=0)
    assert opt.iterations == 0


def test_base_class_and_repr():
    with pytest.raises(TypeError) as err:
        Optimizer(0.1, gamma=2)
    assert str(err.value).startswith("Optimizer has no hyperparameter 'gamma'. Valid: learning_rate, momentum, rho,")
    base = Optimizer()
    assert base.learning_rate == 0.01 and base.iterations == 0 and base.state == {} and base.name == "optimizer"
    with pytest.raises(NotImplementedError):
        base.step([("w", np.zeros(1), np.zeros(1))])
    assert repr(SGD(0.5, momentum=0.25)) == "SGD(learning_rate=0.5, momentum=0.25, nesterov=False)"
    assert repr(RMSprop()) == "RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False)"


@pytest.mark.parametrize("name,cls,config", [
    ("sgd", SGD, {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}),
    ("momentum", SGD, {"learning_rate": 0.01, "momentum": 0.9, "nesterov": False}),
    ("Nesterov", SGD, {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True}),
    ("rmsprop", RMSprop, RMSprop().config()), ("ADAM", Adam, Adam().config()), ("adamw", AdamW, AdamW().config()),
])
def test_get_optimizer_by_name(name, cls, config):
    opt = get_optimizer(name)
    assert type(opt) is cls and opt.config() == config
    assert get_optimizer(cls).name == cls.name


def test_get_optimizer_messages_word_for_word():
    opt = Adam(0.01)
    assert get_optimizer(opt) is opt
    with pytest.raises(ValueError) as err:
        get_optimizer(opt, learning_rate=0.5)
    assert str(err.value) == (f"got the optimizer object {opt!r} and also learning_rate=0.5. Set them on the "
                              "object (Adam(learning_rate=0.5) or opt.set(learning_rate=0.5)), or pass the name "
                              "'adam' with the keywords.")
    with pytest.raises(ValueError) as err:
        get_optimizer("momentum", learning_rate=0.1, beta_1=0.9)
    assert str(err.value) == ("optimizer 'momentum' has no hyperparameter 'beta_1'. Valid: learning_rate, "
                              "momentum, nesterov.")
    assert get_optimizer("momentum", learning_rate=0.2, momentum=0.5).config() == {
        "learning_rate": 0.2, "momentum": 0.5, "nesterov": False}
    with pytest.raises(ValueError, match="Unknown optimizer 'adagrad'"):
        get_optimizer("adagrad")


def test_survivors_of_the_first_run_optimizers():
    opt = get_optimizer("nesterov", learning_rate=0.2, momentum=0.5)
    assert opt.config() == {"learning_rate": 0.2, "momentum": 0.5, "nesterov": True}
    assert get_optimizer("momentum", nesterov=True).config() == {"learning_rate": 0.01, "momentum": 0.9,
                                                                 "nesterov": True}
