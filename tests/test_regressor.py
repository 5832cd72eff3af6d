"""TwoLayerRegressor: outputs, target scaling, weights, state, input checks,
persistence and the sklearn protocol."""

import io
import pickle
import warnings
from contextlib import redirect_stdout

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import skops.io as sio
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_friedman1, make_regression
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning, NotFittedError
from sklearn.linear_model import PoissonRegressor
from sklearn.metrics import d2_tweedie_score, mean_poisson_deviance, r2_score
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, TwoLayerRegressor

ACTIVATIONS = ("tanh", "sigmoid", "relu")
SOLVERS = ("lbfgs", "gd", "sgd", "adam")
PARAMS = ("W1_", "b1_", "W2_", "b2_")


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture
def friedman():
    """A smooth nonlinear target in its own units (mean ~ 1000, sd ~ 250)."""
    X, y = make_friedman1(n_samples=200, n_features=5, noise=0.3, random_state=0)
    return StandardScaler().fit_transform(X), 50 * y + 300


@pytest.fixture
def small():
    X, y = make_regression(n_samples=40, n_features=3, noise=5, random_state=0)
    return X, 37.3 * y + 1000


def state(model):
    """Everything a fit may set, as comparable bytes."""
    return pickle.dumps(model.__dict__)


def assert_same_model(a, b):
    for name in PARAMS:
        assert_array_equal(getattr(a, name), getattr(b, name))


def forward(model, X):
    """The prediction by hand from the four arrays."""
    g = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[model.activation]
    return g(X @ model.W1_.T + model.b1_) @ model.W2_.T + model.b2_


# --------------------------------------------------------------- outputs


