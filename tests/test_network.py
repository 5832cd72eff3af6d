"""The course equations in sk_twolayer._network: gradients and numerics."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import mean_poisson_deviance

from sk_twolayer import _blas
from sk_twolayer import _network as net

N_X, N_H, M = 4, 5, 9


def _problem(output, n_y, weighted, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(M, N_X)
    if output == "softmax":
        Y = np.eye(n_y)[rng.randint(n_y, size=M)]
    elif output == "identity":
        Y = rng.randn(M, n_y)
    elif output == "exp":
        Y = rng.poisson(1.5, size=(M, n_y)).astype(float)  # counts, zeros too
    else:
        Y = (rng.rand(M, n_y) > 0.5).astype(float)
    sample_weight = rng.uniform(0.1, 3.0, size=M) if weighted else None
    n_params = N_H * N_X + N_H + n_y * N_H + n_y
    theta = rng.randn(n_params)
    return X, Y, sample_weight, theta


OUTPUT_CASES = {
    "binary": ("sigmoid", 1),
    "multiclass": ("softmax", 3),
    "multilabel": ("sigmoid", 3),
    "regression": ("identity", 1),
    "multi-output regression": ("identity", 3),
    "counts": ("exp", 1),
    "multi-output counts": ("exp", 3),
}


@pytest.fixture(params=["numpy", "blas"])
def broadcasts(request, monkeypatch):
    """Run with NumPy's broadcasts, and with the BLAS helpers forced down to
    these tiny arrays (they start at a few thousand elements)."""
    if request.param == "blas":
        monkeypatch.setattr(_blas, "MIN_BLAS_ADD", 0)
        monkeypatch.setattr(_blas, "MIN_BLAS_PRODUCT", 0)
    return request.param


@pytest.mark.parametrize(
    "activation, case, weighted, alpha",
    list(
        itertools.product(
            ("tanh", "sigmoid", "relu"), OUTPUT_CASES, (False, True), (0.0, 0.7)
        )
    ),
)
def test_backward_pass_matches_central_differences(
    activation, case, weighted, alpha, broadcasts
):
    output, n_y = OUTPUT_CASES[case]
    X, Y, sample_weight, theta = _problem(output, n_y, weighted)

    def loss(t):
        return net.loss_and_gradients(
            t, X, Y, sample_weight, alpha, activation, output, N_H
        )[0]

    _, grad = net.loss_and_gradients(
        theta, X, Y, sample_weight, alpha, activation, output, N_H
    )
    eps = 1e-6
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = eps
        numeric[i] = (loss(theta + step) - loss(theta - step)) / (2 * eps)
    assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_loss_is_the_weighted_mean_cross_entropy_plus_l2():
    X, Y, sw, theta = _problem("sigmoid", 1, weighted=True)
    W1, b1, W2, b2 = net.unpack(theta, N_X, N_H, 1)
    A2 = 1 / (1 + np.exp(-(np.tanh(X @ W1.T + b1) @ W2.T + b2)))
    ce = -(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)).sum(axis=1)
    alpha = 0.3
    expected = (sw @ ce + alpha / 2 * ((W1**2).sum() + (W2**2).sum())) / sw.sum()
    loss, _ = net.loss_and_gradients(theta, X, Y, sw, alpha, "tanh", "sigmoid", N_H)
    assert loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n_y", [1, 3])
def test_regression_loss_is_half_the_weighted_mean_squared_error_plus_l2(n_y):
    X, Y, sw, theta = _problem("identity", n_y, weighted=True)
    W1, b1, W2, b2 = net.unpack(theta, N_X, N_H, n_y)
    A2 = np.tanh(X @ W1.T + b1) @ W2.T + b2  # the identity output: A2 = Z2
    alpha = 0.3
    penalty = alpha / 2 * ((W1**2).sum() + (W2**2).sum())
    expected = (sw @ ((A2 - Y) ** 2).sum(axis=1) / 2 + penalty) / sw.sum()
    loss, grad = net.loss_and_gradients(theta, X, Y, sw, alpha, "tanh", "identity", N_H)
    assert loss == pytest.approx(expected, rel=1e-12)
    # dZ2 = A2 − Y: the output biases' gradient is the weighted mean residual.
    db2 = net.unpack(grad, N_X, N_H, n_y)[3]
    assert_allclose(db2, sw @ (A2 - Y) / sw.sum(), rtol=1e-12)


@pytest.mark.parametrize("n_y", [1, 3])
def test_count_loss_is_half_the_weighted_mean_poisson_deviance_plus_l2(n_y):
    X, Y, sw, theta = _problem("exp", n_y, weighted=True)
    W1, b1, W2, b2 = net.unpack(theta, N_X, N_H, n_y)
    A2 = np.exp(np.tanh(X @ W1.T + b1) @ W2.T + b2)  # the exponential output
    alpha = 0.3
    penalty = alpha / 2 * ((W1**2).sum() + (W2**2).sum())
    deviance = sum(
        mean_poisson_deviance(Y[:, k], A2[:, k], sample_weight=sw) for k in range(n_y)
    )
    expected = deviance / 2 + penalty / sw.sum()
    loss, grad = net.loss_and_gradients(theta, X, Y, sw, alpha, "tanh", "exp", N_H)
    assert loss == pytest.approx(expected, rel=1e-12)
    # dZ2 = A2 − Y: the output biases' gradient is the weighted mean residual.
    db2 = net.unpack(grad, N_X, N_H, n_y)[3]
    assert_allclose(db2, sw @ (A2 - Y) / sw.sum(), rtol=1e-12)


def test_count_loss_is_zero_for_a_perfect_fit_and_counts_zeros():
    Y = np.array([[0.0, 1.0], [3.0, 0.5]])
    Z = np.log(np.array([[1e-300, 1.0], [3.0, 0.5]]))
    assert_allclose(net.sample_loss(Z, Y, "exp"), 0, atol=1e-15)
    # A zero count costs the prediction itself: ½ d(0, a) = a.
    assert net.sample_loss(np.log([[2.0]]), np.zeros((1, 1)), "exp")[0] == 2.0


def test_identity_output_is_its_input_or_a_copy_into_out():
    Z = np.arange(6.0).reshape(3, 2)
    assert net.OUTPUTS["identity"](Z) is Z
    assert net.OUTPUTS["identity"](Z, out=Z) is Z
    out = np.empty_like(Z)
    assert net.OUTPUTS["identity"](Z, out=out) is out
    assert_array_equal(out, Z)


def test_every_output_unit_has_a_loss_and_an_inverse_link():
    assert set(net.OUTPUTS) == set(net.LOSSES) == set(net.INVERSE_LINKS)


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity", "exp"])
def test_inverse_link_gives_the_bias_whose_output_is_the_mean_target(output):
    """With W2 = 0, the output bias link(mean Y) makes A2 the mean target,
    and no constant model has a lower loss (the gradient of b2 is zero)."""
    rng = np.random.RandomState(3)
    if output == "identity":
        Y = rng.randn(50, 2) * 7 + 3
    elif output == "exp":
        Y = rng.poisson([0.3, 20], size=(50, 2)).astype(float)
    elif output == "softmax":
        Y = np.eye(3)[rng.randint(3, size=50)]
    else:
        Y = (rng.rand(50, 2) > 0.3).astype(float)
    b2 = net.INVERSE_LINKS[output](Y.mean(axis=0))
    Z2 = np.tile(b2, (50, 1))
    A2 = net.OUTPUTS[output](Z2.copy())
    assert_allclose(A2[0], Y.mean(axis=0), rtol=1e-12)
    assert_allclose((A2 - Y).mean(axis=0), 0, atol=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_derivatives_are_written_in_terms_of_the_activation(activation):
    Z = np.linspace(-3, 3, 61) + 0.01  # avoid relu's kink at 0
    A = net.ACTIVATIONS[activation](Z)
    eps = 1e-6
    numeric = (
        net.ACTIVATIONS[activation](Z + eps) - net.ACTIVATIONS[activation](Z - eps)
    ) / (2 * eps)
    assert_allclose(net.DERIVATIVES[activation](A), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_outputs_and_loss_stay_finite_for_huge_logits(dtype):
    # pytest turns RuntimeWarning into an error (pyproject), so an overflow in
    # exp or a log(0) would fail this test.
    Z = np.array([[-1e30, 0.0, 1e30], [1e4, -1e4, 0.0], [-800, 800, 3]], dtype=dtype)
    Y = np.array([[0, 0, 1], [1, 0, 0], [1, 0, 0]], dtype=dtype)
    for output in ("sigmoid", "softmax"):
        A = net.OUTPUTS[output](Z)
        assert A.dtype == dtype
        assert np.all(np.isfinite(A)) and np.all((A >= 0) & (A <= 1))
        losses = net.sample_loss(Z, Y, output)
        assert np.all(np.isfinite(losses)) and np.all(losses >= 0)
    assert_allclose(net.softmax(Z).sum(axis=1), 1, rtol=1e-6)
    # The correct class at +1e30 costs nothing; the wrong one costs ~|z|.
    assert net.sample_loss(Z[:1], Y[:1], "softmax")[0] == pytest.approx(0, abs=1e-6)
    assert net.sample_loss(Z[2:], Y[2:], "softmax")[0] == pytest.approx(1600, rel=1e-6)
    # Predicted counts: the logits clipped to the dtype's range, e^z finite > 0.
    A = net.poisson_mean(Z.copy())
    assert A.dtype == dtype and np.all(np.isfinite(A)) and np.all(A > 0)
    assert A[0, 2] > np.finfo(dtype).max / 2 and A[0, 0] <= 2 * np.finfo(dtype).tiny
    # In training such a logit overflows: the loss is inf, which the solvers
    # report as divergence (under their errstate).
    with np.errstate(over="ignore"):
        assert np.isinf(net.sample_loss(Z, 3 * Y, "exp")[0])


@pytest.mark.parametrize("scale", [1, 300, 1e4])
def test_softmax_rows_sum_to_one_in_float32_whatever_the_logits(scale):
    """Normalising by the row sum, not subtracting logsumexp: with logits of
    a few hundred, z − logsumexp(z) rounds to 3e-5 in float32 and a row of
    probabilities summed to 1 ± 1e-5 (found by a hypothesis draw)."""
    rng = np.random.RandomState(5)
    Z = (rng.randn(200, 4) * scale).astype(np.float32)
    P = net.softmax(Z)
    assert P.dtype == np.float32
    assert_allclose(P.sum(axis=1), 1, rtol=3e-7)
    assert_array_equal(P.argmax(axis=1), Z.argmax(axis=1))


def test_cross_entropy_matches_the_textbook_formula_for_moderate_logits():
    rng = np.random.RandomState(1)
    Z = rng.randn(20, 3) * 3
    Y = np.eye(3)[rng.randint(3, size=20)]
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert_allclose(net.sample_loss(Z, Y, "softmax"), -(Y * np.log(P)).sum(1))
    S = 1 / (1 + np.exp(-Z))
    expected = -(Y * np.log(S) + (1 - Y) * np.log(1 - S)).sum(1)
    assert_allclose(net.sample_loss(Z, Y, "sigmoid"), expected)


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity", "exp"])
@pytest.mark.parametrize("weighted", [False, True])
def test_total_loss_is_the_weighted_sum_over_samples(output, weighted):
    rng = np.random.RandomState(2)
    Z = rng.randn(30, 3) * 4
    Y = np.eye(3)[rng.randint(3, size=30)]
    s = rng.uniform(0.1, 3, size=30) if weighted else None
    per_sample = net.sample_loss(Z, Y, output)
    expected = per_sample.sum() if s is None else s @ per_sample
    total = net.total_loss(Z, Y, s, output)
    assert isinstance(total, float)
    assert total == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 2, 3, 7, 8, 12])
@pytest.mark.parametrize("m", [10, 500])
def test_row_max_and_row_sum_are_numpys_bit_for_bit(dtype, k, m):
    """Short rows are reduced a column at a time (cheaper than NumPy's
    reduction along rows): the same numbers, to the last bit."""
    rng = np.random.RandomState(k)
    Z = (rng.rand(m, k) * np.exp(rng.randn(m, k) * 4)).astype(dtype)
    Z[::7] *= -1
    assert_array_equal(net.row_sum(Z), Z.sum(axis=1, keepdims=True))
    Z[1, 0], Z[2, -1], Z[3, 0] = np.nan, np.inf, -np.inf
    assert_array_equal(net.row_max(Z), Z.max(axis=1, keepdims=True))
    assert net.row_max(Z).dtype == net.row_sum(Z).dtype == dtype


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity", "exp"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("in_place", [False, True])
@pytest.mark.parametrize("n_y", [2, 3, 7, 8, 12])
def test_loss_and_output_are_total_loss_and_the_output_bit_for_bit(
    output, weighted, dtype, in_place, n_y
):
    rng = np.random.RandomState(3)
    # Some rows far from 0; for counts, predictions e^z up to ~e^40 (several
    # such in a float32 row would overflow its sum: a diverged fit).
    spread = 10 if output == "exp" else 30
    Z = (rng.randn(500, n_y) * spread).astype(dtype)
    Y = np.eye(n_y, dtype=dtype)[rng.randint(n_y, size=500)]
    s = rng.uniform(0.1, 3, size=500).astype(dtype) if weighted else None
    expected_loss = net.total_loss(Z, Y, s, output)
    expected_output = net.OUTPUTS[output](Z.copy())
    work = Z.copy()
    out = work if in_place else np.empty_like(Z)
    loss, A = net.loss_and_output(work, Y, s, output, out=out)
    assert A is out
    assert loss == expected_loss
    assert_array_equal(A, expected_output)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_y", [1, 3])
def test_blas_helpers_equal_numpy_broadcasts(dtype, n_y, broadcasts):
    rng = np.random.RandomState(3)
    Z, b = rng.randn(40, 7).astype(dtype), rng.randn(7).astype(dtype)
    A, B = rng.randn(40, n_y).astype(dtype), rng.randn(n_y, 7).astype(dtype)
    expected_sum, expected_product = Z + b, A @ B
    out = np.full((40, 7), np.nan, dtype=dtype)
    assert _blas.add_to_rows(Z, b, np.ones(40, dtype)) is Z
    assert _blas.product_into(A, B, out=out) is out
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    assert_allclose(Z, expected_sum, rtol=rtol)
    assert_allclose(out, expected_product, rtol=rtol)


def test_blas_helpers_fall_back_for_arrays_blas_cannot_write(monkeypatch):
    """A strided view, another dtype or an integer array go to NumPy, which
    still writes in place (BLAS would have written into a copy)."""
    monkeypatch.setattr(_blas, "MIN_BLAS_ADD", 0)
    monkeypatch.setattr(_blas, "MIN_BLAS_PRODUCT", 0)
    rng = np.random.RandomState(4)
    base = rng.randn(40, 14)
    for Z, b in [
        (base[:, ::2], rng.randn(7)),  # not contiguous
        (rng.randn(40, 7).astype(np.float32), rng.randn(7)),  # mixed types
        (np.arange(280).reshape(40, 7), np.arange(7)),  # integers
    ]:
        expected = Z + b
        _blas.add_to_rows(Z, b, np.ones(40))
        assert_allclose(Z, expected)
    A, B = rng.randn(40, 2), rng.randn(2, 7)
    out = np.zeros((7, 40)).T  # F-ordered: BLAS would return a copy
    _blas.product_into(A, B, out=out)
    assert_allclose(out, A @ B)


def test_total_loss_of_a_well_fitted_float32_model_is_accurate():
    """Σ log(1 + e^z) and Σ y z over many confident float32 logits nearly
    cancel; the total is taken row by row, in float64 (summed apart the two
    were 7e-4 off here)."""
    rng = np.random.RandomState(0)
    Y = (rng.rand(131072, 1) > 0.5).astype(np.float32)
    Z = ((2 * Y - 1) * rng.uniform(6, 12, Y.shape)).astype(np.float32)
    Z64, Y64 = Z.astype(float), Y.astype(float)
    expected = np.sum(np.logaddexp(0, Z64) - Y64 * Z64)
    assert net.total_loss(Z, Y, None, "sigmoid") == pytest.approx(expected, rel=2e-5)


def test_softplus_may_write_over_its_input():
    Z = np.array([[-3.0, 2.0], [0.0, 40.0]])
    expected = np.logaddexp(0, Z)
    assert net.softplus(Z, out=Z) is Z
    assert_allclose(Z, expected, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softplus_is_logaddexp_without_overflow(dtype):
    Z = np.concatenate([np.linspace(-50, 50, 201), [0, -1e4, 1e4, -3e38, 3e38]])
    Z = Z.astype(dtype).reshape(-1, 1)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        S = net.softplus(Z)
        out = np.empty_like(Z)
        assert net.softplus(Z, out=out) is out
    assert S.dtype == dtype
    assert_allclose(S, np.logaddexp(0, Z), rtol=1e-6 if dtype == np.float32 else 1e-15)
    assert_array_equal(out, S)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_add_scaled_is_axpy_in_place(dtype):
    from sk_twolayer._blas import add_scaled

    rng = np.random.RandomState(5)
    x, y = rng.randn(2, 1000).astype(dtype)
    expected = y + dtype(-0.3) * x
    assert add_scaled(y, -0.3, x) is y
    tol = 1e-6 if dtype == np.float32 else 1e-15  # one rounding, of terms ≈ 1
    assert_allclose(y, expected, rtol=tol, atol=tol)


def test_add_scaled_falls_back_for_arrays_blas_cannot_write():
    """A strided view, a 2-D array or mixed types go to NumPy, which still
    updates y in place (axpy would have written into a copy)."""
    from sk_twolayer._blas import add_scaled

    rng = np.random.RandomState(6)
    cases = [
        (rng.randn(20)[::2], rng.randn(10)),  # not contiguous
        (rng.randn(4, 5), rng.randn(4, 5)),  # 2-D
        (rng.randn(10).astype(np.float32), rng.randn(10)),  # mixed types
        (rng.randn(10), rng.randn(10)[::-1]),  # x reversed
    ]
    for y, x in cases:
        expected = y + 2.0 * x
        assert add_scaled(y, 2.0, x) is y
        assert_allclose(y, expected, rtol=1e-6)


def test_weights_come_first_in_theta():
    """The L2 term's slice: theta[:n_weights] holds W1 and W2."""
    rng = np.random.RandomState(0)
    params = (rng.randn(N_H, N_X), rng.randn(N_H), rng.randn(2, N_H), rng.randn(2))
    theta = net.pack(*params)
    n_w = net.n_weights(N_X, N_H, 2)
    assert n_w == params[0].size + params[2].size
    assert_allclose(theta[:n_w], np.concatenate([params[0].ravel(), params[2].ravel()]))


def test_pack_and_unpack_are_inverse_views():
    rng = np.random.RandomState(0)
    params = (rng.randn(N_H, N_X), rng.randn(N_H), rng.randn(2, N_H), rng.randn(2))
    theta = net.pack(*params)
    views = net.unpack(theta, N_X, N_H, 2)
    for p, v in zip(params, views):
        assert_allclose(p, v)
        assert np.shares_memory(v, theta)


def test_course_initialisation_draws_w1_then_w2_from_randn():
    W1, b1, W2, b2 = net.initialize(2, 4, 1, 0.01, "tanh", np.random.RandomState(2))
    rng = np.random.RandomState(2)
    assert_allclose(W1, rng.randn(4, 2) * 0.01, rtol=0, atol=0)
    assert_allclose(W2, rng.randn(1, 4) * 0.01, rtol=0, atol=0)
    assert not b1.any() and not b2.any()
