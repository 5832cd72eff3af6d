"""The two-layer network of the course, as pure NumPy functions.

Lay this file beside the course notes (Deep Learning course 1, week 3): every
equation is one line, in the course's order. The only change of convention is
that samples are *rows*, as everywhere in scikit-learn, so ``X`` has shape
``(m, n_x)`` and the course's ``W·X`` becomes ``X·Wᵀ``. The weights keep the
course's shapes: ``W1`` is ``(n_h, n_x)``, ``W2`` is ``(n_y, n_h)``.

Forward propagation::

    Z1 = X·W1ᵀ + b1
    A1 = g(Z1)                   g = tanh, sigmoid or relu
    Z2 = A1·W2ᵀ + b2
    A2 = σ(Z2)                   sigmoid; softmax for several classes;
                                 the identity (A2 = Z2) for regression;
                                 the exponential (A2 = e^Z2) for counts

Backward propagation (``s`` are the sample weights, ``m = Σ s``; without
weights ``s = 1`` and ``m`` is the number of samples)::

    dZ2 = (A2 − Y) ∗ s
    dW2 = dZ2ᵀ·A1 / m  (+ α W2 / m)
    db2 = Σ dZ2 / m
    dZ1 = dZ2·W2 ∗ g′(Z1)
    dW1 = dZ1ᵀ·X / m   (+ α W1 / m)
    db1 = Σ dZ1 / m

Each output unit comes with the loss it is paired with (``OUTPUTS`` and
``LOSSES``): cross-entropy for the sigmoid and softmax units, half the squared
error ``½ ‖A2 − Y‖²`` for the identity unit, half the Poisson deviance
``A2 − Y·Z2`` (plus a constant in Y) for the exponential unit. Every pair is
canonical, so dZ2 = A2 − Y for all four and the backward pass is the same
lines; the output's inverse link (``INVERSE_LINKS``) turns a mean target
into the output bias of the best constant model.

Prediction: ``ŷ = 1`` where ``A2 > 0.5`` (the most probable class for
softmax); for regression and counts ``ŷ = A2``.

Nothing here knows about scikit-learn: these functions take arrays and return
arrays. ``_blocks.py`` runs them over the rows, the solvers (``_solvers.py``)
iterate, and ``_blas.py`` chooses how the products are computed.
"""

import numpy as np
from scipy.special import expit, xlogy

from ._blas import add_scaled, add_to_rows, matmul_into, product_into

# --- activations g and their derivatives g′, written in terms of A = g(Z) ----


# Each takes an optional ``out`` array (which may be its input) to write into.


def tanh(Z, out=None):
    """tanh(z) = (e^z − e^−z) / (e^z + e^−z)."""
    return np.tanh(Z, out=out)


def sigmoid(Z, out=None):
    """σ(z) = 1 / (1 + e^−z), evaluated without overflow for any finite z."""
    return expit(Z, out=out)


def relu(Z, out=None):
    """relu(z) = max(0, z)."""
    return np.maximum(Z, 0, out=out)


def tanh_derivative(A, out=None):
    """tanh′(z) = 1 − tanh(z)² = 1 − A²."""
    A2 = np.square(A, out=out)
    return np.subtract(1, A2, out=A2)


def sigmoid_derivative(A, out=None):
    """σ′(z) = σ(z)(1 − σ(z)) = A(1 − A) = A − A²."""
    if out is A:  # A(1 − A) in place: A ← A − A·A needs A·A first
        return np.subtract(A, np.square(A), out=A)
    return np.multiply(A, 1 - A, out=out)


def relu_derivative(A, out=None):
    """relu′(z) = 1 where z > 0, else 0 (0 at the kink, by convention)."""
    if out is None:
        return (A > 0).astype(A.dtype)
    return np.greater(A, 0, out=out, casting="unsafe")


ACTIVATIONS = {"tanh": tanh, "sigmoid": sigmoid, "relu": relu}
DERIVATIVES = {
    "tanh": tanh_derivative,
    "sigmoid": sigmoid_derivative,
    "relu": relu_derivative,
}

# --- output units -------------------------------------------------------------

#: Rows of k outputs (k > 1) are reduced column by column when there are at
#: least this many rows per column. NumPy reduces a matrix along its rows with
#: one inner-loop call a row, whose fixed cost is more than a short row's
#: arithmetic; a column at a time costs one call a column (the timings are in
#: benchmarks/design_measurements.md).
ROWS_PER_COLUMN = 32
#: NumPy adds a row of fewer than this many numbers from left to right (in its
#: dtype); longer rows pairwise, in blocks.
SEQUENTIAL_SUM = 8


