"""Mini-batch solvers (sgd, adam), partial_fit and early stopping."""

import io
import pickle
import warnings
from contextlib import redirect_stdout

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer, StandardScaler
from sklearn.utils import check_random_state

from sk_twolayer import TwoLayerClassifier, make_flower
from sk_twolayer import _network as net

STOCHASTIC = ("sgd", "adam")
INCREMENTAL = ("sgd", "adam", "gd")


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def flower():
    X, y = make_flower(random_state=1)
    return StandardScaler().fit_transform(X), y


def _weights(clf):
    return [getattr(clf, name) for name in ("W1_", "b1_", "W2_", "b2_")]


# ------------------------------------------------------------- partial_fit


@pytest.mark.parametrize("solver", INCREMENTAL)
def test_partial_fit_needs_classes_on_the_first_call(iris, solver):
    X, y = iris
    clf = TwoLayerClassifier(solver=solver)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    assert not hasattr(clf, "W1_")


@pytest.mark.parametrize("solver", INCREMENTAL)
def test_partial_fit_rejects_unseen_labels_and_keeps_the_model(iris, solver):
    X, y = iris
    clf = TwoLayerClassifier(solver=solver, random_state=0)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    before = pickle.dumps(clf.__dict__)
    with pytest.raises(ValueError, match=r"labels \[2\] that are not in classes_"):
        clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="differs from the classes_"):
        clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[y < 2, :3], y[y < 2])
    assert pickle.dumps(clf.__dict__) == before


def test_partial_fit_chunk_may_hold_one_class(iris):
    X, y = iris
    clf = TwoLayerClassifier(solver="adam", random_state=0)
    clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1, 2])
    assert clf.W2_.shape == (3, clf.n_hidden)
    assert_array_equal(clf.classes_, [0, 1, 2])


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_repeated_partial_fit_learns_iris(iris, solver):
    X, y = iris
    clf = TwoLayerClassifier(solver=solver, random_state=0)
    for _ in range(60):
        clf.partial_fit(X, y, classes=np.unique(y))
    assert clf.score(X, y) >= 0.9
    assert clf.n_iter_ == 60 and len(clf.loss_curve_) == 60
    assert clf.t_ == 60 * len(y)


@pytest.mark.parametrize("solver", INCREMENTAL)
def test_pickling_between_partial_fit_calls_continues_identically(iris, solver):
    X, y = iris
    chunks = np.array_split(np.random.RandomState(0).permutation(len(y)), 5)
    straight = TwoLayerClassifier(solver=solver, random_state=0)
    resumed = TwoLayerClassifier(solver=solver, random_state=0)
    for i, rows in enumerate(chunks * 2):
        straight.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
        resumed.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
        if i % 3 == 1:  # optimiser state and shuffling RNG travel in the pickle
            resumed = pickle.loads(pickle.dumps(resumed))
    for a, b in zip(_weights(straight), _weights(resumed)):
        assert_array_equal(a, b)


def test_gd_partial_fit_is_one_gradient_step(flower):
    X, y = flower
    params = {"solver": "gd", "learning_rate": 0.5, "random_state": 0, "alpha": 2.0}
    stepped = TwoLayerClassifier(**params).partial_fit(X, y, classes=[0, 1])
    fitted = TwoLayerClassifier(max_iter=1, tol=0, **params).fit(X, y)
    for a, b in zip(_weights(stepped), _weights(fitted)):
        assert_array_equal(a, b)


def test_partial_fit_is_not_offered_by_lbfgs():
    clf = TwoLayerClassifier(solver="lbfgs")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit"):
        clf.partial_fit
    assert hasattr(clf.set_params(solver="adam"), "partial_fit")


