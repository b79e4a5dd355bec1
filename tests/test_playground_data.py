"""Your own data in the Playground: the CSV reader and checker (pure, dlteach.data), Playground(data=...)
and the upload control, driven as ipywidgets 8 and 7.7 (Colab) each deliver a file."""
import datetime

import ipywidgets
import numpy as np
import pytest

from dlteach import data
from dlteach.widgets import Playground
from dlteach.widgets.playground import OWN
from dlteach.widgets.playground_ui import uploaded_files

IPYWIDGETS_8 = int(ipywidgets.__version__.split(".")[0]) >= 8


def csv_text(X, y, header="x1,x2,label"):
    rows = [header] if header else []
    rows += [f"{float(a)!r},{float(b)!r},{c.item()!r}" for (a, b), c in zip(X, y)]
    return "\n".join(rows) + "\n"


def two_blobs(n=60, seed=0, labels=(0, 1), scale=100.0, offset=(1000.0, -50.0)):
    """Two separable blobs far from the origin and in large units: standardisation has work to do."""
    rng = np.random.default_rng(seed)
    y = np.array([labels[i % 2] for i in range(n)])
    X = offset + scale * (rng.normal(size=(n, 2)) + np.where(y[:, None] == labels[0], -2.0, 2.0))
    return X, y


# --- the pure reader and checker ---------------------------------------------------------------
def test_a_csv_with_a_header_is_read_as_classification():
    X, y = two_blobs()
    points = data.read_points_csv(csv_text(X, y).encode())
    assert points.task == "classification" and points.classes == (0, 1)
    np.testing.assert_array_equal(points.X, X)
    np.testing.assert_array_equal(points.y, y)
    Xp, yp, task, classes = points  # unpacks as a tuple
    assert Xp is points.X and task == "classification"


def test_labels_are_renumbered_and_the_task_can_be_chosen():
    X, y = two_blobs(labels=(-1, 1))
    points = data.read_points_csv(csv_text(X, y, header=""))  # text, no header
    assert points.classes == (-1, 1) and set(points.y) == {0.0, 1.0}
    np.testing.assert_array_equal(points.y, (y == 1).astype(float))
    # three integer labels: 3 classes; the same column read as regression when asked
    y3 = np.arange(len(X)) % 3 + 5
    assert data.read_points_csv(csv_text(X, y3)).classes == (5, 6, 7)
    as_regression = data.read_points_csv(csv_text(X, y3), task="regression")
    assert as_regression.task == "regression" and as_regression.classes is None
    np.testing.assert_array_equal(as_regression.y, y3)


def test_real_targets_and_many_integers_are_regression():
    X, _ = two_blobs()
    targets = X[:, 0] * 0.01 + 0.5
    assert data.read_points_csv(csv_text(X, targets)).task == "regression"
    counts = np.arange(len(X)) % 7  # 7 distinct integers: more than the 3 classes the Playground shows
    assert data.read_points_csv(csv_text(X, counts)).task == "regression"


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separators_quotes_and_a_byte_order_mark(sep):
    text = f'"a"{sep}"b"{sep}"label"\n1{sep}2{sep}0\n3{sep}4{sep}1\n\n5{sep}6{sep}0\n7{sep}8{sep}1\n'
    points = data.read_points_csv("\ufeff".encode() + text.encode())
    np.testing.assert_array_equal(points.X, [[1, 2], [3, 4], [5, 6], [7, 8]])
    np.testing.assert_array_equal(points.y, [0, 1, 0, 1])


GOOD = "x1,x2,label\n" + "".join(f"{i},{i % 5},{i % 2}\n" for i in range(20))