def _by_columns(Z):
    m, k = Z.shape
    return k > 1 and m >= ROWS_PER_COLUMN * k


def row_max(Z):
    """max_k Z_k of each row, as a column (m × 1): the maximum is exact, so
    it is the same number whichever way it is taken."""
    if not _by_columns(Z):
        return Z.max(axis=1, keepdims=True)
    out = np.maximum(Z[:, :1], Z[:, 1:2])
    for k in range(2, Z.shape[1]):
        np.maximum(out, Z[:, k : k + 1], out=out)
    return out


def row_sum(Z):
    """Σ_k Z_k of each row, as a column (m × 1): ``Z.sum(axis=1,
    keepdims=True)`` bit for bit. A row shorter than ``SEQUENTIAL_SUM`` is
    added from left to right, as NumPy adds it, a column at a time."""
    if not (_by_columns(Z) and Z.shape[1] < SEQUENTIAL_SUM):
        return Z.sum(axis=1, keepdims=True)
    out = Z[:, :1] + Z[:, 1:2]
    for k in range(2, Z.shape[1]):
        out += Z[:, k : k + 1]
    return out


def shifted_exp(Z, out=None):
    """e^{z − max z} of each row (into ``out``, which may be Z), the row
    maxima and the rows' sums of it: what softmax and log-sum-exp share."""
    Z_max = row_max(Z)
    E = np.subtract(Z, Z_max, out=out)
    np.exp(E, out=E)
    return E, Z_max, row_sum(E)


def log_sum_exp(Z):
    """log Σ_k e^{Z_k} along the rows, shifted by the row maximum (no overflow)."""
    _, Z_max, sums = shifted_exp(Z)
    return np.log(sums) + Z_max


def softmax(Z, out=None):
    """softmax(z)_k = e^{z_k} / Σ_j e^{z_j}, computed as e^{z_k − max z}
    divided by its row sum: no overflow, and each row sums to 1 to a few
    units of rounding whatever the logits' size (exp(z − logsumexp(z)) is
    off by the rounding of z itself: 1e-5 in float32 at |z| ≈ 250)."""
    E, _, sums = shifted_exp(Z, out=out)
    E /= sums
    return E


def identity(Z, out=None):
    """The identity output unit of regression: A2 = Z2 (a copy into ``out``
    when it is another array)."""
    if out is None or out is Z:
        return Z
    np.copyto(out, Z)
    return out


def exponential(Z, out=None):
    """The exponential output unit of counts, A2 = e^z (in training, a logit
    past ~709, 88 in float32, overflows to inf: a diverged fit, which the
    solvers report; predictions take :func:`poisson_mean`)."""
    return np.exp(Z, out=out)


OUTPUTS = {
    "sigmoid": sigmoid,
    "softmax": softmax,
    "identity": identity,
    "exp": exponential,
}


def softplus(Z, out=None):
    """log(1 + e^z) = max(z, 0) + log(1 + e^−|z|), finite for any finite z.

    The same formula as ``np.logaddexp(0, z)``, in vectorized passes
    (logaddexp takes each element through a scalar loop: several times
    slower, see benchmarks/design_measurements.md).
    """
    positive = np.maximum(Z, 0)  # before ``out`` (which may be Z) is written
    E = np.abs(Z, out=out)
    np.negative(E, out=E)
    np.exp(E, out=E)
    np.log1p(E, out=E)
    E += positive
    return E


# --- losses, each sample's, from the logits Z2 --------------------------------


def sigmoid_cross_entropy(Z2, Y):
    """−[y log σ(z) + (1 − y) log(1 − σ(z))] = log(1 + e^z) − y z, summed
    over the sigmoid units: exact, and finite for any finite z."""
    return row_sum(softplus(Z2) - Y * Z2)[:, 0]


def softmax_cross_entropy(Z2, Y):
    """−Σ_k y_k log softmax(z)_k = logsumexp(z) − y·z: exact, and finite for
    any finite z."""
    return log_sum_exp(Z2)[:, 0] - row_sum(Y * Z2)[:, 0]


def squared_error(Z2, Y):
    """½ ‖a − y‖² = ½ Σ_k (z_k − y_k)², the identity unit's loss (a = z)."""
    D = np.subtract(Z2, Y)
    np.square(D, out=D)
    return 0.5 * row_sum(D)[:, 0]