@pytest.mark.parametrize("solver", INCREMENTAL)
def test_partial_fit_refuses_early_stopping_and_keeps_the_model(iris, solver):
    """As MLPClassifier: a call sees one chunk, with nothing held out."""
    X, y = iris
    message = "partial_fit does not support early_stopping=True"
    clf = TwoLayerClassifier(solver=solver, early_stopping=True)
    with pytest.raises(ValueError, match=message):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert not hasattr(clf, "W1_")
    clf.set_params(early_stopping=False).partial_fit(X, y, classes=[0, 1, 2])
    before = pickle.dumps(clf.set_params(early_stopping=True).__dict__)
    with pytest.raises(ValueError, match=message):
        clf.partial_fit(X, y)
    assert pickle.dumps(clf.__dict__) == before


def test_partial_fit_refuses_balanced_class_weight(iris):
    X, y = iris
    clf = TwoLayerClassifier(solver="adam", class_weight="balanced")
    with pytest.raises(ValueError, match="'balanced' needs the whole data"):
        clf.partial_fit(X, y, classes=[0, 1, 2])


def test_partial_fit_with_string_labels(flower):
    X, y = flower
    labels = np.array(["blue", "red"])[y]
    clf = TwoLayerClassifier(solver="adam", random_state=0)
    for _ in range(150):
        clf.partial_fit(X, labels, classes=["blue", "red"])
    assert set(clf.predict(X)) <= {"blue", "red"} and clf.score(X, labels) > 0.8


# ---------------------------------------------------------- mini-batches


def test_one_full_batch_sgd_epoch_equals_one_gd_step(flower):
    # With one batch, no momentum and no shuffling, an SGD epoch is exactly a
    # gradient step: the L2 term of a batch is scaled to the full objective.
    X, y = flower
    common = {"learning_rate": 0.3, "alpha": 1.5, "max_iter": 1, "tol": 0}
    common["random_state"] = 0
    sgd = TwoLayerClassifier(
        solver="sgd", batch_size=len(y), momentum=0.0, shuffle=False, **common
    )
    gd = TwoLayerClassifier(solver="gd", **common)
    for a, b in zip(_weights(sgd.fit(X, y)), _weights(gd.fit(X, y))):
        assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("chunk_batches", [1, 2, None])