BAD_FILES = {
    "non-numeric cell": (GOOD.replace("7,2,1", "7,two,1"), r"row 9, column 2 \(x2\) 'two' is not a number"),
    "too many columns": (GOOD.replace("7,2,1", "7,2,1,4"), r"row 9 has 4 column\(s\); expected 3: x1, x2, label"),
    "too few columns": (GOOD.replace("7,2,1", "7,2"), r"row 9 has 2 column\(s\); expected 3"),
    "NaN": (GOOD.replace("7,2,1", "7,nan,1"), r"row 9, column 2 \(x2\) is nan \(missing or infinite\)"),
    "infinite": (GOOD.replace("7,2,1", "inf,2,1"), r"row 9, column 1 \(x1\) is inf"),
    "empty cell": (GOOD.replace("7,2,1", "7,,1"), r"row 9, column 2 \(x2\) is empty"),
    "single class": ("x1,x2,label\n" + "".join(f"{i},{i},1\n" for i in range(20)),
                     "every label is 1: there is nothing to learn \\(a classifier needs at least 2 classes"),
    "over 10,000 rows": ("".join(f"{i},{i},{i % 2}\n" for i in range(10_001)),
                         "the file has 10,001 rows; at most 10,000 are accepted"),
    "empty file": ("", "the file is empty"),
    "only blank lines": ("\n  \n\n", "the file is empty"),
    "header only": ("x1,x2,label\n", "a header row but no data rows"),
    "too few rows": ("1,2,0\n3,4,1\n", "at least 4 points"),
    "constant target": ("".join(f"{i},{i},0.5\n" for i in range(8)), "every label is 0.5: there is nothing to learn"),
    "undecodable bytes": (b"x1,x2,label\n1,2,\xff\xfe\x00\n", "not a text CSV \\(UTF-8\\): byte 0xff at position 16"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_gets_one_clear_message(name):
    content, message = BAD_FILES[name]
    with pytest.raises(ValueError, match=message):
        data.read_points_csv(content.encode() if isinstance(content, str) else content)


def test_a_chosen_task_that_the_labels_do_not_fit_is_refused():
    X, y = two_blobs()
    with pytest.raises(ValueError, match="classification labels must be integers .* got 1.5"):
        data.check_points(X, y + 0.5 * (y == 1), task="classification")
    with pytest.raises(ValueError, match="4 classes .* at most 3"):
        data.check_points(X, np.arange(len(X)) % 4, task="classification")
    with pytest.raises(ValueError, match="Unknown task 'labels'"):
        data.check_points(X, y, task="labels")


def test_arrays_are_checked_too():
    X, y = two_blobs()
    with pytest.raises(ValueError, match="X must have 2 feature columns"):
        data.check_points(np.c_[X, X[:, :1]], y)
    with pytest.raises(ValueError, match="X has 60 points but y has 59"):
        data.check_points(X, y[:-1])
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="contains 1 NaN or infinite"):
        data.check_points(bad, y)
    with pytest.raises(ValueError, match="10,001 points; at most 10,000"):
        data.check_points(np.zeros((10_001, 2)), np.arange(10_001) % 2)
    with pytest.raises(TypeError, match="content must be the file's bytes or text"):
        data.read_points_csv(42)


# --- the Playground ----------------------------------------------------------------------------
def test_playground_trains_on_your_points_standardised_in_a_plane_that_fits_them():
    X, y = two_blobs()
    pg = Playground(data=(X, y), optimizer="adam")
    assert pg.cfg["dataset"] == OWN and pg.classify and pg.k == 2
    # standardised with the training part: mean 0 and std 1 there, whatever the units of the file
    np.testing.assert_allclose(pg.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(pg.X_train.std(axis=0), 1, atol=1e-12)
    points = np.r_[pg.X_train, pg.X_test]
    assert np.abs(points).max() <= pg.extent <= np.abs(points).max() * 1.05 + 0.5
    pg.step(20)
    fig = pg.draw()
    assert fig.axes[1].get_xlim() == (-pg.extent, pg.extent) and fig.axes[1].get_ylim() == (-pg.extent, pg.extent)
    train, test = pg.history["train"][-1], pg.history["test"][-1]
    assert train < 0.2 and test < 0.2  # the blobs are separable: it learns them
    assert "dataset=" not in pg.to_keras_code()  # the export writes your points into the code


def test_regression_targets_are_scaled_into_the_colour_range():
    rng = np.random.default_rng(1)
    X = rng.uniform(-30, 30, size=(200, 2))
    y = 500 + 3 * X[:, 0] - X[:, 1]
    pg = Playground(data=(X, y))
    assert not pg.classify and pg.model.loss.name == "mse"
    assert np.abs(pg.y_train).max() == pytest.approx(1.0) and abs(pg.y_train.mean()) < 1e-12
    pg.step(5)
    assert np.all(np.isfinite(pg.history["train"])) and pg.history["train"][-1] < pg.history["train"][0]


def test_three_classes_and_switching_between_built_in_and_own_data():
    X, _ = two_blobs(n=90)
    y = np.arange(90) % 3
    X = X + 300.0 * np.c_[y, y]  # three separated groups
    pg = Playground()
    pg.load_data(X, y)
    assert pg.sizes[-1] == 3 and pg.cfg["dataset"] == OWN
    pg.set(dataset="xor")
    assert pg.extent == 6.0 and len(pg.X_train) == 250
    pg.set(dataset=OWN)  # your points stay loaded
    assert pg.sizes[-1] == 3 and len(pg.X_train) + len(pg.X_test) == 90
    with pytest.raises(ValueError, match="Unknown dataset 'your data'"):
        Playground().set(dataset=OWN)  # nothing loaded yet


def state(pg):
    return (dict(pg.cfg), [w.copy() for w in pg.model.get_weights()], pg.X_train.copy(), pg.epoch, pg.own)


def same_state(a, b):
    return (a[0] == b[0] and all(np.array_equal(x, y) for x, y in zip(a[1], b[1])) and np.array_equal(a[2], b[2])
            and a[3] == b[3] and a[4] is b[4])


@pytest.mark.parametrize("name", ["non-numeric cell", "single class", "empty file", "undecodable bytes"])
def test_a_bad_file_leaves_the_playground_as_it_was(name):
    pg = Playground(dataset="spiral")
    pg.step(3)
    before = state(pg)
    content = BAD_FILES[name][0]
    with pytest.raises(ValueError):
        pg.load_csv(content)
    assert same_state(before, state(pg))
    with pytest.raises(ValueError, match="every label is 1"):
        Playground(data=(np.zeros((10, 2)), np.ones(10)))
    with pytest.raises(TypeError, match=r"data must be a pair \(X, y\)"):
        Playground(data=np.zeros((10, 3)))


# --- the upload control, as each ipywidgets version fills it -----------------------------------
def upload(ui, name, content: bytes):
    """Do what the browser does when a file is chosen, in the installed ipywidgets."""
    if IPYWIDGETS_8:  # value: a tuple of dicts, the content a memoryview
        ui.upload.value = ({"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
                            "last_modified": datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc)},)
    else:  # 7.x: the front end syncs metadata and data, then bumps _counter; value is read-only
        ui.upload.metadata = [{"name": name, "type": "text/csv", "size": len(content), "lastModified": 0}]
        ui.upload.data = [content]
        ui.upload._counter += 1


def test_uploaded_files_reads_both_ipywidgets_formats():
    v8 = ({"name": "a.csv", "type": "text/csv", "size": 3, "content": memoryview(b"1,2"), "last_modified": None},)
    v7 = {"a.csv": {"metadata": {"name": "a.csv", "type": "text/csv", "size": 3}, "content": b"1,2"}}
    assert uploaded_files(v8) == uploaded_files(v7) == [("a.csv", b"1,2")]
    assert uploaded_files(()) == uploaded_files({}) == []


def test_uploading_a_csv_loads_it_and_a_bad_one_changes_nothing():
    pg = Playground()
    ui = pg.widget()
    first_image = ui.image.value
    ui.task.value = "classification"  # before any file: says when it applies
    assert "applies to the CSV you upload next" in ui.note.value and pg.cfg["dataset"] == "circle"
    ui.task.value = "auto"
    X, y = two_blobs()
    upload(ui, "blobs.csv", csv_text(X, y).encode())
    assert pg.cfg["dataset"] == OWN and ui.controls["dataset"].value == OWN
    assert OWN in ui.controls["dataset"].options and ui.message.value == ""
    assert "blobs.csv: 60 points, classification, 2 classes (labels 0, 1)" in ui.note.value
    assert ui.image.value != first_image
    ui.step_button.click()
    assert pg.epoch == 10
    before, image = state(pg), ui.image.value
    upload(ui, "broken.csv", BAD_FILES["non-numeric cell"][0].encode())
    assert "broken.csv: row 9, column 2 (x2) &#x27;two&#x27; is not a number" in ui.message.value
    assert same_state(before, state(pg)) and ui.image.value == image  # the explorer as it was
    # choosing how to read the labels reads the last good file again
    ui.task.value = "regression"
    assert not pg.classify and "regression" in ui.note.value
    ui.controls["dataset"].value = "circle"
    assert pg.cfg["dataset"] == "circle" and pg.extent == 6.0
