"""Documentation: numpydoc docstrings with examples and type hints on every
public name, the PEP 561 marker in the package; the examples of the doc/
pages (doctests and Python blocks) and of the README run and do what they
say; the README stays a front page whose numbers are those of the benchmark
results."""

import doctest
import importlib.resources
import inspect
import re
import runpy
import typing
import warnings
from pathlib import Path

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_array_equal
from sklearn.base import clone

import sk_twolayer
from sk_twolayer import TwoLayerClassifier, TwoLayerRegressor, datasets, make_flower
from sk_twolayer._sklearn_private import CALLBACKS_AVAILABLE

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "doc"
# The hand-written pages; not the build, the gallery or the API stubs that
# the build generates from examples/ and the docstrings.
DOC_PAGES = sorted(
    path
    for path in DOC.rglob("*.rst")
    if path.relative_to(DOC).parts[0]
    not in {"_build", "auto_examples", "generated", "_templates", "benchmarks"}
    and path.name not in {"api_listing.rst", "sg_execution_times.rst"}
)
# What a page's examples need beyond the test extra's packages on every
# supported scikit-learn.
PAGE_NEEDS = {
    "user_guide/callbacks.rst": ["rich", "sklearn.callback"],
    "user_guide/deployment.rst": ["skops", "skl2onnx", "onnxruntime"],
    "user_guide/scaling_out.rst": ["dask"],
}
METHODS = [
    TwoLayerClassifier.fit,
    TwoLayerClassifier.partial_fit,
    TwoLayerClassifier.predict,
    TwoLayerClassifier.predict_proba,
    TwoLayerClassifier.predict_log_proba,
    TwoLayerClassifier.decision_function,
    TwoLayerRegressor.fit,
    TwoLayerRegressor.partial_fit,
    TwoLayerRegressor.predict,
]
FUNCTIONS = [
    TwoLayerClassifier.__init__,
    TwoLayerRegressor.__init__,
    make_flower,
    *METHODS,
]


