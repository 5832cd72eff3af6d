"""ONNX export (sk_twolayer.onnx): onnxruntime reproduces predict and
predict_proba, alone and inside Pipelines and ColumnTransformers, with
skl2onnx's classifier options and outputs; and the regressor's predict.
Skipped without the "onnx" extra.

Measured parity of the regressor (targets up to ~2000, 3 activations, 1 and
3 outputs, models fitted on float32 and float64 X): float64 graphs within
4.6e-13 of predict (4.3e-16 of the largest prediction), float32 graphs
within 2.4e-4 (3.0e-7 of the largest prediction: float32 rounding).
With loss="poisson" (counts up to ~1200, 1 and 2 outputs, the same grid):
float64 graphs within 4.5e-13 of predict (9.3e-16 of the largest
prediction, 1.1e-15 of each), float32 graphs within 3.4e-4 (5.0e-7 of the
largest prediction, 6.3e-7 of each: the exponential's relative rounding).
"""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

skl2onnx = pytest.importorskip("skl2onnx")
rt = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

import sk_twolayer.onnx  # noqa: E402, F401  (registers the converter)
from sk_twolayer import TwoLayerClassifier, TwoLayerRegressor  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ACTIVATIONS = ["tanh", "sigmoid", "relu"]
TARGETS = ["binary", "multiclass", "multilabel"]
# float32 graphs round the weights and every product to float32; float64
# graphs compute what predict_proba computes, up to the order of the sums.
PROBA_ATOL = {np.float32: 1e-5, np.float64: 1e-12}


def _data(target, n=120, n_features=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    score = X[:, 0] + X[:, 1] * X[:, 2]
    if target == "binary":
        y = (score > 0).astype(int)
    elif target == "multiclass":
        y = np.digitize(score, [-0.7, 0.7])
    elif target == "strings":
        y = np.array(["cat", "dog", "eel"])[np.digitize(score, [-0.7, 0.7])]
    else:
        y = (X[:, :3] + 0.5 * X[:, 3:4] > 0).astype(int)
    return X, y


def _fit(estimator, X, y):
    with warnings.catch_warnings():  # a short fit is enough here
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def _classifier(**params):
    return TwoLayerClassifier(n_hidden=6, max_iter=60, random_state=0, **params)


def _run(model, X, options=None, **kwargs):
    onx = skl2onnx.to_onnx(model, X[:1], options=options, **kwargs)
    session = rt.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    name = session.get_inputs()[0].name
    return onx, session.run(None, {name: X})


@pytest.fixture(scope="module")
def fitted():
    """One fitted model per target and activation, shared by the tests."""
    return {
        (target, activation): _fit(_classifier(activation=activation), *_data(target))
        for target in TARGETS
        for activation in ACTIVATIONS
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("target", TARGETS)
def test_onnxruntime_reproduces_predict_and_predict_proba(
    fitted, target, activation, dtype
):
    clf = fitted[target, activation]
    X = _data(target, seed=1)[0].astype(dtype)
    _, (label, proba) = _run(clf, X, options={"zipmap": False})
    assert proba.dtype == dtype
    assert_array_equal(label, clf.predict(X))
    assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=PROBA_ATOL[dtype])


@pytest.mark.parametrize("opset", [9, 13])
@pytest.mark.parametrize("target", TARGETS)
def test_older_opsets(fitted, target, opset):
    """Softmax's axis changed meaning at opset 13; 2-D input is the same."""
    clf = fitted[target, "tanh"]
    X = _data(target, seed=1)[0].astype(np.float32)
    _, (label, proba) = _run(clf, X, options={"zipmap": False}, target_opset=opset)
    assert_array_equal(label, clf.predict(X))
    assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=1e-5)


def test_the_graph_is_the_network(fitted):
    onx, _ = _run(fitted["multiclass", "relu"], np.zeros((1, 5), np.float32))
    ops = [node.op_type for node in onx.graph.node]
    assert ops[:4] == ["Gemm", "Relu", "Gemm", "Softmax"]
    assert "ArgMax" in ops


def test_a_probability_of_exactly_one_half_gives_the_first_class():
    X, y = _data("binary")
    clf = _fit(_classifier(), X, y)
    clf.W2_ = np.zeros_like(clf.W2_)
    clf.b2_ = np.zeros_like(clf.b2_)  # Z2 = 0, so p = σ(0) = 0.5 for every row
    for dtype in (np.float32, np.float64):
        Xd = X.astype(dtype)
        _, (label, proba) = _run(clf, Xd, options={"zipmap": False})
        assert_array_equal(proba, 0.5)
        assert_array_equal(clf.predict(Xd), clf.classes_[0])
        assert_array_equal(label, clf.predict(Xd))


