"""Speed of TwoLayerClassifier against MLPClassifier, on identical work.

Both estimators run the same network (one tanh hidden layer, the same
sizes, the same L2 ``alpha``) for a fixed number of epochs (``tol=0``, no
early stop), on the same standardised ``make_classification`` data:

- full-batch gradient descent: ours ``solver="gd"`` with a fixed float
  learning rate; MLPClassifier ``solver="sgd", batch_size=n_samples,
  momentum=0, shuffle=False`` -- one update per epoch -- at float64 and
  float32;
- mini-batch Adam, batch 200, shuffled;
- ``predict_proba``: all rows at once (bulk) and one row per call;
- the peak memory of ``fit`` (tracemalloc, which sees numpy's buffers);
- TwoLayerRegressor against TwoLayerClassifier on the same X (speed parity):
  a full-batch gd epoch and an Adam epoch, the regressor with as many
  outputs as the classifier has output units;
- TwoLayerRegressor(loss="poisson") against the squared error on the same X
  and counts: a full-batch gd epoch and an Adam epoch (the exponential
  output and the deviance against the identity and the squared error);
- with JAX installed (``pip install -e ".[benchmark]"``), the same network
  written the way a JAX user would (``JaxNetwork``: ``jax.jit`` over a
  ``jax.lax.scan``, ``jax.value_and_grad``), against ours and MLPClassifier,
  full-batch gd and Adam, float64 and float32, compile time apart, with a
  check that it trains to the same losses as ours from the same weights.

Time per epoch is the fit time divided by ``n_iter_``; the fit of a single
epoch is reported too (it shows the fixed cost of a fit: validation,
initialisation, first touch of the work arrays). The *kernel floor* is the
time of the work no implementation of a gradient-descent epoch can avoid:
``X·W1ᵀ``, ``tanh`` of it, and ``dZ1ᵀ·X``, into preallocated arrays. Every
time is the median of several repeats, the contenders interleaved
round-robin in the same run; ratios are ours / MLPClassifier (below 1:
TwoLayerClassifier is faster).

    python benchmarks/bench_speed.py            # full run, ~16 min on 2 cores
    python benchmarks/bench_speed.py --quick    # toy size (the smoke test)
    python benchmarks/bench_speed.py --jax-only # JAX comparison only, ~5 min

The tables are printed and written to ``benchmarks/speed.md`` (``--out`` to
choose). Sample output (2-core AMD EPYC; see RESULTS.md for the latest)::

    | data | dtype | epochs | ours ms/epoch | MLP ms/epoch | ours/MLP | ...
    |---|---|---|---|---|---|---
    | 100000×50, h=100, 2 classes | float64 | 20 | 97.9 | 84.3 | **1.16** | ...
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _common
import numpy as np
from _common import interleaved, machine_lines, write_results
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, TwoLayerRegressor

HERE = Path(__file__).resolve().parent


def load_average():
    """The 1, 5 and 15 minute load averages (Linux), else "?"."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


LOAD_BEFORE = load_average()
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1

#: (n_samples, n_features, n_hidden, n_classes, gd epochs, adam epochs)
SIZES = [
    (400, 2, 4, 2, 2000, 200),  # the course's flower size
    (1_000, 50, 100, 2, 200, 40),
    (20_000, 50, 100, 2, 50, 10),
    (60_000, 50, 100, 2, 20, 4),
    (100_000, 50, 100, 2, 20, 4),
    (100_000, 50, 100, 10, 20, 4),
]
QUICK_SIZES = [(300, 5, 8, 2, 5, 2), (300, 5, 8, 3, 5, 2)]
#: Where the issue's targets are read: gd and predict_proba at 60 000 × 50,
#: Adam at 20 000 × 50.
REFERENCE_GD, REFERENCE_ADAM = 3, 2
LBFGS_SIZES = [SIZES[1], SIZES[2], SIZES[3]]
LBFGS_MLP_ITER = 100
BIG_MEMORY_SIZES = [1_000_000, 2_000_000]

ALPHA = 1e-4  # MLPClassifier's default; the same penalty for both
GD_LEARNING_RATE = 0.1
NO_STOP = {"tol": 0.0, "n_iter_no_change": 10**9}


def gd_estimators(n_samples, n_hidden, epochs):
    """Full-batch gradient descent, one update per epoch, no momentum."""
    return {
        "ours": TwoLayerClassifier(
            n_hidden,
            solver="gd",
            learning_rate=GD_LEARNING_RATE,
            max_iter=epochs,
            alpha=ALPHA,
            random_state=0,
            **NO_STOP,
        ),
        "MLP": MLPClassifier(
            (n_hidden,),
            activation="tanh",
            solver="sgd",
            batch_size=n_samples,
            momentum=0.0,
            nesterovs_momentum=False,
            shuffle=False,
            learning_rate_init=GD_LEARNING_RATE,
            max_iter=epochs,
            alpha=ALPHA,
            random_state=0,
            **NO_STOP,
        ),
    }


def adam_estimators(n_samples, n_hidden, epochs):
    """Mini-batch Adam, batches of 200, rows shuffled every epoch."""
    return {
        "ours": TwoLayerClassifier(
            n_hidden,
            solver="adam",
            batch_size=200,
            learning_rate=0.001,
            max_iter=epochs,
            alpha=ALPHA,
            random_state=0,
            **NO_STOP,
        ),
        "MLP": MLPClassifier(
            (n_hidden,),
            activation="tanh",
            solver="adam",
            batch_size=200,
            learning_rate_init=0.001,
            max_iter=epochs,
            alpha=ALPHA,
            random_state=0,
            **NO_STOP,
        ),
    }


