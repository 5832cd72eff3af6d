"""sk_twolayer._targets: the targets the network trains on, their scaling,
their validation scores and the best constant model; the exact sums behind
them."""

import math
from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import d2_tweedie_score, r2_score

from sk_twolayer import _network as net
from sk_twolayer import _targets as targets


def _exact(values):
    return sum((Fraction(float(v)) for v in values), Fraction(0))


def test_two_product_is_exact():
    rng = np.random.RandomState(0)
    a, b = rng.uniform(-1, 1, 500), rng.uniform(-1, 1, 500)
    p, e = targets.two_product(a, b)
    assert_array_equal(p, a * b)
    for x, y, hi, lo in zip(a, b, p, e):
        assert Fraction(hi) + Fraction(lo) == Fraction(x) * Fraction(y)


@pytest.mark.parametrize(
    "kind", ["normal", "wide exponents", "cancelling", "subnormal", "one value"]
)
def test_exact_sum_is_math_fsum(kind):
    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 1000, 50_000):
        if kind == "normal":
            x = rng.standard_normal(n)
        elif kind == "wide exponents":
            x = rng.standard_normal(n) * 2.0 ** rng.integers(-80, 0, n)
        elif kind == "cancelling":
            v = rng.standard_normal(n)
            x = np.r_[v, -v, 1e-30 * rng.standard_normal(3)]
        elif kind == "subnormal":
            x = rng.uniform(-1, 1, n) * 2.0 ** rng.integers(-1074, 0, n)
        else:
            x = np.full(n, 0.1)
        x = x / np.abs(x).max()
        assert targets.exact_sum(x) == math.fsum(x.tolist())
        assert targets.exact_sum(rng.permutation(x)) == targets.exact_sum(x)
    assert targets.exact_sum(np.zeros(5)) == 0.0


def test_exact_weighted_sums_are_correctly_rounded():
    rng = np.random.RandomState(1)
    V = rng.uniform(-1, 1, (300, 2))
    w = rng.uniform(0, 1, 300)
    sums = targets.exact_weighted_sums(V, w)
    for k in range(2):
        exact = sum(
            (Fraction(float(wi)) * Fraction(float(v)) for wi, v in zip(w, V[:, k])),
            Fraction(0),
        )
        assert sums[k] == float(exact)
    assert targets.exact_weighted_sums(V, None)[0] == float(_exact(V[:, 0]))


def test_an_integer_weight_sums_like_repeated_rows_in_any_order():
    rng = np.random.RandomState(2)
    V = rng.randn(200, 3) / 5
    w = rng.randint(0, 5, size=200)
    order = rng.permutation(200)
    weighted = targets.exact_weighted_sums(V[order], w[order].astype(float) / 4)
    repeated = targets.exact_weighted_sums(np.repeat(V, w, axis=0), None) / 4
    assert_array_equal(weighted, repeated)


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_target_scaling_of_weights_equals_that_of_repeated_rows(n_outputs):
    rng = np.random.RandomState(3)
    y = rng.randn(150, n_outputs) * [1e4, 3.0, 1e-7][:n_outputs] + 17
    w = rng.randint(0, 4, size=150)
    order = rng.permutation(150)
    mean_w, scale_w = targets.target_scaling(y[order], w[order].astype(float))
    mean_r, scale_r = targets.target_scaling(np.repeat(y, w, axis=0), None)
    assert_array_equal(mean_w, mean_r)
    assert_array_equal(scale_w, scale_r)
    rows = np.repeat(y, w, axis=0)
    assert_allclose(mean_r, rows.mean(axis=0), rtol=1e-13)
    assert_allclose(scale_r, rows.std(axis=0), rtol=1e-12)


def test_target_scaling_of_a_power_of_two_multiple_is_that_multiple():
    rng = np.random.RandomState(4)
    y = rng.randn(80, 2) + 3
    mean, scale = targets.target_scaling(y, None)
    mean_big, scale_big = targets.target_scaling(2.0**40 * y, None)
    assert_array_equal(mean_big, 2.0**40 * mean)
    assert_array_equal(scale_big, 2.0**40 * scale)


@pytest.mark.parametrize("value", [0.0, 0.1, -3.7e12, 1e-300, 1.5e308])
def test_a_constant_output_is_scaled_by_its_magnitude(value):
    y = np.c_[np.full(30, value), np.linspace(-1, 1, 30)]
    mean, scale = targets.target_scaling(y, np.linspace(0, 2, 30))
    assert mean[0] == pytest.approx(value, rel=1e-15)
    assert scale[0] == (abs(mean[0]) if value else 1.0)
    assert scale[1] == pytest.approx(
        np.sqrt(np.cov(y[:, 1], aweights=np.linspace(0, 2, 30), ddof=0))
    )
    standardized = targets.standardize(y, np.ones((30, 1)), None)
    assert np.all(np.abs(standardized.Y[:, 0]) < 1e-14)


