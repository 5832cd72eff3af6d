"""Documentation: numpydoc docstrings with examples and type hints on every
public name, the PEP 561 marker in the package, and the README's callback and
routing examples run and do what they say."""

import importlib.resources
import inspect
import re
import typing
from pathlib import Path

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_array_equal
from sklearn.base import clone

import sk_twolayer
from sk_twolayer import TwoLayerClassifier, datasets, make_flower
from sk_twolayer._sklearn_private import CALLBACKS_AVAILABLE

ROOT = Path(__file__).resolve().parents[1]
METHODS = [
    TwoLayerClassifier.fit,
    TwoLayerClassifier.partial_fit,
    TwoLayerClassifier.predict,
    TwoLayerClassifier.predict_proba,
    TwoLayerClassifier.predict_log_proba,
    TwoLayerClassifier.decision_function,
]
FUNCTIONS = [TwoLayerClassifier.__init__, make_flower, *METHODS]


@pytest.mark.parametrize(
    "obj",
    [sk_twolayer, datasets, TwoLayerClassifier, make_flower, *METHODS],
    ids=lambda obj: obj.__qualname__ if hasattr(obj, "__qualname__") else obj.__name__,
)
def test_public_names_have_docstrings_with_examples(obj):
    doc = inspect.getdoc(obj)
    assert re.search(r"^Examples\n-+\n>>> ", doc, re.MULTILINE)
    if inspect.isfunction(obj):
        assert re.search(r"^Parameters\n-+\n", doc, re.MULTILINE)
        assert re.search(r"^Returns\n-+\n", doc, re.MULTILINE)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__qualname__)
def test_public_signatures_are_fully_typed(function):
    hints = typing.get_type_hints(function)  # they also resolve at run time
    names = [p for p in inspect.signature(function).parameters if p != "self"]
    assert set(hints) == {*names, "return"}


def test_the_package_ships_its_type_hints():
    assert importlib.resources.files("sk_twolayer").joinpath("py.typed").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text()
    package_data = pyproject.split("[tool.setuptools.package-data]", 1)[1]
    assert re.match(r'\s*sk_twolayer = \["py.typed"\]', package_data)


def readme_examples(section):
    """The ```python blocks of one section of the README."""
    text = (ROOT / "README.md").read_text()
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", body, re.DOTALL)


@pytest.mark.skipif(not CALLBACKS_AVAILABLE, reason="scikit-learn >= 1.9 only")
def test_readme_callback_examples_run(capsys):
    pytest.importorskip("rich")
    first, nested = readme_examples("Callbacks and progress bars")
    namespace = {}
    exec(first, namespace)
    clf, curve = namespace["clf"], namespace["curve"]
    assert len(curve) == clf.n_iter_ and curve[-1] > curve[0] + 0.2
    exec(nested, namespace)
    fits = [row for row in namespace["rows"] if row["task_name"] == "fit"]
    assert len(fits) == 7
    out = capsys.readouterr().out
    assert "TwoLayerClassifier - fit" in out and "GridSearchCV - fit" in out


def test_readme_routing_example_runs():
    (example,) = readme_examples("Metadata routing and meta-estimators")
    namespace = {}
    with sklearn.config_context():  # whatever the example sets, undone here
        exec(example, namespace)
    search, X, y = namespace["search"], namespace["X"], namespace["y"]
    weights = namespace["weights"]
    best = clone(search.best_estimator_)
    best.fit(X, y, twolayerclassifier__sample_weight=weights)
    assert_array_equal(search.best_estimator_[-1].W1_, best[-1].W1_)
    assert not np.array_equal(best[-1].W1_, clone(best).fit(X, y)[-1].W1_)
