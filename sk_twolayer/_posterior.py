"""How sure is the network: the posterior that weight decay implies.

The loss the network is trained on, ``(Σ s ‖A2 − Y‖² + α ‖W‖²) / 2m``, is
(up to 1/m) the negative log posterior of a Bayesian network whose targets
carry Gaussian noise of variance σ² and whose weights have a Gaussian prior
of precision α/σ² (biases: a flat prior)::

    −log p(θ | data) = [½ Σ_i s_i ‖f(x_i) − y_i‖² + ½ α ‖W‖²] / σ² + const

so the fitted weights are the posterior's mode. Linearising the network at
them, f(x; θ) ≈ f(x; θ̂) + J(x)·(θ − θ̂), makes the posterior Gaussian
(MacKay, "A practical Bayesian framework for backpropagation networks",
1992; the Laplace approximation), with covariance

    Σ = σ² (G + α D)⁻¹,    G = Σ_i s_i J(x_i)ᵀ J(x_i)

where G is the loss's generalised Gauss–Newton curvature and D is 1 on the
weights, 0 on the biases. The predictive variance of a new point is the
noise plus the weights' uncertainty carried to the output::

    var y(x) = σ² + σ² J(x) (G + α D)⁻¹ J(x)ᵀ

where γ = tr(G (G + α D)⁻¹) is the number of parameters the data
determine (MacKay's "well-determined parameters"). The noise σ² is
measured on held-out rows where the fit has some: ``alpha="auto"``'s path
scores each alpha by its folds' held-out squared error, which is
σ² (1 + J (G + αD)⁻¹ Jᵀ) on average, so ``σ² = held-out error / (1 + γ/m)``
(the second term averages γ/m over the training rows). Without a path (a
float ``alpha``) it is the residuals over their degrees of freedom,
``σ² = Σ s r² / (m − γ)``, which trusts the linearisation further: on
the benchmark it was over-confident where a network has many more
parameters than rows (benchmarks/uncertainty.md).

**J(x) is the backward pass.** A row of J is ∂f_k(x)/∂θ, which is what the
course's backward pass computes when the output error is 1 on output k and
0 elsewhere (``dZ2 = e_k`` instead of ``A2 − Y``)::

    dZ2 = e_k
    dW2 = dZ2ᵀ·A1  = e_k ⊗ A1         db2 = e_k
    dZ1 = dZ2·W2 ∗ g′(Z1) = W2_k ∗ g′(Z1)
    dW1 = dZ1ᵀ·X   = dZ1 ⊗ X          db1 = dZ1

Two ways of holding G + α D (``KINDS``), chosen by the number of parameters
P (:func:`choose_kind`):

- ``"full"``: the P × P matrix itself, by its Cholesky factor: exact (the
  Gauss–Newton curvature is the Hessian of the loss where the residuals are
  zero) for P² memory and m P² work, so for small networks on few features.
- ``"kfac"``: one block per layer (no covariance between the layers). The
  output layer's block is exact: for output k it is ``C = Σ s Ã Ãᵀ`` with
  Ã = [A1, 1], the Bayesian linear regression of the targets on the hidden
  units. The hidden layer's block Σ_i s_i (dZ1_i dZ1_iᵀ) ⊗ (X̃_i X̃_iᵀ),
  X̃ = [X, 1], is approximated by the Kronecker product of its two factors'
  means (Martens and Grosse's K-FAC, 2015), ``A ⊗ B`` with
  ``A = Σ s dZ1 dZ1ᵀ / m`` and ``B = Σ s X̃ X̃ᵀ``, whose inverse plus
  α I comes from the two factors' eigenvectors: memory n_h² + n_x², for any
  width. B's eigenvectors are taken from the rows' span (the same
  ``RowSpace`` argument as training's): a direction of x that no training
  row has is not seen by the data, so it keeps the prior's variance.
- ``"last_layer"``: K-FAC's output block alone, the hidden layer taken as
  fixed (the cheapest; never chosen by :func:`choose_kind`, kept as the
  baseline the benchmark compares the others with).

Everything here is in the units the network is trained in (the standardized
targets); the estimator multiplies the std by y's scale. Functions of
arrays: nothing here knows scikit-learn.
"""

import math
from contextlib import nullcontext

import numpy as np
import scipy.sparse as sp
from scipy import linalg

