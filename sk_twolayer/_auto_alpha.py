"""``alpha="auto"``: the L2 strength chosen from the training data.

A warm-started path over an ascending ladder of alphas (``AUTO_ALPHAS``),
scored by the held-out loss (cross-entropy; for regression the squared error
of the standardized targets) on ``N_FOLDS`` internal folds, as
LogisticRegressionCV scores its path over C. For each fold, the fit at one
alpha starts from the fit at the previous, weaker one and runs at most
``PATH_STEP`` L-BFGS iterations: each step shrinks a fitted network towards
the stronger penalty. (Descending instead, a strong alpha collapses the
weights onto the saddle at W = 0, which the weaker alphas after it never
leave.) The alpha of the lowest summed validation loss is ``alpha_``; the
estimator's solver then fits all the rows at it from its own start.

**Folds that treat a weight like repeated rows.** The folds are made of the
merged rows (``_problem.merge_duplicate_rows``: equal rows and labels become
one row of their summed weight ``w``), and each merged row's weight is
*dealt* to the folds as its copies would be, one unit to each fold in turn::

    o = blake2b(row bytes + label bytes, key=seed) mod K   # this row's own
    share[j] = floor(w / K) + clip((w mod K) − ((j − o) mod K), 0, 1)

A row seen once (w = 1) lands whole in fold ``o``, like an ordinary K-fold
split; a row of weight w has about w/K of it in each validation fold, as
its w copies would under row-level cross-validation (and as the same row
repeated w times, since repeats are merged first). The folds depend on the
merged rows only — not on their order, their repetition or the other rows —
so an integer ``sample_weight`` gives bit for bit the alpha of the repeated
rows. A weight is thus a number of observations, as ``alpha`` is a penalty
per unit of weight (``alpha`` times c with weights times c is the same
model): scaling every weight by c deals each row like c copies of it, as
repeating every row c times would, and the ladder's alphas mean c times
less. Data too large to merge (``_problem.MERGE_LIMIT_BYTES``) keep their
rows: each row's whole weight then goes to its hash's fold, and repeated
rows, having the same hash, share it — integer weights still match repeats.

Nothing here knows the estimator: it takes arrays and the fit's
:class:`_training.FitConfig`, and returns ``alpha_`` and the path's scores.
"""

import hashlib

import numpy as np
import scipy.sparse as sp

from . import _blocks, _problem
from . import _network as net
from ._blocks import FullBatchLoss
from ._problem import normalized_weights
from ._solvers import DivergenceError, lbfgs
from ._targets import best_constant_bias

#: The ladder of alphas, weakest first (the path is warm-started upwards).
AUTO_ALPHAS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
#: Internal folds scoring the path.
N_FOLDS = 3
#: L-BFGS iterations, at most, per step of the path.
PATH_STEP = 20
#: The path stops once the validation loss has risen this many alphas in a
#: row after a lowest point past the first alpha (None: the whole ladder).
STOP_AFTER_RISES = 2
#: ``partial_fit``'s alpha under ``alpha="auto"`` when no ``fit`` chose one
#: (one pass over a chunk has nothing to hold out): the middle of the ladder.
PARTIAL_FIT_ALPHA = 1.0


def fold_offsets(X, Y, key, k):
    """Each row's own fold, ``o = blake2b(row bytes + label bytes) mod k``
    (int8: k is small, and large data keep only this per row)."""
    return np.fromiter(
        (
            int.from_bytes(
                hashlib.blake2b(row, digest_size=8, key=key).digest(), "little"
            )
            % k
            for row in _row_bytes(X, Y)
        ),
        dtype=np.int8,
        count=X.shape[0],
    )


def fold_shares(X, Y, weight, key, k, deal=True):
    """``share[r, j]``: the part of merged row r's weight in validation fold
    j (the rest of its weight trains fold j's model); rows sum to ``weight``.
    Without ``deal`` (rows that were not merged: their copies are separate
    rows with the same hash), each row's whole weight is in its fold."""
    offset = fold_offsets(X, Y, key, k).astype(np.int64)
    if not deal:
        return weight[:, None] * (np.arange(k) == offset[:, None])
    q, rem = np.divmod(weight.astype(np.float64), k)
    return np.stack(
        [q + np.clip(rem - (j - offset) % k, 0, 1) for j in range(k)], axis=1
    )


