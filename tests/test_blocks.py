"""Blocks of rows and threads (``_blocks.py``) compute what one block does."""

import threading
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelBinarizer
from threadpoolctl import threadpool_info

from sk_twolayer import TwoLayerClassifier, _blocks, _problem
from sk_twolayer import _network as net

N_H = 7


@pytest.fixture
def many_blocks_and_threads(monkeypatch):
    """Blocks of 64 rows, three threads, whatever the size of the data."""
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 1)
    monkeypatch.setattr(_blocks, "MIN_PARALLEL_WORK", 0)
    monkeypatch.setattr(_blocks, "MIN_PARALLEL_PREDICT", 0)
    monkeypatch.setattr(_blocks, "available_threads", lambda: 3)


def problem(output, n=1000, n_x=5, dtype=np.float64, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, n_x).astype(dtype)
    if output == "softmax":
        Y = LabelBinarizer().fit_transform(rng.randint(0, 4, n))
    elif output == "multilabel":
        Y = (rng.rand(n, 3) > 0.5).astype(int)
    else:
        Y = rng.randint(0, 2, (n, 1))
    n_y = Y.shape[1]
    theta = rng.randn(N_H * n_x + N_H + n_y * N_H + n_y).astype(dtype)
    out = "softmax" if output == "softmax" else "sigmoid"
    return X, Y.astype(dtype), theta, out


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "multilabel"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_blocks_and_threads_equal_one_block(
    many_blocks_and_threads, activation, output, weighted, dtype
):
    X, Y, theta, out = problem(output, dtype=dtype)
    s = np.random.RandomState(1).rand(len(X)) * 3 if weighted else None
    fun = _blocks.FullBatchLoss(X, Y, s, 0.7, activation, out, N_H)
    assert fun.n_threads == 3 and fun.rows == 64
    with fun:
        loss, grad = fun(theta)
        grad = grad.copy()
        again, grad_again = fun(theta)
    expected, expected_grad = net.loss_and_gradients(
        theta, X, Y, s, 0.7, activation, out, N_H
    )
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert grad.dtype == dtype
    assert loss == pytest.approx(expected, rel=rtol)
    assert_allclose(grad, expected_grad, rtol=rtol, atol=rtol * 1e-2)
    # The shards are added in a fixed order: bit for bit reproducible.
    assert again == loss
    assert_array_equal(grad_again, grad)


def test_blocked_prediction_equals_the_plain_forward_pass(many_blocks_and_threads):
    X, Y, theta, _ = problem("softmax", n=777)
    W1, b1, W2, b2 = net.unpack(theta, X.shape[1], N_H, Y.shape[1])
    Z2 = _blocks.logits(X, W1, b1, W2, b2, "tanh")
    assert_allclose(Z2, net.forward(X, W1, b1, W2, b2, "tanh")[1], rtol=1e-12)


