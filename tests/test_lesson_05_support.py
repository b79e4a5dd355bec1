"""Lesson 05's fair race, beneath the lesson's own checks: descend_many is descend run by run (bit for
bit, noise included), the race's settings, starting points and score are what their docstrings say,
optimizer_race chooses on one set of starts and scores on another, and the explorer's "try this"
outcomes hold at neighbouring settings too."""
import numpy as np
import pytest

import dlteach as dt
from dlteach.core.surfaces import (RACE_BUDGET, RACE_OPTIMIZERS, SURFACES, descend, descend_many, get_surface,
                                   optimizer_race, race_score, race_settings, race_starts)
from dlteach.widgets import OptimizerExplorer

RULES = [("sgd", {}), ("momentum", {"momentum": 0.9}), ("momentum", {"momentum": 0.0}), ("nesterov", {"momentum": 0.6}),
         ("rmsprop", {"rho": 0.99}), ("rmsprop", {"rho": 0.0, "epsilon": 1e-3}),
         ("adam", {"beta_1": 0.5, "beta_2": 0.99}), ("adam", {"beta_1": 0.0, "epsilon": 1e-4})]


def one_run(surface, name, setting, start, steps, noise=None):
    """L - L_min after 0..steps steps of `descend` (inf where descend_many calls the run diverged)."""
    problem = get_surface(surface)
    grad = (lambda w, t: problem.grad(w)) if noise is None else (lambda w, t: problem.grad(w) + noise[t])
    path = descend(grad, dt.get_optimizer(name, **setting), start, steps)
    floor = problem.f(np.array(problem.minimum, dtype=float))
    out = np.full(steps + 1, np.inf)
    after = problem.f(path) - floor
    kept = after <= after[0]
    out[: len(path)][kept] = np.maximum(after[kept], 0.0)
    return out


@pytest.mark.parametrize("surface", sorted(SURFACES))
@pytest.mark.parametrize("name,hyper", RULES, ids=[f"{n}{h}" for n, h in RULES])
def test_descend_many_is_descend_run_by_run_bit_for_bit(surface, name, hyper):
    rates = np.array([0.003, 0.05, 0.3, 1.0])  # 1.0 diverges on most surfaces for sgd and momentum
    starts = np.array([get_surface(surface).start, (0.7, -0.4), (1.5, 1.5)])
    many = descend_many(surface, name, starts, 40, learning_rate=rates, **hyper)
    assert many.shape == (4, 3, 41)
    for i, lr in enumerate(rates):
        for j, start in enumerate(starts):
            np.testing.assert_array_equal(many[i, j], one_run(surface, name, {"learning_rate": lr, **hyper}, start, 40),
                                          err_msg=f"lr {lr} from {start}")


def test_descend_many_diverges_as_descend_stops_and_compares_settings_on_the_same_noise():
    many = descend_many("ravine", "sgd", [(-1.8, 0.6)], 200, learning_rate=[0.05, 0.11, 0.5])[:, 0]
    assert np.isfinite(many[0]).all()
    assert np.isinf(many[1, -1]) and np.isinf(many[2, 40:]).all()  # above the start's loss; off the plane
    # noise: the same draw for every setting, start by start, step by step
    rng = np.random.default_rng(7)
    noise = 0.3 * rng.normal(size=(25, 2, 2))
    starts = np.array([(-1.5, 1.5), (0.5, 2.0)])
    for name, hyper in RULES[:5:2]:
        many = descend_many("rosenbrock", name, starts, 25, noise=0.3, seed=7, learning_rate=[0.001, 0.01], **hyper)
        for i, lr in enumerate([0.001, 0.01]):
            for j in range(2):
                np.testing.assert_array_equal(many[i, j], one_run("rosenbrock", name, {"learning_rate": lr, **hyper},
                                                                  starts[j], 25, noise[:, j]))
    scalar = descend_many("bowl", "adam", [(1.0, 1.0)], 5, learning_rate=0.1)
    assert scalar.shape == (1, 1, 6)


def test_descend_many_refuses_bad_input():
    start = [(1.0, 1.0)]
    with pytest.raises(ValueError, match="Unknown optimizer 'adamw'"):
        descend_many("bowl", "adamw", start, 3, learning_rate=0.1)
    with pytest.raises(ValueError, match="takes the hyperparameters learning_rate, momentum"):
        descend_many("bowl", "momentum", start, 3, learning_rate=0.1, beta_1=0.9)
    with pytest.raises(ValueError, match="learning_rate required"):
        descend_many("bowl", "sgd", start, 3)
    with pytest.raises(ValueError, match="arrays of one length"):
        descend_many("bowl", "momentum", start, 3, learning_rate=[0.1, 0.2], momentum=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="momentum must be in \\[0, 1\\), got 1.0"):
        descend_many("bowl", "momentum", start, 3, learning_rate=[0.1, 0.2], momentum=[0.5, 1.0])
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        descend_many("bowl", "sgd", start, 3, learning_rate=[0.1, 0.0])
    with pytest.raises(ValueError, match="starts must have shape \\(n, 2\\)"):
        descend_many("bowl", "sgd", [(1.0, 1.0, 1.0)], 3, learning_rate=0.1)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        descend_many("bowl", "sgd", start, 3, noise=-1.0, learning_rate=0.1)
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        descend_many("bowl", "sgd", start, -1, learning_rate=0.1)


