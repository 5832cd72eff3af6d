"""The posterior behind ``TwoLayerRegressor.predict(X, return_std=True)``:
sk_twolayer._posterior against finite differences and explicit matrices, and
the std's behaviour through the estimator."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import skops.io as sio
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerRegressor
from sk_twolayer import _network as net
from sk_twolayer import _posterior as post

ACTIVATIONS = ("tanh", "sigmoid", "relu")


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _tiny(activation, n_y, seed=0, m=7, n_x=3, n_h=4):
    rng = np.random.RandomState(seed)
    X = rng.randn(m, n_x)
    W1, b1 = rng.randn(n_h, n_x), rng.randn(n_h)
    W2, b2 = rng.randn(n_y, n_h), rng.randn(n_y)
    if activation == "relu":  # keep every pre-activation off relu's kink
        b1 += np.sign(b1) * 0.5
        Z1 = X @ W1.T + b1
        X = X[np.abs(Z1).min(axis=1) > 0.05]
    return X, (W1, b1, W2, b2)


def _to_theta(params):
    return net.pack(*params)


def _layout_order(n_x, n_h, n_y):
    """For each entry of ``jacobian_rows``' layout, its index in theta's
    (``_network.pack``: W1, W2, b1, b2)."""
    W1 = np.arange(n_h * n_x).reshape(n_h, n_x)
    W2 = n_h * n_x + np.arange(n_y * n_h).reshape(n_y, n_h)
    b1 = n_h * (n_x + n_y) + np.arange(n_h)
    b2 = n_h * (n_x + n_y + 1) + np.arange(n_y)
    first = np.hstack([W1, b1[:, None]]).ravel()
    second = np.hstack([W2, b2[:, None]]).ravel()
    return np.concatenate([first, second])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n_y", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("output", ["identity", "exp"])
def test_gauss_newton_plus_prior_is_the_hessian_where_residuals_vanish(
    activation, n_y, weighted, output
):
    """With targets the network predicts exactly, the Hessian of
    Σ s ℓ + ½ α ‖W‖² is G + α D (central differences of the backward
    pass's gradient), ℓ half the squared error, or half the Poisson
    deviance with each row's J_z weighed by s μ."""
    X, params = _tiny(activation, n_y)
    n_x, n_h, alpha = X.shape[1], params[0].shape[0], 0.7
    Z = net.forward(X, *params, activation)[1]
    Y = np.exp(Z) if output == "exp" else Z  # zero residuals
    s = np.random.RandomState(1).uniform(0.2, 3, len(X)) if weighted else None
    m = len(X) if s is None else s.sum()
    theta = _to_theta(params)

    def gradient(t):  # of m J = Σ s ℓ + α/2 ‖W‖²
        return m * net.loss_and_gradients(t, X, Y, s, alpha, activation, output, n_h)[1]

    eps = 1e-5
    hessian = np.empty((theta.size, theta.size))
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = eps
        hessian[:, i] = (gradient(theta + step) - gradient(theta - step)) / (2 * eps)
    order = _layout_order(n_x, n_h, n_y)
    expected = hessian[np.ix_(order, order)]

    A1, dA1 = post.hidden(X, params[0], params[1], activation)
    weights = (np.ones(len(X)) if s is None else s)[:, None] * np.ones_like(Z)
    if output == "exp":
        weights = weights * np.exp(Z)  # the deviance's curvature in z, μ
    G = post.gauss_newton(X, A1, dA1, params[2], weights)  # lower triangle
    assert_array_equal(np.triu(G, 1), 0)
    G = G + np.tril(G, -1).T
    D = post.weight_mask(n_x, n_h, n_y)
    assert_allclose(G + np.diag(alpha * D), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_jacobian_rows_are_finite_differences_of_predict(activation):
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    Y = np.c_[np.sin(X[:, 0]), X[:, 1] * X[:, 2]]
    reg = TwoLayerRegressor(n_hidden=5, activation=activation, random_state=0)
    reg.fit(X, 10 * Y + 3)
    x = X[:4]
    if activation == "relu":  # rows off the kinks
        Z1 = x @ reg.W1_.T + reg.b1_
        x = x[np.abs(Z1).min(axis=1) > 1e-3]
    A1, dA1 = post.hidden(x, reg.W1_, reg.b1_, activation)
    eps = 1e-6
    for k in range(2):
        J = post.jacobian_rows(x, A1, dA1, reg.W2_, k)
        numeric = []
        layout = []  # jacobian_rows': [W1 | b1] row by row, then [W2 | b2]
        n_h, n_x = reg.W1_.shape
        for h in range(n_h):
            layout += [("W1_", (h, j)) for j in range(n_x)] + [("b1_", (h,))]
        for o in range(2):
            layout += [("W2_", (o, h)) for h in range(n_h)] + [("b2_", (o,))]
        for name, index in layout:
            p = getattr(reg, name)
            saved = p[index]
            p[index] = saved + eps
            up = reg.predict(x)[:, k]
            p[index] = saved - eps
            down = reg.predict(x)[:, k]
            p[index] = saved
            numeric.append((up - down) / (2 * eps))
        assert_allclose(J, np.array(numeric).T, rtol=1e-5, atol=1e-7)


def _kron_quadratic(A, B, alpha, v):
    """vᵀ (A ⊗ B + α I)⁻¹ v, explicitly."""
    K = np.kron(A, B) + alpha * np.eye(A.shape[0] * B.shape[0])
    return v @ np.linalg.solve(K, v)


@pytest.mark.parametrize("n_x", [3, 12])  # rows' span: 12 + 1 > 8 rows
def test_kfac_hidden_block_is_the_kronecker_inverse(n_x):
    """The hidden layer's term, from the two factors' eigenvectors (and the
    prior outside the rows' span), is J (A ⊗ B + α I)⁻¹ Jᵀ."""
    rng = np.random.RandomState(0)
    m, n_h, alpha = 8, 4, 0.5
    X = rng.randn(m, n_x)
    W1, b1, W2 = rng.randn(n_h, n_x), rng.randn(n_h), rng.randn(1, n_h)
    s = rng.uniform(0.5, 2, m)
    A1, dA1 = post.hidden(X, W1, b1, "tanh")
    factors, _ = post._fit_kfac(X, A1, dA1, W2, s, alpha)
    posterior = post.Posterior("kfac", np.zeros(1), 1.0, 0.0, alpha, factors)
    x = rng.randn(3, n_x)
    a1, da1 = post.hidden(x, W1, b1, "tanh")
    got = post._epistemic(posterior, x, a1, da1, W2)[:, 0] / factors["scale"]
    A = ((dA1 * s[:, None]).T @ dA1) * (W2.T @ W2) / s.sum()
    X1 = np.c_[X, np.ones(m)]
    B = (X1 * s[:, None]).T @ X1
    A1t = np.c_[A1, np.ones(m)]
    C = (A1t * s[:, None]).T @ A1t + np.diag(np.r_[alpha * np.ones(n_h), 0])
    for i in range(3):
        j_hidden = np.kron(W2[0] * da1[i], np.r_[x[i], 1])
        a = np.r_[a1[i], 1]
        expected = _kron_quadratic(A, B, alpha, j_hidden) + a @ np.linalg.solve(C, a)
        assert_allclose(got[i], expected, rtol=1e-8)


def test_full_and_kfac_agree_on_the_output_layer_alone():
    """With W1 frozen (the hidden layer's rows of J zero: g′ = 0), both
    kinds are the Bayesian linear regression of y on [A1, 1]."""
    rng = np.random.RandomState(0)
    X, n_h, alpha = rng.randn(30, 2), 3, 0.4
    W1, b1, W2 = rng.randn(n_h, 2), rng.randn(n_h), rng.randn(1, n_h)
    s = np.ones(30)
    A1 = np.tanh(X @ W1.T + b1)
    frozen = np.zeros_like(A1)
    full, _ = post._fit_full(X, A1, frozen, W2, s, alpha)
    kfac, _ = post._fit_kfac(X, A1, frozen, W2, s, alpha)
    kfac["scale"] = 1.0  # the factors as they are, not matched to γ
    x = rng.randn(5, 2)
    a1 = np.tanh(x @ W1.T + b1)
    got = [
        post._epistemic(
            post.Posterior(kind, np.zeros(1), 1.0, 0.0, alpha, factors),
            x,
            a1,
            np.zeros_like(a1),
            W2,
        )
        for kind, factors in (("full", full), ("kfac", kfac))
    ]
    assert_allclose(got[0], got[1], rtol=1e-8)


# --------------------------------------------------- through the estimator


def _noisy_sine(n, seed, gap=False):
    rng = np.random.RandomState(seed)
    if gap:
        x = np.r_[rng.uniform(-3, -1, n // 2), rng.uniform(1, 3, n - n // 2)]
    else:
        x = rng.uniform(-3, 3, n)
    return x[:, None], np.sin(x) + 0.3 * rng.randn(n)


@pytest.mark.parametrize("kind", ["full", "kfac"])
def test_the_90_percent_interval_covers_about_90_percent(kind, monkeypatch):
    """On data drawn from a known model (noise sd 0.3), new points fall in
    mean ± 1.645 std about 90 % of the time."""
    monkeypatch.setattr(post, "FULL_MAX_PARAMS", 10**9 if kind == "full" else 0)
    X, y = _noisy_sine(300, 0)
    X_new, y_new = _noisy_sine(4000, 1)
    reg = TwoLayerRegressor(n_hidden=16, random_state=0).fit(X, y)
    assert reg.posterior_.kind == kind
    mean, std = reg.predict(X_new, return_std=True)
    coverage = np.mean(np.abs(y_new - mean) <= 1.645 * std)
    assert 0.86 <= coverage <= 0.94
    assert 0.25 < np.median(std) < 0.4  # about the noise, 0.3
    # with a float alpha, no held-out error: the noise over m − γ
    reg = TwoLayerRegressor(n_hidden=16, alpha=reg.alpha_, random_state=0).fit(X, y)
    assert reg.posterior_.kind == kind
    mean, std = reg.predict(X_new, return_std=True)
    coverage = np.mean(np.abs(y_new - mean) <= 1.645 * std)
    assert 0.86 <= coverage <= 0.94
    assert 0.25 < np.median(std) < 0.4  # about the noise, 0.3


def test_std_grows_where_the_data_are_thin():
    """In the middle of a gap in 1-D data, at least twice the median std
    over the training points (the exact curvature; K-FAC's hidden-layer
    factors average g′ and x apart, and lose most of this)."""
    X, y = _noisy_sine(200, 0, gap=True)
    reg = TwoLayerRegressor(random_state=0).fit(X, y)
    assert reg.posterior_.kind == "full"
    _, std_train = reg.predict(X, return_std=True)
    _, std_gap = reg.predict([[0.0]], return_std=True)
    assert std_gap[0] >= 2 * np.median(std_train)


def test_y_mean_is_predict_and_shapes_follow_the_outputs(friedman_like):
    X, y = friedman_like
    reg = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, y)
    mean, std = reg.predict(X, return_std=True)
    assert_array_equal(mean, reg.predict(X))
    assert mean.shape == std.shape == (len(X),)
    assert np.all(std > 0) and np.all(np.isfinite(std))
    Y = np.c_[y, -3 * y + 7]
    multi = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, Y)
    mean, std = multi.predict(X, return_std=True)
    assert_array_equal(mean, multi.predict(X))
    assert mean.shape == std.shape == (len(X), 2)
    # one noise level per output, in each output's units
    assert np.all(std[:, 1] > std[:, 0])


@pytest.fixture
def friedman_like():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(150, 4))
    y = 10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 5 * X[:, 2] + rng.randn(150)
    return X, 40 * y + 500


def test_std_is_in_y_units(friedman_like):
    X, y = friedman_like
    base = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, y)
    big = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, 2**10 * y + 17)
    assert_allclose(
        big.predict(X, return_std=True)[1],
        2**10 * base.predict(X, return_std=True)[1],
        rtol=1e-6,
    )


