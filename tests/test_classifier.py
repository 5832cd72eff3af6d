"""TwoLayerClassifier: outputs, weights, inputs, state and the sklearn protocol."""

import io
import pickle
import warnings
from contextlib import redirect_stdout

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_blobs, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, make_flower

ACTIVATIONS = ("tanh", "sigmoid", "relu")
SOLVERS = ("lbfgs", "gd", "sgd", "adam")


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture
def flower():
    X, y = make_flower(random_state=1)
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def fitted_state(clf):
    """Everything a fit may set, as comparable Python values."""
    return pickle.dumps(clf.__dict__)


# --------------------------------------------------------------- outputs


def test_binary_network_has_one_sigmoid_unit(flower):
    X, y = flower
    clf = TwoLayerClassifier(n_hidden=5, random_state=0).fit(X, y)
    assert clf.W1_.shape == (5, 2) and clf.b1_.shape == (5,)
    assert clf.W2_.shape == (1, 5) and clf.b2_.shape == (1,)
    assert clf.out_activation_ == "sigmoid" and clf.n_outputs_ == 1
    z = clf.decision_function(X)
    assert z.shape == (len(X),)
    P = clf.predict_proba(X)
    p = 1 / (1 + np.exp(-z))
    assert_allclose(P[:, 1], p, atol=1e-15)
    assert_allclose(P[:, 0], 1 - p, atol=1e-15)
    assert_array_equal(clf.predict(X), clf.classes_[(p > 0.5).astype(int)])


def test_p_equal_to_one_half_predicts_the_first_class(flower):
    X, y = flower
    clf = TwoLayerClassifier(random_state=0).fit(X, np.where(y == 1, "yes", "no"))
    clf.W2_ = np.zeros_like(clf.W2_)  # the weights are the model: set them
    clf.b2_ = np.zeros_like(clf.b2_)
    assert_allclose(clf.predict_proba(X), 0.5)
    assert (clf.predict(X) == "no").all()
    clf.b2_ = np.array([1e-12])  # p a hair above one half
    assert (clf.predict(X) == "yes").all()


def test_prediction_reads_the_weights_as_they_are(flower):
    X, y = flower
    clf = TwoLayerClassifier(n_hidden=3, random_state=0).fit(X, y)
    clf.W1_, clf.b1_ = np.eye(3, 2), np.zeros(3)
    clf.W2_, clf.b2_ = np.array([[1.0, -2.0, 0.5]]), np.array([0.25])
    expected = np.tanh(X @ clf.W1_.T) @ clf.W2_.T + 0.25
    assert_allclose(clf.decision_function(X), expected[:, 0])


