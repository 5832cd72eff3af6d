"""The training rows: what the solver trains on, and the validation set.

The loss is a weighted sum over rows, ``(Σ s ℓ + α/2 ‖W‖²) / Σ s``, so the
problem can be rewritten without changing it: duplicate rows merged into one
row of their summed weight (:func:`merge_duplicate_rows`), the weights
rescaled with α (:func:`normalized_weights`), wide data put in the
coordinates of their rows' span (:class:`RowSpace`).
:func:`split_validation` sets aside early stopping's held-out rows first.
"""

from contextlib import nullcontext

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import train_test_split

from ._blas import blas_on_one_thread
from ._targets import power_of_two_scaled

#: Full-batch training data up to this size are put in canonical form (see
#: :func:`merge_duplicate_rows`), which copies them; larger data are used as
#: given, never copied (integer weights then match repeated rows to float
#: rounding rather than bit for bit).
MERGE_LIMIT_BYTES = 8 * 2**20
#: Multiply-adds (rows² × columns) from which :class:`RowSpace`'s QR
#: factorisation runs on every BLAS thread (below, on one: ~0.1 s).
QR_PARALLEL_WORK = 1 << 30


def training_rows(X, Y, sample_weight, alpha, full_batch, canonical=False):
    """The rows the solver trains on, their weights (normalized, None when
    all are 1) and the matching ``alpha``.

    Full-batch training (gd, lbfgs, or sgd/adam with one batch per epoch)
    merges duplicate rows into weights, exactly; with several mini-batches
    the rows are kept as given, in their order. ``canonical=True``: the rows
    already are :func:`canonical_rows`' (they are not merged again).
    """
    if not canonical:
        X, Y, sample_weight = canonical_rows(X, Y, sample_weight, full_batch)
    sample_weight, scale = normalized_weights(sample_weight)
    return X, Y, sample_weight, alpha / scale


def canonical_rows(X, Y, sample_weight, full_batch):
    """``X, Y, sample_weight`` with duplicate rows merged when training is
    full-batch and the data are small enough (:data:`MERGE_LIMIT_BYTES`);
    sparse X in CSR form either way."""
    nbytes = X.data.nbytes if sp.issparse(X) else X.nbytes
    if full_batch and nbytes <= MERGE_LIMIT_BYTES:
        return merge_duplicate_rows(X, Y, sample_weight)
    if sp.issparse(X):
        X = X.tocsr()  # blocks and mini-batches take rows
    return X, Y, sample_weight


def merge_duplicate_rows(X, Y, sample_weight):
    """The full-batch training problem in a canonical form.

    The loss is a weighted sum over rows, so rows with equal features and
    targets can become one row carrying their summed weight, and rows of zero
    weight can go, without changing it. Doing both, and putting the rows in a
    canonical (sorted) order, hands the solver the same arrays however the data
    were ordered or repeated: integer weights then give, bit for bit, the model
    of the repeated rows. (Otherwise the rounding differences of two summation
    orders grow along the solver's path wherever the loss is flat.)

    Returns ``X, Y, sample_weight``; the weights are None when all are 1.
    """
    n_samples = X.shape[0]
    if sample_weight is None:
        sample_weight = np.ones(n_samples, dtype=X.dtype)
    if sp.issparse(X):
        X = X.tocsr(copy=True)
        X.sum_duplicates()
        X.eliminate_zeros()
        X.sort_indices()
        bounds = zip(X.indptr[:-1], X.indptr[1:])
        keys = np.array(
            [
                X.indices[a:b].tobytes() + X.data[a:b].tobytes() + Y[i].tobytes()
                for i, (a, b) in enumerate(bounds)
            ],
            dtype=object,
        )
    else:
        rows = np.ascontiguousarray(np.hstack([X, Y]))
        keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1])))
        keys = keys.ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    # Sum each group's weights in sorted order, so the sums round alike too.
    order = np.lexsort((sample_weight, inverse.ravel()))
    weight = np.bincount(
        inverse.ravel()[order], weights=sample_weight[order], minlength=len(first)
    )
    keep = weight > 0
    rows = first[keep]
    weight = weight[keep].astype(X.dtype)
    return X[rows], Y[rows], (None if np.all(weight == 1) else weight)