@pytest.mark.parametrize("solver", ["gd", "lbfgs", "adam"])
def test_threaded_fit_equals_single_threaded_fit(solver, monkeypatch):
    X, y = np.random.RandomState(0).randn(600, 4), np.arange(600) % 3
    params = {"solver": solver, "n_hidden": 5, "max_iter": 5, "tol": 0}
    params |= {"random_state": 0, "batch_size": 300 if solver == "adam" else "auto"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        one = TwoLayerClassifier(**params).fit(X, y)
        monkeypatch.setattr(_blocks, "BLOCK_BYTES", 1)
        monkeypatch.setattr(_blocks, "MIN_PARALLEL_WORK", 0)
        monkeypatch.setattr(_blocks, "available_threads", lambda: 2)
        many = TwoLayerClassifier(**params).fit(X, y)
    assert_allclose(many.W1_, one.W1_, rtol=1e-9, atol=1e-12)
    assert_allclose(many.predict_proba(X), one.predict_proba(X), rtol=1e-9)


def blas_threads():
    return [info["num_threads"] for info in threadpool_info()]


def blas_by_path():
    return {
        info["filepath"]: info["num_threads"]
        for info in threadpool_info()
        if info["user_api"] == "blas"
    }


def test_blas_threads_are_restored_after_fits_from_many_threads(
    many_blocks_and_threads,
):
    before = blas_threads()
    X, y = np.random.RandomState(0).randn(300, 3), np.arange(300) % 2
    barrier = threading.Barrier(4)

    def fit(seed):
        barrier.wait()  # all four fits overlap
        clf = TwoLayerClassifier(n_hidden=4, max_iter=3, random_state=seed)
        return clf.fit(X, y).predict_proba(X)

    # (catch_warnings is process-wide: set once, around all the threads)
    with warnings.catch_warnings(), ThreadPoolExecutor(4) as pool:
        warnings.simplefilter("ignore", ConvergenceWarning)
        results = list(pool.map(fit, range(4)))
    assert all(P.shape == (300, 2) for P in results)
    assert blas_threads() == before
    with pytest.raises(ValueError, match="diverged"):  # an error inside, too
        TwoLayerClassifier(solver="gd", learning_rate=1e9, alpha=0).fit(X * 1e3, y)
    assert blas_threads() == before


@pytest.mark.parametrize("solver", ["adam", "gd", "lbfgs"])
def test_blas_threads_are_restored_after_concurrent_single_threaded_fits(solver):
    """Without threads of our own, a fit keeps only scipy's own BLAS on one
    thread, and four overlapping fits leave every library as it was."""
    before = blas_threads()
    X, y = np.random.RandomState(0).randn(300, 3), np.arange(300) % 2
    barrier = threading.Barrier(4)

    def fit(seed):
        barrier.wait()
        clf = TwoLayerClassifier(n_hidden=4, solver=solver, max_iter=5)
        return clf.set_params(random_state=seed).fit(X, y).predict_proba(X)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with ThreadPoolExecutor(4) as pool:
            assert all(P.shape == (300, 2) for P in pool.map(fit, range(4)))
    assert blas_threads() == before


def test_scipy_blas_is_on_one_thread_during_a_fit(monkeypatch):
    from sk_twolayer import _blas

    own = _blas.scipy_own_blas()
    if not own:
        pytest.skip("scipy and numpy share one BLAS here")
    seen = []
    accumulate = net.accumulate

    def spy(*args, **kwargs):
        seen.append(blas_by_path()[own[0]])
        return accumulate(*args, **kwargs)

    monkeypatch.setattr(net, "accumulate", spy)
    X, y = np.random.RandomState(0).randn(300, 3), np.arange(300) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        TwoLayerClassifier(n_hidden=4, solver="adam", max_iter=2).fit(X, y)
    assert seen and set(seen) == {1}


def test_one_thread_sections_may_overlap_in_any_order():
    """Sections for different sets of libraries, ending in another order
    than they started: each library is restored when its last one ends."""
    from contextlib import ExitStack

    from sk_twolayer import _blas

    before = blas_threads()
    some = tuple(_blas._libraries())[-1:]
    first, second = ExitStack(), ExitStack()
    first.enter_context(_blas.blas_on_one_thread())
    second.enter_context(_blas.blas_on_one_thread(some))
    assert set(blas_by_path().values()) == {1}
    first.close()  # the libraries of the second section stay limited
    assert all(blas_by_path()[path] == 1 for path in some)
    second.close()
    assert blas_threads() == before


def peak_fit_memory(n_samples):
    rng = np.random.RandomState(0)
    X = rng.randn(n_samples, 50).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int8)
    # An explicit alpha: the solver's memory (alpha="auto"'s path, on data
    # this large, adds a few weight vectors, no copy of X).
    clf = TwoLayerClassifier(n_hidden=50, solver="gd", max_iter=2, tol=0, alpha=2.0)
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        return tracemalloc.get_traced_memory()[1], X.nbytes
    finally:
        tracemalloc.stop()


def test_large_data_are_not_copied_and_fit_in_bounded_memory():
    """Above the merge limit a full-batch fit allocates a few blocks, never a
    copy of X nor activations for all rows (tracemalloc sees NumPy's
    buffers): doubling the rows adds only the labels' few bytes per row."""
    small, small_X = peak_fit_memory(60_000)
    large, large_X = peak_fit_memory(120_000)
    assert small_X > _problem.MERGE_LIMIT_BYTES
    # Per row: X 200 bytes; Z1 of all rows would be 200 more, the labels ~20.
    assert large - small < 0.2 * (large_X - small_X), (small, large)
    assert large < large_X


@pytest.fixture
def iris():
    from sklearn.datasets import load_iris
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_weighted_equals_repeated_without_merging(iris, monkeypatch):
    """Data too large to merge match their repeated rows to float rounding."""
    monkeypatch.setattr(_problem, "MERGE_LIMIT_BYTES", 0)
    X, y = iris
    w = np.random.RandomState(0).randint(1, 4, len(y))
    params = {"solver": "gd", "max_iter": 30, "tol": 0, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = TwoLayerClassifier(**params).fit(X, y, sample_weight=w)
        repeated = TwoLayerClassifier(**params).fit(
            np.repeat(X, w, axis=0), np.repeat(y, w)
        )
    assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-9)


def test_block_size_follows_the_l2_cache_that_sysfs_reports(tmp_path):
    for name, level, size in [("index0", 1, "48K"), ("index2", 2, "2048K")]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "level").write_text(f"{level}\n")
        (tmp_path / name / "size").write_text(f"{size}\n")
    assert _blocks.l2_cache_bytes(sysfs=tmp_path) == 2 << 20
    (tmp_path / "index2" / "size").write_text("1M\n")
    assert _blocks.l2_cache_bytes(sysfs=tmp_path) == 1 << 20
    (tmp_path / "index2" / "size").write_text("unknown\n")
    assert _blocks.l2_cache_bytes(7, sysfs=tmp_path) == 7
    assert _blocks.l2_cache_bytes(7, sysfs=tmp_path / "absent") == 7