def half_poisson_deviance(Z2, Y):
    """½ deviance = y log(y / a) − y + a = a − y z + (y log y − y), a = e^z
    (:func:`exponential`), summed over the exponential units: the loss of
    counts, ≥ 0 and 0 where a = y (0 log 0 = 0)."""
    return _half_deviance(exponential(Z2), Y * Z2, Y)


def _half_deviance(A, YZ, Y):
    """Σ_k a_k − y_k z_k + y_k log y_k − y_k of each row, from A = e^Z,
    YZ = Y·Z (written over) and Y."""
    L = np.subtract(A, YZ, out=YZ)
    L += xlogy(Y, Y)
    L -= Y
    return row_sum(L)[:, 0]


#: The loss each output unit is trained on. The pairs are canonical:
#: ∂ℓ/∂z = a − y for each (see ``accumulate``).
LOSSES = {
    "sigmoid": sigmoid_cross_entropy,
    "softmax": softmax_cross_entropy,
    "identity": squared_error,
    "exp": half_poisson_deviance,
}


def sample_loss(Z2, Y, output):
    """Each sample's loss ℓ for the ``output`` unit, from the logits Z2."""
    return LOSSES[output](Z2, Y)


def total_loss(Z2, Y, sample_weight, output):
    """Σ_i s_i · ℓ_i, as a float, s the ``sample_weight`` (None: every
    s_i = 1).

    Each sample's loss is complete before the sum, which is taken in
    float64: a well-fitted float32 model's Σ log(1 + e^z) and Σ y z, summed
    apart over 131 072 rows, nearly cancel (7e-4 relative error in the loss,
    3e-6 this way).
    """
    return weighted_sum(sample_loss(Z2, Y, output), sample_weight)


def weighted_sum(losses, sample_weight):
    """Σ_i s_i · ℓ_i of the samples' losses (weighted in place), summed in
    float64 (see :func:`total_loss`)."""
    if sample_weight is not None:
        losses *= sample_weight
    return float(losses.sum(dtype=np.float64))


def loss_and_output(Z2, Y, sample_weight, output, out=None):
    """``total_loss(Z2, Y, sample_weight, output)`` and the output
    ``OUTPUTS[output](Z2, out=out)`` (``out`` may be Z2), bit for bit, at
    once: for softmax the two share e^{z − max z} and its row sums, and the
    exponential unit its e^z, which are computed once."""
    if output == "exp":
        YZ = Y * Z2  # before ``out`` (which may be Z2) is written
        A = exponential(Z2, out=out)
        return weighted_sum(_half_deviance(A, YZ, Y), sample_weight), A
    if output != "softmax":
        loss = total_loss(Z2, Y, sample_weight, output)
        return loss, OUTPUTS[output](Z2, out=out)
    yz = row_sum(Y * Z2)[:, 0]  # before ``out`` (which may be Z2) is written
    E, Z_max, sums = shifted_exp(Z2, out=out)
    losses = (np.log(sums) + Z_max)[:, 0] - yz  # logsumexp(z) − y·z
    E /= sums  #                                  softmax(z)
    return weighted_sum(losses, sample_weight), E


# --- the best constant model ------------------------------------------------------

#: A mean target kept this far from 0 and 1 by the logit and the log (the
#: bias of a class that never occurs would be infinite).
PROBABILITY_CLIP = 1e-6


def logit(p):
    """σ⁻¹(p) = log p − log(1 − p), the sigmoid unit's inverse link."""
    p = np.clip(p, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP)
    return np.log(p) - np.log1p(-p)


def log_probability(p):
    """log p, the softmax's inverse link (up to a constant, which softmax
    ignores)."""
    return np.log(np.clip(p, PROBABILITY_CLIP, 1 - PROBABILITY_CLIP))


def log_mean(mean):
    """log μ, the exponential unit's inverse link; a mean of 0 (no count in
    the rows, as in a fold of alpha="auto") gives the log of the smallest
    normal number, finite."""
    return np.log(np.maximum(mean, np.finfo(np.float64).tiny))


#: The output bias whose A2 is a given mean target: with the weights W2 at
#: zero, b2 = link(mean Y) is the best constant model of each output unit.
INVERSE_LINKS = {
    "sigmoid": logit,
    "softmax": log_probability,
    "identity": identity,
    "exp": log_mean,
}