def test_multilabel_probability_of_one_half_is_not_a_label():
    X, Y = _data("multilabel")
    clf = _fit(_classifier(), X, Y)
    clf.W2_[0] = 0
    clf.b2_[0] = 0  # label 0 has p = 0.5 on every row
    _, (label, _) = _run(clf, X.astype(np.float32), options={"zipmap": False})
    assert_array_equal(label[:, 0], 0)
    assert_array_equal(label, clf.predict(X.astype(np.float32)))


def test_pipeline_with_a_scaler_and_string_labels_zipmap_on_and_off():
    X, y = _data("strings")
    X = 10 * X + 3  # the scaler has work to do
    model = _fit(make_pipeline(StandardScaler(), _classifier()), X, y)
    X32 = X.astype(np.float32)
    expected_p = model.predict_proba(X32)

    _, (label, proba) = _run(model, X32, options={"zipmap": False})
    assert label.dtype == object
    assert_array_equal(label, model.predict(X32))
    assert_allclose(proba, expected_p, rtol=0, atol=1e-5)

    _, (label, dicts) = _run(model, X32)  # zipmap on: one {class: p} per row
    assert_array_equal(label, model.predict(X32))
    assert [sorted(d) for d in dicts] == [["cat", "dog", "eel"]] * len(X)
    as_array = np.array([[d[c] for c in model.classes_] for d in dicts])
    assert_allclose(as_array, expected_p, rtol=0, atol=1e-5)

    _, (label, *columns) = _run(model, X32, options={"zipmap": "columns"})
    assert_array_equal(label, model.predict(X32))
    assert_allclose(np.column_stack(columns), expected_p, rtol=0, atol=1e-5)


def test_column_transformer():
    X, y = _data("multiclass")
    X[:, 3:] = 100 * X[:, 3:] - 20
    columns = ColumnTransformer(
        [("scaled", StandardScaler(), [3, 4]), ("kept", "passthrough", [0, 1, 2])]
    )
    model = _fit(make_pipeline(columns, _classifier()), X, y)
    for dtype in (np.float32, np.float64):
        Xd = X.astype(dtype)
        _, (label, proba) = _run(model, Xd, options={"zipmap": False})
        assert_array_equal(label, model.predict(Xd))
        assert_allclose(proba, model.predict_proba(Xd), rtol=0, atol=PROBA_ATOL[dtype])


def test_nocl_gives_class_indices():
    X, y = _data("strings")
    clf = _fit(_classifier(), X, y)
    X32 = X.astype(np.float32)
    _, (label, proba) = _run(clf, X32, options={"zipmap": False, "nocl": True})
    assert_array_equal(clf.classes_[label], clf.predict(X32))
    _, (label, dicts) = _run(clf, X32, options={"nocl": True})
    assert_array_equal(clf.classes_[label], clf.predict(X32))
    assert sorted(dicts[0]) == [0, 1, 2]


def test_outputs_match_those_of_mlpclassifier():
    """Code that serves MLPClassifier's ONNX graphs serves ours unchanged."""
    X, y = _data("multiclass")
    ours = _fit(_classifier(), X, y)
    mlp = _fit(MLPClassifier(hidden_layer_sizes=(6,), max_iter=20), X, y)
    X32 = X.astype(np.float32)
    for options in (None, {"zipmap": False}, {"zipmap": "columns"}):
        graphs = [
            skl2onnx.to_onnx(m, X32[:1], options=options).graph for m in (ours, mlp)
        ]
        inputs, outputs = (
            [[(v.name, v.type.SerializeToString()) for v in vs] for vs in group]
            for group in zip(*[(g.input, g.output) for g in graphs])
        )
        assert inputs[0] == inputs[1]
        assert outputs[0] == outputs[1]


def test_float_labels_become_int64():
    X, y = _data("binary")
    clf = _fit(_classifier(), X, y.astype(float))
    X32 = X.astype(np.float32)
    _, (label, _) = _run(clf, X32, options={"zipmap": False})
    assert label.dtype == np.int64
    assert_array_equal(label, clf.predict(X32))


def test_an_unfitted_model_raises_not_fitted_error():
    with pytest.raises(NotFittedError):
        skl2onnx.to_onnx(_classifier(), np.zeros((1, 3), np.float32))


