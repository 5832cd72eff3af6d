"""The path's L-BFGS (``_solvers.path_lbfgs``) against scipy's L-BFGS-B and
on the cases a line search must handle. (The other solvers are tested
through the estimator, in test_classifier.py and test_stochastic.py.)"""

import numpy as np
import pytest

from sk_twolayer import _blas, _solvers
from sk_twolayer._solvers import DivergenceError, lbfgs, path_lbfgs


def logistic(seed=0, n=120, d=30, dtype=np.float64):
    """An L2-regularised logistic loss ``f(w), ∇f(w)``: strictly convex."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, d)).astype(dtype)
    b = (rng.integers(0, 2, n) * 2 - 1).astype(dtype)

    def fun(w):
        z = (A @ w) * b
        loss = np.logaddexp(0, -z).sum() + 0.5 * (w @ w)
        return float(loss), -(A.T @ (b / (1 + np.exp(z)))) + w

    return fun, np.zeros(d, dtype=dtype)


def rosenbrock(x):
    a, b = x
    loss = (1 - a) ** 2 + 100 * (b - a * a) ** 2
    return loss, np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])


def test_it_reaches_scipys_minimum_of_a_convex_loss():
    fun, w0 = logistic()
    ours = path_lbfgs(fun, w0, max_iter=500, tol=1e-10)
    scipy = lbfgs(fun, w0, max_iter=500, tol=1e-10)
    assert ours.converged
    np.testing.assert_allclose(ours.theta, scipy.theta, atol=1e-7)
    assert ours.loss_curve[-1] == pytest.approx(scipy.loss_curve[-1], rel=1e-12)


def test_it_finds_the_rosenbrock_valley_floor():
    result = path_lbfgs(rosenbrock, np.array([-1.2, 1.0]), max_iter=200, tol=1e-9)
    np.testing.assert_allclose(result.theta, [1.0, 1.0], atol=1e-4)


def test_the_loss_falls_at_every_iteration_and_max_iter_bounds_the_run():
    result = path_lbfgs(rosenbrock, np.array([-1.2, 1.0]), max_iter=7, tol=0)
    assert result.n_iter == 7 and not result.converged
    assert len(result.loss_curve) == 7
    assert np.all(np.diff([rosenbrock([-1.2, 1.0])[0], *result.loss_curve]) < 0)


def test_it_computes_in_the_dtype_it_is_given():
    fun, w0 = logistic(dtype=np.float32)
    result = path_lbfgs(fun, w0, max_iter=50, tol=1e-4)
    assert result.theta.dtype == np.float32
    reference = path_lbfgs(*logistic(), max_iter=500, tol=1e-10).theta
    np.testing.assert_allclose(result.theta, reference, atol=1e-3)


def test_the_same_start_gives_the_same_bits():
    fun, w0 = logistic(seed=3)
    a = path_lbfgs(fun, w0, max_iter=15, tol=0)
    b = path_lbfgs(fun, w0, max_iter=15, tol=0)
    np.testing.assert_array_equal(a.theta, b.theta)
    assert a.loss_curve == b.loss_curve


def test_a_non_finite_loss_along_the_line_is_a_step_too_long():
    """Beyond |x| = 2 the loss is infinite; the minimum, at 1.5, is inside."""

    def fun(x):
        if np.max(np.abs(x)) > 2:
            return np.inf, np.full_like(x, np.nan)
        return float(np.sum((x - 1.5) ** 2)), 2 * (x - 1.5)

    result = path_lbfgs(fun, np.array([-1.9, 0.0]), max_iter=50, tol=1e-8)
    np.testing.assert_allclose(result.theta, [1.5, 1.5], atol=1e-6)


def test_a_non_finite_loss_at_the_start_is_divergence():
    def fun(x):
        return np.inf, np.zeros_like(x)

    with pytest.raises(DivergenceError):
        path_lbfgs(fun, np.zeros(3), max_iter=5, tol=0)


def test_the_line_search_returns_a_step_meeting_both_wolfe_conditions():
    x = np.array([-1.2, 1.0])
    loss, grad = rosenbrock(x)
    d = -grad
    gd = float(grad @ d)
    for first in (1e-6, 1.0, 1e3):  # too short, about right, too long
        buffer = np.empty(2)
        t, new_loss, new_grad, evals, last = _solvers._wolfe_step(
            rosenbrock, x, d, loss, gd, first, buffer
        )
        assert new_loss <= loss + _solvers._C1 * t * gd
        assert new_grad @ d >= _solvers._C2 * gd
        np.testing.assert_allclose(new_loss, rosenbrock(x + t * d)[0])
        assert evals >= 1
        if last:  # the buffer holds the step's point, as the solver computes it
            expected = x.copy()
            _blas.add_scaled(expected, t, d)
            np.testing.assert_array_equal(buffer, expected)
    # Out of evaluations with only a too-short step in hand: that step is
    # returned, and the buffer (which may hold a later trial) is not its point.
    t, *_, last = _solvers._wolfe_step(
        rosenbrock, x, d, loss, gd, 1e-6, np.empty(2), max_evals=1
    )
    assert t == 1e-6 and not last


def test_the_path_stops_by_the_patience_rule():
    fun, w0 = logistic(seed=1)
    result = path_lbfgs(fun, w0, max_iter=100, tol=1e-3, n_iter_no_change=3)
    gradient_only = path_lbfgs(fun, w0, max_iter=100, tol=1e-3)
    assert result.converged and result.n_iter < gradient_only.n_iter
    # It stopped at the first iteration where the rule ran out, not before.
    patience = _solvers.Patience(1e-3, 3, relative=True)
    ran_out = [patience.update(loss) for loss in result.loss_curve]
    assert ran_out.index(True) == result.n_iter - 1


def test_a_gradient_too_small_for_its_squares_still_descends():
    """gᵀg underflows to 0 (float32 below about 1e-23) while max |g| > tol = 0:
    the first step is scaled by BLAS's nrm2 instead, which does not
    underflow, and no division by zero is left to raise."""
    for dtype in (np.float32, np.float64):
        c = 1e-30 if dtype == np.float32 else 1e-170

        def fun(x, c=c):
            r = x.astype(np.float64) - 1
            return float(0.5 * c * (r @ r)), (c * r).astype(x.dtype)

        result = path_lbfgs(fun, np.zeros(3, dtype=dtype), max_iter=5, tol=0)
        assert result.n_iter > 0 and np.all(np.isfinite(result.theta))
        assert result.loss_curve[-1] < fun(np.zeros(3))[0]


def test_float32_gradients_beyond_float32s_squares_still_descend():
    """‖g‖ above √(float32 max): a float32 dot of g with itself overflows."""
    c = 1e18

    def fun(x):
        r = x.astype(np.float64) - 1
        return float(0.5 * c * (r @ r)), (np.float32(c) * (x - np.float32(1)))

    single = path_lbfgs(fun, np.zeros(1000, dtype=np.float32), max_iter=20, tol=1e-4)
    double = path_lbfgs(fun, np.zeros(1000), max_iter=20, tol=1e-4)
    assert single.n_iter > 0
    np.testing.assert_allclose(single.theta, double.theta, rtol=1e-5)


def quadratic(x):
    return float(np.sum((x - 1.5) ** 2)), 2 * (x - 1.5)


def test_a_non_finite_gradient_at_the_start_is_divergence():
    for bad in (np.nan, np.inf):

        def fun(x, bad=bad):
            return quadratic(x)[0], np.array([bad, 0.0])

        with pytest.raises(DivergenceError, match="gradient"):
            path_lbfgs(fun, np.zeros(2), max_iter=5, tol=0)


def test_a_non_finite_gradient_along_the_line_is_a_step_too_long():
    """Beyond x₀ = 1 the loss is finite but its gradient NaN; the run stays
    where the gradient is finite."""

    def fun(x):
        loss, grad = quadratic(x)
        return (loss, np.full_like(x, np.nan)) if x[0] > 1.0 else (loss, grad)

    result = path_lbfgs(fun, np.zeros(2), max_iter=50, tol=1e-8)
    assert np.all(np.isfinite(fun(result.theta)[1]))
    assert result.loss_curve[-1] < quadratic(np.zeros(2))[0]
