"""Prototype (issue 13, phase A): automatic alpha and a scale-aware L-BFGS
stopping rule, built OUTSIDE the package on its equations.

Not part of the package or its tests. The network's loss and gradient come
from ``sk_twolayer._network.loss_and_gradients`` (J = (Σ s ℓ + α/2 ‖W‖²) / Σ s),
the initial weights from ``_network.initialize`` plus the class log-priors
in ``b2``, as ``TwoLayerClassifier`` does; the rest (driver, Gauss–Newton
Hessian, evidence updates, validation path) is plain numpy/scipy here.

    python benchmarks/_auto_alpha_proto.py --variants evidence,fixed2 [--sets ...]

Variants (see ``VARIANTS``):
- ``fixed<α>``: the package's default fit re-done here (parity check), with
  the stopping rule under test;
- ``evidence``: MacKay's evidence approximation for one weight-decay α;
- ``path``: a warm-started path over α scored on internal folds.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.linalg
import scipy.optimize
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import LabelEncoder

from sk_twolayer import _network as net

HERE = Path(__file__).resolve().parent


# --- the objective ----------------------------------------------------------------


class Objective:
    """J(θ) = (Σ s ℓ + α/2 ‖W‖²) / Σ s for fixed rows, weights and n_h."""

    def __init__(self, X, Y, s, n_h, output):
        self.X, self.Y, self.s, self.n_h, self.output = X, Y, s, n_h, output
        self.n_x, self.n_y = X.shape[1], Y.shape[1]
        self.n_w = net.n_weights(self.n_x, n_h, self.n_y)
        self.m = float(len(X) if s is None else s.sum())

    def __call__(self, theta, alpha):
        return net.loss_and_gradients(
            theta, self.X, self.Y, self.s, alpha, "tanh", self.output, self.n_h
        )

    def unpack(self, theta):
        return net.unpack(theta, self.n_x, self.n_h, self.n_y)


def initial_theta(obj, random_state):
    rng = np.random.RandomState(random_state)
    W1, b1, W2, _ = net.initialize(obj.n_x, obj.n_h, obj.n_y, "glorot", "tanh", rng)
    s = np.ones(len(obj.Y)) if obj.s is None else obj.s
    prior = np.clip(s @ obj.Y / s.sum(), 1e-12, 1 - 1e-12)
    if obj.output == "sigmoid":
        b2 = np.log(prior / (1 - prior))
    else:
        b2 = np.log(prior)
    return net.pack(W1, b1, W2, b2)


# --- L-BFGS with the stopping rules under test ----------------------------------


def lbfgs(obj, theta, alpha, max_iter, tol, rule, patience=10):
    """L-BFGS-B from theta. Returns (theta, n_iter, converged).

    rule "gtol": today's test (projected gradient ≤ tol, scipy's ftol).
    rule "rel": also stop when the last ``patience`` iterations lowered J by
    at most ``tol · J`` in all (a relative, scale-free change of the loss).
    """
    losses = []
    state = {"stopped": False}

    def callback(intermediate_result):
        losses.append(float(intermediate_result.fun))
        k = len(losses)
        if rule == "rel" and k > patience:
            if losses[k - 1 - patience] - losses[-1] <= tol * abs(losses[-1]):
                state["stopped"] = True
                raise StopIteration

    result = scipy.optimize.minimize(
        lambda t: obj(t, alpha),
        theta,
        method="L-BFGS-B",
        jac=True,
        callback=callback,
        options={"maxiter": max_iter, "maxfun": 15000, "gtol": tol},
    )
    return result.x, result.nit, result.status == 0 or state["stopped"]


# --- the Gauss–Newton Hessian and the evidence update --------------------------


def gauss_newton(obj, theta, chunk=2048):
    """H = Σ_i s_i J_iᵀ Λ_i J_i, J_i = ∂z2_i/∂θ, Λ_i the output Hessian of
    the cross-entropy (p(1−p) for a sigmoid, diag(p) − ppᵀ for a softmax,
    written as Σ_k p_k (e_k − p)(e_k − p)ᵀ). Columns laid out as θ."""
    W1, b1, W2, b2 = obj.unpack(theta)
    P = theta.size
    H = np.zeros((P, P))
    n = obj.X.shape[0]
    s_all = np.ones(n) if obj.s is None else obj.s
    for a in range(0, n, chunk):
        X = obj.X[a : a + chunk]
        s = s_all[a : a + chunk]
        A1, Z2 = net.forward(X, W1, b1, W2, b2, "tanh")
        d1 = 1 - A1**2
        if obj.output == "sigmoid":
            p = 1 / (1 + np.exp(-Z2[:, 0]))
            blocks = [(np.ones((len(X), 1)), s * p * (1 - p))]
        else:
            Z = Z2 - Z2.max(1, keepdims=True)
            Pm = np.exp(Z)
            Pm /= Pm.sum(1, keepdims=True)
            eye = np.eye(obj.n_y)
            blocks = [(eye[k] - Pm, s * Pm[:, k]) for k in range(obj.n_y)]
        for U, w in blocks:
            G = (U @ W2) * d1  # ∂(u·z2)/∂z1
            V = np.hstack(
                [
                    (G[:, :, None] * X[:, None, :]).reshape(len(X), -1),  # W1
                    (U[:, :, None] * A1[:, None, :]).reshape(len(X), -1),  # W2
                    G,  # b1
                    U,  # b2
                ]
            )
            V *= np.sqrt(w)[:, None]
            H += V.T @ V
    return H


def effective_parameters(obj, theta, alpha):
    """γ = Σ_w λ/(λ + α) in MacKay's sense: n_w − α tr[(H + αM)⁻¹]_WW, M the
    mask of the penalised weights (biases have a flat prior)."""
    H = gauss_newton(obj, theta)
    n_w = obj.n_w
    H[np.arange(n_w), np.arange(n_w)] += alpha
    H[np.arange(n_w, len(H)), np.arange(n_w, len(H))] += 1e-8 * obj.m
    c = scipy.linalg.cho_factor(H)
    inv = scipy.linalg.cho_solve(c, np.eye(len(H))[:, :n_w])[:n_w]
    return n_w - alpha * np.trace(inv)


# --- the estimator wrapper -------------------------------------------------------


class Proto(ClassifierMixin, BaseEstimator):
    """A tanh network trained by the mechanism ``how``."""

    def __init__(
        self,
        how="fixed",
        alpha=2.0,
        n_hidden=32,
        max_iter=200,
        tol=1e-4,
        rule="gtol",
        cycles=10,
        alphas=None,
        folds=3,
        folds_by="stratified",
        refit="path",
        path_max_iter=None,
        random_state=0,
    ):
        self.how = how
        self.alpha = alpha
        self.n_hidden = n_hidden
        self.max_iter = max_iter
        self.tol = tol
        self.rule = rule
        self.cycles = cycles
        self.alphas = alphas
        self.folds = folds
        self.folds_by = folds_by
        self.refit = refit
        self.path_max_iter = path_max_iter
        self.random_state = random_state

    def _targets(self, y):
        Y = np.eye(len(self.classes_))[self._le.transform(y)]
        if len(self.classes_) == 2:
            return Y[:, 1:], "sigmoid"
        return Y, "softmax"

    def fit(self, X, y, sample_weight=None):
        X = np.asarray(X, dtype=np.float64)
        self._le = LabelEncoder().fit(y)
        self.classes_ = self._le.classes_
        Y, output = self._targets(y)
        obj = Objective(X, Y, sample_weight, self.n_hidden, output)
        theta = initial_theta(obj, self.random_state)
        self.alphas_ = []
        self.n_iter_ = 0
        if self.how == "fixed":
            theta, it, conv = lbfgs(
                obj, theta, self.alpha, self.max_iter, self.tol, self.rule
            )
            self.n_iter_, self.converged_, self.alpha_ = it, conv, self.alpha
        elif self.how == "evidence":
            theta = self._evidence(obj, theta)
        elif self.how == "path":
            theta = self._path(obj, X, y, sample_weight, theta)
        self.theta_ = theta
        self._obj_shape = (obj.n_x, obj.n_h, obj.n_y)
        return self

    def _evidence(self, obj, theta):
        """Fit at alpha; then γ from the Gauss–Newton Hessian, alpha ← γ/‖W‖²,
        refit warm; until alpha moves < 10 % or ``cycles`` re-estimates."""
        alpha = self.alpha
        theta, it, conv = lbfgs(obj, theta, alpha, self.max_iter, self.tol, self.rule)
        self.n_iter_ += it
        self.alphas_.append(alpha)
        for _ in range(self.cycles):
            gamma = effective_parameters(obj, theta, alpha)
            W = theta[: obj.n_w]
            new = float(np.clip(gamma / max(W @ W, 1e-12), 1e-4, 1e4))
            self.gammas_ = getattr(self, "gammas_", []) + [gamma]
            if abs(np.log(new / alpha)) < np.log(1.1):
                break
            alpha = new
            self.alphas_.append(alpha)
            theta, it, conv = lbfgs(
                obj, theta, alpha, self.max_iter, self.tol, self.rule
            )
            self.n_iter_ += it
        self.alpha_, self.converged_ = alpha, conv
        return theta

    def _folds(self, X, y):
        """(train, val) index pairs. ``folds_by="hash"``: each row's fold
        comes from a hash of its own bytes (features and label, salted with
        the seed), so it does not depend on the other rows: repeated rows
        share a fold (an integer weight is exactly its repeats), and adding,
        removing or reordering rows moves no other row."""
        if self.folds_by == "stratified":
            cv = StratifiedKFold(
                self.folds, shuffle=True, random_state=self.random_state
            )
            return list(cv.split(X, y))
        import hashlib

        salt = str(self.random_state).encode()
        codes = self._le.transform(y)
        fold = np.array(
            [
                int.from_bytes(
                    hashlib.blake2b(
                        row.tobytes() + int(c).to_bytes(4, "little"),
                        digest_size=8,
                        key=salt,
                    ).digest(),
                    "little",
                )
                % self.folds
                for row, c in zip(np.ascontiguousarray(X), codes)
            ]
        )
        idx = np.arange(len(y))
        return [(idx[fold != k], idx[fold == k]) for k in range(self.folds)]

    def _split_weights(self, X, y, sample_weight):
        """``folds_by="copies"``: merge duplicate (row, label) pairs into
        weights, then deal each merged row's weight to the folds like its
        copies, one unit per fold in turn from a fold given by the row's
        hash: a unique row lands in one fold (as with hash folds), a row
        seen w times has about w/k of its weight in each validation fold
        (as row-level CV would have its copies). A function of the merged
        rows only: integer weights and repeated rows give the same folds.
        Returns the merged X, codes, and per-fold validation weights."""
        import hashlib

        codes = self._le.transform(y)
        s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
        keys = np.hstack([np.ascontiguousarray(X), codes[:, None]])
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        w = np.bincount(inverse.ravel(), weights=s, minlength=len(uniq))
        keep = w > 0
        uniq, w = uniq[keep], w[keep]
        salt = str(self.random_state).encode()
        k = self.folds
        offset = np.array(
            [
                int.from_bytes(
                    hashlib.blake2b(r.tobytes(), digest_size=8, key=salt).digest(),
                    "little",
                )
                % k
                for r in uniq
            ]
        )
        q, rem = np.divmod(w, k)
        shares = np.stack(
            [q + np.clip(rem - (j - offset) % k, 0, 1) for j in range(k)], axis=1
        )
        return uniq[:, :-1], uniq[:, -1].astype(int), w, shares

    def _path(self, obj, X, y, sample_weight, theta0):
        """Alphas in the given order, warm-started, scored by held-out
        log-loss on stratified folds; refit on all rows along the path up to
        the best."""
        alphas = self.alphas if self.alphas is not None else np.logspace(2, -2, 9)
        score = np.zeros(len(alphas))
        Y = obj.Y
        if self.folds_by == "copies":
            Xm, cm, wm, shares = self._split_weights(X, y, sample_weight)
            Ym = np.eye(len(self.classes_))[cm]
            Ym = Ym[:, 1:] if obj.output == "sigmoid" else Ym
            for j in range(self.folds):
                tw, vw = wm - shares[:, j], shares[:, j]
                t, v = tw > 0, vw > 0
                sub = Objective(Xm[t], Ym[t], tw[t], self.n_hidden, obj.output)
                val_obj = Objective(Xm[v], Ym[v], vw[v], self.n_hidden, obj.output)
                theta = initial_theta(sub, self.random_state)
                for i, a in enumerate(alphas):
                    step = self.path_max_iter or self.max_iter
                    theta, it, _ = lbfgs(sub, theta, a, step, self.tol, self.rule)
                    self.n_iter_ += it
                    score[i] += val_obj(theta, 0.0)[0]
        for train, val in [] if self.folds_by == "copies" else self._folds(X, y):
            s = None if sample_weight is None else sample_weight[train]
            sub = Objective(X[train], Y[train], s, self.n_hidden, obj.output)
            theta = initial_theta(sub, self.random_state)
            for i, a in enumerate(alphas):
                step = self.path_max_iter or self.max_iter
                theta, it, _ = lbfgs(sub, theta, a, step, self.tol, self.rule)
                self.n_iter_ += it
                val_obj = Objective(
                    X[val],
                    Y[val],
                    None if sample_weight is None else sample_weight[val],
                    self.n_hidden,
                    obj.output,
                )
                score[i] += val_obj(theta, 0.0)[0]
        best = int(np.argmin(score))
        self.path_scores_ = score
        if self.refit == "cold":
            theta, it, conv = lbfgs(
                obj, theta0, alphas[best], self.max_iter, self.tol, self.rule
            )
            self.n_iter_ += it
            self.refit_iter_ = it
        else:
            theta = theta0
            for a in alphas[: best + 1]:
                theta, it, conv = lbfgs(
                    obj, theta, a, self.max_iter, self.tol, self.rule
                )
                self.n_iter_ += it
        self.alpha_, self.converged_ = float(alphas[best]), conv
        return theta

    def predict(self, X):
        W1, b1, W2, b2 = net.unpack(self.theta_, *self._obj_shape)
        _, Z2 = net.forward(np.asarray(X, dtype=np.float64), W1, b1, W2, b2, "tanh")
        if Z2.shape[1] == 1:
            return self.classes_[(Z2[:, 0] > 0).astype(int)]
        return self.classes_[Z2.argmax(1)]


class Warned(Exception):
    pass


def warn_if_not_converged(factory):
    """Count a fit that did not converge as a ConvergenceWarning."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    class Wrapped(Proto):
        def fit(self, X, y, sample_weight=None):
            super().fit(X, y, sample_weight)
            if not self.converged_:
                warnings.warn("not converged", ConvergenceWarning)
            return self

    def make():
        est = factory()
        w = Wrapped()
        w.set_params(**est.get_params())
        return w

    return make