ESTIMATORS = {"gd": gd_estimators, "adam": adam_estimators}


def make_data(n_samples, n_features, n_classes):
    X, y = make_classification(
        n_samples,
        n_features,
        n_informative=max(2, n_features // 2),
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def fit(estimator, X, y):
    """Fit and return n_iter_ (the epochs run), ConvergenceWarning silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y)
    return estimator.n_iter_


def kernel_floor(X, n_hidden):
    """One epoch's unavoidable work, each kernel at its best on this machine:
    Z1 = X·W1ᵀ and dW1 = dZ1ᵀ·X by BLAS on all cores, tanh(Z1) split across
    the cores (one thread per share of the rows), into preallocated arrays.
    Returns the callable to time."""
    rng = np.random.RandomState(0)
    W1 = rng.uniform(-0.1, 0.1, (n_hidden, X.shape[1])).astype(X.dtype)
    Z1 = np.empty((X.shape[0], n_hidden), dtype=X.dtype)
    dZ1 = rng.uniform(-1, 1, Z1.shape).astype(X.dtype)
    dW1 = np.empty_like(W1)
    bounds = np.linspace(0, X.shape[0], CORES + 1).astype(int)
    shares = [Z1[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    pool = ThreadPoolExecutor(CORES - 1) if CORES > 1 else None

    def tanh(share):
        np.tanh(share, out=share)

    def run():
        np.dot(X, W1.T, out=Z1)
        futures = [pool.submit(tanh, share) for share in shares[1:]] if pool else []
        tanh(shares[0])
        for future in futures:
            future.result()
        np.dot(dZ1.T, X, out=dW1)

    return run


def peak_memory(estimator, X, y):
    """Peak bytes allocated during fit, beyond what existed before it."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fit(estimator, X, y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def label(n, d, h, k):
    return f"{n}×{d}, h={h}, {k} classes"


def bench_gd(X, y, size, repeats):
    """Per-epoch time of full-batch gd, and the kernel floor, interleaved."""
    n, d, h, k, epochs, _ = size
    long_ = gd_estimators(n, h, epochs)
    short = gd_estimators(n, h, 1)
    tasks = {
        "ours E": lambda: fit(long_["ours"], X, y) and None,
        "MLP E": lambda: fit(long_["MLP"], X, y) and None,
        "ours 1": lambda: fit(short["ours"], X, y),
        "MLP 1": lambda: fit(short["MLP"], X, y),
        "floor": kernel_floor(X, h),
    }
    times = interleaved(tasks, repeats)
    assert long_["ours"].n_iter_ == long_["MLP"].n_iter_ == epochs
    assert long_["ours"].W1_.dtype == long_["MLP"].coefs_[0].dtype == X.dtype
    # An epoch's time: what the (epochs − 1) epochs after the first add to a fit.
    for name in ("ours", "MLP"):
        times[name] = (times[f"{name} E"] - times[f"{name} 1"]) / (epochs - 1)
    return times, long_


def bench_adam(X, y, size, repeats):
    n, d, h, k, _, epochs = size
    est = adam_estimators(n, h, epochs)
    times = interleaved(
        {name: lambda e=e: fit(e, X, y) for name, e in est.items()}, repeats
    )
    assert est["ours"].n_iter_ == est["MLP"].n_iter_ == epochs
    return times


def regression_targets(X, n_outputs):
    """Continuous targets on X: one noisy nonlinear function of it per
    output, in units far from 1 (the regressor standardizes them)."""
    rng = np.random.RandomState(0)
    Y = np.tanh(X[:, :n_outputs]) + 0.1 * rng.randn(X.shape[0], n_outputs)
    Y = 1000 * Y + 50
    return Y[:, 0] if n_outputs == 1 else Y


def bench_regressor(X, y, size, repeats):
    """Per-epoch time of the regressor and of the classifier on the same X:
    full-batch gd and Adam (batch 200), each as (fit of E epochs − fit of 1)
    / (E − 1), so that the fixed costs of a fit (validation, the target
    encoding or scaling) stay out; the 1-epoch fits are returned too."""
    n, d, h, k, gd_epochs, adam_epochs = size
    Y = regression_targets(X, 1 if k == 2 else k)
    tasks, fitted = {}, {}
    for solver, make, epochs in (
        ("gd", gd_estimators, gd_epochs),
        ("adam", adam_estimators, max(adam_epochs, 2)),
    ):
        for E in (epochs, 1):
            clf = make(n, h, E)["ours"]
            params = clf.get_params()
            del params["class_weight"]  # the classifier's own parameter
            reg = TwoLayerRegressor(**params)
            fitted[solver, E] = clf, reg
            tasks[f"clf {solver} {E}"] = lambda c=clf: fit(c, X, y) and None
            tasks[f"reg {solver} {E}"] = lambda r=reg: fit(r, X, Y) and None
    times = interleaved(tasks, repeats)
    result = {}
    for solver, epochs in (("gd", gd_epochs), ("adam", max(adam_epochs, 2))):
        clf, reg = fitted[solver, epochs]
        assert clf.n_iter_ == reg.n_iter_ == epochs
        assert reg.W2_.shape == clf.W2_.shape and reg.W1_.dtype == X.dtype
        for name in ("clf", "reg"):
            long_, one = times[f"{name} {solver} {epochs}"], times[f"{name} {solver} 1"]
            result[f"{name} {solver}"] = (long_ - one) / (epochs - 1)
            result[f"{name} {solver} 1"] = one
    return result


def count_targets(X, n_outputs):
    """Counts on X: Poisson draws of a smooth positive mean per output."""
    rng = np.random.RandomState(0)
    Y = rng.poisson(np.exp(np.tanh(X[:, :n_outputs]) + 1)).astype(np.float64)
    return Y[:, 0] if n_outputs == 1 else Y


def bench_poisson(X, size, repeats):
    """Per-epoch time of TwoLayerRegressor(loss="poisson") and of the squared
    error on the same X and the same counts: full-batch gd and Adam (batch
    200), each as (fit of E epochs − fit of 1) / (E − 1), as
    :func:`bench_regressor`."""
    n, d, h, k, gd_epochs, adam_epochs = size
    Y = count_targets(X, 1 if k == 2 else k)
    tasks, fitted = {}, {}
    for solver, make, epochs in (
        ("gd", gd_estimators, gd_epochs),
        ("adam", adam_estimators, max(adam_epochs, 2)),
    ):
        for E in (epochs, 1):
            params = make(n, h, E)["ours"].get_params()
            del params["class_weight"]  # the classifier's own parameter
            for loss in ("poisson", "squared_error"):
                reg = TwoLayerRegressor(**params, loss=loss)
                fitted[solver, E, loss] = reg
                tasks[f"{loss} {solver} {E}"] = lambda r=reg: fit(r, X, Y) and None
    times = interleaved(tasks, repeats)
    result = {}
    for solver, epochs in (("gd", gd_epochs), ("adam", max(adam_epochs, 2))):
        for loss in ("poisson", "squared_error"):
            assert fitted[solver, epochs, loss].n_iter_ == epochs
            long_, one = times[f"{loss} {solver} {epochs}"], times[f"{loss} {solver} 1"]
            result[f"{loss} {solver}"] = (long_ - one) / (epochs - 1)
    return result


def bench_predict(fitted, X, repeats, single_rows):
    """predict_proba: all rows in one call, and one row per call."""
    rows = [X[i : i + 1] for i in range(single_rows)]

    def single(estimator):
        def run():
            for row in rows:
                estimator.predict_proba(row)
            return len(rows)

        return run

    tasks = {}
    for name, estimator in fitted.items():
        tasks[f"{name} bulk"] = lambda e=estimator: e.predict_proba(X) is None
        tasks[f"{name} single"] = single(estimator)
    times = interleaved(tasks, repeats)
    P_ours, P_mlp = (e.predict_proba(X) for e in fitted.values())
    assert P_ours.shape == P_mlp.shape
    return times


def bench_memory(X, y, size):
    """Peak fit memory of each solver and dtype, ours and MLP's."""
    n, d, h, k, _, _ = size
    result = {}
    for solver, dtype in (("gd", np.float64), ("gd", np.float32), ("adam", np.float64)):
        Xd = X.astype(dtype)
        est = ESTIMATORS[solver](n, h, 2)
        result[solver, np.dtype(dtype).name] = {
            name: statistics.median(peak_memory(e, Xd, y) for _ in range(2))
            for name, e in est.items()
        }
    return result


def bench_lbfgs(X, y, size, repeats, mlp_iter):
    """Time for our lbfgs to reach the training loss MLPClassifier(solver=
    "lbfgs") ends with after ``mlp_iter`` iterations, against its time."""
    n, d, h, k, _, _ = size
    # A tenth of the labels flipped: a loss that cannot fall to 0, so "the
    # same loss" is a meaningful goal.
    flip = np.random.RandomState(1).rand(len(y)) < 0.1
    y = np.where(flip, (y + 1) % k, y)
    common = {"alpha": ALPHA, "random_state": 0}
    mlp = MLPClassifier((h,), activation="tanh", solver="lbfgs", max_iter=mlp_iter)
    mlp.set_params(**common, tol=0.0)
    fit(mlp, X, y)
    target = mlp.loss_
    probe = TwoLayerClassifier(h, solver="lbfgs", max_iter=3 * mlp_iter, tol=0.0)
    fit(probe.set_params(**common), X, y)
    reached = np.flatnonzero(np.asarray(probe.loss_curve_) <= target)
    iterations = int(reached[0]) + 1 if reached.size else probe.n_iter_
    ours = TwoLayerClassifier(h, solver="lbfgs", max_iter=iterations, tol=0.0)
    ours.set_params(**common)
    times = interleaved(
        {
            "ours": lambda: fit(ours, X, y) and None,
            "MLP": lambda: fit(mlp, X, y) and None,
        },
        repeats,
    )
    return times, target, ours.loss_, iterations, bool(reached.size)


def bench_big_memory(sizes, h):
    """Peak fit memory beyond X, float32, 2 epochs of gd and 2 of lbfgs;
    MLPClassifier's full-batch gd beside it at the smallest size."""
    rows = []
    for n in sizes:
        base = min(n, 50_000)  # make_classification is slow; repeat its rows
        X, y = make_data(base, 50, 2)
        X = np.tile(X.astype(np.float32), (n // base, 1))
        y = np.tile(y, n // base)
        peaks = {}
        for solver in ("gd", "lbfgs"):
            est = TwoLayerClassifier(h, solver=solver, max_iter=2, tol=0.0)
            peaks[solver] = peak_memory(est, X, y)
        mlp = None
        if n == sizes[0]:
            mlp = peak_memory(gd_estimators(n, h, 2)["MLP"], X, y)
        rows.append((n, X.nbytes, peaks, mlp))
        del X
    return rows


# --- JAX: the same network as a JAX user writes it (optional contender) --------

#: Full-batch gd rows of the JAX comparison: (n, d, h, classes, epochs); each
#: at float64 and float32. The first two are the issue's targets.
JAX_GD_SIZES = [
    (60_000, 50, 100, 2, 20),
    (200_000, 50, 100, 2, 10),
    (1_000, 50, 100, 2, 200),
    (20_000, 50, 100, 10, 20),
    (20_000, 50, 500, 2, 10),
]
#: Adam rows, batch 200: (n, d, h, classes, epochs, dtypes); the first is the
#: issue's target (float32).
JAX_ADAM_SIZES = [
    (20_000, 50, 100, 2, 3, (np.float32, np.float64)),
    (1_000, 50, 100, 2, 30, (np.float32,)),
    (20_000, 50, 100, 10, 3, (np.float32,)),
    (20_000, 50, 500, 2, 3, (np.float32,)),
]
JAX_QUICK_GD_SIZES = [(400, 5, 8, 2, 5), (400, 5, 8, 3, 5)]
JAX_QUICK_ADAM_SIZES = [(400, 5, 8, 2, 2, (np.float32,))]
ADAM_BATCH = 200


def import_jax():
    """jax with float64 enabled (``jax_enable_x64``), or None without JAX."""
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


class JaxNetwork:
    """The network written the way a JAX user would: the objective in
    ``jax.numpy``, its gradient by ``jax.value_and_grad``, and ``jax.jit``
    over a ``jax.lax.scan`` of the epochs (full-batch gd) or of the
    mini-batches of an epoch (Adam). The objective is ours (and
    MLPClassifier's for full batches): mean cross-entropy plus
    α/(2M) (‖W1‖² + ‖W2‖²), M the number of training rows."""

    def __init__(self, jax):
        self.jax, jnp = jax, jax.numpy

        def objective(params, X, Y, n_total, alpha):
            W1, b1, W2, b2 = params
            A1 = jnp.tanh(X @ W1.T + b1)
            Z2 = A1 @ W2.T + b2
            if Y.shape[1] == 1:  # one sigmoid unit
                losses = jnp.sum(jax.nn.softplus(Z2) - Y * Z2, axis=1)
            else:  # softmax
                losses = jax.nn.logsumexp(Z2, axis=1) - jnp.sum(Y * Z2, axis=1)
            penalty = alpha / (2 * n_total) * (jnp.sum(W1**2) + jnp.sum(W2**2))
            return jnp.mean(losses) + penalty

        grad = jax.value_and_grad(objective)

        def gd(params, X, Y, learning_rate, alpha, epochs):
            def epoch(params, _):
                loss, g = grad(params, X, Y, X.shape[0], alpha)
                step = jax.tree.map(lambda p, d: p - learning_rate * d, params, g)
                return step, loss

            return jax.lax.scan(epoch, params, length=epochs)

        def adam_epoch(state, X, Y, key, learning_rate, alpha, shuffle):
            n, batches = X.shape[0], X.shape[0] // ADAM_BATCH
            order = jax.random.permutation(key, n) if shuffle else jnp.arange(n)
            order = order[: batches * ADAM_BATCH]
            Xb = X[order].reshape(batches, ADAM_BATCH, X.shape[1])
            Yb = Y[order].reshape(batches, ADAM_BATCH, Y.shape[1])
            b1, b2, eps = 0.9, 0.999, 1e-8

            def step(state, batch):
                params, m, v, t = state
                loss, g = grad(params, *batch, n, alpha)
                t = t + 1
                m = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g, m, g)
                v = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, v, g)
                rate = learning_rate * jnp.sqrt(1 - b2**t) / (1 - b1**t)
                params = jax.tree.map(
                    lambda p, m, v: p - rate * m / (jnp.sqrt(v) + eps), params, m, v
                )
                return (params, m, v, t), loss

            state, losses = jax.lax.scan(step, state, (Xb, Yb))
            return state, jnp.mean(losses)

        self._gd = jax.jit(gd, static_argnames="epochs")
        self._adam_epoch = jax.jit(adam_epoch, static_argnames="shuffle")

    def gd(self, params, X, Y, learning_rate, alpha, epochs):
        """Compile gd for these shapes; returns ``(run, compile seconds)``,
        ``run()`` training from ``params`` and returning the loss curve."""
        jax = self.jax
        params, X, Y = jax.device_put((params, X, Y))  # once, as a user would
        start = time.perf_counter()
        compiled = self._gd.lower(
            params, X, Y, learning_rate, alpha, epochs=epochs
        ).compile()
        seconds = time.perf_counter() - start

        def run():
            _, losses = compiled(params, X, Y, learning_rate, alpha)
            return jax.block_until_ready(losses)

        return run, seconds

    def adam(self, params, X, Y, learning_rate, alpha, epochs, shuffle=True):
        """As :meth:`gd` for Adam (batch ``ADAM_BATCH``, which must divide
        the rows), one compiled call per epoch; ``run()`` returns the epochs'
        losses."""
        jax, jnp = self.jax, self.jax.numpy
        assert X.shape[0] % ADAM_BATCH == 0
        zeros = jax.tree.map(jnp.zeros_like, params)
        state = jax.device_put((params, zeros, zeros, jnp.zeros((), X.dtype)))
        X, Y = jax.device_put((X, Y))
        key = jax.random.key(0)
        start = time.perf_counter()
        epoch = self._adam_epoch.lower(
            state, X, Y, key, learning_rate, alpha, shuffle=shuffle
        ).compile()
        seconds = time.perf_counter() - start

        def run():
            s, k, losses = state, key, []
            for _ in range(epochs):
                k, sub = jax.random.split(k)
                s, loss = epoch(s, X, Y, sub, learning_rate, alpha)
                losses.append(loss)
            return np.asarray(jax.block_until_ready(losses))

        return run, seconds


def initial_params(d, h, k, dtype, seed=0):
    """Glorot-uniform weights, zero biases (the scale ours and MLPClassifier
    start from)."""
    rng = np.random.RandomState(seed)
    n_y = 1 if k == 2 else k
    W1 = rng.uniform(-1, 1, (h, d)) * np.sqrt(6 / (d + h))
    W2 = rng.uniform(-1, 1, (n_y, h)) * np.sqrt(6 / (h + n_y))
    return tuple(p.astype(dtype) for p in (W1, np.zeros(h), W2, np.zeros(n_y)))


def targets_of(y, k):
    """The one-hot (or, for two classes, 0/1 column) targets of the network."""
    return (y[:, None] == 1) if k == 2 else (y[:, None] == np.arange(k))


def same_training(ours, jax_run, X, y, params):
    """The largest relative difference between our loss curve and JAX's,
    both trained from ``params`` (ours by warm start, ``ours`` unchanged)."""
    est = clone(ours).set_params(max_iter=1, warm_start=True)
    fit(est, X, y)
    est.W1_, est.b1_, est.W2_, est.b2_ = (p.copy() for p in params)
    fit(est.set_params(max_iter=ours.max_iter), X, y)
    theirs = np.asarray(jax_run(), dtype=np.float64)
    mine = np.asarray(est.loss_curve_)
    difference = float(np.max(np.abs(mine - theirs) / np.abs(theirs)))
    # Far above float32 rounding: the two networks compute the same thing.
    assert difference < 1e-3, (mine, theirs)
    return difference


def bench_jax_gd(network, size, dtype, repeats):
    """Per-epoch time of full-batch gd, ours, MLPClassifier's and JAX's."""
    n, d, h, k, epochs = size
    X, y = make_data(n, d, k)
    X = X.astype(dtype)
    Y = targets_of(y, k).astype(dtype)
    params = initial_params(d, h, k, dtype)
    args = GD_LEARNING_RATE, ALPHA
    run_e, compile_e = network.gd(params, X, Y, *args, epochs)
    run_1, compile_1 = network.gd(params, X, Y, *args, 1)
    long_, short = gd_estimators(n, h, epochs), gd_estimators(n, h, 1)
    tasks = {
        "ours E": lambda: fit(long_["ours"], X, y) and None,
        "MLP E": lambda: fit(long_["MLP"], X, y) and None,
        "JAX E": lambda: run_e() is None,
        "ours 1": lambda: fit(short["ours"], X, y),
        "MLP 1": lambda: fit(short["MLP"], X, y),
        "JAX 1": lambda: run_1() is None,
    }
    times = interleaved(tasks, repeats)
    for name in ("ours", "MLP", "JAX"):
        times[name] = (times[f"{name} E"] - times[f"{name} 1"]) / (epochs - 1)
    times["compile"] = compile_e
    times["check"] = same_training(long_["ours"], run_e, X, y, params)
    return times


def bench_jax_adam(network, size, dtype, repeats):
    """Time per epoch of Adam (batch 200, shuffled): whole fits over epochs."""
    n, d, h, k, epochs, _ = size
    X, y = make_data(n, d, k)
    X = X.astype(dtype)
    Y = targets_of(y, k).astype(dtype)
    params = initial_params(d, h, k, dtype)
    run, compile_seconds = network.adam(params, X, Y, 0.001, ALPHA, epochs)
    est = adam_estimators(n, h, epochs)
    tasks = {name: lambda e=e: fit(e, X, y) for name, e in est.items()}
    tasks["JAX"] = lambda: run() is None or epochs
    times = interleaved(tasks, repeats)
    times["compile"] = compile_seconds
    in_order, _ = network.adam(params, X, Y, 0.001, ALPHA, epochs, shuffle=False)
    ours = clone(est["ours"]).set_params(shuffle=False)
    times["check"] = same_training(ours, in_order, X, y, params)
    return times


def bench_jax(quick, repeats):
    """The JAX comparison: rows of the table, and the targets it decides."""
    jax = import_jax()
    if jax is None:
        return None, {}
    network = JaxNetwork(jax)
    gd_sizes = JAX_QUICK_GD_SIZES if quick else JAX_GD_SIZES
    adam_sizes = JAX_QUICK_ADAM_SIZES if quick else JAX_ADAM_SIZES
    rows, targets = [], {}
    for index, size in enumerate(gd_sizes):
        n, d, h, k, epochs = size
        for dtype in (np.float64, np.float32):
            t = bench_jax_gd(network, size, dtype, repeats)
            dt = np.dtype(dtype).name
            rows.append(jax_row(f"gd, {epochs} epochs", label(n, d, h, k), dt, t))
            if index < 2 and not quick:
                what = f"gd epoch / JAX, {label(n, d, h, k)}, {dt}"
                targets[what] = (t["ours"] / t["JAX"], 1.0)
            print(rows[-1], flush=True)
    for index, size in enumerate(adam_sizes):
        n, d, h, k, epochs, dtypes = size
        for dtype in dtypes:
            t = bench_jax_adam(network, size, dtype, 2 * repeats)
            dt = np.dtype(dtype).name
            rows.append(jax_row(f"Adam, {epochs} epochs", label(n, d, h, k), dt, t))
            if index == 0 and dtype is np.float32 and not quick:
                what = f"adam epoch / JAX, {label(n, d, h, k)}, {dt}"
                targets[what] = (t["ours"] / t["JAX"], 1.0)
            print(rows[-1], flush=True)
    return rows, targets


def jax_row(work, data, dtype, t):
    return (
        f"| {work} | {data} | {dtype} | {t['ours'] * 1e3:.3g} "
        f"| {t['MLP'] * 1e3:.3g} | {t['JAX'] * 1e3:.3g} "
        f"| {t['MLP'] / t['ours']:.2f} | **{t['JAX'] / t['ours']:.2f}** "
        f"| {t['compile']:.2f} | {t['check']:.1e} |"
    )


def jax_lines(rows, repeats):
    """The JAX section of the results file."""
    jax = import_jax()
    return [
        "## JAX (jit + lax.scan) and MLPClassifier, relative to ours",
        "",
        f"jax {jax.__version__}, CPU, float64 by `jax_enable_x64`. The same "
        "network and objective written the way a JAX user would "
        "(`JaxNetwork`): `jax.value_and_grad` of the mean cross-entropy plus "
        "the L2 term, `jax.jit` over a `jax.lax.scan` of the epochs (gd) or of "
        "an epoch's mini-batches (Adam, shuffled by `jax.random.permutation`, "
        "one compiled call per epoch), the data put on the device once; the "
        "same Glorot-uniform scale. gd times per epoch as above, (fit of E "
        "epochs − fit of 1) / (E − 1), for all three; Adam: whole fit / "
        f"epochs (medians of {2 * repeats}). Compile time is excluded from "
        "the times and given apart (E epochs' function). 'check': the largest "
        "relative difference between our loss curve and JAX's, trained from "
        "the same initial weights (Adam unshuffled). The columns MLP/ours and "
        "JAX/ours are each contender's time over ours: above 1, ours is faster.",
        "",
        "| work | data | dtype | ours ms/epoch | MLP ms/epoch | JAX ms/epoch "
        "| MLP/ours | JAX/ours | JAX compile s | check |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]


def ratio(a, b):
    return f"{a / b:.2f}"


def verdict(value, target):
    return f"{value:.2f} | ≤ {target} | {'met' if value <= target else '**not met**'}"


def report_head(title, command, started, repeats, targets, timing_note=""):
    """A report's title, machine, command and load lines, then its targets."""
    return [
        title,
        "",
        *machine_lines(),
        f"- Command: `{command}` ({time.perf_counter() - started:.0f} s); "
        f"every time is the median of {repeats} interleaved repeats "
        f"({2 * repeats} for Adam), each after a {_common.SETTLE} s pause"
        + (f" {timing_note}" if timing_note else ""),
        f"- Load average before the run: {LOAD_BEFORE}, after: {load_average()}",
        "",
        "## Targets",
        "",
        "| measure | measured | target | |",
        "|---|---|---|---|",
        *(f"| {what} | {verdict(*vt)} |" for what, vt in targets.items()),
        "",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size, 2 repeats")
    parser.add_argument("--repeats", type=int, default=None, help="default 7")
    parser.add_argument(
        "--jax-only",
        action="store_true",
        help="only the comparison with JAX (and MLPClassifier), ~5 min",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results file (default speed.md, speed_jax.md with --jax-only)",
    )
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = HERE / ("speed_jax.md" if args.jax_only else "speed.md")
    if args.jax_only:
        return main_jax(args)
    sizes = QUICK_SIZES if args.quick else SIZES
    repeats = args.repeats or (2 if args.quick else 7)
    if args.quick:
        _common.SETTLE = 0  # no pauses at toy size (the smoke test)
    single_rows = 20 if args.quick else 300
    reference = sizes[min(REFERENCE_GD, len(sizes) - 1)]  # 60 000 × 50, h=100
    adam_reference = sizes[min(REFERENCE_ADAM, len(sizes) - 1)]
    lbfgs_sizes = sizes[:2] if args.quick else LBFGS_SIZES
    memory_sizes = [20_000] if args.quick else BIG_MEMORY_SIZES

    gd_rows, adam_rows, predict_rows, memory_rows, lbfgs_rows = [], [], [], [], []
    regressor_rows, poisson_rows = [], []
    targets = {}
    started = time.perf_counter()
    for size in sizes:
        n, d, h, k, gd_epochs, adam_epochs = size
        name = label(n, d, h, k)
        X64, y = make_data(n, d, k)
        for dtype in (np.float64, np.float32):
            X = X64.astype(dtype)
            t, fitted = bench_gd(X, y, size, repeats)
            gd_rows.append(
                f"| {name} | {np.dtype(dtype).name} | {gd_epochs} "
                f"| {t['ours'] * 1e3:.3g} | {t['MLP'] * 1e3:.3g} "
                f"| **{ratio(t['ours'], t['MLP'])}** "
                f"| {t['ours 1'] * 1e3:.3g} | {t['MLP 1'] * 1e3:.3g} "
                f"| {t['floor'] * 1e3:.3g} | **{t['ours'] / t['floor']:.2f}** "
                f"| {t['MLP'] / t['floor']:.2f} |"
            )
            if size == reference:
                dt = np.dtype(dtype).name
                targets[f"gd epoch / MLP, {name}, {dt}"] = (t["ours"] / t["MLP"], 0.4)
                targets[f"gd epoch / kernel floor, {name}, {dt}"] = (
                    t["ours"] / t["floor"],
                    1.2,
                )
            if dtype is np.float64:
                p = bench_predict(fitted, X, repeats, single_rows)
                predict_rows.append(
                    f"| {name} | {p['ours bulk'] * 1e3:.3g} "
                    f"| {p['MLP bulk'] * 1e3:.3g} "
                    f"| **{ratio(p['ours bulk'], p['MLP bulk'])}** "
                    f"| {p['ours single'] * 1e6:.0f} | {p['MLP single'] * 1e6:.0f} "
                    f"| **{ratio(p['ours single'], p['MLP single'])}** |"
                )
                if size == reference:
                    targets[f"predict_proba bulk / MLP, {n} rows"] = (
                        p["ours bulk"] / p["MLP bulk"],
                        0.8,
                    )
                    targets["predict_proba single row / MLP"] = (
                        p["ours single"] / p["MLP single"],
                        0.25,
                    )
        # Twice the repeats: an Adam fit is short, and its ratio moved by
        # ±10 % between runs of 7 on the 2-core machine.
        a = bench_adam(X64, y, size, 2 * repeats)
        adam_rows.append(
            f"| {name} | {adam_epochs} | {-(-n // 200)} | {a['ours'] * 1e3:.3g} "
            f"| {a['MLP'] * 1e3:.3g} | **{ratio(a['ours'], a['MLP'])}** |"
        )
        if size == adam_reference:
            targets[f"adam epoch / MLP, {name}"] = (a["ours"] / a["MLP"], 0.5)
        for dtype in (np.float64, np.float32):
            r = bench_regressor(X64.astype(dtype), y, size, repeats)
            dt = np.dtype(dtype).name
            regressor_rows.append(
                f"| {name} | {dt} | {r['reg gd'] * 1e3:.3g} | {r['clf gd'] * 1e3:.3g} "
                f"| **{ratio(r['reg gd'], r['clf gd'])}** "
                f"| {r['reg adam'] * 1e3:.3g} | {r['clf adam'] * 1e3:.3g} "
                f"| **{ratio(r['reg adam'], r['clf adam'])}** "
                f"| {r['reg gd 1'] * 1e3:.3g} | {r['clf gd 1'] * 1e3:.3g} |"
            )
            if size == reference:
                what = f"regressor gd epoch / classifier, {name}, {dt}"
                targets[what] = (r["reg gd"] / r["clf gd"], 1.1)
            if size == adam_reference:
                what = f"regressor adam epoch / classifier, {name}, {dt}"
                targets[what] = (r["reg adam"] / r["clf adam"], 1.1)
            r = bench_poisson(X64.astype(dtype), size, repeats)
            gd, adam = (
                r[f"poisson {s}"] / r[f"squared_error {s}"] for s in ("gd", "adam")
            )
            poisson_rows.append(
                f"| {name} | {dt} | {r['poisson gd'] * 1e3:.3g} "
                f"| {r['squared_error gd'] * 1e3:.3g} | **{gd:.2f}** "
                f"| {r['poisson adam'] * 1e3:.3g} "
                f"| {r['squared_error adam'] * 1e3:.3g} | **{adam:.2f}** |"
            )
            if size == reference:
                targets[f"poisson gd epoch / squared error, {name}, {dt}"] = (gd, 1.1)
            if size == adam_reference:
                what = f"poisson adam epoch / squared error, {name}, {dt}"
                targets[what] = (adam, 1.1)
        if size in lbfgs_sizes:
            t, goal, reached, iters, ok = bench_lbfgs(
                X64, y, size, repeats, 5 if args.quick else LBFGS_MLP_ITER
            )
            lbfgs_rows.append(
                f"| {name} | {goal:.5g} | {iters}{'' if ok else ' (not reached)'} "
                f"| {reached:.5g} | {t['ours'] * 1e3:.3g} | {t['MLP'] * 1e3:.3g} "
                f"| **{ratio(t['ours'], t['MLP'])}** |"
            )
            targets[f"lbfgs time to MLP's loss / MLP, {name}"] = (
                t["ours"] / t["MLP"] if ok else float("inf"),
                0.5,
            )
        for (solver, dtype), peak in bench_memory(X64, y, size).items():
            memory_rows.append(
                f"| {name} | {solver} | {dtype} | {X64.astype(dtype).nbytes / 1e6:.3g} "
                f"| {peak['ours'] / 1e6:.3g} | {peak['MLP'] / 1e6:.3g} "
                f"| **{ratio(peak['ours'], peak['MLP'])}** |"
            )
        print(f"done: {name} ({time.perf_counter() - started:.0f} s)", flush=True)

    big_rows = []
    for n, x_bytes, peaks, mlp in bench_big_memory(memory_sizes, 100):
        big_rows.append(
            f"| {n}×50, h=100, float32 | {x_bytes / 1e6:.0f} "
            f"| {peaks['gd'] / 1e6:.1f} | {peaks['lbfgs'] / 1e6:.1f} "
            f"| {'' if mlp is None else f'{mlp / 1e6:.0f}'} |"
        )
        worst = max(peaks.values()) / 1e6
        targets[f"peak fit memory beyond X (MB), {n}×50 float32"] = (worst, 100)
    print(f"done: memory ({time.perf_counter() - started:.0f} s)", flush=True)
    jax_rows, jax_targets = bench_jax(args.quick, repeats)
    targets.update(jax_targets)

    command = "python benchmarks/bench_speed.py" + (" --quick" if args.quick else "")
    if args.repeats:
        command += f" --repeats {args.repeats}"
    lines = [
        *report_head(
            "# Speed: TwoLayerClassifier against MLPClassifier on identical work",
            command,
            started,
            repeats,
            targets,
            "(see `SETTLE` in `_common.py`); ratios are ours / MLPClassifier "
            "(below 1: ours is faster)",
        ),
        "## Full-batch gradient descent, time per epoch",
        "",
        "Ours `solver='gd'`, MLPClassifier `solver='sgd', batch_size=n, "
        f"momentum=0, shuffle=False`; learning rate {GD_LEARNING_RATE}, "
        f"alpha {ALPHA}, tanh. An epoch's time is what the epochs after the "
        "first add to a fit: (fit of E epochs − fit of 1) / (E − 1); "
        "'1-epoch fit' is a whole fit with max_iter=1 (fixed costs included). "
        "The kernel floor is X·W1ᵀ and dZ1ᵀ·X by BLAS on all cores plus tanh "
        f"split across the {CORES} cores.",
        "",
        "| data | dtype | epochs | ours ms/epoch | MLP ms/epoch | ours/MLP "
        "| ours 1-epoch fit ms | MLP 1-epoch fit ms | kernel floor ms "
        "| ours/floor | MLP/floor |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *gd_rows,
        "",
        "## Mini-batch Adam, batch 200, time per epoch (float64)",
        "",
        "| data | epochs | batches/epoch | ours ms/epoch | MLP ms/epoch | ours/MLP |",
        "|---|---|---|---|---|---|",
        *adam_rows,
        "",
        "## TwoLayerRegressor against TwoLayerClassifier, time per epoch",
        "",
        "The same X and network; the classifier on the labels, the regressor "
        "on continuous targets with as many outputs as the classifier has "
        "output units (1 for 2 classes). gd: the settings above; Adam: batch "
        "200, shuffled. Both as (fit of E epochs − fit of 1) / (E − 1); the "
        "1-epoch gd fits show the fixed costs (the regressor's include the "
        "exact sums of its target scaling). Ratios are regressor / "
        "classifier (1.1 is the parity target).",
        "",
        "| data | dtype | reg gd ms/epoch | clf gd ms/epoch | reg/clf "
        "| reg Adam ms/epoch | clf Adam ms/epoch | reg/clf "
        "| reg 1-epoch gd fit ms | clf 1-epoch gd fit ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *regressor_rows,
        "",
        "## TwoLayerRegressor: loss='poisson' against squared error, time per epoch",
        "",
        "The same X, network and counts (Poisson draws, one output per "
        "classifier output unit as above); gd and Adam with the settings "
        "above, as (fit of E epochs − fit of 1) / (E − 1). The Poisson epoch "
        "adds e^z at the output and the deviance's logarithm; ratios are "
        "poisson / squared error (1.1 is the target).",
        "",
        "| data | dtype | poisson gd ms/epoch | squared gd ms/epoch | ratio "
        "| poisson Adam ms/epoch | squared Adam ms/epoch | ratio |",
        "|---|---|---|---|---|---|---|---|",
        *poisson_rows,
        "",
        "## L-BFGS: time to reach MLPClassifier's training loss (float64)",
        "",
        "MLPClassifier(solver='lbfgs') runs a fixed number of iterations; ours "
        "runs until its loss (the same objective) is at most MLPClassifier's "
        "final one. A tenth of the labels are flipped, so the loss stays well "
        "above 0.",
        "",
        "| data | MLP's final loss | our iterations | our loss | ours ms "
        "| MLP ms | ours/MLP |",
        "|---|---|---|---|---|---|---|",
        *lbfgs_rows,
        "",
        "## predict_proba (float64, the models fitted by gd above)",
        "",
        f"Bulk: all rows in one call. Single row: {single_rows} calls of one "
        "row each, time per call.",
        "",
        "| data | ours bulk ms | MLP bulk ms | ours/MLP | ours µs/row "
        "| MLP µs/row | ours/MLP |",
        "|---|---|---|---|---|---|---|",
        *predict_rows,
        "",
        "## Peak memory of fit (tracemalloc, 2 epochs; X itself excluded)",
        "",
        "| data | solver | dtype | X MB | ours MB | MLP MB | ours/MLP |",
        "|---|---|---|---|---|---|---|",
        *memory_rows,
        "",
        "## Peak memory of full-batch fits on large data (MB beyond X)",
        "",
        "| data | X MB | ours gd | ours lbfgs | MLP gd |",
        "|---|---|---|---|---|",
        *big_rows,
        "",
        *([] if jax_rows is None else jax_lines(jax_rows, repeats)),
    ]
    text = "\n".join(lines)
    print(text)
    write_results(args.out, text)
    return 0


def main_jax(args):
    """``--jax-only``: the JAX comparison alone, with its targets."""
    if import_jax() is None:
        sys.exit("--jax-only needs JAX: pip install jax (or .[benchmark])")
    repeats = args.repeats or (2 if args.quick else 5)
    if args.quick:
        _common.SETTLE = 0
    started = time.perf_counter()
    rows, targets = bench_jax(args.quick, repeats)
    command = "python benchmarks/bench_speed.py --jax-only"
    command += (" --quick" if args.quick else "") + (
        f" --repeats {args.repeats}" if args.repeats else ""
    )
    lines = [
        *report_head(
            "# Speed: TwoLayerClassifier against JAX and MLPClassifier",
            command,
            started,
            repeats,
            targets,
        ),
        *jax_lines(rows, repeats),
    ]
    text = "\n".join(lines)
    print(text)
    write_results(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