def test_multiclass_uses_softmax(iris):
    X, y = iris
    clf = TwoLayerClassifier(n_hidden=8, random_state=0).fit(X, y)
    assert clf.out_activation_ == "softmax" and clf.W2_.shape == (3, 8)
    Z = clf.decision_function(X)
    P = np.exp(Z - Z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    assert_allclose(clf.predict_proba(X), P, atol=1e-12)
    assert_array_equal(clf.predict(X), np.argmax(P, axis=1))
    assert clf.score(X, y) > 0.95


def test_multilabel_uses_one_sigmoid_unit_per_label():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    clf = TwoLayerClassifier(random_state=0).fit(StandardScaler().fit_transform(X), Y)
    assert clf.out_activation_ == "sigmoid" and clf.W2_.shape == (4, clf.n_hidden)
    P = clf.predict_proba(StandardScaler().fit_transform(X))
    assert P.shape == (200, 4) and np.all((P > 0) & (P < 1))
    assert_array_equal(clf.predict(StandardScaler().fit_transform(X)), P > 0.5)


def test_predict_log_proba_is_finite_log_of_predict_proba(flower):
    X, y = flower
    clf = TwoLayerClassifier(n_hidden=50, alpha=0.0, max_iter=2000, random_state=0)
    clf.fit(X * 100, y)  # very confident probabilities
    log_P = clf.predict_log_proba(X * 100)
    assert np.all(np.isfinite(log_P))
    assert_allclose(log_P, np.log(clf.predict_proba(X * 100)))


# ---------------------------------------------------------- weights, loss


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sparse", [False, True])
def test_integer_sample_weights_equal_duplicated_rows_bit_for_bit(
    solver, activation, sparse
):
    X, y = make_blobs(n_samples=40, centers=3, cluster_std=3.0, random_state=0)
    X = StandardScaler().fit_transform(X)
    w = np.random.RandomState(0).randint(0, 4, size=len(y))  # zeros drop rows
    X_rep, y_rep = np.repeat(X, w, 0), np.repeat(y, w)
    order = np.random.RandomState(1).permutation(len(y))  # any row order
    X_w, y_w, w = X[order], y[order], w[order]
    if sparse:
        X_rep, X_w = sp.csr_matrix(X_rep), sp.csc_matrix(X_w)
    params = {"solver": solver, "activation": activation, "random_state": 0}
    weighted = TwoLayerClassifier(**params).fit(X_w, y_w, sample_weight=w)
    repeated = TwoLayerClassifier(**params).fit(X_rep, y_rep)
    assert weighted.n_iter_ == repeated.n_iter_
    for name in ("W1_", "b1_", "W2_", "b2_"):
        assert_array_equal(getattr(weighted, name), getattr(repeated, name))


def test_unit_sample_weights_change_nothing(iris):
    X, y = iris
    a = TwoLayerClassifier(random_state=0, max_iter=50).fit(X, y)
    b = TwoLayerClassifier(random_state=0, max_iter=50).fit(X, y, np.ones(len(y)))
    assert_allclose(a.W1_, b.W1_, rtol=1e-12)


def test_class_weight_balanced_equals_the_matching_sample_weights():
    X, y = make_blobs(n_samples=[100, 20], centers=None, random_state=0)
    balanced = TwoLayerClassifier(class_weight="balanced", random_state=0).fit(X, y)
    w = np.where(y == 0, 120 / (2 * 100), 120 / (2 * 20))
    manual = TwoLayerClassifier(random_state=0).fit(X, y, sample_weight=w)
    assert_allclose(balanced.W1_, manual.W1_, rtol=1e-10)


def test_class_weight_dict_shifts_the_decision(flower):
    X, y = flower
    plain = TwoLayerClassifier(n_hidden=2, random_state=0).fit(X, y)
    heavy = TwoLayerClassifier(n_hidden=2, class_weight={1: 20}, random_state=0)
    heavy.fit(X, y)
    assert (heavy.predict(X) == 1).sum() > (plain.predict(X) == 1).sum()


def test_alpha_shrinks_the_weights(flower):
    X, y = flower
    norms = [
        np.linalg.norm(TwoLayerClassifier(alpha=a, random_state=0).fit(X, y).W1_)
        for a in (0.0, 10.0)
    ]
    assert norms[1] < norms[0]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_same_random_state_gives_bit_identical_weights(flower, activation, solver):
    X, y = flower
    a = TwoLayerClassifier(activation=activation, solver=solver, random_state=7)
    b = TwoLayerClassifier(activation=activation, solver=solver, random_state=7)
    a.fit(X, y), b.fit(X, y)
    for name in ("W1_", "b1_", "W2_", "b2_"):
        assert_array_equal(getattr(a, name), getattr(b, name))
    c = TwoLayerClassifier(activation=activation, solver=solver, random_state=8)
    assert not np.array_equal(a.W1_, c.fit(X, y).W1_)


def test_glorot_init_starts_the_output_bias_at_the_class_log_prior():
    X, y = make_blobs(n_samples=[90, 30], centers=None, random_state=0)
    clf = TwoLayerClassifier(max_iter=1, solver="gd", learning_rate=1e-12)
    clf.fit(X, y)
    assert clf.b2_[0] == pytest.approx(np.log(30 / 90), abs=1e-9)


def test_gd_loss_decreases_and_is_recorded(flower):
    X, y = flower
    clf = TwoLayerClassifier(solver="gd", learning_rate=0.5, max_iter=300, tol=0)
    clf.fit(X, y)
    assert len(clf.loss_curve_) == clf.n_iter_ == 300
    assert clf.loss_ == clf.loss_curve_[-1]
    assert np.all(np.diff(clf.loss_curve_) <= 1e-12)


def test_gd_stops_when_the_loss_stops_improving(flower):
    X, y = flower
    clf = TwoLayerClassifier(solver="gd", tol=1e-2, n_iter_no_change=5, max_iter=5000)
    clf.fit(X, y)
    assert clf.n_iter_ < 5000


def test_convergence_warning_when_max_iter_is_reached(flower):
    X, y = flower
    for solver in SOLVERS:
        with pytest.warns(ConvergenceWarning, match="max_iter=3"):
            TwoLayerClassifier(solver=solver, max_iter=3, tol=0).fit(X, y)


@pytest.mark.parametrize("solver", SOLVERS)
def test_verbose_prints_the_loss(flower, solver):
    X, y = flower
    out = io.StringIO()
    with redirect_stdout(out):
        TwoLayerClassifier(solver=solver, max_iter=20, tol=0, verbose=True).fit(X, y)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("Iter")]
    assert len(lines) >= 10 and "loss = " in lines[0]
    out = io.StringIO()
    with redirect_stdout(out):
        TwoLayerClassifier(solver="gd", max_iter=20, tol=0, verbose=10).fit(X, y)
    assert out.getvalue().count("Iteration") == 2