@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_minibatch_terms_average_to_the_full_batch_objective(
    flower, output, weighted, shuffled, chunk_batches, monkeypatch
):
    """Each batch's gradient is that of J_B (its L2 term scaled by m_B / M);
    the epoch's loss, taken from the batches' logits a chunk of batches at a
    time (one, two, or all of them here), is the weight-average of the J_B;
    and both average to the full-batch J."""
    from sk_twolayer._blocks import MiniBatchLoss as _BatchLoss

    X, y = flower
    if output == "softmax":
        y = np.where(X[:, 0] > 1, 2, y)
    Y = LabelBinarizer().fit_transform(y).astype(float)
    n, n_y = Y.shape
    rng = np.random.RandomState(0)
    theta = rng.randn(8 * (2 + n_y) + 8 + n_y)
    s = rng.uniform(0.5, 2.0, n) if weighted else None
    order = rng.permutation(n) if shuffled else None
    rows = np.arange(n) if order is None else order
    total = n if s is None else s.sum()
    if chunk_batches:  # chunks of 150 or 300 rows: the last one is partial
        monkeypatch.setattr(_BatchLoss, "CHUNK_BYTES", chunk_batches * 150 * n_y * 8)
    fun = _BatchLoss(X, Y, s, 3.0, "tanh", output, 8, batch=150)
    assert len(fun.logits) == 150 * chunk_batches if chunk_batches else n
    fun.start_epoch(order)
    mean_loss, mean_grad = 0.0, 0.0
    for batch in (slice(0, 150), slice(150, 300), slice(300, n)):
        grad, scale = fun(theta, batch)
        r = rows[batch]
        s_B = None if s is None else s[r]
        m_B = len(r) if s is None else s_B.sum()
        loss_B, grad_B = net.loss_and_gradients(
            theta, X[r], Y[r], s_B, 3.0 * m_B / total, "tanh", output, 8
        )
        assert_allclose(scale * grad, grad_B, rtol=1e-10, atol=1e-14)
        mean_loss += m_B / total * loss_B
        mean_grad += m_B / total * grad_B
    assert fun.epoch_loss() == pytest.approx(mean_loss, rel=1e-12)
    assert fun.epoch_loss() == pytest.approx(mean_loss, rel=1e-12)  # not twice
    full_loss, full_grad = net.loss_and_gradients(
        theta, X, Y, s, 3.0, "tanh", output, 8
    )
    assert fun.epoch_loss() == pytest.approx(full_loss, rel=1e-12)
    assert_allclose(mean_grad, full_grad, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_batch_size_sets_the_number_of_updates(iris, solver):
    X, y = iris
    clf = TwoLayerClassifier(solver=solver, batch_size=32, max_iter=3, tol=0)
    clf.fit(X, y)
    n_batches = -(-len(y) // 32)
    if solver == "adam":
        assert clf._optimizer.t == 3 * n_batches
    clf.set_params(batch_size=10_000).fit(X, y)  # clipped to n_samples
    if solver == "adam":
        assert clf._optimizer.t == 3


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_shuffle_false_is_deterministic_without_random_state(iris, solver):
    X, y = iris
    a = TwoLayerClassifier(solver=solver, shuffle=False, init=0.1, random_state=0)
    b = TwoLayerClassifier(solver=solver, shuffle=True, init=0.1, random_state=0)
    assert not np.array_equal(a.fit(X, y).W1_, b.fit(X, y).W1_)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_stochastic_solvers_match_full_batch_accuracy_on_the_flower(flower, solver):
    X, y = flower
    reference = max(
        TwoLayerClassifier(solver=s, random_state=0).fit(X, y).score(X, y)
        for s in ("lbfgs", "gd")
    )
    clf = TwoLayerClassifier(solver=solver, max_iter=1000, random_state=0)
    assert clf.fit(X, y).score(X, y) >= reference - 0.02


@pytest.mark.parametrize("solver", ["sgd", "adam", "gd", "lbfgs"])
def test_warm_start_continues_for_every_solver(iris, solver):
    X, y = iris
    clf = TwoLayerClassifier(solver=solver, max_iter=5, warm_start=True, random_state=0)
    first = clf.fit(X, y).loss_
    second = clf.fit(X, y).loss_curve_[0]
    assert second <= first + 1e-9  # starts where the first fit ended
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X[y < 2], y[y < 2])


# -------------------------------------------------------- early stopping


def _validation_rows(clf, X, y):
    """The validation split that fit draws: after the initial weights."""
    rng = check_random_state(clf.random_state)
    n_out = 1 if len(np.unique(y)) == 2 else len(np.unique(y))
    net.initialize(X.shape[1], clf.n_hidden, n_out, clf.init, clf.activation, rng)
    index = np.arange(len(y))
    _, val = train_test_split(
        index, test_size=clf.validation_fraction, stratify=y, random_state=rng
    )
    return val


@pytest.mark.parametrize("solver", ["adam", "sgd", "gd", "lbfgs"])
def test_early_stopping_stops_and_restores_the_best_weights(solver):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = TwoLayerClassifier(
        solver=solver, early_stopping=True, max_iter=500, random_state=0
    )
    clf.fit(X, y)
    assert clf.n_iter_ < 500
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == clf.n_iter_
    best = int(np.argmin(clf.validation_loss_curve_))
    assert clf.best_validation_loss_ == clf.validation_loss_curve_[best]
    assert clf.best_validation_score_ == clf.validation_scores_[best]
    if solver in STOCHASTIC:  # digits overfits: the last epochs were worse
        assert best < clf.n_iter_ - 1
    # The returned weights are those of the best epoch: recompute its loss.
    val = _validation_rows(clf, X, y)
    P = clf.predict_proba(X[val])
    loss = -np.mean(np.log(P[np.arange(len(val)), y[val]]))
    assert loss == pytest.approx(clf.best_validation_loss_, rel=1e-9)
    assert clf.score(X[val], y[val]) == pytest.approx(clf.best_validation_score_)


def test_early_stopping_with_string_labels_and_sample_weights(flower):
    X, y = flower
    labels = np.array(["out", "in"])[y]
    w = np.where(y == 1, 2.0, 1.0)
    clf = TwoLayerClassifier(solver="adam", early_stopping=True, random_state=0)
    clf.fit(X, labels, sample_weight=w)
    assert clf.best_validation_score_ > 0.7
    assert set(clf.predict(X)) == {"in", "out"}


def test_early_stopping_too_small_for_a_stratified_split_says_so(iris):
    X, y = iris
    clf = TwoLayerClassifier(early_stopping=True, validation_fraction=0.01)
    with pytest.raises(ValueError, match="validation_fraction=0.01"):
        clf.fit(X, y)


def test_no_validation_attributes_without_early_stopping(iris):
    X, y = iris
    clf = TwoLayerClassifier(solver="adam", max_iter=5).fit(X, y)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None


@pytest.mark.parametrize("solver", ["adam", "sgd", "gd", "lbfgs"])
def test_verbose_reports_the_validation_score_for_every_solver(iris, solver):
    X, y = iris
    out = io.StringIO()
    clf = TwoLayerClassifier(
        solver=solver, early_stopping=True, max_iter=8, tol=0, verbose=True
    )
    with redirect_stdout(out):
        clf.fit(X, y)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("Iter")]
    assert len(lines) == clf.n_iter_
    assert "validation loss" in lines[0] and "score" in lines[0]


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_early_stopping_outlasts_the_plateau_of_the_flower(solver):
    X, y = make_flower(random_state=1)
    X, _, y, _ = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = TwoLayerClassifier(solver=solver, early_stopping=True, random_state=0)
    assert clf.fit(X, y).best_validation_score_ > 0.8