@pytest.mark.parametrize(
    "obj",
    [sk_twolayer, datasets, TwoLayerClassifier, TwoLayerRegressor, make_flower]
    + METHODS,
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


def page_id(path):
    return path.relative_to(DOC).as_posix()


def skip_unless_page_can_run(path):
    for module in PAGE_NEEDS.get(page_id(path), []):
        pytest.importorskip(module)


def python_blocks(path):
    """The ``.. code-block:: python`` blocks of a page, dedented."""
    blocks = []
    for match in re.finditer(
        r"^\.\. code-block:: python\n((?:\n|   .*\n)+)", path.read_text(), re.M
    ):
        lines = match[1].splitlines()
        blocks.append("\n".join(line[3:] for line in lines).strip() + "\n")
    return blocks


def readme_blocks(language):
    text = (ROOT / "README.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


def run_blocks(blocks):
    namespace = {"__name__": "__docs__"}
    for block in blocks:
        exec(compile(block, "<doc block>", "exec"), namespace)
    return namespace


def test_the_doc_pages_are_found():
    found = {page_id(path) for path in DOC_PAGES}
    assert {"index.rst", "course.rst", "api.rst", "user_guide/solvers.rst"} <= found
    assert set(PAGE_NEEDS) <= found


@pytest.mark.parametrize("path", DOC_PAGES, ids=page_id)
def test_doc_page_doctests_pass(path, monkeypatch, capsys):
    skip_unless_page_can_run(path)
    monkeypatch.chdir(path.parent)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    with warnings.catch_warnings(), sklearn.config_context():
        result = doctest.testfile(
            str(path), module_relative=False, optionflags=flags, report=False
        )
    report = capsys.readouterr().out
    assert result.failed == 0, report


@pytest.mark.parametrize(
    "path", [p for p in DOC_PAGES if python_blocks(p)], ids=page_id
)
def test_doc_page_python_blocks_run(path):
    skip_unless_page_can_run(path)
    with sklearn.config_context():
        run_blocks(python_blocks(path))


def test_every_python_example_on_the_pages_is_run():
    """An example is a doctest (``>>>``) or a ``code-block:: python``, which
    the tests above run; a bare ``::`` literal block of Python would not
    be run, so the pages have none."""
    for path in DOC_PAGES:
        text = path.read_text()
        assert ".. code:: python" not in text, page_id(path)
        assert ".. sourcecode::" not in text, page_id(path)
        for match in re.finditer(r"::\n\n((?:   .*\n|\n)+)", text):
            assert not re.search(r"^   (import|from) ", match[1], re.M), page_id(path)


@pytest.mark.skipif(not CALLBACKS_AVAILABLE, reason="scikit-learn >= 1.9 only")
def test_callback_examples_do_what_they_say(capsys):
    pytest.importorskip("rich")
    first, nested = python_blocks(DOC / "user_guide" / "callbacks.rst")
    namespace = run_blocks([first])
    clf, curve = namespace["clf"], namespace["curve"]
    assert len(curve) == clf.n_iter_ and curve[-1] > curve[0] + 0.2
    exec(nested, namespace)
    fits = [row for row in namespace["rows"] if row["task_name"] == "fit"]
    assert len(fits) == 7
    out = capsys.readouterr().out
    assert "TwoLayerClassifier - fit" in out and "GridSearchCV - fit" in out


def test_routing_example_routes_the_weights():
    (example,) = python_blocks(DOC / "user_guide" / "meta_estimators.rst")
    with sklearn.config_context():  # whatever the example sets, undone here
        namespace = run_blocks([example])
    search, X, y = namespace["search"], namespace["X"], namespace["y"]
    weights = namespace["weights"]
    best = clone(search.best_estimator_)
    best.fit(X, y, twolayerclassifier__sample_weight=weights)
    assert_array_equal(search.best_estimator_[-1].W1_, best[-1].W1_)
    assert not np.array_equal(best[-1].W1_, clone(best).fit(X, y)[-1].W1_)


def test_readme_python_blocks_run(capsys):
    blocks = readme_blocks("python")
    assert blocks
    namespace = run_blocks(blocks)
    assert namespace["clf"].W1_.shape == (4, 2)
    assert "twolayerclassifier__n_hidden" in capsys.readouterr().out


def test_readme_is_a_front_page():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 150
    (commands,) = readme_blocks("bash")[:1]
    assert 'pip install -e ".[test]" && python -m sk_twolayer' in commands
    assert 'pip install -e ".[test]" && pytest' in commands
    assert "python -m sphinx -W --keep-going -b html doc doc/_build/html" in text
    # Every link to a file of the repository points at a file that exists.
    for target in re.findall(r"\]\(([\w./-]+)\)", text):
        assert (ROOT / target).exists(), target


def test_readme_numbers_are_those_of_the_benchmark_results():
    """The README's results are copied from benchmarks/RESULTS.md: every
    number there must still be in it (re-run the benchmarks, then update)."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Results\n", 1)[1].split("\n## ", 1)[0]
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    numbers = re.findall(r"\d+\.\d+|\d[\d ]*\d MB", section)
    assert len(numbers) > 10
    for number in numbers:
        assert number in results, number


def test_the_api_reference_lists_every_public_name():
    namespace = runpy.run_path(str(DOC / "conf.py"))
    listing = (DOC / "api_listing.rst").read_text()
    assert "sk_twolayer" in namespace["public_modules"]()
    for name in sk_twolayer.__all__:
        if not name.startswith("__"):
            assert re.search(rf"^   {name}$", listing, re.M), name
    for module in namespace["public_modules"]():
        assert f".. py:module:: {module}" in listing


def test_every_user_guide_page_is_in_its_toctree():
    index = (DOC / "user_guide" / "index.rst").read_text()
    for path in (DOC / "user_guide").glob("*.rst"):
        if path.name != "index.rst":
            assert re.search(rf"^   {path.stem}$", index, re.M), path.name