def test_race_settings_give_every_optimizer_the_same_budget_over_all_its_hyperparameters():
    rates16 = 10.0 ** np.linspace(-3, 0, 16)
    for name in RACE_OPTIMIZERS:
        grid = race_settings(name)
        assert {len(v) for v in grid.values()} == {RACE_BUDGET} == {128}
        combos = set(zip(*(np.round(v, 12) for v in grid.values())))
        assert len(combos) == 128, name  # no setting twice
    assert set(race_settings("sgd")) == {"learning_rate"}
    np.testing.assert_allclose(race_settings("sgd")["learning_rate"], np.geomspace(1e-3, 1, 128), rtol=1e-13)
    for name, key in [("momentum", "momentum"), ("nesterov", "momentum"), ("rmsprop", "rho")]:
        grid = race_settings(name)
        assert set(grid) == {"learning_rate", key}
        assert sorted(set(grid[key])) == [0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99]
        np.testing.assert_allclose(sorted(set(grid["learning_rate"])), rates16, rtol=1e-13)
    adam = race_settings("Adam")
    assert set(adam) == {"learning_rate", "beta_1", "beta_2"}
    assert set(zip(adam["beta_1"], adam["beta_2"])) == {(b1, b2) for b1 in (0, 0.5, 0.8, 0.9) for b2 in (0.99, 0.999)}
    with pytest.raises(ValueError, match="Unknown optimizer 'lion'"):
        race_settings("lion")


def test_race_starts_are_1_to_2_from_the_minimum_and_turn_with_the_surface():
    for surface in SURFACES:
        starts = race_starts(surface, 50, seed=3)
        distance = np.linalg.norm(starts - np.array(get_surface(surface).minimum), axis=1)
        assert starts.shape == (50, 2) and distance.min() >= 1 and distance.max() <= 2
    np.testing.assert_array_equal(race_starts("ravine", 5, 0), race_starts("ravine", 5, 0))
    assert not np.allclose(race_starts("ravine", 5, 0), race_starts("ravine", 5, 1))
    turn = np.array([[1.0, -1.0], [1.0, 1.0]]) / np.sqrt(2)
    np.testing.assert_allclose(race_starts("ravine", 10, 4) @ turn.T, race_starts("rotated_ravine", 10, 4), atol=1e-14)
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        race_starts("ravine", 0)


def test_race_score_is_the_mean_over_the_last_quarter_of_the_steps():
    losses = np.arange(61.0)  # L after 0..60 steps
    assert race_score(losses) == pytest.approx(np.mean(np.arange(46, 61)))  # the last 15 of 60
    assert race_score([5.0, 3.0]) == 3.0                     # 1 step: the last
    assert race_score([9.0, 4.0, 2.0, 1.0, 7.0]) == 7.0     # 4 steps: ceil(4/4) = 1
    assert race_score([9.0, 4.0, 2.0, 1.0, 7.0, 3.0]) == 5.0  # 5 steps: the last 2
    assert race_score([1.0, np.inf, 1.0, 1.0, 1.0]) == 1.0 and np.isinf(race_score([1.0, 1.0, 1.0, 1.0, np.inf]))
    assert race_score(np.ones((3, 4, 11))).shape == (3, 4)
    with pytest.raises(ValueError, match="at least 1 step"):
        race_score([1.0])
    # the point of it: one step more moves an oscillating run's last loss far more than its score
    run = descend_many("ravine", "momentum", [get_surface("ravine").start], 70, learning_rate=0.02, momentum=0.9)[0, 0]
    last = np.abs(np.diff(np.log10(run[50:71])))
    score = np.abs(np.diff(np.log10([race_score(run[: k + 1]) for k in range(50, 71)])))
    assert last.max() > 1.0 > 0.2 > score.max()


def test_optimizer_race_chooses_on_the_selection_starts_and_scores_on_the_others():
    race = optimizer_race("ravine", 30, optimizers=("sgd", "adam"), selection=3, heldout=4, seed=2)
    np.testing.assert_array_equal(race.selection_starts, race_starts("ravine", 3, 2))
    np.testing.assert_array_equal(race.heldout_starts, race_starts("ravine", 4, 1002))
    for name in ("sgd", "adam"):
        grid = race_settings(name)
        with np.errstate(divide="ignore"):
            runs = descend_many("ravine", name, race.selection_starts, 30, **grid)
            mean_log = np.log10(np.maximum(race_score(runs), 1e-300)).mean(axis=1)
        np.testing.assert_array_equal(race.selection[name], mean_log)
        best = int(np.argmin(mean_log))
        assert race.chosen[name] == {k: float(v[best]) for k, v in grid.items()}
        held = race_score(descend_many("ravine", name, race.heldout_starts, 30, **race.chosen[name]))[0]
        np.testing.assert_array_equal(race.heldout[name], held)
        np.testing.assert_array_equal(race.log10(name), np.log10(held))
        assert not race.diverged[name].any()
    assert race.ranking() == sorted(("sgd", "adam"), key=lambda n: np.mean(race.log10(n)))
    paired = dt.stats.paired_seeds(race.log10("adam"), race.log10("sgd"), higher_is_better=False)
    assert paired.n == 4