def _row_bytes(X, Y):
    """Each row as bytes: the column indices of its nonzero features (int64),
    their values, its targets — the same for a dense row and its sparse
    (CSR or CSC) form, so that both give the same folds."""
    # The targets at float32 precision: 0/1 labels are as they were, and the
    # standardized targets of y in other units, equal to rounding, hash alike.
    Y = Y.astype(np.float32).astype(Y.dtype)
    if sp.issparse(X):
        X = X.tocsr()
        for i, (a, b) in enumerate(zip(X.indptr[:-1], X.indptr[1:])):
            columns, values = X.indices[a:b], X.data[a:b]
            keep = values != 0
            order = np.argsort(columns[keep], kind="stable")
            columns, values = columns[keep][order], values[keep][order]
            yield columns.astype(np.int64).tobytes() + values.tobytes() + Y[i].tobytes()
    else:
        for i in range(X.shape[0]):
            columns = np.flatnonzero(X[i])
            yield (
                columns.astype(np.int64).tobytes()
                + X[i, columns].tobytes()
                + Y[i].tobytes()
            )


def choose_alpha(config, X, Y, sample_weight, params, key):
    """``alpha_, path``: the alpha of the lowest held-out loss on the
    ladder, and ``{alpha: mean validation loss}`` for every
    alpha of the ladder. X, Y, sample_weight are the merged training rows
    (weights None when all are 1); ``params`` the fit's initial W1, b1, W2,
    b2 (each fold starts from them, its output biases set to its own best
    constant with ``init="glorot"``); ``key`` seeds the fold hash (bytes).
    """
    # canonical_rows merged the rows, or (over the limit) left them as given.
    nbytes = X.data.nbytes if sp.issparse(X) else X.nbytes
    merged = nbytes <= _problem.MERGE_LIMIT_BYTES
    if merged:
        weight = (
            np.ones(X.shape[0], dtype=np.float64)
            if sample_weight is None
            else sample_weight.astype(np.float64)
        )
        shares = fold_shares(X, Y, weight, key, N_FOLDS)
        sides = [_dealt_sides(weight, share, X.dtype) for share in shares.T]
        total = weight.sum()
    else:
        offset = fold_offsets(X, Y, key, N_FOLDS)
        sides = [_own_sides(offset, j, sample_weight, X.dtype) for j in range(N_FOLDS)]
        total = (
            float(X.shape[0])
            if sample_weight is None
            else sample_weight.astype(np.float64).sum()
        )
    # A fold with nothing to train on or nothing to score (a few distinct
    # rows) takes no part; without any fold, no choice can be made.
    folds = [
        _Fold(config, X, Y, side, params, subsets=merged)
        for side in sides
        if _takes_part(*side())
    ]
    if not folds:
        return PARTIAL_FIT_ALPHA, {}
    scores = []
    for alpha in AUTO_ALPHAS:
        scores.append(float(sum(fold.step(alpha) for fold in folds) / total))
        if _past_the_bottom(scores):
            break
    # Ties go to the stronger penalty (the simpler model).
    best = len(scores) - 1 - int(np.argmin(scores[::-1]))
    return AUTO_ALPHAS[best], dict(zip(AUTO_ALPHAS, scores))


def _past_the_bottom(scores):
    """Whether the validation loss has risen ``STOP_AFTER_RISES`` alphas in
    a row after a lowest point past the first alpha.

    The loss over alpha is U-shaped — too weak a penalty overfits, too
    strong a one underfits — so once it climbs steadily from its bottom the
    stronger alphas can only be worse. Not from the first alpha: there the
    folds' fits are still a few iterations from their initial weights (an
    early-stopped, hence regularised, fit), and the loss may rise for a
    couple of alphas before it falls to its real bottom.
    """
    k = STOP_AFTER_RISES
    if k is None or len(scores) <= k:
        return False
    bottom = int(np.argmin(scores))
    rises = all(a < b for a, b in zip(scores[-k - 1 : -1], scores[-k:]))
    return rises and 0 < bottom == len(scores) - 1 - k