# --- prediction ------------------------------------------------------------------

#: The logits of a prediction of counts, per dtype: [log of the smallest
#: normal number, the largest float below log of the largest], so that e^z is
#: finite and > 0 (the float32 log of its largest number rounds up, and
#: e^{that} overflows).
EXP_RANGE = {
    np.dtype(t): (
        np.log(np.finfo(t).tiny).astype(t),
        np.nextafter(np.log(np.finfo(t).max).astype(t), t(0)),
    )
    for t in (np.float32, np.float64)
}


def poisson_mean(Z2, out=None):
    """A2 = e^Z2 as predicted counts (into ``out``, Z2 itself when None):
    the logits clipped to :data:`EXP_RANGE` first, so that A2 is finite and
    > 0 for logits of any size, without overflow (as :func:`probabilities`
    keeps probabilities inside (0, 1))."""
    out = Z2 if out is None else out
    low, high = EXP_RANGE[out.dtype]
    # Two ufuncs: np.clip's Python wrapper costs more than a one-row prediction.
    A = np.maximum(Z2, low, out=out)
    np.minimum(A, high, out=A)
    return np.exp(A, out=A)


def probabilities(Z2, output, out=None):
    """A2 = σ(Z2) (softmax for several classes) as probabilities, written
    into ``out`` (Z2 itself when None): kept strictly inside (0, 1) so that
    log A2 is finite, for logits of any size."""
    out = Z2 if out is None else out
    finfo = np.finfo(out.dtype)
    if output == "softmax":
        with np.errstate(over="ignore"):  # logits ±max: exp(−inf) is 0
            return np.maximum(softmax(Z2, out=out), finfo.tiny, out=out)
    # Two ufuncs: np.clip's Python wrapper costs more than a one-row prediction.
    P = sigmoid(Z2, out=out)
    return np.minimum(np.maximum(P, finfo.eps, out=P), 1 - finfo.eps, out=P)


def decide(A2, output):
    """The course's prediction: ŷ = 1 where A2 > 0.5 for sigmoid units (a
    boolean array like A2); for softmax, the index of each row's most
    probable class. ``predict`` and the validation score both use it."""
    if output == "softmax":
        return A2.argmax(axis=1)
    return A2 > 0.5


# --- parameters ----------------------------------------------------------------


def shapes(n_x, n_h, n_y):
    """Shapes of W1, b1, W2, b2 in the course's convention."""
    return (n_h, n_x), (n_h,), (n_y, n_h), (n_y,)


def unpack(theta, n_x, n_h, n_y, copy=False):
    """W1, b1, W2, b2 from the flat parameter vector theta: views into it
    (no copy), or with ``copy`` arrays of their own (a model to keep).

    theta holds the weights first, then the biases: [W1, W2, b1, b2], so that
    the weights the L2 term penalises are one slice, ``theta[:n_weights]``.
    """
    s_W1, s_b1, s_W2, s_b2 = shapes(n_x, n_h, n_y)
    offsets = np.cumsum([0, n_h * n_x, n_y * n_h, n_h, n_y])
    W1, W2, b1, b2 = (
        theta[a:b].reshape(shape)
        for a, b, shape in zip(offsets, offsets[1:], (s_W1, s_W2, s_b1, s_b2))
    )
    if copy:
        return W1.copy(), b1.copy(), W2.copy(), b2.copy()
    return W1, b1, W2, b2


def n_weights(n_x, n_h, n_y):
    """How many of theta's entries are weights (W1 and W2, not biases)."""
    return n_h * (n_x + n_y)


def pack(W1, b1, W2, b2, dtype=None):
    """One flat vector holding W1, W2, b1, b2, in that order (see unpack)."""
    return np.concatenate([np.ravel(p) for p in (W1, W2, b1, b2)]).astype(
        dtype or W1.dtype, copy=False
    )


