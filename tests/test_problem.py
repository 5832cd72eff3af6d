"""The training problem rewritten without changing it: wide data in the
coordinates of their rows' span (``_problem.RowSpace``)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sk_twolayer import TwoLayerClassifier, _training
from sk_twolayer import _network as net
from sk_twolayer._problem import RowSpace


@pytest.fixture
def wide():
    X, y = make_classification(
        n_samples=40, n_features=120, n_informative=8, random_state=0
    )
    return X, y


def test_row_space_only_for_dense_data_with_fewer_rows_than_columns(wide):
    import scipy.sparse as sp

    X, _ = wide
    assert RowSpace.of(X) is not None
    assert RowSpace.of(X[:, :40]) is None and RowSpace.of(X.T) is None
    assert RowSpace.of(sp.csr_matrix(X)) is None


def test_the_loss_in_the_row_space_is_the_loss(wide):
    """X·W1ᵀ with W1 = C·Qᵀ is (X·Q)·Cᵀ and ‖W1‖ = ‖C‖: the same loss, and
    the gradient in C is the gradient in W1 times Q."""
    X, y = wide
    Y = y[:, None].astype(float)
    space = RowSpace(X)
    rng = np.random.RandomState(0)
    n_h, r = 5, space.X.shape[1]
    C, b1, W2, b2 = rng.randn(n_h, r), rng.randn(n_h), rng.randn(1, n_h), [0.3]
    sw = rng.rand(len(y))
    reduced = net.pack(C, b1, W2, np.array(b2))
    full = net.pack(space.expand(C), b1, W2, np.array(b2))
    args = sw, 2.0, "tanh", "sigmoid", n_h
    loss_r, grad_r = net.loss_and_gradients(reduced, space.X, Y, *args)
    loss_f, grad_f = net.loss_and_gradients(full, X, Y, *args)
    assert loss_r == pytest.approx(loss_f, rel=1e-12)
    dC = net.unpack(grad_r, r, n_h, 1)[0]
    dW1 = net.unpack(grad_f, X.shape[1], n_h, 1)[0]
    np.testing.assert_allclose(dC, space.reduce(dW1), rtol=1e-10, atol=1e-12)
    # W1 = C·Qᵀ in the span; C = W1·Q drops only what X cannot see.
    np.testing.assert_allclose(space.reduce(space.expand(C)), C, atol=1e-12)
    np.testing.assert_allclose(space.project(X), space.X, atol=1e-10)


def test_a_wide_default_fit_lies_in_the_rows_span(wide, monkeypatch):
    X, y = wide
    seen = []
    lbfgs = _training.lbfgs

    def recording(fun, theta, **kwargs):
        seen.append(fun.data[0].shape)
        return lbfgs(fun, theta, **kwargs)

    monkeypatch.setattr(_training, "lbfgs", recording)
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    assert seen == [(40, 40)]  # the final fit on the rows' 40 coordinates
    assert clf.W1_.shape == (32, 120)
    # Nothing of W1_ is orthogonal to the rows: W1_ = W1_·P, P the
    # projection on their span.
    Q = np.linalg.qr(X.T)[0]
    np.testing.assert_allclose(clf.W1_ @ Q @ Q.T, clf.W1_, atol=1e-10)
    assert clf.score(X, y) > 0.9


def test_wide_early_stopping_scores_the_projected_validation_rows(wide):
    X, y = np.vstack([wide[0]] * 2), np.concatenate([wide[1]] * 2)
    X = X + np.random.RandomState(0).normal(scale=0.1, size=X.shape)
    clf = TwoLayerClassifier(early_stopping=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    # Scored in the span's coordinates (the rows' 120 columns would not
    # multiply the 72 of the span's fit), the best iteration's weights kept.
    assert clf.best_validation_loss_ == min(clf.validation_loss_curve_)
    assert clf.W1_.shape == (32, 120) and clf.score(X, y) > 0.9


def test_explicit_alphas_fit_wide_data_in_the_features(wide, monkeypatch):
    """An explicit alpha (0 among them: the part of W1 orthogonal to the
    rows then keeps its initial value) is fitted as given."""
    X, y = wide
    seen = []
    lbfgs = _training.lbfgs

    def recording(fun, theta, **kwargs):
        seen.append(fun.data[0].shape)
        return lbfgs(fun, theta, **kwargs)

    monkeypatch.setattr(_training, "lbfgs", recording)
    for alpha in (0.0, 1.0):
        TwoLayerClassifier(alpha=alpha, random_state=0).fit(X, y)
    assert seen == [(40, 120)] * 2
