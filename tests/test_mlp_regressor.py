"""The regressor half of scikit-learn's ``sklearn/neural_network/tests/test_mlp.py``
(scikit-learn 1.9), adapted to TwoLayerRegressor.

Each test there that fits an MLPRegressor has a test of the same name here,
or a one-line reason below why it does not apply. The data sets, parameters
and thresholds are scikit-learn's, translated parameter by parameter
(``hidden_layer_sizes=k`` → ``n_hidden=k``, ``learning_rate_init`` →
``learning_rate``); where one of our defaults differs in a way the test
depends on, the MLPRegressor value is passed explicitly and the difference
is listed here.

Not applicable (no such parameter or behaviour):

- the ``activation="identity"`` cases of ``test_lbfgs_regression`` and
  ``test_lbfgs_regression_maxfun``: the hidden layer is tanh, sigmoid or
  relu (the course's); Ridge is the model without a nonlinearity.
- MLPRegressor's ``best_loss_`` (asserted by ``test_early_stopping``) has no
  counterpart: ``loss_`` is the last training loss, and early stopping
  reports ``best_validation_loss_``.

Documented differences from MLPRegressor (each deliberate):

1. y is standardized inside ``fit`` by its weighted mean and deviation (per
   output) and the scaling is folded into ``W2_``/``b2_``; ``alpha``, the
   learning rates and ``tol`` act on the standardized targets, so they do
   not depend on y's units (MLPRegressor trains on y as given).
2. ``loss_``, ``loss_curve_``, ``validation_loss_curve_`` and
   ``alpha_path_`` are in the units of the standardized targets
   (``J = (1/2m) Σ s ‖A2 − Y‖² + α/(2m)(‖W1‖² + ‖W2‖²)``; MLPRegressor: half
   the squared error in y's units plus its L2 term).
3. ``alpha="auto"`` by default, chosen on internal folds by held-out squared
   error (MLPRegressor: 1e-4); the train-set thresholds of
   ``test_lbfgs_regression`` and ``test_mlp_loading_from_joblib_partial_fit``
   need MLPRegressor's 1e-4, which regularises less.
4. One hidden layer of ``n_hidden=32`` units and ``solver="lbfgs"`` by
   default (MLPRegressor: ``(100,)`` and ``"adam"``): tests that rely on
   MLPRegressor's defaults name ``n_hidden=100`` or ``solver="adam"``.
5. The L2 term of a mini-batch is ``α/(2M)``, ``M`` the whole training
   weight (MLPRegressor: ``α/(2·batch)``).
6. Early stopping watches the validation loss (R² is reported as
   ``validation_scores_``; for one output the lowest loss is the highest
   R²), restores the best weights, and starts its patience once the loss is
   1 % below its first value.
7. ``n_iter_``, ``loss_curve_`` and ``validation_scores_`` describe the last
   ``fit`` (MLPRegressor with ``warm_start`` appends to the curves);
   ``partial_fit`` appends.
8. X near the float limits (``test_nonfinite_params``) is fitted with finite
   weights and no RuntimeWarning, as by the classifier, at most with a
   ConvergenceWarning that advises scaling the features (MLPRegressor raises
   "Solver produced non-finite parameter weights"); a run whose loss does become
   non-finite raises a ValueError that says it diverged and keeps a fitted
   model as it was (``test_mlp_diverging_loss``: MLPRegressor returns NaN
   validation scores), and never returns NaN weights.
9. ``learning_rate`` is the step itself, ``"auto"`` per solver; no
   ``learning_rate_init``, ``power_t`` or schedules.
10. Full-batch training merges duplicate rows, so an integer weight gives bit
    for bit the model of the repeated rows (the scaling of y too).
11. Early stopping needs at least 2 validation rows of positive weight (as
    MLPRegressor), counted before the split.
12. The model is ``W1_`` (n_hidden, n_features), ``b1_``, ``W2_``
    (n_outputs, n_hidden), ``b2_``; ``coefs_``/``intercepts_`` are
    read-only views of them in MLPRegressor's layout.
13. lbfgs also stops once ``n_iter_no_change`` iterations in a row each
    lowered the standardized loss by at most ``tol`` (MLPRegressor's lbfgs
    has its gradient test alone): with ``test_lbfgs_regression``'s
    ``tol=1e-3`` that ends the fit short of its train-set threshold, so the
    test passes ``n_iter_no_change=np.inf``, the gradient test alone.
14. ``test_mlp_vs_poisson_glm_equivalent`` uses an ``"identity"`` hidden
    unit, which we lack: one relu unit whose pre-activation stays positive
    on the data (X in [0, 1]) is the same family, checked in the test.
"""