def initialize(n_x, n_h, n_y, init, activation, random_state, dtype=np.float64):
    """Initial W1, b1, W2, b2.

    A float ``init`` is the course's scheme: W = init · N(0, 1), drawn W1 first,
    then W2, from ``random_state.randn``, and zero biases (``init=0.01`` with
    ``random_state=2`` is the course's ``initialize_parameters``).
    ``"glorot"`` draws W uniformly in ±sqrt(k / (fan_in + fan_out)), k = 6
    (2 for a sigmoid hidden layer, as MLPClassifier), W1 first.
    """
    (s_W1, _, s_W2, _) = shapes(n_x, n_h, n_y)
    if init == "glorot":
        k = 2.0 if activation == "sigmoid" else 6.0
        W1 = random_state.uniform(-1, 1, s_W1) * np.sqrt(k / (n_x + n_h))
        W2 = random_state.uniform(-1, 1, s_W2) * np.sqrt(k / (n_h + n_y))
    else:
        W1 = random_state.randn(*s_W1) * init
        W2 = random_state.randn(*s_W2) * init
    b1 = np.zeros(n_h)
    b2 = np.zeros(n_y)
    return tuple(p.astype(dtype) for p in (W1, b1, W2, b2))


# --- forward and backward propagation -------------------------------------------


def forward(X, W1, b1, W2, b2, activation, Z1=None, Z2=None, ones=None):
    """Forward propagation to the logits; returns A1 and Z2.

    ``Z1`` and ``Z2`` are arrays to write into (A1 is written over Z1), new
    ones when None; ``ones`` (a vector of X's rows) lets BLAS add b1. How W1
    is laid out in memory sets the speed of X·W1ᵀ, not its value
    (``_blas.transpose_ready``). Training, prediction and the validation
    score all take this pass.
    """
    Z1 = add_to_rows(matmul_into(X, W1.T, out=Z1), b1, ones)  # Z1 = X·W1ᵀ + b1
    A1 = ACTIVATIONS[activation](Z1, out=Z1)  #                   A1 = g(Z1)
    Z2 = matmul_into(A1, W2.T, out=Z2)
    Z2 += b2  #                                                   Z2 = A1·W2ᵀ + b2
    return A1, Z2


class Buffers:
    """Work arrays for propagating up to ``rows`` samples at a time, allocated
    once and reused, so that an epoch allocates (almost) nothing."""

    def __init__(self, rows, n_x, n_h, n_y, dtype):
        self.Z1 = np.empty((rows, n_h), dtype=dtype)  # Z1, then A1, then g′
        self.dZ1 = np.empty((rows, n_h), dtype=dtype)
        self.Z2 = np.empty((rows, n_y), dtype=dtype)  # Z2, then A2, then dZ2
        self.ones = np.ones(rows, dtype=dtype)  # Σ over rows as 1ᵀ·dZ (BLAS)
        # A later block's dW1, db1, dW2, db2, before they join the sums.
        self.flat = np.empty((n_h * (n_x + 1) + n_y * (n_h + 1)), dtype=dtype)
        self.grads = unpack(self.flat, n_x, n_h, n_y)