def test_integer_weights_give_the_std_of_repeated_rows(friedman_like):
    X, y = friedman_like
    w = np.random.RandomState(1).randint(1, 4, len(X))
    weighted = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, y, sample_weight=w)
    repeated = TwoLayerRegressor(n_hidden=8, random_state=0).fit(
        np.repeat(X, w, axis=0), np.repeat(y, w)
    )
    assert_array_equal(weighted.W2_, repeated.W2_)
    assert_allclose(
        weighted.predict(X, return_std=True)[1],
        repeated.predict(X, return_std=True)[1],
        rtol=1e-9,
    )


def test_float32_sparse_and_pipeline(friedman_like):
    X, y = friedman_like
    reg = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X.astype(np.float32), y)
    mean, std = reg.predict(X.astype(np.float32), return_std=True)
    assert mean.dtype == std.dtype == np.float32
    dense = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, y)
    assert_allclose(
        dense.predict(sp.csr_matrix(X), return_std=True)[1],
        dense.predict(X, return_std=True)[1],
        rtol=1e-12,
    )
    Y = (y[:, None] - dense._target_mean) / dense._target_scale
    for kind in post.KINDS:
        fits = [
            post.fit(Xs, Y, None, dense._trained_params(), 0.5, "tanh", kind)
            for Xs in (X, sp.csr_matrix(X))
        ]
        assert_allclose(fits[0].noise, fits[1].noise, rtol=1e-10)
    pipe = make_pipeline(
        StandardScaler(), TwoLayerRegressor(n_hidden=8, random_state=0)
    )
    pipe.fit(X, y)
    mean, std = pipe.predict(X, return_std=True)
    assert_array_equal(mean, pipe.predict(X))
    assert std.shape == mean.shape