def test_warm_start_continues_from_the_fitted_weights(flower):
    X, y = flower
    params = {"solver": "gd", "tol": 0, "random_state": 0}
    one_go = TwoLayerClassifier(max_iter=40, **params).fit(X, y)
    two_steps = TwoLayerClassifier(max_iter=20, warm_start=True, **params)
    two_steps.fit(X, y).fit(X, y)
    assert_allclose(two_steps.W1_, one_go.W1_, rtol=1e-12)
    assert_allclose(two_steps.b2_, one_go.b2_, rtol=1e-12)


def test_warm_start_with_other_classes_or_features_is_refused(flower, iris):
    X, y = flower
    clf = TwoLayerClassifier(warm_start=True, random_state=0).fit(X, y)
    before = fitted_state(clf)
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X, np.where(y == 1, 2, 0))
    with pytest.raises(ValueError, match="features"):
        clf.fit(np.c_[X, X], y)
    assert fitted_state(clf) == before
    clf.set_params(n_hidden=3)
    before = fitted_state(clf)
    with pytest.raises(ValueError, match="n_hidden=3"):
        clf.fit(X, y)
    assert fitted_state(clf) == before


# ----------------------------------------------------------------- inputs


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_and_dense_give_the_same_model(iris, fmt):
    X, y = iris
    # 20 lbfgs iterations: later, rounding differences of the two matrix
    # products grow along the quasi-Newton path of this near-separable problem.
    dense = TwoLayerClassifier(random_state=0, max_iter=20).fit(X, y)
    sparse = TwoLayerClassifier(random_state=0, max_iter=20)
    sparse.fit(sp.csr_matrix(X).asformat(fmt), y)
    assert_allclose(sparse.W1_, dense.W1_, rtol=1e-6, atol=1e-9)
    assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X).asformat(fmt)),
        dense.predict_proba(X),
        atol=1e-8,
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_data_keeps_float32_weights_and_probabilities(iris, solver):
    X, y = iris
    clf = TwoLayerClassifier(solver=solver, random_state=0).fit(X.astype(np.float32), y)
    for name in ("W1_", "b1_", "W2_", "b2_"):
        assert getattr(clf, name).dtype == np.float32
    P = clf.predict_proba(X.astype(np.float32))
    assert P.dtype == np.float32
    assert clf.score(X.astype(np.float32), y) > 0.9


def test_dataframes_keep_feature_names():
    X, y = load_iris(return_X_y=True, as_frame=True)
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    assert_array_equal(clf.feature_names_in_, X.columns)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(X.rename(columns=lambda c: c.upper()))
    assert clf.predict(X).shape == (150,)
    assert isinstance(X, pd.DataFrame)


def test_string_labels_round_trip(flower):
    X, y = flower
    labels = np.array(["cat", "dog"])[y]
    clf = TwoLayerClassifier(random_state=0).fit(X, labels)
    assert_array_equal(clf.classes_, ["cat", "dog"])
    assert set(clf.predict(X)) == {"cat", "dog"}


# ------------------------------------------------------ bad input, state