def test_optimizer_race_scores_a_diverged_heldout_run_as_its_start_and_takes_given_settings():
    # one rate, chosen whatever it does: from the far held-out starts 0.11 diverges on the ravine
    race = optimizer_race("ravine", 60, optimizers=("sgd, 0.11",), settings={"sgd, 0.11": {"learning_rate": [0.11]}})
    start_loss = get_surface("ravine").f(race.heldout_starts)
    assert race.diverged["sgd, 0.11"].all() and np.array_equal(race.heldout["sgd, 0.11"], start_loss)
    mu9 = {"momentum, mu = 0.9": {"learning_rate": np.geomspace(1e-3, 1, 128), "momentum": 0.9}}
    race = optimizer_race("ravine", 60, optimizers=("momentum", "momentum, mu = 0.9"), settings=mu9)
    assert race.chosen["momentum, mu = 0.9"]["momentum"] == 0.9 and race.chosen["momentum"]["momentum"] < 0.9
    given = (race_starts("bowl", 2, 5), race_starts("bowl", 3, 6))
    on_bowl = optimizer_race("bowl", 10, optimizers=("sgd",), starts=given)
    np.testing.assert_array_equal(on_bowl.heldout_starts, given[1])
    noisy = optimizer_race("ravine", 20, optimizers=("sgd",), noise=1.0, seed=1)
    quiet = optimizer_race("ravine", 20, optimizers=("sgd",), seed=1)
    assert not np.array_equal(noisy.heldout["sgd"], quiet.heldout["sgd"]) and noisy.noise == 1.0


# ---------------------------------------------------------------- the explorer's "try this", at other settings too
def _beats_sgd(**settings):
    ex = OptimizerExplorer(surface="ravine", rates="each its best", **settings)
    return ex.score["momentum"] < ex.score["sgd"]


@pytest.mark.parametrize("steps", [40, 60, 80])
def test_try_this_momentum_at_its_best_rate_loses_to_sgd_at_0_9_and_wins_near_0_5(steps):
    assert not any(_beats_sgd(momentum=mu, steps=steps) for mu in (0.9, 0.95))
    assert all(_beats_sgd(momentum=mu, steps=steps) for mu in (0.4, 0.5, 0.6))


@pytest.mark.parametrize("steps", [40, 60, 80])
def test_try_this_the_rotated_ravine_takes_rmsprops_lead_and_leaves_sgd_as_it_was(steps):
    ravine = OptimizerExplorer(surface="ravine", rates="each fully tuned", steps=steps)
    rotated = OptimizerExplorer(surface="rotated_ravine", rates="each fully tuned", steps=steps)
    assert min(ravine.score, key=ravine.score.get) == "rmsprop"
    assert rotated.score["rmsprop"] > rotated.score["momentum"] and rotated.score["rmsprop"] > rotated.score["nesterov"]
    for name in ("sgd", "momentum", "nesterov"):  # the same run, turned
        assert ravine.settings_of(name) == rotated.settings_of(name)
        assert rotated.score[name] == pytest.approx(ravine.score[name], rel=1e-9)


@pytest.mark.parametrize("steps", [100, 150, 200])
def test_try_this_adam_on_rosenbrock_last_at_a_shared_0_02_and_among_the_first_three_fully_tuned(steps):
    rank = lambda ex: sorted(ex.score, key=ex.score.get).index("adam") + 1  # noqa: E731
    assert rank(OptimizerExplorer(surface="rosenbrock", learning_rate=0.02, steps=steps)) == 5
    assert rank(OptimizerExplorer(surface="rosenbrock", rates="each fully tuned", steps=steps)) <= 3


@pytest.mark.parametrize("steps", [60, 100, 150])
def test_try_this_every_optimizer_at_its_best_rate_leaves_the_saddle(steps):
    ex = OptimizerExplorer(surface="saddle", rates="each its best", steps=steps)
    floor = ex.problem.f(np.array(ex.problem.minimum))
    assert max(ex.final.values()) - floor < 1e-2 and not any(ex.diverged.values())


@pytest.mark.parametrize("lr", [0.3, 0.5, 1.0])
def test_try_this_on_the_ravine_a_large_shared_rate_throws_out_sgd_and_momentum_but_not_rmsprop_and_adam(lr):
    ex = OptimizerExplorer(surface="ravine", learning_rate=lr)
    assert [n for n, bad in ex.diverged.items() if bad] == ["sgd", "momentum", "nesterov"]


@pytest.mark.parametrize("surface,lr", [("ravine", 0.05), ("rosenbrock", 0.01), ("saddle", 0.3)])
def test_try_this_momentum_0_is_sgd(surface, lr):
    ex = OptimizerExplorer(surface=surface, learning_rate=lr, momentum=0.0)
    np.testing.assert_array_equal(ex.paths["momentum"], ex.paths["sgd"])