def test_posterior_survives_pickle_and_skops_bit_for_bit(friedman_like, tmp_path):
    X, y = friedman_like
    reg = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, y)
    std = reg.predict(X, return_std=True)[1]
    assert_array_equal(
        pickle.loads(pickle.dumps(reg)).predict(X, return_std=True)[1], std
    )
    path = tmp_path / "model.skops"
    sio.dump(reg, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert all(t.startswith("sk_twolayer.") for t in untrusted)
    restored = sio.load(path, trusted=untrusted)
    assert_array_equal(restored.predict(X, return_std=True)[1], std)


def test_partial_fit_keeps_no_posterior_and_says_so(friedman_like):
    X, y = friedman_like
    reg = TwoLayerRegressor(n_hidden=8, solver="adam", random_state=0).fit(X, y)
    reg.predict(X, return_std=True)
    reg.partial_fit(X, y)
    assert reg.predict(X).shape == (len(X),)
    with pytest.raises(ValueError, match="partial_fit.*Call fit"):
        reg.predict(X, return_std=True)
    reg.fit(X, y)  # fit brings it back
    assert reg.predict(X, return_std=True)[1].shape == (len(X),)


def test_warm_start_refit_takes_a_new_posterior(friedman_like):
    X, y = friedman_like
    reg = TwoLayerRegressor(n_hidden=8, warm_start=True, random_state=0).fit(X, y)
    first = reg.posterior_
    reg.fit(X[:100], y[:100])
    assert reg.posterior_ is not first
    fresh = TwoLayerRegressor(n_hidden=8, random_state=0, alpha=reg.alpha_)
    fresh.W1_ = reg.W1_  # the same weights, the posterior from the same rows
    fresh_post = post.fit(
        X[:100],
        (y[:100, None] - reg._target_mean) / reg._target_scale,
        None,
        reg._trained_params(),
        reg.alpha_,
        "tanh",
    )
    assert_allclose(fresh_post.noise, reg.posterior_.noise, rtol=1e-10)


def test_failed_fit_keeps_the_posterior_and_bad_input_is_refused(friedman_like):
    X, y = friedman_like
    reg = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, y)
    std = reg.predict(X, return_std=True)[1]
    with pytest.raises(ValueError):
        reg.fit(X, np.r_[y[:-1], np.nan])
    assert_array_equal(reg.predict(X, return_std=True)[1], std)
    with pytest.raises(ValueError, match="features"):
        reg.predict(X[:, :3], return_std=True)
    with pytest.raises(ValueError):
        reg.predict(np.full_like(X, np.nan), return_std=True)