BAD_FITS = {
    "nan in X": (lambda X, y: (np.where(X > 1, np.nan, X), y, None), "NaN"),
    "inf in X": (lambda X, y: (np.where(X > 1, np.inf, X), y, None), "infinity"),
    "1-D X": (lambda X, y: (X[:, 0], y, None), "2D array"),
    "3-D X": (lambda X, y: (X[:, :, None], y, None), "dim 3"),
    "lengths differ": (lambda X, y: (X, y[:-1], None), "inconsistent numbers"),
    "empty X": (lambda X, y: (X[:0], y[:0], None), "0 sample"),
    "strings in X": (
        lambda X, y: (np.full(X.shape, "petal", dtype=object), y, None),
        "float|string",
    ),
    "one class": (lambda X, y: (X, np.zeros_like(y), None), "2 classes"),
    "continuous y": (lambda X, y: (X, X[:, 0], None), "Unknown label type"),
    "nan in y": (lambda X, y: (X, np.where(y == 1, np.nan, y), None), "NaN"),
    "negative weight": (lambda X, y: (X, y, -np.ones(len(y))), "(?i)negative"),
    "zero weights": (lambda X, y: (X, y, np.zeros(len(y))), "non-zero|zero"),
    "weights of one class": (
        lambda X, y: (X, y, (y == 1).astype(float)),
        "2 classes with positive weight",
    ),
    "wrong weight shape": (lambda X, y: (X, y, np.ones(3)), r"sample_weight.shape"),
    "multioutput multiclass y": (
        lambda X, y: (X, np.c_[y, 2 * y + 1, y], None),
        "multiclass-multioutput",
    ),
}


@pytest.mark.parametrize("case", BAD_FITS)
def test_bad_fit_input_raises_and_keeps_the_fitted_model(flower, case):
    X, y = flower
    make_bad, message = BAD_FITS[case]
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    before = fitted_state(clf)
    Xb, yb, wb = make_bad(X, y)
    with pytest.raises((ValueError, TypeError), match=message):
        clf.fit(Xb, yb, sample_weight=wb)
    assert fitted_state(clf) == before


def test_failed_refit_restores_feature_names():
    X, y = load_iris(return_X_y=True, as_frame=True)
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    before = fitted_state(clf)
    other = pd.DataFrame(np.ones((150, 2)), columns=["a", "b"])
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(other, np.linspace(0, 1, 150))
    assert list(clf.feature_names_in_) == list(X.columns) and clf.n_features_in_ == 4
    assert fitted_state(clf) == before


BAD_PARAMS = {
    "n_hidden": [0, 2.5, "8"],
    "activation": ["softplus", None],
    "solver": ["newton", "sgd-ish"],
    "learning_rate": [0, -1.0, "constant"],
    "max_iter": [0, 1.5],
    "tol": [-1e-3],
    "n_iter_no_change": [0],
    "alpha": [-0.1, "l2"],
    "init": [0.0, -0.01, "he"],
    "class_weight": ["auto", [1, 2]],
    "warm_start": ["yes"],
    "random_state": ["seed"],
}


@pytest.mark.parametrize(
    "param, value", [(p, v) for p, values in BAD_PARAMS.items() for v in values]
)
def test_invalid_parameters_are_named_in_the_error(flower, param, value):
    X, y = flower
    clf = TwoLayerClassifier(random_state=0).fit(X, y).set_params(**{param: value})
    before = fitted_state(clf)
    with pytest.raises((ValueError, TypeError), match=f"'{param}' parameter"):
        clf.fit(X, y)
    assert fitted_state(clf) == before


def test_unknown_class_weight_label_is_named(flower):
    X, y = flower
    with pytest.raises(ValueError, match=r"class_weight has labels \[7\]"):
        TwoLayerClassifier(class_weight={7: 2.0}).fit(X, y)


def test_wrong_number_of_features_at_predict(flower):
    X, y = flower
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    for method in (
        "predict",
        "predict_proba",
        "predict_log_proba",
        "decision_function",
    ):
        with pytest.raises(ValueError, match="3 features"):
            getattr(clf, method)(np.c_[X, X[:, 0]])


def test_unfitted_model_says_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        TwoLayerClassifier().predict(np.ones((2, 2)))


def test_divergence_is_an_error_that_keeps_the_fitted_model(flower):
    X, y = flower
    clf = TwoLayerClassifier(activation="relu", solver="gd", random_state=0)
    clf.fit(X, y)
    before = fitted_state(clf)
    for learning_rate, scale in ((1e6, 1.0), (1e300, 1.0), (1e12, 1e6)):
        clf.set_params(learning_rate=learning_rate)
        before = fitted_state(clf)
        with pytest.raises(ValueError, match="diverged.*learning_rate"):
            clf.fit(X * scale, y)
        assert fitted_state(clf) == before


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_extreme_feature_scales_stay_finite_and_silent(flower, activation, solver):
    # RuntimeWarnings are errors in this suite (pyproject): none may escape.
    X, y = flower
    for scale in (1e12, 1e-12):
        clf = TwoLayerClassifier(activation=activation, solver=solver, random_state=0)
        try:
            clf.fit(X * scale, y)
        except ValueError as exc:  # a run may diverge; it must say so clearly
            assert "diverged" in str(exc)
            continue
        P = clf.predict_proba(X * scale)
        assert np.all(np.isfinite(P)) and np.all((P > 0) & (P < 1))
        assert np.all(np.isfinite(clf.predict_log_proba(X * scale)))


