"""The public surface: what `import dlteach as dt` offers, that docs/API.md describes it, and that
the lessons use only it (dt.<name>, dt.data, dt.plots, dt.experiments, dt.widgets.<Explorer>,
dt.keras_twin, dt.exercises) with arguments the functions accept."""
import ast
import importlib
import importlib.util
import inspect
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import dlteach as dt
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# The modules a lesson may import from; everything else (dlteach.core.*, dlteach.widgets.<module>,
# dlteach.exercises.<module>) is an internal the public names above already reach.
PUBLIC_MODULES = {"dlteach", "dlteach.data", "dlteach.plots", "dlteach.experiments", "dlteach.widgets",
                  "dlteach.keras_twin", "dlteach.exercises"}


def _load_doc_script():
    spec = importlib.util.spec_from_file_location("make_api_doc", ROOT / "scripts" / "make_api_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the package -------------------------------------------------------------------------------
def test_api_doc_is_up_to_date():
    doc = _load_doc_script()
    current = (ROOT / "docs" / "API.md").read_text(encoding="utf-8")
    assert current == doc.build(), "docs/API.md is out of date: run python scripts/make_api_doc.py"


@pytest.mark.parametrize("module", [dt, dt.data, dt.experiments, dt.plots, dt.widgets])
def test_every_name_in_all_resolves(module):
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing, f"{module.__name__}.__all__ lists names it does not have: {missing}"
    assert len(set(module.__all__)) == len(module.__all__), "a name is listed twice"


def test_dir_shows_the_public_names_and_unknown_names_are_explained():
    names = dir(dt)
    for name in ("accuracy", "Conv2D", "MaxPool2D", "Flatten", "confusion_matrix", "precision_recall",
                 "derivative", "numerical_gradient", "get_initializer", "saliency", "occlusion",
                 "permutation_importance", "logic_data", "perceptron_train", "get_surface", "descend",
                 "mse", "binary_crossentropy", "categorical_crossentropy", "data", "plots", "widgets",
                 "experiments", "keras_twin"):
        assert name in names and name in dt.__all__, name
    with pytest.raises(AttributeError, match="no attribute 'acuracy'"):
        dt.acuracy  # noqa: B018


def test_core_all_is_written_out_and_complete():
    core = dt.core
    modules = {name for name, value in vars(core).items() if inspect.ismodule(value)}
    assert not modules & set(core.__all__), "core.__all__ must not list submodules"
    public = {name for name, value in vars(core).items() if not name.startswith("_") and not inspect.ismodule(value)}
    assert public == set(core.__all__), (f"imported in dlteach/core/__init__.py but not in __all__: "
                                         f"{sorted(public - set(core.__all__))}; listed but missing: "
                                         f"{sorted(set(core.__all__) - public)}")
    assert set(core.__all__) <= set(dt.__all__)
    assert all(getattr(dt, name) is getattr(core, name) for name in core.__all__)


def test_every_explorer_is_exported_from_widgets():
    from dlteach.widgets import Explorer

    found = set()
    for info in pkgutil.iter_modules(dt.widgets.__path__):
        module = importlib.import_module(f"dlteach.widgets.{info.name}")
        for name, value in vars(module).items():
            if (inspect.isclass(value) and value.__module__ == module.__name__ and not name.startswith("_")
                    and (issubclass(value, Explorer) or name == "Playground")):
                found.add(name)
    assert len(found) >= 13
    assert found <= set(dt.widgets.__all__), f"not exported from dlteach.widgets: {sorted(found - set(dt.widgets.__all__))}"


def test_import_stays_light_and_the_heavy_modules_load_on_first_use():
    code = ("import sys, dlteach as dt; heavy = ('matplotlib', 'ipywidgets', 'tensorflow', 'keras'); "
            "dt.fit, dt.data.one_hot, dt.experiments.moons_split, dt.accuracy; "
            "print([m for m in heavy if m in sys.modules]); "
            "dt.plots.grid; print('matplotlib' in sys.modules, 'tensorflow' in sys.modules); "
            "dt.widgets.Playground; print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:3] == ["[]", "True False", "False"], out


def test_conventions_seed_test_size_and_fitted_scalers():
    """seed= (never rng=) in every public signature; train_test_split speaks scikit-learn."""
    offenders = []
    for module in (dt, dt.data, dt.experiments):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                try:
                    params = inspect.signature(obj).parameters
                except (TypeError, ValueError):
                    continue
                offenders += [f"{module.__name__}.{name}({p})" for p in params if p in ("rng", "random_state", "stride")]
    assert not offenders, f"use seed= and strides= (Keras): {offenders}"
    assert "test_size" in inspect.signature(dt.data.train_test_split).parameters
    assert "test_size" in inspect.signature(dt.data.load_digits).parameters


# --- the lessons ---------------------------------------------------------------------------------
def _code(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        # IPython magics and shell lines become the Python calls IPython runs for them
        cells.append(TransformerManager().transform_cell(src))
    return "\n".join(cells)


def _where_public(name):
    """How a lesson should spell a helper it imported from an internal module."""
    if name in dt.__all__:
        return f"dt.{name}"
    for module in (dt.widgets, dt.experiments, dt.data):
        if name in module.__all__:
            short = module.__name__.replace("dlteach", "dt")
            return f"from dlteach.widgets import {name}" if module is dt.widgets else f"{short}.{name}"
    return "(not public)"


def _chain(node):
    """['dt', 'data', 'one_hot'] for the expression dt.data.one_hot, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def _lesson_problems(path):
    tree = ast.parse(_code(path))
    for parent in ast.walk(tree):  # so that only the outermost a.b.c of a chain is looked at
        for child in ast.iter_child_nodes(parent):
            child.parent = parent
    problems, roots = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dlteach"):
                    if alias.name not in PUBLIC_MODULES:
                        problems.append(f"import {alias.name} (an internal module)")
                    roots[alias.asname or alias.name.split(".")[0]] = importlib.import_module(
                        alias.name if alias.asname else "dlteach")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dlteach"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                if node.module not in PUBLIC_MODULES:
                    problems.append(f"from {node.module} import {alias.name}: use {_where_public(alias.name)}")
                    continue
                if not hasattr(module, alias.name):
                    problems.append(f"from {node.module} import {alias.name}: no such name")
                    continue
                roots[alias.asname or alias.name] = getattr(module, alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(node.parent, ast.Attribute):
            chain = _chain(node)
            if not chain or chain[0] not in roots:
                continue
            if "core" in chain[1:]:
                i = chain.index("core", 1)
                inner = chain[i + 1] if len(chain) > i + 1 else "core"
                problems.append(f"{'.'.join(chain)}: dt.core is internal, use {_where_public(inner)}")
                continue
            obj = roots[chain[0]]
            for attr in chain[1:]:
                if not hasattr(obj, attr):
                    problems.append(f"{'.'.join(chain)}: no attribute {attr!r}")
                    break
                obj = getattr(obj, attr)
        if isinstance(node, ast.Call):
            chain = _chain(node.func)
            if not chain or chain[0] not in roots or "core" in chain:
                continue
            try:
                func = roots[chain[0]]
                for attr in chain[1:]:
                    func = getattr(func, attr)
            except AttributeError:
                continue  # reported above
            if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                continue
            if not callable(func) or not getattr(func, "__module__", "").startswith("dlteach"):
                continue
            try:
                sig = inspect.signature(func)
            except (TypeError, ValueError):
                continue
            try:
                sig.bind(*[None] * len(node.args), **{k.arg: None for k in node.keywords})
            except TypeError as err:
                problems.append(f"{'.'.join(chain)}(...) line {node.lineno}: {err}")
    return sorted(set(problems))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_lessons_use_only_the_public_api(path):
    """No dlteach.core.* or widget helper imports, no dt.core.<name>; every dt.<name> exists and is
    called with parameters it has (catches renamed keywords such as train_ratio= or stride=)."""
    problems = _lesson_problems(path)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


# --- scikit-learn conventions in dt.data, checked against scikit-learn itself ---------------------
@pytest.mark.parametrize("n", [4, 10, 90, 101, 500, 1797])
@pytest.mark.parametrize("test_size", [0.1, 0.2, 0.25, 1 - 0.7, 0.5, 0.9])
def test_train_test_split_sizes_equal_scikit_learn(n, test_size):
    from sklearn.model_selection import train_test_split as sk_split

    import numpy as np

    X, y = np.arange(2 * n).reshape(n, 2), np.arange(n)  # row i is (2i, 2i + 1), label i
    ours = dt.data.train_test_split(X, y, test_size=test_size, seed=0)
    try:
        theirs = sk_split(X, y, test_size=round(test_size, 9), random_state=0)
    except ValueError:  # scikit-learn refuses an empty training part; ours keeps one sample there
        assert len(ours[0]) == 1 and int(np.ceil(test_size * n)) == n
    else:
        assert [len(a) for a in ours] == [len(a) for a in theirs]
    # a partition of the samples, rows and labels kept together
    assert sorted(np.r_[ours[2], ours[3]]) == list(range(n))
    assert np.array_equal(ours[0][:, 0] // 2, ours[2]) and np.array_equal(ours[1][:, 0] // 2, ours[3])


def test_standardizer_is_scikit_learns_standard_scaler():
    import numpy as np
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X, X_new = rng.normal(3, [1, 10, 0.1], size=(50, 3)), rng.normal(size=(7, 3))
    X[:, 2] = 5.0  # a constant column: scale 1, as scikit-learn does
    scaler = dt.data.Standardizer()
    assert scaler.fit(X) is scaler  # fit returns the fitted object, so fit(X).transform(X) chains
    sk = StandardScaler().fit(X)
    np.testing.assert_allclose(scaler.mean_, sk.mean_, rtol=1e-13)
    np.testing.assert_allclose(scaler.scale_, sk.scale_, rtol=1e-13)
    np.testing.assert_allclose(scaler.transform(X_new), sk.transform(X_new), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(dt.data.Standardizer().fit_transform(X), sk.fit_transform(X), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X_new)), X_new, rtol=1e-12, atol=1e-13)
    with pytest.raises(ValueError, match=r"not fitted yet: call fit\(X_train\) first"):
        dt.data.Standardizer().transform(X)
    with pytest.raises(ValueError, match="X has 2 columns but the Standardizer was fitted on 3"):
        scaler.transform(X[:, :2])
    with pytest.raises(ValueError, match="test_size must be > 0"):
        dt.data.train_test_split(X, X[:, 0], test_size=0)
    with pytest.raises(ValueError, match=r"test_size must be in \[0, 1\)"):
        dt.data.train_test_split(X, X[:, 0], test_size=1.0)