from . import _network as net
from ._blas import blas_on_one_thread

KINDS = ("full", "kfac", "last_layer")

#: The exact curvature is kept while it has at most this many parameters
#: (32 hidden units on up to 29 features): its m·P² products and P³/3
#: factorisation grow as P² and P³ where training grows as P
#: (benchmarks/uncertainty.md measures what it adds to a fit).
FULL_MAX_PARAMS = 1024

#: Rows of X whose Jacobian rows are formed at a time (memory rows × P).
JACOBIAN_FLOATS = 1 << 21

#: K-FAC's γ is taken on the kernel of at most this many rows (× outputs),
#: evenly spread over the training rows (:func:`_kernel_gamma`).
KERNEL_ROWS = 1024

#: e^z of counts is taken on z clipped to ±this (finite in float64).
EXP_LIMIT = 700.0

#: The exact curvature's products take every core from this many
#: multiply-adds (m·n_y·P²) on.
PARALLEL_WORK = 1 << 28


class Posterior:
    """The fitted posterior: what ``predict(X, return_std=True)`` needs.

    Plain arrays (they are part of the model: pickle and skops keep them):
    ``kind`` (one of ``KINDS``), ``noise`` (σ_k² of each output, in the
    trained units), ``pooled`` (σ², the noise of the shared posterior),
    ``gamma`` (the well-determined parameters γ), ``alpha`` and the
    factors of the kind (``factors``, a dict of arrays), both taken with
    the weights divided by ``divisor`` (a power of two: see ``_fit``).
    """

    def __init__(
        self, kind, noise, pooled, gamma, alpha, factors, output="identity", divisor=1.0
    ):
        self.kind = kind
        self.output = output
        self.noise = noise
        self.pooled = pooled
        self.gamma = gamma
        self.alpha = alpha
        self.factors = factors
        self.divisor = divisor


def n_params(n_x, n_h, n_y):
    """P, the network's weights and biases."""
    return n_h * (n_x + 1) + n_y * (n_h + 1)


def choose_kind(n_x, n_h, n_y):
    """``"full"`` for networks of at most ``FULL_MAX_PARAMS`` parameters,
    else ``"kfac"``."""
    return "full" if n_params(n_x, n_h, n_y) <= FULL_MAX_PARAMS else "kfac"


# --- the hidden layer and the backward pass from each output ----------------


def hidden(X, W1, b1, activation):
    """A1 = g(X·W1ᵀ + b1) and g′(Z1), written in terms of A1 (float64)."""
    Z1 = _dense(X) @ W1.T + b1
    A1 = net.ACTIVATIONS[activation](Z1)
    return A1, net.DERIVATIVES[activation](A1.copy())


def jacobian_rows(X, A1, dA1, W2, k):
    """∂f_k/∂θ of each row of X (rows × P), θ laid out as
    ``[W1 | b1]`` row by row, then ``[W2 | b2]``: the backward pass with
    dZ2 = e_k (see the module text)."""
    m, (n_y, n_h) = X.shape[0], W2.shape
    dZ1 = W2[k] * dA1  #                          dZ1 = e_k·W2 ∗ g′(Z1)
    X1 = _with_ones(X)
    dW1 = dZ1[:, :, None] * X1[:, None, :]  #     [dW1 | db1] = dZ1 ⊗ [X, 1]
    dW2 = np.zeros((m, n_y, n_h + 1))
    dW2[:, k] = _with_ones(A1)  #                 [dW2 | db2] = e_k ⊗ [A1, 1]
    return np.concatenate([dW1.reshape(m, -1), dW2.reshape(m, -1)], axis=1)


def weight_mask(n_x, n_h, n_y):
    """D: 1 on the weights, 0 on the biases, in ``jacobian_rows``' layout."""
    first = np.ones((n_h, n_x + 1))
    first[:, -1] = 0
    second = np.ones((n_y, n_h + 1))
    second[:, -1] = 0
    return np.concatenate([first.ravel(), second.ravel()])


# --- fit --------------------------------------------------------------------