def accumulate(
    X,
    Y,
    sample_weight,
    weights,
    activation,
    output,
    grads,
    buffers,
    first=True,
    Z2=None,
):
    """Forward and backward propagation over the rows of one block, whose
    samples weigh ``sample_weight`` (the equations' s; None: all 1).

    ``weights`` are ``(W1T, b1, W2, b2)``, W1T being W1ᵀ as a C-contiguous
    array (``np.ascontiguousarray(W1.T)``), which BLAS multiplies by faster
    than by the transposed view.

    Writes the block's sums into ``grads = (dW1, db1, dW2, db2)`` — without
    the division by ``m`` or the L2 term, which :func:`finish` applies once
    all blocks are in — or, unless ``first``, adds them to what ``grads``
    holds; returns the block's Σ s · ℓ (the output's loss). The arrays of the
    equations live in ``buffers``; each line computes one equation in place.

    Given an array ``Z2`` (rows by outputs), the logits are left there and
    the loss is not computed (0 is returned): the mini-batch solvers compute
    an epoch's loss from its logits at once, far cheaper than batch by batch.
    """
    W1T, b1, W2, b2 = weights
    dW1, db1, dW2, db2 = grads if first else buffers.grads
    m = X.shape[0]
    s, ones, keep_logits = sample_weight, buffers.ones[:m], Z2 is not None
    Z1, dZ1, A2 = buffers.Z1[:m], buffers.dZ1[:m], buffers.Z2[:m]

    # Forward propagation: Z1 = X·W1ᵀ + b1, A1 = g(Z1), Z2 = A1·W2ᵀ + b2
    Z2 = A2 if Z2 is None else Z2
    A1, Z2 = forward(X, W1T.T, b1, W2, b2, activation, Z1, Z2, ones)
    if keep_logits:
        loss, A2 = 0.0, OUTPUTS[output](Z2, out=A2)  #  A2 = σ(Z2)
    else:  #                                          Σ s ℓ, and A2 = σ(Z2)
        loss, A2 = loss_and_output(Z2, Y, s, output, out=A2)

    # Backward propagation.
    # At the output, the canonical pairs make the error signal simple: for a
    # sigmoid unit with binary cross-entropy, L = −y log a − (1 − y) log(1 − a)
    # and a = σ(z), so ∂L/∂a = (a − y) / (a(1 − a)) and ∂a/∂z = a(1 − a); the
    # product is ∂L/∂z = a − y. For softmax with cross-entropy,
    # ∂L/∂z_k = Σ_j (−y_j / a_j) a_j (δ_jk − a_k) = a_k Σ_j y_j − y_k = a_k − y_k.
    # For the identity unit with L = ½ (a − y)² and a = z, ∂L/∂z = a − y at once.
    # For the exponential unit with L = a − y z (half the Poisson deviance, up
    # to a constant in y) and a = e^z, ∂L/∂z = e^z − y = a − y.
    # Hence dZ2 = A2 − Y, row by row (scaled by each sample's weight).
    dZ2 = np.subtract(A2, Y, out=A2)  #               dZ2 = A2 − Y
    if s is not None:
        dZ2 *= s[:, None]
    np.matmul(dZ2.T, A1, out=dW2)  #                  dW2 = dZ2ᵀ·A1
    np.matmul(ones, dZ2, out=db2)  #                  db2 = Σ dZ2
    product_into(dZ2, W2, out=dZ1)
    dZ1 *= DERIVATIVES[activation](A1, out=A1)  #     dZ1 = dZ2·W2 ∗ g′(Z1)
    matmul_into(dZ1.T, X, out=dW1)  #                 dW1 = dZ1ᵀ·X
    np.matmul(ones, dZ1, out=db1)  #                  db1 = Σ dZ1

    if not first:
        for total, block in zip(grads, buffers.grads):
            total += block
    return loss


def finish(loss, grad, theta, alpha, m, n_w, divide=True):
    """Add the L2 term (biases are not penalised) to the accumulated sums
    and divide by m: J = (Σ s ℓ + α/2 (‖W1‖² + ‖W2‖²)) / m, dW += α W / m.
    ``grad`` is the flat vector of the sums, laid out as theta: its first
    ``n_w`` entries are the weights' (:func:`unpack`).

    With ``divide=False`` the loss and the gradient are left as sums, m times
    J and ∂J/∂θ, for the mini-batch optimisers, which fold 1/m into their
    step sizes."""
    if alpha:
        W, dW = theta[:n_w], grad[:n_w]
        add_scaled(dW, alpha, W)  #                       dW1 += α W1, dW2 += α W2
        loss += alpha / 2 * np.vdot(W, W)
    if not divide:
        return loss
    grad *= 1 / m
    return loss / m


def loss_and_gradients(
    theta, X, Y, sample_weight, alpha, activation, output, n_h, grad_out=None
):
    """Loss J(θ) and its gradient ∂J/∂θ, both for the flat parameters theta.

    J = Σ_i s_i · ℓ_i / m + α/(2m) (‖W1‖² + ‖W2‖²),  m = Σ_i s_i, with ℓ the
    output's loss (``LOSSES``): the course's cost with weights (s_i = 1 gives
    the course's 1/m), and for regression J = (1/2m) Σ s ‖A2 − Y‖² + the L2
    term.

    Returns ``(loss, grad)``, grad flat like theta (written into ``grad_out``
    when given). All rows go in one block; ``_blocks.FullBatchLoss`` splits
    large data into blocks and threads.
    """
    n_x, n_y = X.shape[1], Y.shape[1]
    W1, b1, W2, b2 = unpack(theta, n_x, n_h, n_y)
    grad = np.empty_like(theta) if grad_out is None else grad_out
    grads = unpack(grad, n_x, n_h, n_y)
    m = X.shape[0] if sample_weight is None else sample_weight.sum()
    buffers = Buffers(X.shape[0], n_x, n_h, n_y, theta.dtype)
    weights = np.ascontiguousarray(W1.T), b1, W2, b2
    loss = accumulate(X, Y, sample_weight, weights, activation, output, grads, buffers)
    n_w = n_weights(n_x, n_h, n_y)
    return float(finish(loss, grad, theta, alpha, m, n_w)), grad
