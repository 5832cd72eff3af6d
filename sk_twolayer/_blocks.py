"""The objective over rows: the loss and gradient of a full batch or of an
epoch's mini-batches, and the logits for prediction, over row blocks on all
cores.

``_network.accumulate`` propagates one block of rows. This module runs it
over the training rows the way the hardware likes it:

- in blocks of rows small enough that the block's ``Z1``, ``A1`` and ``dZ1``
  stay in the CPU cache between the equations, so the element-wise lines
  (``g``, ``g′``, the products) cost little beside the matrix products;
- with the rows cut into one contiguous shard per core, each shard worked by
  its own thread with its own buffers and gradient sums, and BLAS on one
  thread per shard: the activation and every other line run on all cores,
  not only the matrix products;
- with the buffers allocated once per fit, and never a copy of X: the memory
  beyond X is a few blocks, whatever the number of samples.

The shards' sums are added in a fixed order, so a run is reproducible bit for
bit on a given machine and thread count; the result equals the one-block
computation to float rounding.
"""

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import _network as net
from ._blas import (
    available_threads,
    blas_on_one_thread,
    scipy_own_blas,
    transpose_ready,
)


def l2_cache_bytes(default=2 << 20, sysfs="/sys/devices/system/cpu/cpu0/cache"):
    """Bytes of a core's L2 cache, as Linux reports it in ``sysfs``
    (``default`` where it does not)."""
    for index in sorted(Path(sysfs).glob("index*")):
        try:
            if (index / "level").read_text().strip() != "2":
                continue
            size = (index / "size").read_text().strip().upper()
        except OSError:
            continue
        scale = {"K": 1 << 10, "M": 1 << 20}.get(size[-1:], 1)
        digits = size.rstrip("KMB")
        if digits.isdigit() and int(digits) > 0:
            return int(digits) * scale
    return default


#: Bytes of one block's ``Z1`` (``dZ1`` is as large): the pair fills a
#: core's L2 cache (halving the block or doubling it was slower:
#: benchmarks/profile.md).
BLOCK_BYTES = l2_cache_bytes() // 2
#: Multiply-adds of an epoch times the bytes of a number (float64 arithmetic
#: takes about twice float32's time: half as many numbers per SIMD register)
#: below which one thread does all the work, BLAS included: the hand-off to a
#: second thread costs about as much as this much arithmetic.
MIN_PARALLEL_WORK = 1 << 25
#: The same for prediction, which has a third of the work per row.
MIN_PARALLEL_PREDICT = 1 << 25