VARIANTS = {
    "fixed2": lambda: Proto("fixed", alpha=2.0),
    "fixed2-rel": lambda: Proto("fixed", alpha=2.0, rule="rel", max_iter=1000),
    "fixed2-long": lambda: Proto("fixed", alpha=2.0, max_iter=1000),
    "evidence": lambda: Proto("evidence", alpha=1.0, rule="rel", max_iter=1000),
    "evidence-gtol": lambda: Proto("evidence", alpha=1.0, max_iter=200),
    # Descending: a large alpha collapses the weights onto the saddle at
    # W = 0 (tanh), which later, smaller alphas never leave (circles, flower
    # at 0.5). Ascending: each fit shrinks the previous, weaker-penalty one.
    "path-desc": lambda: Proto(
        "path", rule="rel", max_iter=300, alphas=[100, 30, 10, 3, 1, 0.3, 0.1]
    ),
    "path": lambda: Proto(
        "path", rule="rel", max_iter=300, alphas=[0.1, 0.3, 1, 3, 10, 30, 100]
    ),
    "path-hash-cold": lambda: Proto(
        "path",
        rule="rel",
        max_iter=300,
        alphas=[0.1, 0.3, 1, 3, 10, 30, 100],
        folds_by="hash",
        refit="cold",
    ),
    "path-copies": lambda: Proto(
        "path",
        rule="rel",
        max_iter=1000,
        path_max_iter=50,
        alphas=[0.1, 0.3, 1, 3, 10, 30, 100],
        folds_by="copies",
        refit="cold",
    ),
    "path-strat-cold": lambda: Proto(
        "path",
        rule="rel",
        max_iter=300,
        alphas=[0.1, 0.3, 1, 3, 10, 30, 100],
        refit="cold",
    ),
    # Cheaper: each warm-started step on the folds gets at most 50
    # iterations; the final fit (cold, at the chosen alpha) up to 1000.
    "path-fast": lambda: Proto(
        "path",
        rule="rel",
        max_iter=1000,
        path_max_iter=50,
        alphas=[0.1, 0.3, 1, 3, 10, 30, 100],
        folds_by="hash",
        refit="cold",
    ),
}


def main(argv=None):
    sys.path.insert(0, str(HERE))
    import bench_realdata as bench

    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", required=True)
    parser.add_argument("--sets")
    parser.add_argument("--peers", type=Path, help="JSON of a bench_realdata run")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    sets = (
        args.sets.split(",")
        if args.sets
        else [d for d in sorted(bench.SETS) if d not in bench.HOLDOUT]
    )
    estimators = {
        v: warn_if_not_converged(VARIANTS[v]) for v in args.variants.split(",")
    }
    started = time.perf_counter()
    results = bench.run(sets, estimators, log=lambda s: print(s, flush=True))
    results = json.loads(json.dumps(results))
    args.out.with_suffix(".raw.json").write_text(json.dumps(results))
    if args.peers:
        peers = json.loads(args.peers.read_text())
        for d in sets:
            for i in range(3):
                results[d][2][i] = {**peers[d][2][i], **results[d][2][i]}
    names = list(next(iter(results.values()))[2][0])
    text = bench.report(results, names, "proto", time.perf_counter() - started)
    args.out.write_text(text)
    args.out.with_suffix(".json").write_text(json.dumps(results))
    print("\n".join(text.splitlines()[:40]))


if __name__ == "__main__":
    sys.exit(main())