def test_values_too_far_apart_to_standardize_are_named():
    y = np.r_[np.full(5, -1.7e308), np.full(5, 1.7e308)]
    w = np.r_[np.full(5, 1000.0), np.ones(5)]  # the mean near -1.7e308
    mean, scale = targets.target_scaling(y[:, None], w)
    assert np.isfinite(mean).all() and np.isfinite(scale).all()
    with pytest.raises(ValueError, match="too far"):
        targets.standardize(y, np.ones((10, 1)), w)


def test_standardize_refuses_other_outputs_and_non_numbers():
    X = np.ones((4, 2))
    fitted = targets.standardize(np.arange(4.0), X, None)
    with pytest.raises(ValueError, match="y has 2 output"):
        targets.standardize(
            np.ones((4, 2)), X, None, (fitted.mean, fitted.scale), "partial_fit"
        )
    with pytest.raises(ValueError, match="numeric y"):
        targets.standardize(np.array(list("abcd")), X, None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_to_model_and_from_model_are_inverse(dtype):
    rng = np.random.RandomState(5)
    t = targets.standardize(
        rng.randn(20, 3) * [100, 1, 1e-3] + 7, np.ones((20, 1)).astype(dtype), None
    )
    params = [rng.randn(4, 2), rng.randn(4), rng.randn(3, 4), rng.randn(3)]
    params = [p.astype(dtype) for p in params]
    model = t.to_model(params)
    assert all(p.dtype == dtype for p in model)
    assert_allclose(model[2], t.scale[:, None] * params[2], rtol=1e-6)
    assert_allclose(model[3], t.scale * params[3] + t.mean, rtol=1e-6)
    back = t.from_model(model)
    # b2_ = scale · b2 + mean holds b2 to the rounding of mean, which is
    # |mean| / scale times larger in b2's units.
    eps = np.finfo(dtype).eps
    for a, b in zip(back[:3], params[:3]):
        assert_allclose(a, b, rtol=4 * eps)
    assert_allclose(
        back[3], params[3], rtol=0, atol=4 * eps * np.abs(t.mean / t.scale).max()
    )


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_r2_is_that_of_scikit_learn(n_outputs):
    rng = np.random.RandomState(6)
    Y = rng.randn(60, n_outputs)
    Z = Y + 0.5 * rng.randn(60, n_outputs)
    w = rng.uniform(0.1, 2, 60)
    assert targets.r2(Z, Y, w) == pytest.approx(r2_score(Y, Z, sample_weight=w))


def test_r2_of_a_constant_output_is_one_when_exact_else_zero():
    Y = np.c_[np.full(10, 2.0), np.arange(10.0)]
    w = np.ones(10)
    assert targets.r2(Y.copy(), Y, w) == 1.0
    Z = Y.copy()
    Z[:, 0] += 1
    assert targets.r2(Z, Y, w) == pytest.approx((0.0 + 1.0) / 2)
    assert targets.r2(Z, Y, w) == pytest.approx(r2_score(Y, Z))


def test_accuracy_counts_a_multilabel_row_right_when_every_label_is():
    Y = np.array([[1, 0], [1, 1], [0, 0]], dtype=float)
    Z2 = np.array([[3.0, -3.0], [3.0, -3.0], [-3.0, -3.0]])
    assert targets.accuracy(Z2, Y, np.ones(3), "sigmoid") == pytest.approx(2 / 3)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_best_constant_bias_of_labels_is_the_class_log_prior(output):
    rng = np.random.RandomState(7)
    if output == "softmax":
        Y = np.eye(3)[rng.randint(3, size=90)]
    else:
        Y = (rng.rand(90, 2) > 0.25).astype(float)
    w = rng.uniform(0.5, 2, 90)
    p = w @ Y / w.sum()
    expected = np.log(p) if output == "softmax" else np.log(p / (1 - p))
    b2 = targets.best_constant_bias(Y, w, output)
    assert_allclose(b2, expected, rtol=1e-12)
    # A class that never occurs: a finite bias, its prior clipped at 1e-6.
    Y[:, 0] = 0
    assert np.isfinite(targets.best_constant_bias(Y, w, output)).all()


def test_best_constant_bias_of_the_identity_unit_is_the_exact_weighted_mean():
    rng = np.random.RandomState(8)
    Y = rng.randn(70, 2)
    w = rng.randint(1, 4, size=70).astype(float)
    b2 = targets.best_constant_bias(Y, w, "identity")
    assert_array_equal(
        b2, targets.best_constant_bias(np.repeat(Y, w.astype(int), 0), None, "identity")
    )
    assert_allclose(b2, w @ Y / w.sum(), rtol=1e-14)
    assert net.INVERSE_LINKS["identity"](b2) is b2
    assert math.isclose(
        b2[0],
        float(
            sum(Fraction(float(a)) * Fraction(float(b)) for a, b in zip(w, Y[:, 0]))
            / Fraction(float(w.sum()))
        ),
        rel_tol=1e-15,
    )


# --- counts (loss="poisson") -------------------------------------------------


def test_counts_are_scaled_by_their_exact_weighted_mean():
    rng = np.random.RandomState(9)
    y = rng.poisson([0.5, 40], size=(60, 2))
    w = rng.randint(1, 4, size=60)
    X = np.ones((60, 1))
    t = targets.count_targets(y, X, w.astype(float))
    assert t.output == "exp" and t.score is targets.d2_poisson
    assert_array_equal(t.scale, targets.target_means(y, w.astype(float)))
    assert_allclose(t.scale, w @ y / w.sum(), rtol=1e-15)
    assert_allclose(t.Y, y / t.scale, rtol=1e-15)
    # An integer weight: the scale of repeated rows, bit for bit.
    repeated = targets.count_targets(np.repeat(y, w, 0), np.ones((w.sum(), 1)), None)
    assert_array_equal(repeated.scale, t.scale)


@pytest.mark.parametrize(
    "y, w, message",
    [
        ([1.0, -0.5, 2.0], None, "needs y >= 0"),
        ([0.0, 0.0, 0.0], None, r"output\(s\) \[0\] sum to 0"),
        ([[1, 0], [2, 0], [0, 0]], None, r"output\(s\) \[1\] sum to 0"),
        ([0.0, 3.0, 0.0], [1.0, 0.0, 1.0], r"sum to 0 over the samples of positive"),
        (list("abc"), None, "numeric y"),
    ],
)
def test_count_targets_refuse_negative_y_and_zero_sums(y, w, message):
    X = np.ones((3, 1))
    w = None if w is None else np.asarray(w)
    with pytest.raises(ValueError, match=message):
        targets.count_targets(np.asarray(y), X, w)


def test_count_targets_of_a_continued_fit_keep_its_scale():
    X = np.ones((3, 1))
    t = targets.count_targets(np.zeros(3), X, None, scale=np.array([2.0]))
    assert_array_equal(t.Y, 0)  # a chunk of zeros is fine once there is a scale
    with pytest.raises(ValueError, match="partial_fit: y has 2 output"):
        targets.count_targets(np.ones((3, 2)), X, None, np.array([2.0]), "partial_fit")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_count_to_model_folds_the_log_scale_into_the_output_bias(dtype):
    rng = np.random.RandomState(10)
    y = rng.poisson([3, 300], size=(30, 2))
    t = targets.count_targets(y, np.ones((30, 1), dtype=dtype), None)
    params = [rng.randn(4, 2), rng.randn(4), rng.randn(2, 4), rng.randn(2)]
    params = [p.astype(dtype) for p in params]
    model = t.to_model(params)
    assert all(p.dtype == dtype for p in model)
    for a, b in zip(model[:3], params[:3]):
        assert_array_equal(a, b)
    # ŷ = scale · e^{z} = e^{z + log scale}
    assert_allclose(np.exp(model[3]), t.scale * np.exp(params[3]), rtol=1e-6)
    back = t.from_model(model)
    eps = np.finfo(dtype).eps
    assert_allclose(back[3], params[3], atol=8 * eps * np.log(t.scale).max())


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_d2_poisson_is_scikit_learns_d2_tweedie_score_power_1(n_outputs):
    rng = np.random.RandomState(11)
    Y = rng.poisson(2.0, size=(80, n_outputs)).astype(float)
    Z = np.log(Y + 0.5) + 0.3 * rng.randn(80, n_outputs)
    w = rng.uniform(0.1, 2, 80)
    expected = np.mean(
        [
            d2_tweedie_score(Y[:, k], np.exp(Z[:, k]), sample_weight=w, power=1)
            for k in range(n_outputs)
        ]
    )
    assert targets.d2_poisson(Z.copy(), Y, w) == pytest.approx(expected, rel=1e-12)
    # Unchanged by the units of y (the scaled targets of a fit).
    scaled = targets.d2_poisson(Z - np.log(7.0), Y / 7.0, w)
    assert scaled == pytest.approx(expected, rel=1e-10)


def test_d2_poisson_of_a_constant_output_is_one_when_exact_else_zero():
    Y = np.c_[np.full(10, 2.0), np.arange(10.0)]
    w = np.ones(10)
    Z = np.log(np.c_[np.full(10, 2.0), np.arange(10.0) + 1e-300])
    assert targets.d2_poisson(Z.copy(), Y, w) == pytest.approx(1.0)
    Z[:, 0] += 1
    assert targets.d2_poisson(Z.copy(), Y, w) == pytest.approx(0.5)


def test_best_constant_bias_of_counts_is_the_log_of_the_exact_weighted_mean():
    rng = np.random.RandomState(12)
    Y = rng.poisson([0.2, 9], size=(70, 2)).astype(float)
    w = rng.randint(1, 4, size=70).astype(float)
    b2 = targets.best_constant_bias(Y, w, "exp")
    assert_array_equal(b2, np.log(targets.target_means(Y, w)))
    repeated = np.repeat(Y, w.astype(int), 0)
    assert_array_equal(b2, targets.best_constant_bias(repeated, None, "exp"))
    # No count at all (a fold of alpha="auto"): finite, its output ~0.
    b2 = targets.best_constant_bias(np.zeros((5, 1)), None, "exp")
    assert np.isfinite(b2).all() and np.exp(b2)[0] < 1e-300