def test_one_identity_output_and_one_dimensional_predictions(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(n_hidden=6, random_state=0).fit(X, y)
    assert reg.W1_.shape == (6, 5) and reg.b1_.shape == (6,)
    assert reg.W2_.shape == (1, 6) and reg.b2_.shape == (1,)
    assert reg.out_activation_ == "identity" and reg.n_outputs_ == 1
    assert reg.predict(X).shape == (200,)
    assert_allclose(reg.predict(X), forward(reg, X)[:, 0], rtol=1e-12)
    assert reg.score(X, y) == pytest.approx(r2_score(y, reg.predict(X)))
    assert reg.score(X, y) > 0.95


def test_a_column_vector_y_is_raveled_with_a_warning(friedman):
    X, y = friedman
    with pytest.warns(DataConversionWarning):
        column = TwoLayerRegressor(max_iter=30, random_state=0).fit(X, y[:, None])
    flat = TwoLayerRegressor(max_iter=30, random_state=0).fit(X, y)
    assert column.n_outputs_ == 1 and column.predict(X).shape == (200,)
    assert_same_model(column, flat)


def test_multi_output_fits_each_target_whatever_its_units(friedman):
    X, y = friedman
    Y = np.c_[y, 1e-4 * X[:, 0] * X[:, 1], -3e5 * np.sin(X[:, 2])]
    reg = TwoLayerRegressor(random_state=0).fit(X, Y)
    assert reg.n_outputs_ == 3 and reg.W2_.shape == (3, reg.n_hidden)
    P = reg.predict(X)
    assert P.shape == (200, 3)
    assert_allclose(P, forward(reg, X), rtol=1e-12)
    # Each output is standardized apart: each is learned, the tiny one too.
    assert np.all(r2_score(Y, P, multioutput="raw_values") > 0.95)
    assert reg.score(X, Y) == pytest.approx(r2_score(Y, P))


def test_prediction_reads_the_weights_as_they_are(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(n_hidden=3, random_state=0).fit(X, y)
    reg.W1_, reg.b1_ = np.eye(3, 5), np.zeros(3)
    reg.W2_, reg.b2_ = np.array([[1.0, -2.0, 0.5]]), np.array([7.0])
    assert_allclose(reg.predict(X), np.tanh(X[:, :3]) @ [1.0, -2.0, 0.5] + 7)


def test_glorot_init_starts_the_output_bias_at_the_weighted_target_mean(friedman):
    X, y = friedman
    w = np.linspace(0.5, 2, len(y))
    reg = TwoLayerRegressor(solver="gd", learning_rate=1e-12, max_iter=1)
    reg.fit(X, y, sample_weight=w)
    assert reg.b2_[0] == pytest.approx(np.average(y, weights=w), rel=1e-9)
    course = TwoLayerRegressor(solver="gd", init=0.01, learning_rate=1e-12, max_iter=1)
    assert course.fit(X, y).b2_[0] == pytest.approx(y.mean(), rel=1e-9)


def test_alpha_shrinks_the_weights(friedman):
    X, y = friedman
    norms = [
        np.linalg.norm(TwoLayerRegressor(alpha=a, random_state=0).fit(X, y).W1_)
        for a in (0.0, 30.0)
    ]
    assert norms[1] < norms[0]


# ------------------------------------------------------- target scaling


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("alpha", ["auto", 0.5])
def test_y_in_other_units_gives_the_same_model_in_those_units(small, solver, alpha):
    X, y = small
    params = {"solver": solver, "alpha": alpha, "random_state": 0}
    base = TwoLayerRegressor(**params).fit(X, y)
    # A power of two changes no bit of the standardized targets.
    big = TwoLayerRegressor(**params).fit(X, 2.0**20 * y)
    assert_array_equal(big.predict(X), 2.0**20 * base.predict(X))
    assert big.loss_curve_ == base.loss_curve_ and big.alpha_ == base.alpha_
    assert_array_equal(big.W1_, base.W1_)
    # 1e6 changes the last bits of y; the fit follows to rounding.
    million = TwoLayerRegressor(**{**params, "alpha": 0.5}).fit(X, 1e6 * y)
    same_alpha = TwoLayerRegressor(**{**params, "alpha": 0.5}).fit(X, y)
    expected = 1e6 * same_alpha.predict(X)
    assert_allclose(million.predict(X), expected, atol=1e-7 * abs(expected).max())
    assert_allclose(million.loss_, same_alpha.loss_, rtol=1e-7)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("value", [0.0, 3.7, -2.5e6, 1e-300, 1e300])
def test_a_constant_y_is_predicted_without_warnings(small, solver, value):
    X, _ = small
    y = np.full(len(X), value)
    reg = TwoLayerRegressor(solver=solver, random_state=0).fit(X, y)
    assert reg._target_scale[0] == (abs(value) or 1.0)
    assert np.all(np.isfinite(reg.predict(X)))
    # sgd's tol rule ends the run once its epochs lower the (standardized)
    # loss by less than tol: here a few hundredths of the scale from it.
    close = 0.05 if solver == "sgd" else 0.01
    assert_allclose(reg.predict(X), value, rtol=close, atol=close * (abs(value) or 1))


def test_loss_is_in_the_units_of_the_standardized_targets(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(solver="gd", alpha=0.0, max_iter=50, random_state=0)
    reg.fit(X, y)
    # gd's loss_ is the loss before its last step: refit one step fewer and
    # measure the standardized squared error of that model by hand.
    before = TwoLayerRegressor(solver="gd", alpha=0.0, max_iter=49, random_state=0)
    before.fit(X, y)
    residual = (y - before.predict(X)) / y.std()
    assert reg.loss_ == pytest.approx(0.5 * np.mean(residual**2), rel=1e-9)
    assert reg.loss_curve_[0] == pytest.approx(
        TwoLayerRegressor(solver="gd", alpha=0.0, max_iter=1, random_state=0)
        .fit(X, 1e9 * y)
        .loss_,
        rel=1e-9,
    )


# ---------------------------------------------------------- sample weights


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sparse", [False, True])
def test_integer_sample_weights_equal_repeated_rows_bit_for_bit(
    small, solver, activation, sparse
):
    X, y = small
    w = np.random.RandomState(0).randint(0, 4, size=len(y))  # zeros drop rows
    X_rep, y_rep = np.repeat(X, w, 0), np.repeat(y, w)
    order = np.random.RandomState(1).permutation(len(y))  # any row order
    X_w, y_w, w = X[order], y[order], w[order]
    if sparse:
        X_rep, X_w = sp.csr_matrix(X_rep), sp.csc_matrix(X_w)
    params = {"solver": solver, "activation": activation, "random_state": 0}
    weighted = TwoLayerRegressor(**params).fit(X_w, y_w, sample_weight=w)
    repeated = TwoLayerRegressor(**params).fit(X_rep, y_rep)
    assert weighted.n_iter_ == repeated.n_iter_
    assert weighted.alpha_path_ == repeated.alpha_path_
    assert_same_model(weighted, repeated)


@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
def test_integer_weights_with_a_float_alpha_and_multiple_outputs(small, solver):
    X, y = small
    Y = np.c_[y, X[:, 0] ** 2]
    w = np.random.RandomState(2).randint(1, 5, size=len(y))
    params = {"solver": solver, "alpha": 0.3, "random_state": 0}
    weighted = TwoLayerRegressor(**params).fit(X, Y, sample_weight=w)
    repeated = TwoLayerRegressor(**params).fit(np.repeat(X, w, 0), np.repeat(Y, w, 0))
    assert_same_model(weighted, repeated)


def test_rows_of_zero_weight_count_for_nothing(small):
    X, y = small
    w = np.ones(len(y))
    w[::4] = 0
    wild = np.where(w == 0, 1e9, y)  # their targets would dominate the scaling
    weighted = TwoLayerRegressor(random_state=0).fit(X, wild, sample_weight=w)
    kept = TwoLayerRegressor(random_state=0).fit(X[w > 0], y[w > 0])
    assert_same_model(weighted, kept)


@pytest.mark.parametrize("scale", [1e-3, 1e6])
def test_weights_and_alpha_scaled_together_give_the_same_model(small, scale):
    """alpha is a penalty per unit of weight, as for the classifier."""
    X, y = small
    w = np.random.RandomState(3).uniform(0.5, 2, len(y))
    a = TwoLayerRegressor(alpha=0.5, random_state=0).fit(X, y, sample_weight=w)
    b = TwoLayerRegressor(alpha=0.5 * scale, random_state=0)
    b.fit(X, y, sample_weight=scale * w)
    # The same problem, to rounding: L-BFGS ends a few ulps apart.
    expected = a.predict(X)
    assert_allclose(b.predict(X), expected, atol=1e-6 * abs(expected).max())


# ------------------------------------------------ warm start, partial_fit


def test_warm_start_continues_from_the_fitted_weights(friedman):
    X, y = friedman
    params = {"solver": "gd", "learning_rate": 0.3, "tol": 0, "random_state": 0}
    one_go = TwoLayerRegressor(max_iter=40, **params).fit(X, y)
    two_steps = TwoLayerRegressor(max_iter=20, warm_start=True, **params)
    two_steps.fit(X, y).fit(X, y)
    assert_allclose(two_steps.W2_, one_go.W2_, rtol=1e-10)
    assert_allclose(two_steps.predict(X), one_go.predict(X), rtol=1e-10)


def test_warm_start_keeps_the_first_fits_scaling(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(warm_start=True, random_state=0).fit(X, y)
    mean, scale = reg._target_mean.copy(), reg._target_scale.copy()
    reg.fit(X, 2 * y + 5)
    assert_array_equal(reg._target_mean, mean)
    assert_array_equal(reg._target_scale, scale)
    assert reg.score(X, 2 * y + 5) > 0.9


def test_warm_start_with_other_outputs_or_features_is_refused(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(warm_start=True, random_state=0).fit(X, y)
    before = state(reg)
    with pytest.raises(ValueError, match="y has 2 output"):
        reg.fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="features"):
        reg.fit(np.c_[X, X], y)
    with pytest.raises(ValueError, match="hidden units"):
        reg.set_params(n_hidden=3).fit(X, y)
    reg.set_params(n_hidden=32)
    assert state(reg) == before


@pytest.mark.parametrize("solver", ["gd", "sgd", "adam"])
def test_partial_fit_streams_chunks_in_the_first_chunks_scaling(friedman, solver):
    X, y = friedman
    reg = TwoLayerRegressor(solver=solver, random_state=0)
    chunks = np.array_split(np.arange(200), 4)
    for epoch in range(30):
        for rows in chunks:
            reg.partial_fit(X[rows], y[rows])
        if epoch == 0:
            first = y[chunks[0]]
            assert reg._target_mean[0] == pytest.approx(first.mean(), rel=1e-12)
            assert reg._target_scale[0] == pytest.approx(first.std(), rel=1e-12)
    assert reg.n_iter_ == 120 and reg.t_ == 30 * 200 and len(reg.loss_curve_) == 120
    assert reg.score(X, y) > 0.7


@pytest.mark.parametrize("solver", ["gd", "sgd", "adam"])
def test_partial_fit_refuses_other_outputs_and_keeps_the_model(friedman, solver):
    X, y = friedman
    reg = TwoLayerRegressor(solver=solver, random_state=0).partial_fit(X, y)
    before = state(reg)
    with pytest.raises(ValueError, match="y has 3 output"):
        reg.partial_fit(X, np.c_[y, y, y])
    assert state(reg) == before
    multi = TwoLayerRegressor(solver=solver, random_state=0)
    multi.partial_fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="y has 1 output"):
        multi.partial_fit(X, y)


def test_pickling_between_partial_fit_calls_continues_identically(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(solver="adam", random_state=0).partial_fit(X, y)
    copy = pickle.loads(pickle.dumps(reg))
    reg.partial_fit(X[::-1], y[::-1])
    copy.partial_fit(X[::-1], y[::-1])
    assert_same_model(reg, copy)


def test_partial_fit_is_not_offered_by_lbfgs_nor_with_early_stopping(friedman):
    X, y = friedman
    assert not hasattr(TwoLayerRegressor(solver="lbfgs"), "partial_fit")
    reg = TwoLayerRegressor(solver="adam", random_state=0).fit(X, y)
    before = state(reg)
    with pytest.raises(ValueError, match="early_stopping"):
        reg.set_params(early_stopping=True).partial_fit(X, y)
    reg.set_params(early_stopping=False)
    assert state(reg) == before


def test_partial_fit_without_a_fit_uses_the_fixed_alpha(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(solver="adam", random_state=0).partial_fit(X, y)
    assert reg.alpha_ == 1.0 and reg.alpha_path_ is None
    fitted = TwoLayerRegressor(solver="adam", random_state=0).fit(X, y)
    chosen = fitted.alpha_
    assert fitted.partial_fit(X, y).alpha_ == chosen


# ------------------------------------------------------ early stopping


@pytest.mark.parametrize("solver", SOLVERS)
def test_early_stopping_records_validation_r2(friedman, solver):
    X, y = friedman
    reg = TwoLayerRegressor(solver=solver, early_stopping=True, random_state=0)
    reg.fit(X, y)
    scores, losses = reg.validation_scores_, reg.validation_loss_curve_
    assert len(scores) == len(losses) == reg.n_iter_ < reg.max_iter
    assert all(isinstance(s, float) and s <= 1 for s in scores)
    # R² = 1 − SS_res / SS_tot and the loss is SS_res / (2 Σ w): on one
    # validation set, 1 − R² is the loss times a constant.
    ratios = (1 - np.array(scores)) / np.array(losses)
    assert_allclose(ratios, ratios[0], rtol=1e-9)
    assert reg.best_validation_loss_ == min(losses)
    assert reg.best_validation_score_ == scores[int(np.argmin(losses))]
    assert reg.best_validation_score_ == max(scores)
    assert reg.best_validation_score_ > 0.7


def test_early_stopping_restores_the_best_weights(friedman):
    X, y = friedman
    params = {"solver": "adam", "early_stopping": True, "random_state": 0}
    reg = TwoLayerRegressor(n_iter_no_change=5, **params).fit(X, y)
    best = int(np.argmin(reg.validation_loss_curve_)) + 1
    assert best < reg.n_iter_  # it ran on past its best epoch
    # The same run stopped at the best epoch, by max_iter, has these weights.
    stopped = TwoLayerRegressor(n_iter_no_change=5, max_iter=best, **params)
    stopped.fit(X, y)
    assert_same_model(reg, stopped)


def test_early_stopping_with_sample_weights_and_multiple_outputs(friedman):
    X, y = friedman
    Y = np.c_[y, X[:, 0]]
    w = np.where(X[:, 0] > 0, 3.0, 1.0)
    reg = TwoLayerRegressor(early_stopping=True, random_state=0)
    reg.fit(X, Y, sample_weight=w)
    assert reg.best_validation_score_ > 0.8
    assert reg.validation_scores_[-1] <= 1


def test_no_validation_attributes_without_early_stopping(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(max_iter=20, random_state=0).fit(X, y)
    assert reg.validation_scores_ is None and reg.best_validation_score_ is None
    assert reg.validation_loss_curve_ is None and reg.best_validation_loss_ is None


# ---------------------------------------------------------- alpha="auto"


def test_alpha_auto_is_chosen_by_held_out_squared_error(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(random_state=0).fit(X, y)
    path = reg.alpha_path_
    assert reg.alpha_ == min(path, key=path.get)
    assert all(loss > 0 for loss in path.values())
    # The path's losses are in standardized units: y's units change nothing.
    assert TwoLayerRegressor(random_state=0).fit(X, 2.0**-30 * y).alpha_path_ == path
    fixed = TwoLayerRegressor(alpha=0.7, random_state=0).fit(X, y)
    assert fixed.alpha_ == 0.7 and fixed.alpha_path_ is None


def test_alpha_auto_folds_do_not_depend_on_y_units(friedman):
    """The folds hash each row with its standardized targets, which y in
    other units changes only in the last bits: hashed at float32 precision,
    the rows land in the same folds, and the same alpha is chosen."""
    from sk_twolayer._auto_alpha import fold_offsets, row_hashes
    from sk_twolayer._targets import standardize

    X, y = friedman
    Y, Y_million = (standardize(c * y, X, None).Y for c in (1.0, 1e6))
    assert not np.array_equal(Y, Y_million)  # the last bits differ
    key = b"0123456789abcdef"
    assert_array_equal(
        fold_offsets(row_hashes(X, Y, key), 3),
        fold_offsets(row_hashes(X, Y_million, key), 3),
    )
    a = TwoLayerRegressor(random_state=0).fit(X, y)
    b = TwoLayerRegressor(random_state=0).fit(X, 1e6 * y)
    assert a.alpha_ == b.alpha_
    assert_allclose(
        list(b.alpha_path_.values()), list(a.alpha_path_.values()), rtol=0.01
    )


def test_alpha_auto_is_deterministic(friedman):
    X, y = friedman
    a = TwoLayerRegressor(random_state=0).fit(X, y)
    b = TwoLayerRegressor(random_state=0).fit(X, y)
    assert a.alpha_path_ == b.alpha_path_
    assert_same_model(a, b)


# -------------------------------------------------------- inputs, dtypes


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_data_keeps_float32_weights_and_predictions(friedman, solver):
    X, y = friedman
    X32 = X.astype(np.float32)
    reg = TwoLayerRegressor(solver=solver, random_state=0).fit(X32, y)
    for name in PARAMS:
        assert getattr(reg, name).dtype == np.float32
    assert reg.predict(X32).dtype == np.float32
    assert reg.predict(X).dtype == np.float64
    reg64 = TwoLayerRegressor(solver=solver, random_state=0).fit(X, y)
    # The same alpha_ (the folds hash values at float32 precision); gd's tol
    # rule may stop the float32 run some iterations earlier.
    assert reg.alpha_ == reg64.alpha_
    assert_allclose(reg.predict(X32), reg64.predict(X), rtol=0.1)
    assert abs(reg.score(X32, y) - reg64.score(X, y)) < 0.03


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_and_dense_give_the_same_model(friedman, fmt):
    X, y = friedman
    dense = TwoLayerRegressor(random_state=0, alpha=0.5, max_iter=20).fit(X, y)
    sparse = TwoLayerRegressor(random_state=0, alpha=0.5, max_iter=20)
    sparse.fit(sp.csr_matrix(X).asformat(fmt), y)
    assert_allclose(sparse.W1_, dense.W1_, rtol=1e-6, atol=1e-9)
    assert_allclose(
        sparse.predict(sp.csr_matrix(X).asformat(fmt)), dense.predict(X), rtol=1e-7
    )


def test_dataframes_keep_feature_names_and_series_targets(friedman):
    X, y = friedman
    frame = pd.DataFrame(X, columns=list("abcde"))
    reg = TwoLayerRegressor(max_iter=20, random_state=0)
    reg.fit(frame, pd.Series(y, name="target"))
    assert_array_equal(reg.feature_names_in_, list("abcde"))
    with pytest.raises(ValueError, match="feature names"):
        reg.predict(frame.rename(columns=str.upper))
    assert reg.predict(frame).shape == (200,)


def test_integer_and_boolean_targets_are_numbers(friedman):
    X, y = friedman
    as_int = TwoLayerRegressor(max_iter=20, random_state=0).fit(X, y.astype(int))
    as_float = TwoLayerRegressor(max_iter=20, random_state=0)
    as_float.fit(X, y.astype(int).astype(float))
    assert_same_model(as_int, as_float)
    flags = TwoLayerRegressor(max_iter=20, random_state=0).fit(X, y > y.mean())
    assert flags.predict(X).dtype == np.float64
    objects = TwoLayerRegressor(max_iter=20, random_state=0)
    assert_same_model(objects.fit(X, y.astype(int).astype(object)), as_int)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_same_random_state_gives_bit_identical_weights(friedman, activation, solver):
    X, y = friedman
    params = {"activation": activation, "solver": solver}
    a = TwoLayerRegressor(random_state=7, **params).fit(X, y)
    b = TwoLayerRegressor(random_state=7, **params).fit(X, y)
    assert_same_model(a, b)
    c = TwoLayerRegressor(random_state=8, **params).fit(X, y)
    assert not np.array_equal(a.W1_, c.W1_)


# ------------------------------------------------------ bad input, state

BAD_FITS = {
    "NaN in y": (lambda X, y: (X, np.where(y > y.mean(), np.nan, y), None), "NaN"),
    "inf in y": (lambda X, y: (X, np.where(y > y.mean(), np.inf, y), None), "inf"),
    "-inf in 2-D y": (
        lambda X, y: (X, np.c_[y, np.where(y > y.mean(), -np.inf, y)], None),
        "inf",
    ),
    "strings in y": (lambda X, y: (X, np.array(["a", "b"] * 100), None), "numeric"),
    "words in object y": (
        lambda X, y: (X, np.array(["a", "b"] * 100, dtype=object), None),
        "float|string",
    ),
    "complex y": (lambda X, y: (X, y + 1j, None), "[Cc]omplex"),
    "3-D y": (lambda X, y: (X, y[:, None, None], None), "dim 3|3D|ndim"),
    "y without columns": (lambda X, y: (X, y[:, None][:, :0], None), "0 feature"),
    "y shorter than X": (lambda X, y: (X, y[:-1], None), "inconsistent numbers"),
    "NaN in X": (lambda X, y: (np.where(X > 1, np.nan, X), y, None), "NaN"),
    "1-D X": (lambda X, y: (X[:, 0], y, None), "2D array"),
    "no samples": (lambda X, y: (X[:0], y[:0], None), "0 sample"),
    "negative weight": (lambda X, y: (X, y, -np.ones(len(y))), "(?i)negative"),
    "all-zero weights": (lambda X, y: (X, y, np.zeros(len(y))), "zero"),
    "NaN weight": (lambda X, y: (X, y, np.where(y > y.mean(), np.nan, 1.0)), "NaN"),
    "weights too short": (lambda X, y: (X, y, np.ones(3)), "sample_weight.shape"),
    "y beyond float64's range": (
        lambda X, y: (X, np.where(X[:, 0] > 0, 1.7e308, -1.7e308), 1 + (X[:, 0] > 0)),
        "overflows|diverged",
    ),
}


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
@pytest.mark.parametrize("case", BAD_FITS)
def test_bad_input_is_named_and_a_failed_refit_keeps_the_model(friedman, case, solver):
    X, y = friedman
    make_bad, message = BAD_FITS[case]
    reg = TwoLayerRegressor(solver=solver, max_iter=20, random_state=0).fit(X, y)
    before = state(reg)
    Xb, yb, wb = make_bad(X, y)
    with pytest.raises((ValueError, TypeError), match=message):
        reg.fit(Xb, yb, sample_weight=wb)
    assert state(reg) == before
    if solver == "adam":  # partial_fit: the same checks, the same guarantee
        with pytest.raises((ValueError, TypeError), match=message):
            reg.partial_fit(Xb, yb, sample_weight=wb)
        assert state(reg) == before


def test_class_weight_is_not_a_parameter():
    assert "class_weight" not in TwoLayerRegressor().get_params()
    with pytest.raises(TypeError, match="class_weight"):
        TwoLayerRegressor(class_weight="balanced")
    common = set(TwoLayerClassifier().get_params()) - {"class_weight"}
    # The regressor's own parameter: its loss (the classifier's follows the labels).
    assert set(TwoLayerRegressor().get_params()) == common | {"loss"}


@pytest.mark.parametrize(
    "param, value",
    [
        ("n_hidden", 0),
        ("alpha", -1.0),
        ("solver", "newton"),
        ("learning_rate", 0),
        ("loss", "gamma"),
    ],
)
def test_invalid_parameters_are_named_and_keep_the_model(friedman, param, value):
    X, y = friedman
    reg = TwoLayerRegressor(max_iter=20, random_state=0).fit(X, y)
    reg.set_params(**{param: value})
    before = state(reg)
    with pytest.raises(ValueError, match=f"'{param}' parameter"):
        reg.fit(X, y)
    assert state(reg) == before


def test_wrong_number_of_features_at_predict_and_unfitted_model(friedman):
    from sklearn.exceptions import NotFittedError

    X, y = friedman
    with pytest.raises(NotFittedError):
        TwoLayerRegressor().predict(X)
    reg = TwoLayerRegressor(max_iter=20, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="5 features"):
        reg.predict(X[:, :3])


@pytest.mark.parametrize("solver", ["gd", "sgd", "adam"])
def test_divergence_is_a_clear_error_that_keeps_the_model(friedman, solver):
    X, y = friedman
    reg = TwoLayerRegressor(activation="relu", solver=solver, random_state=0)
    reg.fit(X, y)
    before = state(reg)
    # Adam's steps are at most the learning rate: 1e6 may not diverge.
    for learning_rate in (1e6, 1e300) if solver != "adam" else (1e300,):
        reg.set_params(learning_rate=learning_rate)
        with pytest.raises(ValueError, match="diverged"):
            reg.fit(10 * X, y)
        reg.set_params(learning_rate="auto")
        assert state(reg) == before


@pytest.mark.parametrize("solver", SOLVERS)
def test_extreme_targets_and_features_stay_finite_and_silent(friedman, solver):
    # pytest turns RuntimeWarnings into errors: an overflow would fail here.
    X, y = friedman
    for scale in (1e300, 1e-300):
        reg = TwoLayerRegressor(solver=solver, max_iter=30, random_state=0)
        reg.fit(X, scale * y)
        assert np.all(np.isfinite(reg.predict(X)))
        assert_allclose(reg.predict(X) / scale, reg.predict(X) / scale)
    try:
        reg = TwoLayerRegressor(solver=solver, max_iter=30, random_state=0)
        reg.fit(1e150 * X, y)
    except ValueError as exc:  # may diverge: then it must say so
        assert "diverged" in str(exc)
    else:
        assert np.all(np.isfinite(reg.predict(1e150 * X)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inputs_near_the_float_limits_at_predict_are_silent(
    friedman, activation, dtype
):
    X, y = friedman
    reg = TwoLayerRegressor(activation=activation, max_iter=20, random_state=0)
    reg.fit(X.astype(dtype), y)
    big = np.finfo(dtype).max
    rows = (
        np.full((3, 5), big, dtype),
        np.c_[np.full((3, 3), big), np.full((3, 2), -big)].astype(dtype),
        np.array([[1e30, 1, 1, 1, 1], [-1e30, 1, 1, 1, 1]], dtype),
    )
    for X_big in rows:
        try:
            values = reg.predict(X_big)
        except ValueError as exc:  # only relu can make inf − inf: it is named
            assert activation == "relu" and "undefined" in str(exc)
        else:
            assert np.all(np.isfinite(values))  # clipped, never inf or NaN


def test_convergence_warning_names_the_regressor(friedman):
    X, y = friedman
    for solver in SOLVERS:
        with pytest.warns(ConvergenceWarning, match=r"^TwoLayerRegressor .*max_iter=3"):
            TwoLayerRegressor(solver=solver, max_iter=3, tol=0).fit(X, y)


@pytest.mark.parametrize("solver", SOLVERS)
def test_verbose_prints_the_loss(friedman, solver):
    X, y = friedman
    out = io.StringIO()
    with redirect_stdout(out):
        TwoLayerRegressor(solver=solver, max_iter=12, tol=0, verbose=True).fit(X, y)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("Iter")]
    assert len(lines) >= 10 and "loss = " in lines[0]


# ------------------------------------------------------------ persistence


@pytest.mark.parametrize("solver", SOLVERS)
def test_pickle_joblib_and_skops_round_trips(friedman, solver, tmp_path):
    X, y = friedman
    reg = TwoLayerRegressor(solver=solver, max_iter=20, random_state=0).fit(X, y)
    assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X), reg.predict(X))
    joblib.dump(reg, tmp_path / "m.joblib")
    assert_array_equal(joblib.load(tmp_path / "m.joblib").predict(X), reg.predict(X))
    path = tmp_path / "model.skops"
    sio.dump(reg, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert untrusted and all(t.startswith("sk_twolayer.") for t in untrusted)
    restored = sio.load(path, trusted=untrusted)
    assert_array_equal(restored.predict(X), reg.predict(X))
    if solver != "lbfgs":  # the optimiser state and the scaling survive
        reg.partial_fit(X, y)
        restored.partial_fit(X, y)
        assert_same_model(restored, reg)


def test_tags_say_regressor_multi_output_sparse():
    tags = TwoLayerRegressor().__sklearn_tags__()
    assert tags.estimator_type == "regressor"
    assert tags.target_tags.required and tags.target_tags.multi_output
    assert tags.input_tags.sparse
    assert not tags.regressor_tags.poor_score and not tags.non_deterministic


def test_lbfgs_stops_once_n_iter_no_change_iterations_in_a_row_fell_less_than_tol(
    friedman,
):
    """The regressor's tol rule is absolute (its standardized loss has a
    fixed scale), the classifier's relative to the loss."""
    X, y = friedman
    tol, k = 1e-4, 5
    reg = TwoLayerRegressor(alpha=0.1, tol=tol, n_iter_no_change=k, random_state=0)
    reg.fit(X, y)
    J = np.array(reg.loss_curve_)
    small = J[:-1] - J[1:] <= tol
    assert reg.n_iter_ < reg.max_iter and small[-k:].all()
    runs = np.convolve(small[:-1].astype(int), np.ones(k, dtype=int), "valid")
    assert runs.max() < k
    # Relative to J, these falls would not have been small enough to stop.
    assert not (J[:-1] - J[1:] <= tol * np.abs(J[1:]))[-k:].all()


# ----------------------------------------------------- counts: loss="poisson"


@pytest.fixture
def counts():
    """Counts whose log-mean is a smooth function of X (mean ~ 2.5)."""
    rng = np.random.RandomState(0)
    X = rng.randn(300, 4)
    mu = np.exp(0.6 * X[:, 0] - 0.4 * X[:, 1] ** 2 + 0.3 * X[:, 2] + 0.8)
    return X, rng.poisson(mu), mu


def test_poisson_predicts_the_exponential_of_the_network(counts):
    X, y, _ = counts
    reg = TwoLayerRegressor(loss="poisson", random_state=0).fit(X, y)
    assert reg.out_activation_ == "exp"
    values = reg.predict(X)
    assert values.shape == (300,) and values.dtype == np.float64
    assert_allclose(values, np.exp(forward(reg, X))[:, 0], rtol=1e-12)
    assert np.all(values > 0)
    # The score stays R², as for every scikit-learn regressor.
    assert reg.score(X, y) == pytest.approx(r2_score(y, values))


@pytest.mark.parametrize("solver", SOLVERS)
def test_poisson_fits_counts_better_than_the_best_constant(counts, solver):
    X, y, mu = counts
    reg = TwoLayerRegressor(loss="poisson", solver=solver, random_state=0).fit(X, y)
    # Against the true means: far closer than the constant model.
    assert d2_tweedie_score(mu, reg.predict(X), power=1) > 0.7
    assert d2_tweedie_score(y, reg.predict(X), power=1) > 0.3
    assert reg.loss_ >= 0  # half the mean deviance (plus the penalty)


def test_poisson_output_bias_starts_at_the_log_of_the_weighted_mean(counts):
    X, y, _ = counts
    w = np.random.RandomState(1).uniform(0.5, 2, len(y))
    reg = TwoLayerRegressor(
        loss="poisson", solver="gd", learning_rate=1e-12, max_iter=1, alpha=0
    )
    reg.fit(X, y, sample_weight=w)
    assert_allclose(reg.b2_, np.log(w @ y / w.sum()), rtol=1e-10)


@pytest.mark.parametrize("solver", SOLVERS)
def test_poisson_counts_in_other_units_give_the_same_model_in_those_units(
    counts, solver
):
    X, y, _ = counts
    params = {"loss": "poisson", "solver": solver, "random_state": 0}
    reg = TwoLayerRegressor(**params).fit(X, y)
    big = TwoLayerRegressor(**params).fit(X, 2.0**20 * y)
    # y / its mean is the same for a power of two: the same trained network,
    # the scale only in the output bias's log.
    for name in ("W1_", "b1_", "W2_"):
        assert_array_equal(getattr(big, name), getattr(reg, name))
    assert_allclose(big.b2_, reg.b2_ + 20 * np.log(2), rtol=1e-14)
    assert_allclose(big.predict(X), 2.0**20 * reg.predict(X), rtol=1e-12)
    assert big.alpha_path_ == reg.alpha_path_ and big.loss_curve_ == reg.loss_curve_


@pytest.mark.parametrize(
    "y_of, message",
    [
        (lambda y: y - 1.0, "needs y >= 0"),
        (lambda y: 0 * y, "sum to 0"),
        (lambda y: np.c_[y, 0 * y], r"output\(s\) \[1\] sum to 0"),
    ],
)
def test_poisson_bad_targets_are_named_and_keep_the_model(counts, y_of, message):
    X, y, _ = counts
    reg = TwoLayerRegressor(loss="poisson", max_iter=20, random_state=0).fit(X, y)
    before = state(reg)
    with pytest.raises(ValueError, match=message):
        reg.fit(X, y_of(y))
    assert state(reg) == before


@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
@pytest.mark.parametrize("alpha", ["auto", 0.3])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_poisson_integer_weights_equal_repeated_rows_bit_for_bit(
    counts, solver, alpha, n_outputs
):
    X, y, _ = counts
    X, y = X[:120], y[:120]
    Y = y if n_outputs == 1 else np.c_[y, (X[:, 1] > 0) * 3 + y % 2]
    w = np.random.RandomState(2).randint(0, 4, size=len(y))
    order = np.random.RandomState(3).permutation(len(y))
    params = {"loss": "poisson", "solver": solver, "alpha": alpha, "random_state": 0}
    weighted = TwoLayerRegressor(**params).fit(X[order], Y[order], w[order])
    repeated = TwoLayerRegressor(**params).fit(np.repeat(X, w, 0), np.repeat(Y, w, 0))
    assert weighted.n_iter_ == repeated.n_iter_
    assert weighted.alpha_path_ == repeated.alpha_path_
    assert_same_model(weighted, repeated)


def test_poisson_alpha_auto_reads_an_exposure_in_any_unit(counts):
    """An exposure in m² or in cm² is the same data. alpha="auto" reads the
    weights relative to their mean over the distinct rows: a power-of-two
    unit changes nothing, bit for bit, and alpha_ is in the weights' unit.
    (Read as numbers of observations, 1 024 times larger exposures would be
    dealt to every fold, nothing would be held out, and the path would pick
    the weakest penalty.)"""
    X, y, mu = counts
    rng = np.random.RandomState(1)
    exposure = rng.uniform(0.5, 2.0, size=len(y))
    rate = rng.poisson(exposure * mu) / exposure
    fits = {
        unit: TwoLayerRegressor(loss="poisson", random_state=0).fit(
            X, rate, sample_weight=unit * exposure
        )
        for unit in (1.0, 1024.0, 1000.0, 2.0**1000, 2.0**-1000)
    }
    one, binary, decimal, *extremes = fits.values()
    assert binary.alpha_ == 1024 * one.alpha_
    assert binary.alpha_path_ == {1024 * a: v for a, v in one.alpha_path_.items()}
    assert_same_model(binary, one)
    for reg in extremes:  # any finite scale: a float's range, either way
        assert_same_model(reg, one)
    assert decimal.alpha_ == pytest.approx(1000 * one.alpha_)
    assert_allclose(decimal.predict(X), one.predict(X), rtol=1e-6)
    # The penalty is not the weakest of the ladder here: the unit did not
    # take the held-out rows away.
    assert one.alpha_ > min(one.alpha_path_)


def test_poisson_partial_fit_reads_an_exposure_in_any_unit(counts):
    """partial_fit's first alpha under alpha="auto" (no path: 1.0) is per
    average row of its chunk for counts, as the path reads exposures."""
    X, y, mu = counts
    exposure = np.random.RandomState(1).uniform(0.5, 2.0, size=len(y))
    fits = []
    for unit in (1.0, 1024.0):
        reg = TwoLayerRegressor(loss="poisson", solver="adam", random_state=0)
        reg.partial_fit(X, y / (unit * exposure), sample_weight=unit * exposure)
        fits.append(reg)
    one, binary = fits
    assert binary.alpha_ == 1024 * one.alpha_
    assert one.alpha_ == pytest.approx(exposure.mean())
    assert_array_equal(binary.W1_, one.W1_)
    assert_allclose(1024 * binary.predict(X), one.predict(X), rtol=1e-12)


def test_poisson_exposures_unit_counts_distinct_rows_of_unmerged_data(
    counts, monkeypatch
):
    """Data too large to merge: the unit is the total weight over the
    distinct rows found from their hashes, so integer weights still give
    the alpha of the repeated rows."""
    from sk_twolayer import _problem

    monkeypatch.setattr(_problem, "MERGE_LIMIT_BYTES", 0)
    X, y, _ = counts
    w = np.random.RandomState(2).randint(1, 3, size=len(y))  # < 2 repeats a row
    params = {"loss": "poisson", "n_hidden": 4, "random_state": 0}
    weighted = TwoLayerRegressor(**params).fit(X, y, sample_weight=w)
    repeated = TwoLayerRegressor(**params).fit(np.repeat(X, w, 0), np.repeat(y, w))
    assert weighted.alpha_ == repeated.alpha_
    assert_allclose(
        list(weighted.alpha_path_.values()),
        list(repeated.alpha_path_.values()),
        rtol=5e-3,  # the same objective, summed in another order
    )


def test_poisson_rates_with_an_exposure_as_scikit_learns_poisson_models():
    """y = counts / exposure with sample_weight = exposure: the weighted
    deviance of the rates is the deviance of the counts whose means are
    exposure · rate (the equivalence PoissonRegressor and scikit-learn's
    insurance-claims example rely on), and the canonical link's balance
    holds: Σ exposure · predicted rate = Σ counts."""
    rng = np.random.RandomState(4)
    X = rng.randn(2000, 3)
    rate = np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1] - 1.0)
    exposure = rng.uniform(0.1, 3, size=2000)
    n = rng.poisson(exposure * rate)
    params = {"loss": "poisson", "n_hidden": 4, "alpha": 1.0, "tol": 1e-8}
    reg = TwoLayerRegressor(**params, random_state=0)
    reg.fit(X, n / exposure, sample_weight=exposure)
    assert reg.n_iter_ < reg.max_iter  # converged: the bias's gradient is ~0
    predicted = reg.predict(X)
    assert np.sum(exposure * predicted) == pytest.approx(n.sum(), rel=1e-4)
    # The two deviances are the same number.
    by_rate = mean_poisson_deviance(n / exposure, predicted, sample_weight=exposure)
    by_count = mean_poisson_deviance(n, exposure * predicted)
    assert by_rate * exposure.sum() == pytest.approx(by_count * len(n), rel=1e-10)
    # The rates are learnt: closer to the true ones than without the weights
    # and than PoissonRegressor's (the same log-linear truth, ~n/20 noise).
    unweighted = TwoLayerRegressor(**params, random_state=0).fit(X, n / exposure)
    glm = PoissonRegressor(alpha=0).fit(X, n / exposure, sample_weight=exposure)
    assert d2_tweedie_score(rate, predicted, power=1) > 0.9
    assert d2_tweedie_score(rate, glm.predict(X), power=1) > 0.9
    assert mean_poisson_deviance(
        n, exposure * unweighted.predict(X)
    ) > mean_poisson_deviance(n, exposure * predicted)


@pytest.mark.parametrize("solver", SOLVERS)
def test_poisson_early_stopping_records_validation_d2(counts, solver):
    X, y, _ = counts
    reg = TwoLayerRegressor(
        loss="poisson", solver=solver, early_stopping=True, random_state=0
    ).fit(X, y)
    scores, losses = reg.validation_scores_, reg.validation_loss_curve_
    assert len(scores) == len(losses) == reg.n_iter_
    assert all(s <= 1 for s in scores) and max(scores) > 0.2
    assert all(loss >= 0 for loss in losses)  # half the mean deviance
    best = int(np.argmin(losses))
    assert reg.best_validation_score_ == scores[best]
    assert reg.best_validation_loss_ == losses[best]


def test_poisson_alpha_auto_scores_the_held_out_deviance(counts):
    X, y, _ = counts
    reg = TwoLayerRegressor(loss="poisson", random_state=0).fit(X, y)
    path = reg.alpha_path_
    # The whole coarse ladder, then one finer step (whole_ladder).
    assert {0.1, 1.0, 10.0, 100.0} < set(path) and reg.alpha_ in path
    # Half the mean deviance of y / ȳ: >= 0, and that of the best constant
    # model (about var(y) / (2 ȳ²) ≈ 0.4 here) bounds the stronger penalties.
    assert all(0 < loss < 1 for loss in path.values())
    again = TwoLayerRegressor(loss="poisson", random_state=0).fit(X, y)
    assert again.alpha_path_ == path
    assert_same_model(again, reg)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_poisson_predictions_stay_finite_and_positive_whatever_the_logits(
    counts, dtype
):
    # pytest turns RuntimeWarnings into errors: an overflow in exp would fail.
    X, y, _ = counts
    reg = TwoLayerRegressor(loss="poisson", max_iter=20, random_state=0)
    reg.fit(X.astype(dtype), y)
    for bias in (1e4, -1e4, 1e300 if dtype == np.float64 else 1e30):
        reg.b2_ = np.full_like(reg.b2_, bias)
        values = reg.predict(X.astype(dtype))
        assert values.dtype == dtype
        assert np.all(np.isfinite(values)) and np.all(values > 0)
    big = np.finfo(dtype).max
    values = reg.predict(np.full((2, 4), big, dtype))
    assert np.all(np.isfinite(values)) and np.all(values > 0)


@pytest.mark.parametrize("solver", ["gd", "sgd"])
def test_poisson_divergence_is_a_clear_error_that_keeps_the_model(counts, solver):
    X, y, _ = counts
    reg = TwoLayerRegressor(loss="poisson", solver=solver, random_state=0).fit(X, y)
    before = state(reg)
    reg.set_params(learning_rate=1e6)
    with pytest.raises(ValueError, match="diverged"):
        reg.fit(10 * X, y)
    reg.set_params(learning_rate="auto")
    assert state(reg) == before


def test_poisson_warm_start_and_partial_fit_keep_the_first_scale(counts):
    X, y, _ = counts
    reg = TwoLayerRegressor(loss="poisson", solver="adam", random_state=0)
    for rows in np.array_split(np.arange(300), 3):
        reg.partial_fit(X[rows], y[rows])
    first = y[:100].mean()
    assert reg._target_scale == pytest.approx([first], rel=1e-14)
    reg.partial_fit(X[:10], 0 * y[:10])  # a chunk of zero counts is fine now
    assert reg.n_iter_ == 4
    with pytest.raises(ValueError, match="needs y >= 0"):
        reg.partial_fit(X[:10], y[:10] - 5)
    warm = TwoLayerRegressor(loss="poisson", warm_start=True, random_state=0)
    warm.fit(X, y)
    scale = warm._target_scale
    warm.fit(X, 3 * y)
    assert_array_equal(warm._target_scale, scale)


def test_changing_the_loss_of_a_fitted_model_needs_a_new_fit(counts, friedman):
    X, y, _ = counts
    reg = TwoLayerRegressor(warm_start=True, solver="adam", random_state=0).fit(X, y)
    reg.set_params(loss="poisson")
    before = state(reg)
    for method in (reg.fit, reg.partial_fit):
        with pytest.raises(ValueError, match="refit from scratch to change the loss"):
            method(X, y)
        assert state(reg) == before
    reg.set_params(warm_start=False).fit(X, y)  # a new fit may change it
    assert reg.out_activation_ == "exp"


@pytest.mark.parametrize("solver", SOLVERS)
def test_poisson_float32_data_keep_float32(counts, solver):
    X, y, _ = counts
    reg = TwoLayerRegressor(loss="poisson", solver=solver, random_state=0)
    reg.fit(X.astype(np.float32), y)
    assert reg.W1_.dtype == reg.b2_.dtype == np.float32
    values = reg.predict(X.astype(np.float32))
    assert values.dtype == np.float32 and np.all(values > 0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_poisson_pickle_skops_and_partial_fit_round_trips(counts, solver, tmp_path):
    X, y, _ = counts
    reg = TwoLayerRegressor(loss="poisson", solver=solver, max_iter=20, random_state=0)
    reg.fit(X, y)
    assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X), reg.predict(X))
    path = tmp_path / "model.skops"
    sio.dump(reg, path)
    restored = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert_array_equal(restored.predict(X), reg.predict(X))
    if solver != "lbfgs":  # the optimiser state and the scale survive
        reg.partial_fit(X, y)
        restored.partial_fit(X, y)
        assert_same_model(restored, reg)


# ----------------------------------------- MLP's names for the fitted model


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_coefs_and_intercepts_are_read_only_views_in_mlps_layout(counts, loss):
    X, y, _ = counts
    reg = TwoLayerRegressor(loss=loss, n_hidden=6, max_iter=20, random_state=0)
    for name in ("coefs_", "intercepts_", "n_layers_"):
        with pytest.raises(NotFittedError):
            getattr(reg, name)
        assert not hasattr(reg, name)
    reg.fit(X, y)
    W1, W2 = reg.coefs_
    b1, b2 = reg.intercepts_
    assert reg.n_layers_ == 3 and W1.shape == (4, 6) and W2.shape == (6, 1)
    assert np.shares_memory(W1, reg.W1_) and np.shares_memory(b2, reg.b2_)
    assert_array_equal(W1, reg.W1_.T)
    with pytest.raises(ValueError, match="read-only"):
        W1[0, 0] = 1.0
    with pytest.raises(AttributeError):
        reg.coefs_ = [W1, W2]
    # MLP's forward pass over its attributes gives predict.
    Z2 = np.tanh(X @ W1 + b1) @ W2 + b2
    expected = Z2 if loss == "squared_error" else np.exp(Z2)
    assert_allclose(reg.predict(X), expected[:, 0], rtol=1e-12)


def test_mlpregressor_with_our_coefs_predicts_what_we_do(friedman):
    X, y = friedman
    reg = TwoLayerRegressor(n_hidden=7, max_iter=30, random_state=0).fit(X, y)
    mlp = MLPRegressor(hidden_layer_sizes=(7,), activation="tanh", max_iter=2)
    mlp.fit(X, y)
    mlp.coefs_ = [c.copy() for c in reg.coefs_]
    mlp.intercepts_ = [b.copy() for b in reg.intercepts_]
    assert mlp.n_layers_ == reg.n_layers_
    assert mlp.out_activation_ == reg.out_activation_
    assert_allclose(mlp.predict(X), reg.predict(X), rtol=1e-12)
