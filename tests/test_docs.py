"""Documentation: numpydoc docstrings with examples and type hints on every
public name, and the PEP 561 marker in the package."""

import importlib.resources
import inspect
import re
import typing
from pathlib import Path

import pytest

import sk_twolayer
from sk_twolayer import TwoLayerClassifier, datasets, make_flower

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