@pytest.mark.parametrize("solver", ["sgd", "adam", "gd"])
def test_early_stopping_outlasts_a_long_plateau(solver):
    """On this split of the flower the validation loss rises over its start
    and stays above it for 70-90 epochs (the training loss falling slowly
    all along) before it falls: the second patience (10 · n_iter_no_change
    epochs without that fall) must not cut it short."""
    X, y = make_flower(random_state=1)
    X, _, y, _ = train_test_split(X, y, test_size=0.25, stratify=y, random_state=4)
    X = StandardScaler().fit_transform(X)
    # alpha=2.0, the default before "auto", under which the plateau was found
    clf = TwoLayerClassifier(
        solver=solver, early_stopping=True, random_state=4, alpha=2.0
    )
    clf.fit(X, y)
    curve = np.array(clf.validation_loss_curve_)
    fall = int(np.argmax(curve < 0.99 * curve[0])) + 1
    assert curve[fall - 1] < 0.99 * curve[0]  # the fall came
    assert fall > 7 * clf.n_iter_no_change  # after a long plateau
    assert clf.n_iter_ > fall + clf.n_iter_no_change
    assert clf.best_validation_loss_ < 0.95 * curve[0]
    assert clf.score(X, y) > 0.8


@pytest.mark.parametrize(
    "solver, data_seed", [("sgd", 1), ("adam", 1), ("gd", 1), ("lbfgs", 0)]
)
def test_early_stopping_stops_when_nothing_is_learnable(solver, data_seed):
    """Labels unrelated to X, on data where the network overfits from its
    first epochs: the validation loss never falls 1% below its first value,
    so patience never starts; the fit stops after 10 · n_iter_no_change
    epochs (it ran all max_iter before), keeping the weights of the lowest
    validation loss."""
    rng = np.random.RandomState(data_seed)
    X, y = rng.randn(500, 10), rng.randint(0, 2, 500)
    clf = TwoLayerClassifier(
        solver=solver,
        early_stopping=True,
        n_iter_no_change=5,
        max_iter=1000,
        alpha=2.0,  # the default before "auto"; the data were chosen under it
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # it stopped early
        clf.fit(X, y)
    curve = clf.validation_loss_curve_
    assert min(curve) >= 0.99 * curve[0]  # no start ever came
    assert clf.n_iter_ == len(curve) == 10 * 5
    assert clf.best_validation_loss_ == min(curve)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        endless = clf.set_params(n_iter_no_change=np.inf, max_iter=60).fit(X, y)
    assert endless.n_iter_ == 60  # np.inf: no patience rule stops it


@pytest.mark.parametrize("solver", ["sgd", "adam", "gd"])
def test_infinite_n_iter_no_change_runs_max_iter(iris, solver):
    """MLPClassifier accepts n_iter_no_change=np.inf: the tol rule is off."""
    X, y = iris
    common = {"solver": solver, "tol": 1e3, "max_iter": 25, "random_state": 0}
    assert TwoLayerClassifier(**common).fit(X, y).n_iter_ == 11  # tol rule fires
    clf = TwoLayerClassifier(n_iter_no_change=np.inf, **common).fit(X, y)
    assert clf.n_iter_ == 25


@pytest.mark.parametrize("solver", ["sgd", "adam", "gd", "lbfgs"])
def test_early_stopping_split_leaves_out_rows_of_zero_weight(iris, solver):
    """Rows of zero weight count for nothing on either side of the split:
    adding them changes nothing; and when too few rows of positive weight
    remain for a split, the error says so (it was a ZeroDivisionError)."""
    X, y = iris
    w = np.tile([1.0, 2.0, 0.5], 50)
    zeros = np.arange(0, 150, 5)
    X_more = np.insert(X, zeros, 7.0, axis=0)
    y_more = np.insert(y, zeros, 2)
    w_more = np.insert(w, zeros, 0.0)
    common = {"solver": solver, "early_stopping": True, "max_iter": 30}
    a = TwoLayerClassifier(random_state=0, **common).fit(X, y, sample_weight=w)
    b = TwoLayerClassifier(random_state=0, **common).fit(
        X_more, y_more, sample_weight=w_more
    )
    assert_array_equal(b.validation_loss_curve_, a.validation_loss_curve_)
    for p, q in zip(_weights(a), _weights(b)):
        assert_array_equal(p, q)
    # The random testing's case: two rows of positive weight, one per class.
    X5 = np.random.RandomState(0).randn(5, 8)
    clf = TwoLayerClassifier(
        solver=solver,
        early_stopping=True,
        validation_fraction=0.5,
        max_iter=1,
        random_state=357,
    )
    before = pickle.dumps(a.set_params(validation_fraction=0.5).__dict__)
    for est in (clf, a):
        with pytest.raises(ValueError, match="from 2 samples of positive weight"):
            est.fit(X5 if est is clf else X[:5], [0, 1, 1, 0, 1], [0.5, 0, 0, 0, 1])
    assert not hasattr(clf, "W1_")
    assert pickle.dumps(a.__dict__) == before


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_convergence_warning_names_max_iter(iris, solver):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        TwoLayerClassifier(solver=solver, max_iter=2, tol=0).fit(X, y)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_huge_learning_rate_is_a_clear_error(flower, solver):
    X, y = flower
    clf = TwoLayerClassifier(solver=solver, activation="relu", random_state=0)
    clf.fit(X, y)
    before = pickle.dumps(clf.__dict__)
    clf.set_params(learning_rate=1e300)
    with pytest.raises(ValueError, match="diverged"):
        clf.fit(X * 1e6, y)
    clf.set_params(learning_rate="auto")
    assert pickle.dumps(clf.__dict__) == before


def scripted_monitor(losses, tol=1e-4, n_iter_no_change=3):
    """An early-stopping monitor whose validation losses are ``losses``."""
    from sk_twolayer._monitor import Monitor

    class Scripted(Monitor):
        def _validate(self, theta):
            return next(script), 0.5

    script = iter(losses)
    est = TwoLayerClassifier(tol=tol, n_iter_no_change=n_iter_no_change)
    return Scripted(est, validation=True, n_x=1, n_y=1)


def test_early_stopping_patience_starts_once_the_validation_loss_falls():
    monitor = scripted_monitor(
        [0.70, 0.71, 0.72, 0.73, 0.74, 0.75, 0.69, 0.6, 0.6, 0.6, 0.6]
    )
    stops = [monitor(i, 1.0, np.zeros(3)) for i in range(1, 12)]
    assert stops == [False] * 10 + [True]  # no stop during the rise
    assert monitor.best_loss == 0.6


def test_early_stopping_without_a_start_stops_after_ten_patiences():
    never = scripted_monitor([0.70, 0.72, 0.695] + [0.71] * 40)  # never < 0.693
    stops = [never(i, 1.0, np.zeros(3)) for i in range(1, 31)]
    assert stops == [False] * 29 + [True]
    late = scripted_monitor([0.70] + [0.71] * 28 + [0.69] + [0.6] * 10)  # falls at 30
    stops = [late(i, 1.0, np.zeros(3)) for i in range(1, 41)]
    assert stops[:33] == [False] * 33  # started at 30: patience from there
    assert stops[33]  # three epochs without improvement after the best (0.6)


def test_early_stopping_does_not_return_the_constant_start():
    # On this split SGD's momentum first raises the validation loss above that
    # of the best-constant start; stopping then returned a constant model.
    X, y = make_flower(random_state=1)
    X, _, y, _ = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = TwoLayerClassifier(solver="sgd", early_stopping=True, random_state=0)
    clf.fit(X, y)
    first = clf.validation_loss_curve_[0]
    assert max(clf.validation_loss_curve_[:10]) > first  # the rise happens
    assert clf.best_validation_loss_ < first - 0.1
    assert clf.score(X, y) > 0.75


# ------------------------------------------------------------------- Adam


def _textbook_adam(theta, grads, lr, betas, eps):
    """MLPClassifier's Adam, line for line; ``betas[i]`` apply at step i.
    Returns the parameters and the moments m and v."""
    m = v = np.zeros_like(theta)
    for t, (g, (b1, b2)) in enumerate(zip(grads, betas), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        theta = theta - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    return theta, m, v


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adam_with_scaled_moments_takes_the_textbook_steps(dtype):
    """The rearranged arithmetic (scaled moments, the scales p and r, the
    gradient's 1/m folded into the step) is an implementation detail: the
    steps are MLPClassifier's. Also when set_params changes β between
    partial_fit calls (the unscaled moments carry over), with β1 = 0, and
    over enough steps for the moments to be brought back to scale 1 many
    times."""
    from sk_twolayer._solvers import Adam

    rng = np.random.RandomState(0)
    betas = [(0.9, 0.999)] * 150 + [(0.5, 0.99)] * 60 + [(0.0, 0.9)] * 10
    betas += [(0.9, 0.999)] * 180
    theta0 = rng.randn(50).astype(dtype)
    adam = Adam(50, dtype, learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    theta, grads = theta0.copy(), []
    for b1, b2 in betas:
        scale = 10.0 ** rng.uniform(-3, 3)  # the step is given g / scale, scale
        g = (rng.randn(50) * 10.0 ** rng.randint(-6, 2) / scale).astype(dtype)
        grads.append(scale * g.astype(float))
        adam.beta_1, adam.beta_2 = b1, b2
        adam.step(theta, g, scale)
        assert theta.dtype == dtype
        assert max(adam._p, adam._r) <= Adam.MAX_SCALE
    expected = _textbook_adam(theta0.astype(float), grads, 0.01, betas, 1e-8)
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    assert_allclose(theta, expected[0], rtol=rtol)
    for moment, textbook in zip(adam.moments(), expected[1:]):
        assert_allclose(moment, textbook, rtol=rtol)


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sgd_takes_the_textbook_steps_with_the_scale_folded_in(nesterov, dtype):
    """v := μ v − α g, θ := θ + v (Nesterov: θ := θ + μ v − α g), for the
    gradient g handed over as ``g / scale, scale``."""
    from sk_twolayer._solvers import SGD

    rng = np.random.RandomState(0)
    theta = rng.randn(30).astype(dtype)
    expected, v = theta.astype(float), np.zeros(30)
    sgd = SGD(30, dtype, learning_rate=0.1, momentum=0.9, nesterov=nesterov)
    for _ in range(20):
        scale = 10.0 ** rng.uniform(-3, 3)
        g = (rng.randn(30) / scale).astype(dtype)
        sgd.step(theta, g, scale)
        g = scale * g.astype(float)
        v = 0.9 * v - 0.1 * g
        expected = expected + (0.9 * v - 0.1 * g if nesterov else v)
    assert theta.dtype == dtype
    assert_allclose(theta, expected, rtol=1e-12 if dtype == np.float64 else 1e-5)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_batches_of_zero_weight_make_no_step(solver):
    """A batch whose samples all weigh 0 has nothing to learn from (its J_B
    is 0/0): it is skipped, so the fit is that of the other rows alone."""
    X, y = make_classification(1000, 5, random_state=0)
    w = np.ones(1000)
    w[:400] = 0.0  # the first two batches of 200
    common = {"solver": solver, "shuffle": False, "max_iter": 5, "tol": 0}
    common["random_state"] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = TwoLayerClassifier(**common).fit(X, y, sample_weight=w)
        rest = TwoLayerClassifier(**common).fit(X[400:], y[400:])
    for a, b in zip(_weights(weighted), _weights(rest)):
        assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    assert_allclose(weighted.loss_curve_, rest.loss_curve_, rtol=1e-9)


@pytest.mark.parametrize("mean_gradient, scale", [(1e17, 1 / 200), (1.0, 1e22)])
def test_adam_float32_keeps_the_range_of_its_gradients(mean_gradient, scale):
    """float32: a batch sum of 2e19 (mean 1e17 over 200 rows) or a tiny sum
    scaled by 1e22 (a batch of tiny weights) still takes the textbook steps:
    g² is formed from the scaled gradient, and the moments' scales stay
    small."""
    from sk_twolayer._solvers import Adam

    rng = np.random.RandomState(0)
    theta0 = rng.randn(30).astype(np.float32)
    adam = Adam(
        30, np.float32, learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    )
    theta, grads = theta0.copy(), []
    for _ in range(50):
        g = (rng.uniform(0.5, 1.5, 30) * mean_gradient / scale).astype(np.float32)
        grads.append(scale * g.astype(float))
        adam.step(theta, g, scale)
    assert np.all(np.isfinite(adam.v))
    expected = _textbook_adam(
        theta0.astype(float), grads, 0.01, [(0.9, 0.999)] * 50, 1e-8
    )
    assert_allclose(theta, expected[0], rtol=1e-5)


def test_weighted_float32_losses_are_python_floats():
    X, y = make_classification(300, 5, random_state=0)
    w = np.random.RandomState(0).uniform(0.5, 2.0, 300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = TwoLayerClassifier(solver="adam", max_iter=3, random_state=0)
        clf.fit(X.astype(np.float32), y, sample_weight=w.astype(np.float32))
    assert type(clf.loss_) is float
    assert all(type(loss) is float for loss in clf.loss_curve_)