def test_transformed_target_regressor_interval_through_the_inverse_function():
    """TransformedTargetRegressor.predict does not pass (mean, std) through;
    the documented recipe: the interval in the transformed units, its ends
    mapped through the inverse function."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 1))
    y = np.exp(X[:, 0] + 0.2 * rng.randn(300))
    ttr = TransformedTargetRegressor(
        TwoLayerRegressor(n_hidden=4, random_state=0), func=np.log, inverse_func=np.exp
    ).fit(X, y)
    with pytest.raises(AttributeError):
        ttr.predict(X, return_std=True)
    mean, std = ttr.regressor_.predict(X, return_std=True)
    low, high = np.exp(mean - 1.645 * std), np.exp(mean + 1.645 * std)
    assert 0.85 <= np.mean((low <= y) & (y <= high)) <= 0.95


# ---------------------------------------------------------------- counts


def _counts(n, seed, dispersion=1.0):
    """Counts of mean μ = 20 e^{sin x}, Poisson (dispersion 1) or negative
    binomial of variance dispersion · μ."""
    rng = np.random.RandomState(seed)
    x = rng.uniform(-3, 3, n)
    mu = 20 * np.exp(np.sin(x))
    if dispersion == 1.0:
        return x[:, None], rng.poisson(mu), mu
    p = 1 / dispersion  # negative binomial: var = μ / p
    return x[:, None], rng.negative_binomial(mu * p / (1 - p), p), mu


@pytest.mark.parametrize("dispersion", [1.0, 3.0])
def test_counts_std_is_the_dispersed_poisson_noise_and_covers(dispersion):
    """For counts, std² ≈ φ μ (the noise, Poisson's times the dispersion the
    residuals show), and the 90 % interval covers about 90 % of new counts
    (their means are large enough for the normal approximation)."""
    X, y, _ = _counts(400, 0, dispersion)
    X_new, y_new, mu_new = _counts(4000, 1, dispersion)
    reg = TwoLayerRegressor(n_hidden=8, loss="poisson", random_state=0).fit(X, y)
    mean, std = reg.predict(X_new, return_std=True)
    assert_array_equal(mean, reg.predict(X_new))
    assert 0.8 * dispersion < np.median(std**2 / mean) < 1.25 * dispersion
    coverage = np.mean(np.abs(y_new - mean) <= 1.645 * std)
    assert 0.86 <= coverage <= 0.94


def test_counts_std_is_in_y_units_and_grows_in_a_gap():
    rng = np.random.RandomState(0)
    x = np.r_[rng.uniform(-3, -1, 150), rng.uniform(1, 3, 150)]
    y = rng.poisson(20 * np.exp(np.sin(x)))
    reg = TwoLayerRegressor(loss="poisson", random_state=0).fit(x[:, None], y)
    rate = TwoLayerRegressor(loss="poisson", random_state=0).fit(x[:, None], y / 8)
    assert_allclose(
        rate.predict(x[:, None], return_std=True)[1],
        reg.predict(x[:, None], return_std=True)[1] / 8,
        rtol=1e-5,
    )
    mean, std = reg.predict(x[:, None], return_std=True)
    gap_mean, gap_std = reg.predict([[0.0]], return_std=True)
    # relative to the Poisson noise at the same mean
    assert gap_std[0] / np.sqrt(gap_mean[0]) >= 2 * np.median(std / np.sqrt(mean))


def test_counts_std_with_an_exposure_is_the_average_rows_in_any_unit():
    """Rates with an exposure (y = counts / E, weight E): the std is that of
    the rate of a new row with the average exposure Ē, so std² ≈ μ / Ē for
    Poisson counts (the weights' uncertainty is small here), and 90 % of
    such rows fall in the interval; the exposure's unit changes nothing but
    y's units (the posterior reads the weights as alpha="auto" does)."""
    rng = np.random.RandomState(0)
    x = rng.uniform(-3, 3, 1000)
    exposure = rng.uniform(0.5, 4.0, 1000)
    counts = rng.poisson(exposure * 5 * np.exp(np.sin(x)))

    def fit(unit):
        reg = TwoLayerRegressor(loss="poisson", random_state=0)
        return reg.fit(x[:, None], counts / (unit * exposure), unit * exposure)

    mean, std = fit(1.0).predict(x[:, None], return_std=True)
    average = exposure.mean()
    assert 0.85 < np.median(std**2 * average / mean) < 1.2
    x_new = rng.uniform(-3, 3, 4000)
    rate_new = rng.poisson(average * 5 * np.exp(np.sin(x_new))) / average
    mean_new, std_new = fit(1.0).predict(x_new[:, None], return_std=True)
    assert 0.86 <= np.mean(np.abs(rate_new - mean_new) <= 1.645 * std_new) <= 0.94
    for unit in (1024.0, 1e-4):
        assert_allclose(
            unit * fit(unit).predict(x[:, None], return_std=True)[1], std, rtol=1e-5
        )