def fit(
    X,
    Y,
    sample_weight,
    params,
    alpha,
    activation,
    kind=None,
    held_out=None,
    output="identity",
    weight_unit=1.0,
):
    """The posterior of the network ``params = (W1, b1, W2, b2)`` (trained
    units) on its training rows X, Y (sample weights: None for all 1) with
    the L2 strength ``alpha``. ``kind`` None: :func:`choose_kind`.

    ``weight_unit``: the weight of the row the noise is that of, in the
    weights' units: 1 (a weight counts observations), or for counts, whose
    weight is an exposure in any unit, the average distinct row's
    (``_auto_alpha.weight_unit``, as ``alpha="auto"`` reads them). The
    weights and alpha are divided by it, which leaves the weights'
    posterior as it is and makes the noise that of such a row.

    ``held_out``: the mean squared error per output of held-out rows at
    this alpha, when the fit measured one (``alpha="auto"``'s path); the
    noise level is then that over 1 + γ/m (the held-out error is the noise
    plus the weights' uncertainty, which averages γ/m times the noise over
    the training rows), split over the outputs as their residuals are.
    Else it is the residuals' mean square over their degrees of freedom,
    Σ s r² / (m − γ).

    ``output="exp"`` (counts, ``loss="poisson"``): the mean is μ = e^z and
    the noise Poisson's, φ μ. The curvature of the deviance in z is μ, so G
    weighs each row's J_z(x)ᵀ J_z(x) by s μ; φ is the Pearson statistic
    over the degrees of freedom, Σ s (y − μ)² / μ / (m − γ); and the
    predictive variance is φ μ + φ μ² J_z (G + α D)⁻¹ J_zᵀ (the mean's
    gradient is μ J_z).

    BLAS runs on one thread (the products here are of a few hundred
    columns, where a second thread costs more in waiting than it saves,
    and far more on a busy machine) unless the exact curvature's m·P²
    products are at least ``PARALLEL_WORK``."""
    dims = params[0].shape[1], params[0].shape[0], params[2].shape[0]
    kind = kind or choose_kind(*dims)
    work = X.shape[0] * dims[2] * n_params(*dims) ** 2
    threads = (
        nullcontext if kind == "full" and work >= PARALLEL_WORK else blas_on_one_thread
    )
    with threads():
        return _fit(
            X,
            Y,
            sample_weight,
            params,
            alpha,
            activation,
            kind,
            held_out,
            output,
            weight_unit,
        )


def _mean_and_curvature(Z, output):
    """μ(z), its derivative dμ/dz and the variance function V(μ) (the
    deviance's curvature in z is dμ/dz for these canonical pairs)."""
    if output == "exp":
        mu = np.exp(np.clip(Z, -EXP_LIMIT, EXP_LIMIT))
        return mu, mu, mu
    return Z, np.ones_like(Z), np.ones_like(Z)


def _fit(X, Y, sample_weight, params, alpha, activation, kind, held_out, output, unit):
    W1, b1, W2, b2 = (np.asarray(p, dtype=np.float64) for p in params)
    n_y = W2.shape[0]
    s = (
        np.ones(X.shape[0])
        if sample_weight is None
        else np.asarray(sample_weight, dtype=np.float64)
    ) / unit
    alpha = alpha / unit
    # G + αD is taken with the weights (and α) divided by a power of two
    # near the largest weight: exactly the same posterior, its curvature
    # `divisor` times smaller and inside the float range for weights of any
    # finite scale; the variance multiplies its inverse by σ² / divisor.
    divisor = math.ldexp(1.0, math.frexp(float(s.max()))[1])
    m = s.sum()
    A1, dA1 = hidden(X, W1, b1, activation)
    mu, slope, var_fn = _mean_and_curvature(A1 @ W2.T + b2, output)
    # Σ s r² / V(μ) of each output (Pearson's statistic; Σ s r² for V = 1)
    sum_sq = s @ (np.square(mu - np.asarray(Y, dtype=np.float64)) / var_fn)
    w = (s / divisor)[:, None] * slope  # each row's and output's curvature weight
    alpha = alpha / divisor
    if kind == "full":
        factors, gamma = _fit_full(X, A1, dA1, W2, w, alpha)
    else:
        hidden_layer = kind == "kfac"
        factors, gamma = _fit_kfac(X, A1, dA1, W2, w, alpha, hidden_layer)
    if held_out is not None and sum_sq.sum() > 0:
        # A held-out row's expected squared error is σ² (1 + J (G + αD)⁻¹ Jᵀ),
        # whose second term averages γ/m over the training rows.
        pooled = float(held_out / (1 + gamma / (n_y * m)))
        noise = pooled * n_y * sum_sq / sum_sq.sum()
    else:  # each output's share of γ; at least one degree of freedom left
        free = np.maximum(m - gamma / n_y, min(1.0, m))
        noise = sum_sq / free
        pooled = float(sum_sq.sum() / max(n_y * m - gamma, min(1.0, n_y * m)))
    return Posterior(
        kind, noise, pooled, float(gamma), float(alpha), factors, output, divisor
    )