# ------------------------------------------------------ sklearn protocol


def test_pickle_and_joblib_round_trips_predict_identically(iris, tmp_path):
    X, y = iris
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    joblib.dump(clf, tmp_path / "model.joblib")
    restored = joblib.load(tmp_path / "model.joblib")
    assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_grid_search_over_n_hidden_picks_at_least_three_on_the_flower():
    X, y = make_flower(random_state=1)
    pipe = make_pipeline(StandardScaler(), TwoLayerClassifier(random_state=0))
    # Shuffled folds: make_flower orders the points by angle, so unshuffled
    # folds would hold out whole petals.
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    grid = {"twolayerclassifier__n_hidden": [1, 2, 3, 4, 5, 8]}
    search = GridSearchCV(pipe, grid, cv=cv, n_jobs=2)
    search.fit(X, y)
    assert search.best_params_["twolayerclassifier__n_hidden"] >= 3
    assert search.best_score_ > 0.8  # LogisticRegression: about 0.47


def _loss_at_fitted_weights(clf, X, y):
    from sklearn.preprocessing import LabelBinarizer

    from sk_twolayer import _network as net

    theta = net.pack(clf.W1_, clf.b1_, clf.W2_, clf.b2_)
    Y = LabelBinarizer().fit(clf.classes_).transform(y).astype(float)
    args = (X, Y, None, clf.alpha, clf.activation, clf.out_activation_, clf.n_hidden)
    return net.loss_and_gradients(theta, *args)[0]


def test_fixed_step_that_overshoots_keeps_the_best_weights_and_warns():
    X, y = make_blobs(n_samples=300, centers=3, cluster_std=1.5, random_state=0)
    clf = TwoLayerClassifier(
        n_hidden=16, alpha=1e-4, solver="gd", learning_rate=1.0, random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="loss rose after iteration"):
        clf.fit(3 * X, y)
    assert clf.loss_ == min(clf.loss_curve_) < clf.loss_curve_[0]
    assert clf.loss_ == pytest.approx(_loss_at_fitted_weights(clf, 3 * X, y))


def test_auto_step_halves_on_overshoot_and_learns_unscaled_data():
    X, y = make_blobs(n_samples=300, centers=3, cluster_std=1.5, random_state=0)
    net = {"n_hidden": 16, "alpha": 1e-4}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = TwoLayerClassifier(**net, solver="gd", max_iter=3000, random_state=0)
        clf.fit(3 * X, y)
    fixed = TwoLayerClassifier(**net, solver="gd", learning_rate=1.0, random_state=0)
    fixed.fit(3 * X, y)
    assert clf.loss_ < 0.8 * fixed.loss_
    # Overlapping blobs: a linear model's accuracy is about the best there is.
    linear = LogisticRegression().fit(3 * X, y).score(3 * X, y)
    assert clf.score(3 * X, y) >= linear - 0.02
    assert clf.loss_ == pytest.approx(_loss_at_fitted_weights(clf, 3 * X, y), rel=0.05)


# ----------------------------------------- MLP's names for the fitted model


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_mlpclassifier_with_our_coefs_predicts_what_we_do(kind):
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    if kind == "binary":
        y = y == 2
    clf = TwoLayerClassifier(n_hidden=5, max_iter=50, random_state=0)
    for name in ("coefs_", "intercepts_", "n_layers_"):
        assert not hasattr(clf, name)  # NotFittedError, an AttributeError
    clf.fit(X, y)
    assert clf.n_layers_ == 3
    assert [c.shape for c in clf.coefs_] == [(4, 5), (5, clf.n_outputs_)]
    assert not clf.coefs_[1].flags.writeable
    mlp = MLPClassifier(hidden_layer_sizes=(5,), activation="tanh", max_iter=2)
    mlp.fit(X, y)
    mlp.coefs_ = [c.copy() for c in clf.coefs_]
    mlp.intercepts_ = [b.copy() for b in clf.intercepts_]
    assert mlp.n_layers_ == clf.n_layers_
    assert_allclose(mlp.predict_proba(X), clf.predict_proba(X), rtol=1e-10)