def test_importing_sk_twolayer_does_not_import_skl2onnx():
    code = (
        "import sys, sk_twolayer; "
        "assert not {'skl2onnx', 'onnx', 'onnxruntime'} & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ------------------------------------------------------------- regressor

#: Parity with predict, relative to the largest prediction of each output.
VALUES_RTOL = {np.float32: 1e-6, np.float64: 1e-13}


def _regression_data(n_outputs, n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    Y = np.c_[X[:, 0] + X[:, 1] * X[:, 2], np.sin(X[:, 3]), X[:, 4] ** 2]
    Y = Y * [300, 1, 0.01] + [1000, 0, -5]  # outputs in their own units
    return X, Y[:, 0] if n_outputs == 1 else Y


def _regressor(**params):
    return TwoLayerRegressor(n_hidden=6, max_iter=60, random_state=0, **params)


def assert_values_match(values, expected, dtype):
    expected = expected.reshape(len(expected), -1)
    assert values.dtype == dtype and values.shape == expected.shape
    bound = VALUES_RTOL[dtype] * np.abs(expected).max(axis=0)
    assert np.all(np.abs(values - expected) <= bound)


@pytest.mark.parametrize("fit_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_onnxruntime_reproduces_the_regressors_predict(
    n_outputs, activation, dtype, fit_dtype
):
    X, y = _regression_data(n_outputs)
    reg = _fit(_regressor(activation=activation), X.astype(fit_dtype), y)
    X_new = _regression_data(n_outputs, n=200, seed=1)[0].astype(dtype)
    onx, (values,) = _run(reg, X_new)
    assert [o.name for o in onx.graph.output] == ["variable"]
    assert_values_match(values, reg.predict(X_new), dtype)


def test_the_regressors_graph_is_the_network_without_an_output_unit():
    X, y = _regression_data(1)
    onx, _ = _run(_fit(_regressor(activation="relu"), X, y), X.astype(np.float32))
    assert [node.op_type for node in onx.graph.node] == [
        "Gemm",
        "Relu",
        "Gemm",
        "Identity",
    ]


def test_the_regressor_in_a_pipeline_and_a_column_transformer():
    X, y = _regression_data(3)
    X[:, 3:] = 100 * X[:, 3:] - 20
    columns = ColumnTransformer(
        [("scaled", StandardScaler(), [3, 4]), ("kept", "passthrough", [0, 1, 2])]
    )
    model = _fit(make_pipeline(columns, _regressor()), X, y)
    for dtype in (np.float32, np.float64):
        Xd = X.astype(dtype)
        _, (values,) = _run(model, Xd)
        assert_values_match(values, model.predict(Xd), dtype)


def test_integer_input_runs_a_float32_regressor_graph():
    X, y = _regression_data(1)
    reg = _fit(_regressor(), np.round(X), y)
    Xi = np.round(X).astype(np.int64)
    _, (values,) = _run(reg, Xi)
    assert_values_match(values, reg.predict(Xi.astype(np.float32)), np.float32)


def test_the_regressors_outputs_match_those_of_mlpregressor():
    """Code that serves MLPRegressor's ONNX graphs serves ours unchanged."""
    X, y = _regression_data(1)
    ours = _fit(_regressor(), X, y)
    mlp = _fit(MLPRegressor(hidden_layer_sizes=(6,), max_iter=20), X, y)
    X32 = X.astype(np.float32)
    graphs = [skl2onnx.to_onnx(m, X32[:1]).graph for m in (ours, mlp)]
    for field in ("input", "output"):
        ours_io, mlp_io = (
            [(v.name, v.type.SerializeToString()) for v in getattr(g, field)]
            for g in graphs
        )
        assert ours_io == mlp_io


def test_an_unfitted_regressor_raises_not_fitted_error():
    with pytest.raises(NotFittedError):
        skl2onnx.to_onnx(_regressor(), np.zeros((1, 3), np.float32))


# ------------------------------------------------- regressor: loss="poisson"


def _counts(n_outputs, n=150, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    mu = np.exp(np.c_[0.7 * X[:, 0] - 0.3 * X[:, 1] ** 2, np.sin(X[:, 2])] + 1)
    y = rng.poisson(mu) * [1, 50]  # outputs in their own units
    return X, y[:, 0] if n_outputs == 1 else y


@pytest.mark.parametrize("fit_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_onnxruntime_reproduces_the_poisson_regressors_predict(
    n_outputs, activation, dtype, fit_dtype
):
    X, y = _counts(n_outputs)
    reg = _fit(
        _regressor(loss="poisson", activation=activation), X.astype(fit_dtype), y
    )
    X_new = _counts(n_outputs, n=200, seed=1)[0].astype(dtype)
    onx, (values,) = _run(reg, X_new)
    assert [o.name for o in onx.graph.output] == ["variable"]
    assert np.all(values > 0)
    assert_values_match(values, reg.predict(X_new), dtype)


def test_the_poisson_graph_ends_with_the_clipped_exponential():
    X, y = _counts(1)
    reg = _fit(_regressor(loss="poisson"), X, y)
    onx, _ = _run(reg, X.astype(np.float32))
    ops = [node.op_type for node in onx.graph.node]
    assert ops == ["Gemm", "Tanh", "Gemm", "Max", "Min", "Exp", "Identity"]
    # Logits far beyond the float range: finite and > 0, as predict (which
    # computes a float64 model in float64: only that graph has its values).
    for bias in (1e4, -1e4):
        reg.b2_ = np.array([bias])
        for dtype in (np.float32, np.float64):
            _, (values,) = _run(reg, X.astype(dtype))
            assert np.all(np.isfinite(values)) and np.all(values > 0)
        assert_values_match(values, reg.predict(X), np.float64)