def gauss_newton(X, A1, dA1, W2, w):
    """G = Σ_i Σ_k w_ik J_k(x_i)ᵀ J_k(x_i), P × P in ``jacobian_rows``'
    layout (``w``: the rows' weights, or rows × outputs), its rows of J
    formed a block at a time. Only the lower triangle is written (the rest
    is 0): what the Cholesky factor reads."""
    n_y, n_h = W2.shape
    size = n_params(X.shape[1], n_h, n_y)
    G = np.zeros((size, size))
    rows = max(1, JACOBIAN_FLOATS // size)
    root = np.sqrt(_by_output(w, n_y))
    for a in range(0, X.shape[0], rows):
        b = min(a + rows, X.shape[0])
        for k in range(n_y):
            J = jacobian_rows(X[a:b], A1[a:b], dA1[a:b], W2, k)
            J *= root[a:b, k, None]
            G = linalg.blas.dsyrk(
                1.0, J, beta=1.0, c=G, trans=1, lower=1, overwrite_c=True
            )
    return G


def _fit_full(X, A1, dA1, W2, w, alpha):
    """The inverse of G + α D's Cholesky factor, and γ."""
    n_y, n_h = W2.shape
    D = weight_mask(X.shape[1], n_h, n_y)
    H = gauss_newton(X, A1, dA1, W2, w)
    H[np.diag_indices(D.size)] += alpha * D
    L = _cholesky(H)
    # (G + αD)⁻¹ = L⁻ᵀ L⁻¹; γ = tr(G H⁻¹) = P − α Σ_w (H⁻¹)_ww
    L_inv = np.tril(linalg.lapack.dtrtri(L, lower=1)[0])
    gamma = D.size - alpha * (D @ np.square(L_inv).sum(axis=0))
    return {"L_inv": L_inv}, gamma


def _cholesky(H):
    """The lower Cholesky factor of the symmetric H ⪰ 0; where H is
    singular (α = 0 and directions the data do not see) a jitter of a
    relative 1e-10 of its largest diagonal, doubling until it factors."""
    jitter = 0.0
    top = max(float(np.max(np.diag(H))), 1.0)
    while True:
        try:  # reads the lower triangle alone
            return linalg.cholesky(
                H + jitter * np.eye(len(H)) if jitter else H,
                lower=True,
                check_finite=False,
            )
        except linalg.LinAlgError:
            jitter = max(2 * jitter, 1e-10 * top)


def _fit_kfac(X, A1, dA1, W2, w, alpha, hidden_layer=True):
    """The two layers' factors (see the module text), and γ; the output
    layer's alone without ``hidden_layer``. ``w``: each row's (and
    output's) curvature weight."""
    n_y, n_h = W2.shape
    w = _by_output(w, n_y)
    # The output layer, exact: C_k = Σ w_k Ã Ãᵀ, Ã = [A1, 1], plus α on W2.
    A1t = _with_ones(A1)
    D2 = np.diag(np.append(alpha * np.ones(n_h), 0.0))
    L2_inv = np.stack(
        [
            np.tril(linalg.lapack.dtrtri(_cholesky(C + D2), lower=1)[0])
            for C in ((A1t * w[:, k, None]).T @ A1t for k in range(n_y))
        ]
    )
    if not hidden_layer:
        gamma = n_h * n_y + n_y - float(np.trace(D2 @ _gram_of(L2_inv).sum(axis=0)))
        return {"L2_inv": L2_inv}, gamma
    # The hidden layer: A = Σ_i Σ_k w_ik dZ1_ik dZ1_ikᵀ / Σ w̄, where
    # dZ1_ik = W2_k ∗ g′_i, and B = Σ_i w̄_i X̃_i X̃_iᵀ, w̄ the rows' mean
    # weight over the outputs.
    w_row = w.mean(axis=1)
    A = sum(
        ((dA1 * w[:, k, None]).T @ dA1) * np.outer(W2[k], W2[k]) for k in range(n_y)
    ) / (n_y * w_row.sum())
    lam_a, Q_a = np.linalg.eigh(A)
    lam_b, Q_b = _row_span_eigen(X, w_row)
    product = np.maximum(lam_a, 0.0)[:, None] * lam_b[None, :]
    factors = {"L2_inv": L2_inv, "Q_a": Q_a, "product": product, "Q_b": Q_b}
    # γ and the factors' scale from the exact curvature on the rows' side
    # (its kernel, below): the Kronecker product has rank n_h · rank(B),
    # not at most m, so its own γ can exceed the rows there are.
    rows = _spread_rows(X.shape[0], max(1, KERNEL_ROWS // n_y))
    w_rows = w[rows] * (w_row.sum() / w_row[rows].sum())
    gamma = _kernel_gamma(X[rows], A1[rows], dA1[rows], W2, w_rows, alpha)
    # Scaled so that the training rows' leverages add up to γ, as they do
    # under the exact posterior: Σ_i Σ_k w_ik J_k(x_i) (G + α D)⁻¹ J_k(x_i)ᵀ = γ.
    probe = Posterior("kfac", None, 1.0, 0.0, alpha, {**factors, "scale": 1.0})
    leverage = (w_rows * _epistemic(probe, X[rows], A1[rows], dA1[rows], W2)).sum()
    factors["scale"] = gamma / leverage if leverage > 0 else 1.0
    return factors, gamma


def _gram_of(L_inv):
    """(C + α D)⁻¹ = L⁻ᵀ L⁻¹ of each output's factor."""
    return np.einsum("kji,kjl->kil", L_inv, L_inv)


def _by_output(w, n_y):
    """Weights as rows × outputs (a vector of the rows' weights repeated)."""
    w = np.asarray(w, dtype=np.float64)
    return np.repeat(w[:, None], n_y, axis=1) if w.ndim == 1 else w


def _spread_rows(n, k):
    """At most k of n row indices, evenly spread (all of them when n ≤ k)."""
    if n <= k:
        return np.arange(n)
    return np.linspace(0, n - 1, k).round().astype(int)


def _kernel_gamma(X, A1, dA1, W2, w, alpha):
    """γ = tr(G (G + α I)⁻¹) from the eigenvalues of the rows' kernel
    K = S^½ J Jᵀ S^½ (G = Jᵀ S J has the same nonzero ones), J's rows
    being those of every row and output (``w``: their weights, rows or rows
    × outputs): J(x_i)_k · J(x_j)_l =
    (dZ1_ik · dZ1_jl)(x̃_i · x̃_j) + [k = l] (ã_i · ã_j), the network's
    tangent kernel. The biases are counted as penalised here."""
    n_y = W2.shape[0]
    X1, A1t = _with_ones(X), _with_ones(A1)
    xx, aa = X1 @ X1.T, A1t @ A1t.T
    dZ1 = [W2[k] * dA1 for k in range(n_y)]
    K = np.block(
        [
            [(dZ1[k] @ dZ1[j].T) * xx + (k == j) * aa for j in range(n_y)]
            for k in range(n_y)
        ]
    )
    root = np.sqrt(_by_output(w, n_y).T.ravel())  # output blocks, as K's
    K *= root[:, None] * root[None, :]
    mu = np.maximum(linalg.eigvalsh(K, check_finite=False), 0.0)
    if alpha > 0:
        return float((mu / (mu + alpha)).sum())
    return float(np.count_nonzero(mu > mu.max(initial=0.0) * len(mu) * 1e-15))


def _row_span_eigen(X, s):
    """Eigenvalues and eigenvectors (columns) of B = Σ s X̃ X̃ᵀ, X̃ = [X, 1],
    on the span of the rows: r = min(rows, columns + 1) of them, from the
    smaller of B and the rows' Gram matrix."""
    n, d = X.shape[0], X.shape[1] + 1
    if d <= n:
        if sp.issparse(X):
            Xs = sp.hstack([X, np.ones((n, 1))], format="csr")
            B = (Xs.T @ sp.diags(s) @ Xs).toarray()
        else:
            X1 = _with_ones(X)
            B = (X1 * s[:, None]).T @ X1
        lam, Q = np.linalg.eigh(B)
        return np.maximum(lam, 0.0), Q
    # More columns than rows: B = Vᵀ V with V = √s X̃ (n × d); V Vᵀ = U Λ Uᵀ
    # gives B's eigenvectors with nonzero eigenvalues, Vᵀ U Λ^(-1/2).
    V = _with_ones(X) * np.sqrt(s)[:, None]
    lam, U = np.linalg.eigh(V @ V.T)
    keep = lam > lam.max(initial=0.0) * d * np.finfo(np.float64).eps
    lam, U = lam[keep], U[:, keep]
    return lam, (V.T @ U) / np.sqrt(lam)


# --- predict -----------------------------------------------------------------


def variance(posterior, X, params, activation, rows=None):
    """The predictive variance of each row of X and output (rows × n_y), in
    the trained units: σ_k² + σ² J_k(x) (G + α D)⁻¹ J_k(x)ᵀ (BLAS on one
    thread, as in :func:`fit`)."""
    with blas_on_one_thread():
        return _variance(posterior, X, params, activation, rows)


def _variance(posterior, X, params, activation, rows):
    W1, b1, W2, b2 = (np.asarray(p, dtype=np.float64) for p in params)
    n, n_y = X.shape[0], W2.shape[0]
    out = np.empty((n, n_y))
    if rows is None:
        size = n_params(W1.shape[1], W1.shape[0], n_y)
        rows = max(1, JACOBIAN_FLOATS // size)
    for a in range(0, n, rows):
        b = min(a + rows, n)
        A1, dA1 = hidden(X[a:b], W1, b1, activation)
        _, slope, var_fn = _mean_and_curvature(A1 @ W2.T + b2, posterior.output)
        epistemic = _epistemic(posterior, X[a:b], A1, dA1, W2)
        # noise σ_k² V(μ), plus σ² (dμ/dz)² J_z (G + α D)⁻¹ J_zᵀ
        pooled = posterior.pooled / posterior.divisor  # (G + αD)⁻¹ is × divisor
        out[a:b] = posterior.noise * var_fn + pooled * slope**2 * epistemic
    return out


def _epistemic(posterior, X, A1, dA1, W2):
    """J_k(x) (G + α D)⁻¹ J_k(x)ᵀ of each row and output."""
    f, alpha = posterior.factors, posterior.alpha
    n_y = W2.shape[0]
    out = np.empty((X.shape[0], n_y))
    if posterior.kind == "full":
        for k in range(n_y):
            J = jacobian_rows(X, A1, dA1, W2, k)
            out[:, k] = np.square(J @ f["L_inv"].T).sum(axis=1)
        return out
    # The output layer: Ã (C_k + α D)⁻¹ Ãᵀ for each output.
    A1t = _with_ones(A1)
    second = np.stack([np.square(A1t @ L.T).sum(axis=1) for L in f["L2_inv"]], axis=1)
    if "Q_a" not in f:  # "last_layer"
        return second
    # The hidden layer, in the factors' eigenvectors:
    # Σ_ij (Q_aᵀ dZ1)_i² (Q_bᵀ x̃)_j² / (λa_i λb_j + α), plus the prior's
    # variance 1/α on the part of x̃ outside the rows' span.
    X1 = _with_ones(X)
    V = np.square(X1 @ f["Q_b"])
    outside = np.maximum(np.square(X1).sum(axis=1) - V.sum(axis=1), 0.0)
    product = f["product"]
    with np.errstate(divide="ignore"):
        M = np.where(product + alpha > 0, 1 / (product + alpha), 0.0)
    for k in range(n_y):
        U = np.square((W2[k] * dA1) @ f["Q_a"])
        first = ((U @ M) * V).sum(axis=1)
        if alpha > 0:
            first += U.sum(axis=1) * outside / alpha
        out[:, k] = first + second[:, k]
    out *= f["scale"]
    return out


# --- helpers ----------------------------------------------------------------


def _dense(X):
    return np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)


def _with_ones(X):
    """[X, 1] as a dense float64 array."""
    X = _dense(X)
    return np.hstack([X, np.ones((X.shape[0], 1))])