def block_rows(n_h, itemsize):
    """Rows per block: ``BLOCK_BYTES`` of hidden activations, 64 to 8192."""
    return int(np.clip(BLOCK_BYTES // (n_h * itemsize), 64, 8192))


class Propagation:
    """Σ of the loss and of its gradient over the rows of ``X``, for rows up
    to ``max_rows`` at a time: blocks of rows, one contiguous shard of them
    per thread, buffers allocated once.

    Use it as a context manager: inside, when it works on several threads,
    BLAS runs single-threaded (each shard's thread is a BLAS caller); so it
    does when the work is below ``MIN_PARALLEL_WORK`` (two BLAS threads on
    such small products wait for each other more than they compute); on one
    thread for a larger work (sparse X), scipy's own BLAS (``_network``'s
    rank-one updates) does, so that its idle threads do not compete with
    numpy's.
    """

    def __init__(self, n_x, n_h, n_y, dtype, max_rows, activation, output, parallel):
        self.dims = (n_x, n_h, n_y)
        self.n_w = net.n_weights(n_x, n_h, n_y)
        self.activation, self.output = activation, output
        rows = block_rows(n_h, dtype.itemsize)
        threads, work = 1, max_rows * n_h * (n_x + n_y) * dtype.itemsize
        if parallel and work >= MIN_PARALLEL_WORK:
            threads = min(available_threads(), max_rows // 32)
        self.n_threads = max(threads, 1)
        #: Work too small for two of our threads is too small for two of
        #: BLAS's: its products then run on one thread too.
        self.small = work < MIN_PARALLEL_WORK
        self.rows = min(rows, -(-max_rows // self.n_threads))
        self.buffers = [
            net.Buffers(self.rows, n_x, n_h, n_y, dtype) for _ in range(self.n_threads)
        ]
        self.sums = [None] + [np.empty(0, dtype) for _ in range(self.n_threads - 1)]
        self.theta = self.params = None
        self._stack = self._pool = None
        self._unpacked = {}

    def __enter__(self):
        self._stack = ExitStack()
        if self.n_threads == 1:
            self._stack.enter_context(
                blas_on_one_thread(None if self.small else scipy_own_blas())
            )
        else:
            self._stack.enter_context(blas_on_one_thread())
            self._pool = self._stack.enter_context(
                ThreadPoolExecutor(self.n_threads - 1)
            )
        return self

    def __exit__(self, *exc_info):
        stack, self._stack, self._pool = self._stack, None, None
        return stack.__exit__(*exc_info)

    def evaluate(
        self, theta, X, Y, sample_weight, alpha, m, grad, divide=True, Z2=None
    ):
        """J and ∂J/∂θ (into ``grad``) with the sums over these rows
        divided by ``m``, and the L2 term ``alpha``.

        With ``divide=False`` both are left as sums, m times J and ∂J/∂θ
        (see :func:`_network.finish`); given ``Z2``, the logits of the rows
        are left there and J lacks the loss of the rows (only the L2 term).
        """
        if self._stack is None:
            with self:
                return self.evaluate(
                    theta, X, Y, sample_weight, alpha, m, grad, divide, Z2
                )
        n_x, n_h, n_y = self.dims
        if theta is not self.theta:  # the solvers update theta in place
            self.theta, self.params = theta, net.unpack(theta, n_x, n_h, n_y)
            self.W1T = np.empty((n_x, n_h), dtype=theta.dtype)
        W1, b1, W2, b2 = self.params
        np.copyto(self.W1T, W1.T)  # read by every thread
        self.weights = self.W1T, b1, W2, b2
        n, s = X.shape[0], sample_weight
        if self.n_threads == 1:
            loss = self._shard(0, X, Y, s, 0, n, grad, Z2)
            return float(
                net.finish(loss, grad, theta, alpha, m, self.n_w, divide)
            ), grad
        bounds = np.linspace(0, n, self.n_threads + 1).astype(int)
        sums = [grad, *self.sums[1:]]
        for i in range(1, len(sums)):
            if sums[i].shape != theta.shape:
                sums[i] = self.sums[i] = np.empty_like(theta)
        futures = [
            self._pool.submit(
                self._shard, i, X, Y, s, bounds[i], bounds[i + 1], sums[i], Z2
            )
            for i in range(1, self.n_threads)
        ]
        loss = self._shard(0, X, Y, s, bounds[0], bounds[1], grad, Z2)
        for future in futures:
            loss += future.result()
        for other in sums[1:]:
            grad += other
        return float(net.finish(loss, grad, theta, alpha, m, self.n_w, divide)), grad

    def _views(self, flat):
        """W1, b1, W2, b2 views of a gradient vector, made once per vector."""
        views = self._unpacked.get(id(flat))
        if views is None or views[0] is not flat:
            views = self._unpacked[id(flat)] = (flat, net.unpack(flat, *self.dims))
        return views[1]

    def _shard(self, i, X, Y, sample_weight, start, stop, flat_sums, Z2=None):
        """Σ over the blocks of rows ``start:stop`` with thread ``i``'s
        buffers: returns the loss sum and leaves the gradient sums in
        ``flat_sums`` (and the logits in ``Z2``'s rows, when given)."""
        if start == stop:
            flat_sums[...] = 0
        sums = self._views(flat_sums)
        args = self.weights, self.activation, self.output, sums, self.buffers[i]
        s = sample_weight
        if start == 0 and stop == X.shape[0] <= self.rows:  # a mini-batch
            return net.accumulate(X, Y, s, *args, Z2=Z2)
        loss = 0.0
        for a in range(start, stop, self.rows):
            b = min(a + self.rows, stop)
            loss += net.accumulate(
                X[a:b],
                Y[a:b],
                None if s is None else s[a:b],
                *args,
                first=a == start,
                Z2=None if Z2 is None else Z2[a:b],
            )
        return loss


class FullBatchLoss(Propagation):
    """``loss, grad = f(theta)`` over all the rows, for the full-batch
    solvers (a context manager, see :class:`Propagation`)."""

    def __init__(self, X, Y, sample_weight, alpha, activation, output, n_h):
        n, n_x = X.shape
        super().__init__(
            n_x, n_h, Y.shape[1], X.dtype, n, activation, output, not sp.issparse(X)
        )
        self.data = X, Y, sample_weight
        self.alpha = alpha
        self.m = n if sample_weight is None else sample_weight.sum()
        self.grad = None

    def __call__(self, theta):
        if self.grad is None or self.grad.shape != theta.shape:
            self.grad = np.empty_like(theta)
        return self.evaluate(theta, *self.data, self.alpha, self.m, self.grad)


class MiniBatchLoss(Propagation):
    """Loss and gradient on the mini-batches of an epoch, for
    :func:`_solvers.minibatch_descent`.

    The L2 term is scaled so that the batches average to the full-batch
    objective: ``J_B = Σ_B s ℓ / m_B + α/(2M) (‖W1‖² + ‖W2‖²)``, with ``m_B``
    the batch's weight and ``M`` the whole training weight (MLPClassifier
    divides by ``m_B`` instead, which makes its penalty depend on the batch
    size). A shuffled batch's rows of X are gathered into a buffer allocated
    once.

    The epoch's loss is the weight-averaged loss of its batches, each at the
    weights it was computed with (as MLPClassifier reports it). The batches
    leave their logits in a buffer of ``CHUNK_BYTES``, and the loss
    is taken over all of them at once when it is full (cheaper than batch by
    batch, see benchmarks/design_measurements.md); Y and the weights are
    gathered in the epoch's order a chunk at a time too.
    """

    #: Bytes of logits (and as many of Y) held for the loss between batches.
    CHUNK_BYTES = 1 << 18

    def __init__(self, X, Y, sample_weight, alpha, activation, output, n_h, batch):
        super().__init__(
            X.shape[1],
            n_h,
            Y.shape[1],
            X.dtype,
            batch,
            activation,
            output,
            not sp.issparse(X),
        )
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.sparse = sp.issparse(X)
        self.total = float(X.shape[0] if sample_weight is None else sample_weight.sum())
        self.alpha = alpha
        self.X_rows = np.empty((batch, X.shape[1]), dtype=X.dtype)
        # A whole number of batches, at least one.
        rows = self.CHUNK_BYTES // (Y.shape[1] * X.dtype.itemsize) // batch * batch
        rows = min(max(rows, batch), X.shape[0])
        self.logits = np.empty((rows, Y.shape[1]), dtype=X.dtype)
        self.Y_rows = np.empty((rows, Y.shape[1]), dtype=Y.dtype)
        self.grad = None
        self.order = None

    def start_epoch(self, order):
        """Begin an epoch whose rows are ``order`` (None: as they are); its
        batches come in order."""
        self.order = order
        self._chunk = slice(0, 0)  # the epoch's rows whose logits are held
        self._loss = 0.0  # Σ m_B J_B over the batches so far

    def _begin_chunk(self, start):
        """Hold the logits from the epoch's row ``start`` on, with the Y and
        weights of those rows."""
        stop = min(start + len(self.logits), self.X.shape[0])
        self._chunk = slice(start, stop)
        if self.order is None:
            rows = self._chunk
            self._Y = self.Y[rows]
        else:
            rows = self.order[self._chunk]
            Y = self.Y_rows[: len(rows)]
            self._Y = self.Y.take(rows, axis=0, out=Y, mode="clip")
        s = self.sample_weight
        self._s = None if s is None else s[rows]

    def _end_chunk(self):
        """Add the loss of the held logits to the epoch's loss."""
        n = self._chunk.stop - self._chunk.start
        if n:
            self._loss += net.total_loss(self.logits[:n], self._Y, self._s, self.output)
        self._chunk = slice(self._chunk.stop, self._chunk.stop)

    def _rows(self, batch):
        """The rows of X in the epoch's ``batch`` (a slice)."""
        if self.order is None:
            return self.X[batch]
        if self.sparse:
            return self.X[self.order[batch]]
        # mode="clip" (the rows are valid) spares take a buffered copy.
        rows = self.order[batch]
        return self.X.take(rows, axis=0, out=self.X_rows[: len(rows)], mode="clip")

    def __call__(self, theta, batch):
        """``grad, scale`` for the epoch's rows ``batch`` (a slice): the
        gradient of J_B is ``scale · grad`` (the optimisers fold the 1/m_B
        into their step, a pass saved); scale 0 for a batch whose weights
        are all 0."""
        if batch.start >= self._chunk.stop:
            self._end_chunk()
            self._begin_chunk(batch.start)
        a, b = batch.start - self._chunk.start, batch.stop - self._chunk.start
        Y = self._Y[a:b]
        s = None if self._s is None else self._s[a:b]
        X = self._rows(batch)
        m = X.shape[0] if s is None else float(s.sum())
        if self.grad is None or self.grad.shape != theta.shape:
            self.grad = np.empty_like(theta)
        if m == 0:  # no sample of the batch counts: J_B is 0/0, and no step
            self.logits[a:b] = 0.0
            return self.grad, 0.0
        alpha = self.alpha * m / self.total
        self._loss += self.evaluate(
            theta, X, Y, s, alpha, m, self.grad, divide=False, Z2=self.logits[a:b]
        )[0]
        return self.grad, 1 / m

    def epoch_loss(self):
        """The epoch's loss: Σ over its batches of m_B J_B, divided by M."""
        self._end_chunk()
        return self._loss / self.total


def logits(X, W1, b1, W2, b2, activation):
    """Forward propagation to the logits ``Z2`` for prediction.

    Small inputs take :func:`_network.forward` in one piece; large dense ones
    go in blocks of rows (the memory beyond X and Z2 stays a few blocks) on
    one thread per core, like training (the activation then runs on every
    core).
    """
    n, n_x = X.shape
    (n_h, _), (n_y, _) = W1.shape, W2.shape
    W1 = transpose_ready(X, W1)
    threads = 1
    if not sp.issparse(X) and n * n_h * (n_x + n_y) >= MIN_PARALLEL_PREDICT:
        threads = available_threads()
    if threads == 1:
        return net.forward(X, W1, b1, W2, b2, activation)[1]
    dtype = np.result_type(X.dtype, W1.dtype, b1.dtype, W2.dtype, b2.dtype)
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    Z2 = np.empty((n, n_y), dtype=dtype)
    rows = block_rows(n_h, dtype.itemsize)
    bounds = np.linspace(0, n, threads + 1).astype(int)

    def shard(start, stop):
        Z1 = np.empty((min(rows, stop - start), n_h), dtype=dtype)
        for a in range(start, stop, rows):
            b = min(a + rows, stop)
            net.forward(X[a:b], W1, b1, W2, b2, activation, Z1[: b - a], Z2[a:b])

    with blas_on_one_thread(), ThreadPoolExecutor(threads - 1) as pool:
        futures = [pool.submit(shard, a, b) for a, b in zip(bounds[1:-1], bounds[2:])]
        shard(bounds[0], bounds[1])
        for future in futures:
            future.result()
    return Z2
