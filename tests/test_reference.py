"""An independent reference: the course's own column-major loop.

``course_nn_model`` below is a straight transcription of the course notebook
(course 1, week 3: ``initialize_parameters``, ``forward_propagation``,
``compute_cost``, ``backward_propagation``, ``update_parameters``) with X of
shape (n_x, m). The estimator, which keeps samples as rows, must reproduce it.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from sk_twolayer import TwoLayerClassifier, make_flower


def course_nn_model(X, Y, n_h, num_iterations, learning_rate=1.2, seed=2):
    """The course's nn_model, column-major, written as in the notebook."""
    n_x, n_y, m = X.shape[0], Y.shape[0], X.shape[1]
    np_random = np.random.RandomState(seed)  # the notebook: np.random.seed(2)
    W1 = np_random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np_random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    costs = []
    for _ in range(num_iterations):
        # forward_propagation
        Z1 = np.dot(W1, X) + b1
        A1 = np.tanh(Z1)
        Z2 = np.dot(W2, A1) + b2
        A2 = 1 / (1 + np.exp(-Z2))
        # compute_cost
        logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
        costs.append(float(-np.sum(logprobs) / m))
        # backward_propagation
        dZ2 = A2 - Y
        dW2 = (1 / m) * np.dot(dZ2, A1.T)
        db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
        dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
        dW1 = (1 / m) * np.dot(dZ1, X.T)
        db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
        # update_parameters
        W1 = W1 - learning_rate * dW1
        b1 = b1 - learning_rate * db1
        W2 = W2 - learning_rate * dW2
        b2 = b2 - learning_rate * db2
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, costs


def course_network(n_hidden, max_iter):
    """TwoLayerClassifier set up as the course's network, every iteration run."""
    return TwoLayerClassifier(
        n_hidden=n_hidden,
        activation="tanh",
        solver="gd",
        learning_rate=1.2,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=10**9,
        alpha=0.0,
        init=0.01,
        random_state=2,
    )


def fit_quietly(model, X, y):
    with warnings.catch_warnings():
        # Every iteration is run on purpose, so max_iter is always reached.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


@pytest.mark.parametrize("n_hidden", [1, 4, 7])
def test_gd_matches_the_course_loop_weight_for_weight(n_hidden):
    X, y = make_flower(random_state=1)
    expected, costs = course_nn_model(X.T, y[None, :], n_hidden, num_iterations=1000)
    clf = fit_quietly(course_network(n_hidden, 1000), X, y)
    assert clf.n_iter_ == 1000
    assert_allclose(clf.W1_, expected["W1"], rtol=1e-7, atol=1e-10)
    assert_allclose(clf.b1_, expected["b1"][:, 0], rtol=1e-7, atol=1e-10)
    assert_allclose(clf.W2_, expected["W2"], rtol=1e-7, atol=1e-10)
    assert_allclose(clf.b2_, expected["b2"][:, 0], rtol=1e-7, atol=1e-10)
    assert_allclose(clf.loss_curve_, costs, rtol=1e-9)


# The course's table of training accuracies (%) for hidden-layer sizes, and
# LogisticRegression's 47 %.
COURSE_TABLE = {1: 67.5, 2: 67.25, 3: 90.75, 4: 90.5, 5: 91.25, 20: 90.0, 50: 90.75}


@pytest.mark.parametrize("n_hidden, accuracy", COURSE_TABLE.items())
def test_course_table_on_the_flower(n_hidden, accuracy):
    X, y = make_flower(n_samples=400, noise=0.2, random_state=1)
    clf = fit_quietly(course_network(n_hidden, 5000), X, y)
    assert 100 * clf.score(X, y) == pytest.approx(accuracy, abs=2)


def test_logistic_regression_fails_on_the_flower_as_in_the_course():
    X, y = make_flower(random_state=1)
    assert 100 * LogisticRegression().fit(X, y).score(X, y) == pytest.approx(47, abs=2)


def test_make_flower_is_the_course_data_set():
    # load_planar_dataset() from the course's planar_utils, transcribed.
    np_random = np.random.RandomState(1)
    m, N, a = 400, 200, 4
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1), dtype="uint8")
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np_random.randn(N) * 0.2
        r = a * np.sin(4 * t) + np_random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    X_ours, y_ours = make_flower(n_samples=400, noise=0.2, random_state=1)
    assert_allclose(X_ours, X, rtol=0, atol=0)
    assert (y_ours == Y[:, 0]).all()
