"""Lesson 07's claim about depth on the spiral, at a matched size (too slow to train in the lesson itself):
with the preset's training (Adam 0.01, batch 10, 300 epochs, tanh), three hidden layers of 8 (177 parameters)
beat one hidden layer of 40 (161 parameters), paired over five seeds on the same data splits."""
import numpy as np

import dlteach as dt
from dlteach import data
from dlteach.widgets import Playground


def _spiral_accuracy(sizes, seed):
    pg = Playground(dataset="spiral", seed=seed)  # the Playground's own data split, standardised, for this seed
    model = dt.MLP(sizes, activation="tanh", output_activation="sigmoid", loss="binary_crossentropy", seed=seed)
    dt.fit(model, pg.F_train, pg.y_train, "adam", learning_rate=0.01, epochs=300, batch_size=pg.cfg["batch_size"],
           seed=seed, verbose=0)
    return dt.accuracy(model, data.features(pg.X_test, pg.cfg["features"]), pg.y_test), model.count_params()


def test_depth_beats_width_at_a_matched_size_on_the_spiral():
    deep = [_spiral_accuracy([2, 8, 8, 8, 1], seed) for seed in range(5)]
    wide = [_spiral_accuracy([2, 40, 1], seed) for seed in range(5)]
    assert deep[0][1] == 177 and wide[0][1] == 161
    deep_acc, wide_acc = np.array([a for a, _ in deep]), np.array([a for a, _ in wide])
    paired = dt.stats.paired_seeds(deep_acc, wide_acc)
    # the lesson: "0.95 ± 0.03 against 0.84 ± 0.08; three layers of 8 ahead on 5 of 5 seeds"
    assert 0.93 <= deep_acc.mean() <= 0.97 and 0.80 <= wide_acc.mean() <= 0.88, (deep_acc, wide_acc)
    assert paired.a_better == 5 and paired.low > 0, paired.sentence("3x8", "1x40")