import warnings

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_digits, load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.preprocessing import MinMaxScaler, scale

from sk_twolayer import TwoLayerRegressor

ACTIVATION_TYPES = ["logistic", "tanh", "relu"]  # test_mlp's, without identity
ACTIVATION = {"logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
MLP_ALPHA = 1e-4  # MLPRegressor's default

X_digits, y_digits = load_digits(n_class=2, return_X_y=True)
X_digits_binary = MinMaxScaler().fit_transform(X_digits[:200])
y_digits_binary = y_digits[:200]

X_reg, y_reg = make_regression(
    n_samples=200, n_features=10, bias=20.0, noise=100.0, random_state=7
)
y_reg = scale(y_reg)

iris = load_iris()
X_iris, y_iris = iris.data, iris.target


@pytest.mark.parametrize("activation", ACTIVATION_TYPES)
def test_lbfgs_regression(activation):
    mlp = TwoLayerRegressor(
        solver="lbfgs",
        n_hidden=50,
        max_iter=200,
        tol=1e-3,
        shuffle=True,
        random_state=1,
        activation=ACTIVATION[activation],
        alpha=MLP_ALPHA,  # difference 3: a train-set threshold
        n_iter_no_change=np.inf,  # difference 13: MLPRegressor's rule
    )
    mlp.fit(X_reg, y_reg)
    assert mlp.score(X_reg, y_reg) > 0.98


@pytest.mark.parametrize("activation", ACTIVATION_TYPES)
def test_lbfgs_regression_maxfun(activation):
    max_fun = 10
    mlp = TwoLayerRegressor(
        solver="lbfgs",
        n_hidden=50,
        tol=0.0,
        max_iter=150,
        max_fun=max_fun,
        shuffle=True,
        random_state=1,
        activation=ACTIVATION[activation],
    )
    with pytest.warns(ConvergenceWarning, match="max_fun"):
        mlp.fit(X_reg, y_reg)
    assert max_fun >= mlp.n_iter_


def test_multioutput_regression():
    X, y = make_regression(n_samples=200, n_targets=5, random_state=11)
    mlp = TwoLayerRegressor(
        solver="lbfgs", n_hidden=50, max_iter=200, tol=1e-2, random_state=1
    )
    mlp.fit(X, y)
    assert mlp.score(X, y) > 0.9


@pytest.mark.parametrize("momentum", [0, 0.9])
def test_partial_fit_regression(momentum):
    # `partial_fit` should yield the same results as 'fit' for regression.
    params = {
        "solver": "sgd",
        "activation": "relu",
        "random_state": 1,
        "learning_rate": 0.01,
        "batch_size": X_reg.shape[0],
        "momentum": momentum,
        "n_hidden": 100,  # difference 4: MLPRegressor's default width
        "alpha": MLP_ALPHA,  # partial_fit alone cannot choose one (difference 3)
    }
    mlp = TwoLayerRegressor(max_iter=100, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_reg, y_reg)
    assert mlp.n_iter_ == 100
    pred1 = mlp.predict(X_reg)
    mlp = TwoLayerRegressor(**params)
    for _ in range(100):
        mlp.partial_fit(X_reg, y_reg)
    pred2 = mlp.predict(X_reg)
    assert_allclose(pred1, pred2)
    assert mlp.score(X_reg, y_reg) > 0.65


def test_nonfinite_params():
    # Difference 8: X at the float limits gives finite weights, no
    # RuntimeWarning (a ConvergenceWarning may advise scaling the features).
    rng = np.random.RandomState(0)
    n_samples = 10
    fmax = np.finfo(np.float64).max
    X = fmax * rng.uniform(size=(n_samples, 2))
    y = rng.standard_normal(size=n_samples)
    reg = TwoLayerRegressor(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    for name in ("W1_", "b1_", "W2_", "b2_"):
        assert np.all(np.isfinite(getattr(reg, name)))
    assert np.all(np.isfinite(reg.predict(X)))


def test_shuffle():
    X, y = make_regression(n_samples=50, n_features=5, n_targets=1, random_state=0)
    params = {"n_hidden": 1, "max_iter": 1, "batch_size": 1, "random_state": 0}
    params["solver"] = "adam"  # difference 4: MLPRegressor's default solver

    # The coefficients will be identical if both do or do not shuffle
    for shuffle in [True, False]:
        mlp1 = TwoLayerRegressor(shuffle=shuffle, **params)
        mlp2 = TwoLayerRegressor(shuffle=shuffle, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mlp1.fit(X, y)
            mlp2.fit(X, y)
        assert np.array_equal(mlp1.W1_, mlp2.W1_)

    # The coefficients will be slightly different if shuffle=True
    mlp1 = TwoLayerRegressor(shuffle=True, **params)
    mlp2 = TwoLayerRegressor(shuffle=False, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp1.fit(X, y)
        mlp2.fit(X, y)
    assert not np.array_equal(mlp1.W1_, mlp2.W1_)


def test_early_stopping():
    X = X_digits_binary[:100]
    y = y_digits_binary[:100]
    tol = 0.2
    mlp = TwoLayerRegressor(tol=tol, max_iter=3000, solver="sgd", early_stopping=True)
    mlp.fit(X, y)
    assert mlp.max_iter > mlp.n_iter_

    assert isinstance(mlp.validation_scores_, list)
    valid_scores = mlp.validation_scores_
    best_valid_score = mlp.best_validation_score_
    assert max(valid_scores) == best_valid_score  # one output: difference 6
    assert best_valid_score + tol > valid_scores[-2]
    assert best_valid_score + tol > valid_scores[-1]

    mlp = TwoLayerRegressor(tol=tol, max_iter=3000, solver="sgd", early_stopping=False)
    mlp.fit(X, y)
    assert mlp.validation_scores_ is None
    assert mlp.best_validation_score_ is None
    assert mlp.loss_ is not None  # MLPRegressor's best_loss_: not applicable


def test_warm_start_full_iteration():
    max_iter = 3
    clf = TwoLayerRegressor(
        n_hidden=2, solver="sgd", warm_start=True, max_iter=max_iter
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_iris, y_iris)
        assert max_iter == clf.n_iter_
        clf.fit(X_iris, y_iris)
        assert max_iter == clf.n_iter_


def test_mlp_regressor_dtypes_casting():
    params = {
        "alpha": 1e-5,
        "n_hidden": 5,  # hidden_layer_sizes=(5, 3): one layer here
        "random_state": 1,
        "max_iter": 150,
        "tol": 1e-3,
    }
    mlp_64 = TwoLayerRegressor(**params)
    mlp_64.fit(X_digits[:300], y_digits[:300])
    pred_64 = mlp_64.predict(X_digits[300:])

    mlp_32 = TwoLayerRegressor(**params)
    mlp_32.fit(X_digits[:300].astype(np.float32), y_digits[:300])
    pred_32 = mlp_32.predict(X_digits[300:].astype(np.float32))

    # scikit-learn's rtol, and an atol for the predictions near 0 (the
    # targets are 0 and 1): a float32 model rounds at about 1e-7 of y's
    # scale, so a prediction of 3e-4 cannot match to 5e-4 of itself (on
    # OpenBLAS's SkylakeX kernels it was 1.8e-7 apart).
    assert_allclose(pred_64, pred_32, rtol=5e-04, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mlp_param_dtypes(dtype):
    X, y = X_digits.astype(dtype), y_digits
    mlp = TwoLayerRegressor(
        alpha=1e-5, n_hidden=5, random_state=1, max_iter=50, tol=1e-1
    )
    mlp.fit(X[:300], y[:300])
    pred = mlp.predict(X[300:])
    assert all(getattr(mlp, name).dtype == dtype for name in ("b1_", "b2_"))
    assert all(getattr(mlp, name).dtype == dtype for name in ("W1_", "W2_"))
    assert pred.dtype == dtype


def test_mlp_loading_from_joblib_partial_fit(tmp_path):
    pre_trained_estimator = TwoLayerRegressor(
        n_hidden=42,
        random_state=42,
        learning_rate=0.01,
        max_iter=200,
        solver="adam",  # difference 4: lbfgs has no partial_fit
        alpha=MLP_ALPHA,  # difference 3: the target is matched to 1e-4
    )
    features, target = [[2]], [4]

    # Fit on x=2, y=4
    pre_trained_estimator.fit(features, target)

    # dump and load model
    pickled_file = tmp_path / "mlp.pkl"
    joblib.dump(pre_trained_estimator, pickled_file)
    load_estimator = joblib.load(pickled_file)

    # Train for a more epochs on point x=2, y=1
    fine_tune_features, fine_tune_target = [[2]], [1]

    for _ in range(200):
        load_estimator.partial_fit(fine_tune_features, fine_tune_target)

    # finetuned model learned the new target
    predicted_value = load_estimator.predict(fine_tune_features)
    assert_allclose(predicted_value, fine_tune_target, rtol=1e-4)


def test_preserve_feature_names():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)

    X = pd.DataFrame(data=rng.randn(10, 2), columns=["colname_a", "colname_b"])
    y = pd.Series(data=np.full(10, 1), name="colname_y")

    model = TwoLayerRegressor(early_stopping=True, validation_fraction=0.2)

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.fit(X, y)


def test_mlp_warm_start_with_early_stopping():
    mlp = TwoLayerRegressor(
        max_iter=10, random_state=0, warm_start=True, early_stopping=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_iris, y_iris)
        n_validation_scores = len(mlp.validation_scores_)
        mlp.set_params(max_iter=20)
        mlp.fit(X_iris, y_iris)
    assert len(mlp.validation_scores_) > n_validation_scores


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_mlp_warm_start_no_convergence(solver):
    model = TwoLayerRegressor(
        solver=solver,
        warm_start=True,
        early_stopping=False,
        max_iter=10,
        n_iter_no_change=np.inf,
        random_state=0,
    )

    with pytest.warns(ConvergenceWarning):
        model.fit(X_iris, y_iris)
    assert model.n_iter_ == 10

    model.set_params(max_iter=20)
    with pytest.warns(ConvergenceWarning):
        model.fit(X_iris, y_iris)
    assert model.n_iter_ == 20


def test_mlp_partial_fit_after_fit():
    mlp = TwoLayerRegressor(early_stopping=True, random_state=0, solver="adam")
    mlp.fit(X_iris, y_iris)

    msg = "partial_fit does not support early_stopping=True"
    with pytest.raises(ValueError, match=msg):
        mlp.partial_fit(X_iris, y_iris)


def test_mlp_diverging_loss():
    # Difference 8: no NaN is ever returned. With scikit-learn's settings the
    # loss grows but stays finite: the fit ends, every validation score a
    # finite float, the weights of the best validation loss kept.
    params = {
        "n_hidden": 100,
        "activation": "tanh",  # no identity activation
        "solver": "sgd",
        "alpha": 0.0001,
        "learning_rate": 1,
        "shuffle": True,
        "max_iter": 20,
        "early_stopping": True,
        "n_iter_no_change": 10,
        "random_state": 0,
    }
    mlp = TwoLayerRegressor(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_iris, y_iris)
    assert all(isinstance(s, float) and np.isfinite(s) for s in mlp.validation_scores_)
    assert mlp.validation_loss_curve_[-1] > mlp.validation_loss_curve_[0]
    assert mlp.best_validation_loss_ == min(mlp.validation_loss_curve_)
    # A step large enough for the loss to overflow: a clear error, the fitted
    # model kept as it was.
    before = mlp.W1_.copy()
    with pytest.raises(ValueError, match="diverged"):
        mlp.set_params(learning_rate=1e300).fit(X_iris, y_iris)
    assert np.array_equal(mlp.W1_, before)


def test_mlp_sample_weight_with_early_stopping():
    X, y = make_regression(
        n_samples=100,
        n_features=2,
        n_informative=2,
        random_state=42,
    )
    sw = np.ones_like(y)
    params = {
        "n_hidden": 10,
        "solver": "adam",
        "early_stopping": True,
        "tol": 1e-2,
        "learning_rate": 0.01,
        "batch_size": 10,
        "random_state": 42,
    }
    m1 = TwoLayerRegressor(**params)
    m1.fit(X, y, sample_weight=sw)

    m2 = TwoLayerRegressor(**params).fit(X, y, sample_weight=None)
    assert_allclose(m1.predict(X), m2.predict(X))


def test_minimum_input_sample_size():
    X, y = make_regression(n_samples=2, n_features=5, random_state=0)
    model = TwoLayerRegressor(early_stopping=True, random_state=0)
    with pytest.raises(ValueError, match="The validation set is too small"):
        model.fit(X, y)


@pytest.mark.parametrize("seed", range(5))
def test_mlp_vs_poisson_glm_equivalent(seed):
    """loss="poisson" with one hidden unit in its linear region equals the
    Poisson GLM (difference 14); the squared error does not."""
    n = 100
    rng = np.random.default_rng(seed)
    X = np.linspace(0, 1, n)
    y = rng.poisson(np.exp(X + 1))
    X = X.reshape(n, -1)
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    params = {"n_hidden": 1, "activation": "relu", "alpha": 0, "tol": 1e-7}
    mlp = TwoLayerRegressor(loss="poisson", random_state=0, **params).fit(X, y)
    assert np.all(X @ mlp.W1_.T + mlp.b1_ > 0)  # relu is the identity here
    assert_allclose(mlp.predict(X), glm.predict(X), rtol=1e-4)

    mlp = TwoLayerRegressor(loss="squared_error", random_state=0, **params)
    mlp.fit(X, y)
    assert not np.allclose(mlp.predict(X), glm.predict(X), rtol=1e-4)