def normalized_weights(sample_weight):
    """Weights scaled to mean 1, and the factor they were divided by.

    The loss ``(Σ s ℓ + α/2 ‖W‖²) / Σ s`` is unchanged when the weights are
    divided by ``c`` and ``α`` by ``c`` too; doing so keeps sums of huge or
    tiny weights inside the floating-point range.
    """
    if sample_weight is None:
        return None, 1.0
    top = sample_weight.max()
    if top < np.finfo(np.float64).tiny:
        raise ValueError(
            f"sample_weight is too small to compute with (largest {top:.3g}); "
            "multiply all weights by a constant, which changes nothing else."
        )
    weight = sample_weight / top
    mean = weight.mean()
    weight /= mean
    return weight, float(top) * float(mean)


def split_validation(X, Y, sample_weight, labels, fraction, rng):
    """Set aside a stratified ``fraction`` of the rows for early stopping.

    Rows of zero weight count for nothing on either side, so they take no
    part: the split is of the rows that count, and each side gets at least
    one of them (a side of zero total weight would have no loss to train on
    or to watch).

    Returns the training ``X, Y, sample_weight`` and the validation set
    ``(X_val, Y_val, sample_weight_val)``, its weights never None.
    """
    if sample_weight is not None and not np.all(sample_weight > 0):
        rows = np.flatnonzero(sample_weight > 0)
        X, Y, sample_weight = X[rows], Y[rows], sample_weight[rows]
        labels = None if labels is None else labels[rows]
    weights = (
        np.ones(X.shape[0], dtype=X.dtype) if sample_weight is None else sample_weight
    )
    try:
        X, X_val, Y, Y_val, w, w_val = train_test_split(
            X, Y, weights, test_size=fraction, stratify=labels, random_state=rng
        )
    except ValueError as exc:
        raise ValueError(
            "early_stopping could not set aside a validation set (stratified "
            "by class for a classifier) "
            f"of validation_fraction={fraction} from "
            f"{len(weights)} samples of positive weight: {exc}"
        ) from None
    validation = (X_val, Y_val, power_of_two_scaled(w_val))
    return X, Y, (None if sample_weight is None else w), validation


class RowSpace:
    """The problem in the coordinates of the rows' span, for data with
    fewer rows than columns.

    The gradient of the loss in W1 is ``dZ1ᵀ·X``: its rows lie in the span
    of X's rows. Write W1 = C·Qᵀ + P, with Q (n_features × r) an orthonormal
    basis of that span (r ≤ n rows) and P orthogonal to it: X·W1ᵀ = (X·Q)·Cᵀ
    does not depend on P, and ‖W1‖² = ‖C‖² + ‖P‖². So the penalised loss is
    the loss of a network on the r columns X·Q with first-layer weights C,
    plus α/(2m) ‖P‖², whose minimum is at P = 0: fitting C on X·Q and
    keeping W1 = C·Qᵀ is the same optimum, computed on r columns instead of
    n_features (and the validation rows of early stopping, projected on the
    same span, are scored exactly). For an unpenalised fit (α = 0) P would
    keep its initial value instead, so this rewriting is used only under
    ``alpha="auto"``, whose alphas are positive.
    """

    def __init__(self, X):
        n, d = X.shape
        # LAPACK's QR spends much of its time in small panel steps that a
        # second BLAS thread only waits on: one thread below QR_PARALLEL_WORK.
        self._threads = (
            nullcontext if n * n * d >= QR_PARALLEL_WORK else blas_on_one_thread
        )
        with self._threads():
            # Xᵀ = Q·R, so X·Q = Rᵀ.
            self.basis, R = np.linalg.qr(X.T.astype(np.float64))
        self.X = R.T.astype(X.dtype)  # X·Q

    @classmethod
    def of(cls, X):
        """The row space of dense X with fewer rows than columns, else None
        (sparse X stays sparse: its products are cheap already)."""
        if sp.issparse(X) or X.shape[0] >= X.shape[1]:
            return None
        return cls(X)

    def _times(self, A, B):
        with self._threads():
            return (A.astype(np.float64, copy=False) @ B).astype(A.dtype)

    def project(self, X):
        """Other rows (validation rows) in the same coordinates: X·Q."""
        return self._times(X, self.basis)

    def reduce(self, W1):
        """First-layer weights in the span's coordinates: C = W1·Q (the
        component P orthogonal to the span dropped: X·W1ᵀ is unchanged)."""
        return self._times(W1, self.basis)

    def expand(self, C):
        """The first-layer weights of the model: W1 = C·Qᵀ."""
        return self._times(C, self.basis.T)