def _takes_part(train_weight, share):
    return bool(np.any(share > 0) and np.any(train_weight > 0))


def _dealt_sides(weight, share, dtype):
    """Fold sides of merged rows: ``sides()`` is the fold's (training
    weight, validation share) for every row, in X's dtype."""
    train_weight, share = (weight - share).astype(dtype), share.astype(dtype)
    return lambda: (train_weight, share)


def _own_sides(offset, j, sample_weight, dtype):
    """Fold sides of rows that were not merged: each row's whole weight on
    the side its hash says. Made anew on each call, so that large data keep
    one byte per row (``offset``) between the steps of the path, not two
    weight vectors per fold."""

    def sides():
        held = offset == j
        if sample_weight is None:
            return (~held).astype(dtype), held.astype(dtype)
        return (
            np.where(held, 0, sample_weight).astype(dtype, copy=False),
            np.where(held, sample_weight, 0).astype(dtype, copy=False),
        )

    return sides


class _Fold:
    """One fold of the path: its training rows and weights, its validation
    rows and shares, and the weights reached so far along the ladder.

    With ``subsets``, each side is a copy of its rows; otherwise (data over
    ``_problem.MERGE_LIMIT_BYTES``, not merged) both sides are all the rows,
    a side's weight 0 on the other's rows: no copy of X, at the price of
    passing over rows that count for nothing; the weights are then made
    again at each step (``sides``) instead of kept.
    """

    def __init__(self, config, X, Y, sides, params, subsets):
        self.config = config
        train_weight, share = sides()
        if subsets:
            train, val = train_weight > 0, share > 0
            X_train, Y_train, train_weight = X[train], Y[train], train_weight[train]
            self.val = X[val], Y[val], share[val]
            self.sides = None
        else:
            X_train, Y_train = X, Y
            self.val = X, Y, None
            self.sides = sides
        self.train = X_train, Y_train
        self.train_weight, self.scale = normalized_weights(train_weight)
        W1, b1, W2, b2 = params
        if config.init == "glorot":
            b2 = best_constant_bias(Y_train, self.train_weight, config.output)
            b2 = b2.astype(X.dtype)
        self.theta = net.pack(W1, b1, W2, b2, dtype=X.dtype)
        if self.sides is not None:
            self.train_weight = None  # made again at each step

    def step(self, alpha):
        """Carry the fold's fit on to ``alpha`` (warm) and return Σ share ·
        loss (the output's: cross-entropy, squared error) over its validation
        rows."""
        config = self.config
        X, Y, share = self.val
        train_weight = self.train_weight
        if self.sides is not None:
            train_weight, share = self.sides()
            train_weight = normalized_weights(train_weight)[0]
        objective = train_weight, alpha / self.scale, config.activation
        try:
            with (
                np.errstate(over="ignore", invalid="ignore"),
                FullBatchLoss(
                    *self.train, *objective, config.output, config.n_hidden
                ) as fun,
            ):
                result = lbfgs(
                    fun,
                    self.theta,
                    max_iter=PATH_STEP,
                    tol=config.tol,
                    n_iter_no_change=config.n_iter_no_change,
                )
        except DivergenceError:
            return np.inf  # this alpha cannot be chosen; the fold stays put
        if result.interrupted:  # the fit is abandoned, not cut short
            raise KeyboardInterrupt
        self.theta = result.theta
        dims = X.shape[1], config.n_hidden, Y.shape[1]
        with np.errstate(over="ignore", invalid="ignore"):
            Z2 = _blocks.logits(X, *net.unpack(self.theta, *dims), config.activation)
            return net.total_loss(Z2, Y, share, config.output)
