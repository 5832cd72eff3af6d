"""Optimisers over a flat parameter vector.

The full-batch solvers drive ``loss, grad = fun(theta)``; the mini-batch one
drives ``grad, scale = fun(theta, batch)`` and asks ``fun.epoch_loss()`` at
the end of each epoch (see :func:`minibatch_descent`). None knows anything
of scikit-learn, labels or networks. Each returns a :class:`SolverResult`.

Every solver calls ``callback(iteration, loss, theta)`` after each iteration
(an epoch for the mini-batch solver), with the parameters reached so far; a
callback that returns True stops the run there (the estimator uses this for
verbose output and for early stopping on held-out data).
"""

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize

from ._blas import add_scaled, blas_on_one_thread, dot, norm, scipy_own_blas


class DivergenceError(FloatingPointError):
    """The run diverged: the loss or the parameters left the finite numbers,
    or gradient descent ended with a higher loss than it started from."""

    def __init__(self, iteration, reason):
        self.iteration = iteration
        self.reason = reason
        super().__init__(f"{reason} at iteration {iteration}")


class Patience:
    """The ``tol`` rule, MLPClassifier's: stop once the loss has failed to
    fall below its lowest value so far by at least ``tol`` for
    ``n_iter_no_change`` consecutive iterations. The solvers apply it to the
    training loss, early stopping (``_monitor``) to the validation loss.

    With ``relative``, the margin is ``tol`` times the loss: an iteration
    counts as no change when it lowered the loss by at most ``tol · J``,
    whatever the loss's scale (lbfgs's rule).
    """

    def __init__(self, tol, n_iter_no_change, relative=False):
        self.tol, self.n_iter_no_change = tol, n_iter_no_change
        self.relative = relative
        self.best = np.inf
        self.count = 0

    def update(self, loss, counting=True):
        """Record ``loss``; True once patience has run out. Unless
        ``counting``, a loss that does not improve leaves the count as is."""
        margin = self.tol * abs(loss) if self.relative else self.tol
        if loss > self.best - margin:
            self.count += counting
        else:
            self.count = 0
        self.best = min(self.best, loss)
        return self.count >= self.n_iter_no_change


@dataclass
class SolverResult:
    theta: np.ndarray
    n_iter: int
    loss_curve: list = field(default_factory=list)
    converged: bool = False
    #: Set when the loss rose after its minimum and the weights of that
    #: minimum were returned: the iteration (1-based) whose weights these are.
    best_iter: int | None = None
    #: Full passes over the data (L-BFGS's line search evaluates more than
    #: once an iteration); None means one per iteration.
    n_evals: int | None = None
    #: Why L-BFGS-B stopped, when not for convergence or max_iter.
    message: str | None = None
    #: True when a KeyboardInterrupt ended the run; ``theta`` then holds the
    #: parameters of the last completed iteration.
    interrupted: bool = False


class _Checkpoint:
    """The state at the end of the last completed iteration (epoch), to fall
    back on when a KeyboardInterrupt arrives half-way through the next one:
    the run then ends with consistent parameters and optimiser state, never
    half-updated ones."""

    def __init__(self, theta, optimizer=None):
        self.theta = theta.copy()
        self.optimizer = optimizer
        self.state = None if optimizer is None else optimizer.get_state()
        self.n_iter = 0

    def save(self, theta, n_iter):
        self.theta[...] = theta
        if self.optimizer is not None:
            self.state = self.optimizer.get_state()
        self.n_iter = n_iter

    def result(self, theta, loss_curve):
        """The interrupted run's result; re-raises if nothing was completed."""
        if self.n_iter == 0:
            raise KeyboardInterrupt
        theta[...] = self.theta
        if self.optimizer is not None:
            self.optimizer.set_state(self.state)
        return SolverResult(
            theta, self.n_iter, loss_curve[: self.n_iter], False, interrupted=True
        )


def gradient_descent(
    fun,
    theta,
    *,
    learning_rate,
    max_iter,
    tol,
    n_iter_no_change,
    backtrack=False,
    callback=None,
):
    """Full-batch gradient descent, the course's ``θ := θ − α dθ``.

    Stops after ``max_iter`` updates, or earlier when the loss has not
    improved by at least ``tol`` for ``n_iter_no_change`` consecutive
    iterations (the rule MLPClassifier uses). ``theta`` is updated in place.
    ``loss_curve[i]`` is the loss before update ``i``, as the course prints it.

    A step size that is too large makes the loss climb or oscillate:

    - with ``backtrack=True``, a step that raised the loss is taken back and
      retried at half the step size (and the step stays halved);
    - otherwise the weights with the lowest loss seen are returned
      (``best_iter`` says which), or :class:`DivergenceError` is raised if the
      loss never fell below its starting value or stopped being finite.

    A run whose loss falls at every step, as the course's do, ends with its
    last weights, exactly as the course.
    """
    loss_curve = []
    best_loss, best_iter = np.inf, 0
    best_theta, best_grad = np.empty_like(theta), np.empty_like(theta)
    patience = Patience(tol, n_iter_no_change)
    checkpoint = _Checkpoint(theta)
    try:
        for it in range(1, max_iter + 1):
            loss, grad = fun(theta)
            finite = np.isfinite(loss)
            if not finite and not (backtrack and best_iter):
                raise DivergenceError(it, "the loss became non-finite")
            loss_curve.append(loss if finite else np.inf)
            out_of_patience = patience.update(loss_curve[-1])
            if backtrack and loss_curve[-1] > best_loss:
                # The last step overshot: go back to the best point, halve the step.
                learning_rate /= 2
                theta[...] = best_theta - learning_rate * best_grad
            else:
                if loss < best_loss:
                    best_loss, best_iter = loss, it
                    best_theta[...] = theta
                    best_grad[...] = grad
                theta -= learning_rate * grad
            checkpoint.save(theta, it)
            if callback is not None and callback(it, loss_curve[-1], theta):
                converged = stopped = True
                break
            if out_of_patience:
                converged, stopped = True, False
                break
        else:
            converged = stopped = False
    except KeyboardInterrupt:
        return checkpoint.result(theta, loss_curve)
    if stopped or (loss_curve[-1] <= best_loss and np.all(np.isfinite(theta))):
        return SolverResult(theta, it, loss_curve, converged)
    if best_iter == 1 and not backtrack:
        raise DivergenceError(
            it,
            f"the loss never fell below its starting value {loss_curve[0]:.4g} "
            f"(it reached {max(loss_curve):.4g})",
        )
    theta[...] = best_theta
    return SolverResult(theta, it, loss_curve, converged, best_iter=best_iter)


class SGD:
    """Stochastic gradient descent with (Nesterov) momentum, in place.

    ``v := μ v − α g``; then ``θ := θ + v``, or with Nesterov's momentum
    ``θ := θ + μ v − α g`` (MLPClassifier's formulation).
    """

    def __init__(self, n_params, dtype, *, learning_rate, momentum, nesterov):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = np.zeros(n_params, dtype=dtype)

    def get_state(self):
        return self.velocity.copy()

    def set_state(self, state):
        self.velocity[...] = state

    def step(self, theta, grad, scale=1.0):
        """One update for the gradient ``g = scale · grad``."""
        v, mu, lr = self.velocity, self.momentum, self.learning_rate * scale
        v *= mu
        add_scaled(v, -lr, grad)  #                 v := μ v − α g
        if self.nesterov:
            add_scaled(theta, mu, v)
            add_scaled(theta, -lr, grad)  #         θ := θ + μ v − α g
        else:
            theta += v  #                           θ := θ + v


class Adam:
    """Adam (Kingma & Ba), in place, as MLPClassifier writes it::

        m := β1 m + (1 − β1) g,   v := β2 v + (1 − β2) g²,   t := t + 1
        θ := θ − α √(1 − β2^t) / (1 − β1^t) · m / (√v + ε)

    The arrays hold M = p·m and V = r·v with two numbers p and r, so that
    the product by β1 (β2) costs no pass over the parameters and the update
    of a moment is one BLAS ``axpy``::

        p := p / β1,   M := M + p (1 − β1)·g     (then M = p·(β1 m + (1 − β1) g))
        r := r / β2,   V := V + (√(r (1 − β2))·g)²
        m / (√v + ε) = √r / p · M / (√V + √r·ε).

    A step makes 8 passes over the parameters, not 12 (each a NumPy or BLAS
    call of mostly fixed cost at these sizes). When p or r would pass
    ``MAX_SCALE`` (every 26 steps for β1 = 0.9, 2 771 for β2 = 0.999), the
    moment is brought back to scale 1 by one more pass; so small a bound
    leaves float32 nearly all its range for large gradients, as does squaring
    the scaled gradient, never the raw batch sum.
    """

    #: The largest scale p or r of the stored moments.
    MAX_SCALE = 16.0

    def __init__(self, n_params, dtype, *, learning_rate, beta_1, beta_2, epsilon):
        self.learning_rate = learning_rate
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.m = np.zeros(n_params, dtype=dtype)  # M = p·m
        self.v = np.zeros(n_params, dtype=dtype)  # V = r·v
        self._p = self._r = 1.0
        self.t = 0
        self._work = np.zeros(n_params, dtype=dtype)

    def moments(self):
        """The textbook moments m and v (new arrays)."""
        return self.m * (1 / self._p), self.v * (1 / self._r)

    def get_state(self):
        return self.m.copy(), self.v.copy(), self._p, self._r, self.t

    def set_state(self, state):
        m, v, self._p, self._r, self.t = state
        self.m[...], self.v[...] = m, v

    def _next_scale(self, moment, scale, beta):
        """The scale of ``moment`` (p or r) after this step, dividing it by
        β; first brings the moment back to scale 1 when that would pass
        MAX_SCALE."""
        if beta * self.MAX_SCALE > scale:
            return scale / beta
        moment *= beta / scale
        return 1.0

    def step(self, theta, grad, scale=1.0):
        """One update for the gradient ``g = scale · grad``."""
        b1, b2, M, V = self.beta_1, self.beta_2, self.m, self.v
        self.t += 1
        # Python floats, so that float32 parameters stay float32 throughout.
        step = self.learning_rate * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        p = self._p = self._next_scale(M, self._p, b1)
        r = self._r = self._next_scale(V, self._r, b2)
        t = self._work if self._work.shape == grad.shape else np.empty_like(grad)
        self._work = t
        add_scaled(M, p * (1 - b1) * scale, grad)  #  m := β1 m + (1 − β1) g
        t = np.multiply(grad, scale * math.sqrt(r * (1 - b2)), out=t)
        t = np.square(t, out=t)
        add_scaled(V, 1.0, t)  #                       v := β2 v + (1 − β2) g²
        t = np.sqrt(V, out=t)
        t += self.epsilon * math.sqrt(r)
        t = np.divide(M, t, out=t)
        add_scaled(theta, -step * math.sqrt(r) / p, t)  # θ := θ − step · m/(√v + ε)


def minibatch_descent(
    fun,
    theta,
    optimizer,
    *,
    n_samples,
    batch_size,
    shuffle,
    random_state,
    max_iter,
    tol,
    n_iter_no_change,
    callback=None,
):
    """Epochs of mini-batch updates by ``optimizer`` (an :class:`SGD` or
    :class:`Adam`), ``theta`` updated in place.

    ``fun`` serves the epochs: ``fun.start_epoch(order)`` begins one over the
    rows ``order`` (a permutation, or None for the rows as they are);
    ``grad, scale = fun(theta, batch)`` is the gradient on the batch
    ``order[batch]`` (a slice), as ``scale · grad`` (the optimizer folds the
    scale, the 1/m of the mean, into its step; a scale of 0 means no step);
    ``fun.epoch_loss()`` is the epoch's loss, the weight-averaged loss of
    its batches. The run stops
    after ``max_iter`` epochs, or when the epoch loss has not improved by
    ``tol`` for ``n_iter_no_change`` epochs, or when ``callback`` says so.
    A non-finite loss or parameters end it with :class:`DivergenceError` at
    the end of the epoch.
    """
    batches = [
        slice(a, min(a + batch_size, n_samples))
        for a in range(0, n_samples, batch_size)
    ]
    loss_curve, patience = [], Patience(tol, n_iter_no_change)
    converged = False
    checkpoint = _Checkpoint(theta, optimizer)
    try:
        for epoch in range(1, max_iter + 1):
            fun.start_epoch(random_state.permutation(n_samples) if shuffle else None)
            for batch in batches:
                grad, scale = fun(theta, batch)
                if scale:  # 0: the batch's weights are all 0, nothing to learn
                    optimizer.step(theta, grad, scale)
            loss = fun.epoch_loss()
            if not math.isfinite(loss):
                raise DivergenceError(epoch, "the loss became non-finite")
            if not np.all(np.isfinite(theta)):
                raise DivergenceError(epoch, "the weights became non-finite")
            loss_curve.append(loss)
            out_of_patience = patience.update(loss)
            checkpoint.save(theta, epoch)
            if callback is not None and callback(epoch, loss, theta):
                converged = True
                break
            if out_of_patience:
                converged = True
                break
    except KeyboardInterrupt:
        return checkpoint.result(theta, loss_curve)
    return SolverResult(theta, epoch, loss_curve, converged)


def lbfgs(
    fun,
    theta,
    *,
    max_iter,
    tol,
    callback=None,
    max_fun=15000,
    n_iter_no_change=None,
    relative=True,
):
    """scipy's L-BFGS-B on the same loss and gradient.

    L-BFGS-B does only small vector work on scipy's own BLAS, which is kept
    on one thread meanwhile (``_blas``: its idle threads would fight numpy's,
    which do the matrix products, for the cores: the fit ran several times
    slower without this, see benchmarks/design_measurements.md).

    Runs in float64 (scipy's requirement) whatever the dtype of ``theta``;
    ``fun`` is called with a vector of ``theta``'s dtype. ``tol`` is the
    projected-gradient tolerance (``gtol``), as in MLPClassifier, and, given
    a finite ``n_iter_no_change``, also :class:`Patience`'s rule made
    relative: the run has converged once ``n_iter_no_change`` iterations in
    a row each lowered the loss J by at most ``tol · J``. The gradient test
    alone depends on the scale of the loss (the L2 term's share of it, the
    weights' size); the relative change does not, and it is what tells a
    model that further iterations would not improve from one still learning.
    With ``relative=False`` the margin is ``tol`` itself, for a loss of a
    fixed scale (the squared error of standardized targets).
    """
    dtype = theta.dtype
    buffer = theta.copy()
    loss_curve = []

    def objective(x):
        buffer[...] = x
        loss, grad = fun(buffer)
        if not np.isfinite(loss):
            # Let the line search back off; a run that cannot is caught below.
            return np.inf, np.zeros_like(x)
        return loss, grad.astype(np.float64)

    stopped = False
    checkpoint = _Checkpoint(theta)
    finite = n_iter_no_change is not None and np.isfinite(n_iter_no_change)
    patience = Patience(tol, n_iter_no_change, relative=relative) if finite else None

    def record(intermediate_result):
        nonlocal stopped
        loss_curve.append(float(intermediate_result.fun))
        x = intermediate_result.x.astype(dtype)
        checkpoint.save(x, len(loss_curve))
        if callback is not None and callback(len(loss_curve), loss_curve[-1], x):
            stopped = True
            raise StopIteration
        if patience is not None and patience.update(loss_curve[-1]):
            stopped = True
            raise StopIteration

    try:
        with blas_on_one_thread(scipy_own_blas()):
            result = scipy.optimize.minimize(
                objective,
                theta.astype(np.float64),
                method="L-BFGS-B",
                jac=True,
                callback=record,
                options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
            )
    except KeyboardInterrupt:
        return checkpoint.result(buffer, loss_curve)
    x = result.x.astype(dtype)
    if not (np.isfinite(result.fun) and np.all(np.isfinite(x))):
        raise DivergenceError(result.nit, "the loss or the weights became non-finite")
    if not loss_curve:  # converged at the starting point
        loss_curve.append(float(result.fun))
    return SolverResult(
        x,
        result.nit,
        loss_curve,
        result.status == 0 or stopped,
        n_evals=result.nfev,
        message=None if result.status in (0, 1) or stopped else str(result.message),
    )


def path_lbfgs(fun, theta, *, max_iter, tol, n_iter_no_change=None, relative=True):
    """Limited-memory BFGS written out in NumPy, in ``theta``'s dtype: the
    solver of ``alpha="auto"``'s path (``_auto_alpha``), whose short fits
    only rank the alphas.

    Nocedal and Wright's algorithm 7.5, as L-BFGS-B runs it without bounds:
    the direction ``d = −H g`` by the two-loop recursion over the last
    :data:`LBFGS_MEMORY` steps ``s`` and gradient changes ``y`` (from
    ``H₀ = (sᵀy / yᵀy) I``), then a step ``t`` along d that meets the weak
    Wolfe conditions (:func:`_wolfe_step`), tried first at t = 1 (at
    1 / ‖g‖ on the first iteration, as L-BFGS-B does). It stops as
    :func:`lbfgs` does: after ``max_iter`` iterations; when ``max |g| ≤
    tol`` (L-BFGS-B's ``gtol``); when an iteration lowers the loss by at
    most L-BFGS-B's ``ftol`` relative to it; by :class:`Patience` given a
    finite ``n_iter_no_change``; or when no step along d lowers the loss.

    Why not scipy's: L-BFGS-B keeps its compact form for bounds the path
    has none of, and that bookkeeping, on one thread and in float64, takes
    tens of passes over the parameters at each call. On data of a few
    hundred rows and the path's three folds laid end to end (some 15 000
    parameters) it cost more than the network's passes themselves
    (benchmarks/design_measurements.md). Here an iteration is about
    ``4 · LBFGS_MEMORY`` vector operations, in the path's own dtype.

    ``fun(x)`` is always called with the same array (its views of the
    weights stay valid, see ``_blocks.Propagation``), and its gradient is
    copied before the next call. A non-finite loss or gradient at the start
    raises :class:`DivergenceError`; along a line either counts as too long
    a step.
    """
    x = theta.copy()
    buffer = theta.copy()
    loss, grad = fun(buffer)
    loss = float(loss)
    if not math.isfinite(loss):
        raise DivergenceError(0, "the loss became non-finite")
    g = grad.copy()
    if not np.all(np.isfinite(g)):
        raise DivergenceError(0, "the gradient became non-finite")
    steps, changes, curvatures = [], [], []  # s, y and 1 / sᵀy, oldest first
    last_yy = None  # yᵀy of the newest pair, which scales H₀
    loss_curve, n_evals, converged = [], 1, False
    finite = n_iter_no_change is not None and np.isfinite(n_iter_no_change)
    patience = Patience(tol, n_iter_no_change, relative=relative) if finite else None
    it = 0
    with blas_on_one_thread(scipy_own_blas()):
        while it < max_iter and not (converged := bool(np.max(np.abs(g)) <= tol)):
            d = _two_loop(g, steps, changes, curvatures, last_yy)
            gd = dot(g, d)
            if not -math.inf < gd < 0:  # no descent (a non-finite d: gᵀd too)
                steps.clear(), changes.clear(), curvatures.clear()
                d, gd = -g, -dot(g, g)
            size = math.sqrt(-gd)  # ‖g‖ when no pair is kept (then d = −g)
            if not size > 0:  # gᵀg underflowed: ‖g‖ by nrm2, which scales
                size = norm(g)
                if size == 0:
                    converged = True
                    break
                gd = -size * size  # (0 when that underflows too: still a descent)
            first = 1.0 if steps else 1.0 / size
            found = _wolfe_step(fun, x, d, loss, gd, first, buffer)
            n_evals += found[3]
            if found[0] is None:  # no step lowers the loss: as far as it goes
                break
            t, new_loss, new_grad, _, last = found
            it += 1
            if not last:  # the point the line search evaluated, bit for bit
                np.copyto(buffer, x)
                add_scaled(buffer, t, d)
            s = buffer - x
            x[...] = buffer
            y = new_grad - g
            sy, yy = dot(s, y), dot(y, y)
            if sy > np.finfo(x.dtype).eps * yy and yy > 0:  # a curvature to keep
                if len(steps) == LBFGS_MEMORY:
                    steps.pop(0), changes.pop(0), curvatures.pop(0)
                steps.append(s), changes.append(y), curvatures.append(1.0 / sy)
                last_yy = yy
            g[...] = new_grad
            previous, loss = loss, new_loss
            loss_curve.append(loss)
            if previous - loss <= _FTOL * max(abs(previous), abs(loss), 1.0):
                converged = True
                break
            if patience is not None and patience.update(loss):
                converged = True
                break
    if not loss_curve:
        loss_curve.append(loss)
    return SolverResult(x, it, loss_curve, converged, n_evals=n_evals)


#: The (s, y) pairs the path's L-BFGS keeps (L-BFGS-B's default, ``maxcor``).
LBFGS_MEMORY = 10
#: L-BFGS-B's default ``ftol``: factr = 10⁷ times float64's machine epsilon.
_FTOL = 1e7 * np.finfo(np.float64).eps
#: The weak Wolfe conditions' constants (L-BFGS-B's line search's ftol, gtol).
_C1, _C2 = 1e-3, 0.9


def _two_loop(g, steps, changes, curvatures, last_yy):
    """``−H g`` by the L-BFGS two-loop recursion (Nocedal and Wright,
    algorithm 7.4) over the kept pairs, oldest first; ``last_yy`` is the
    newest pair's yᵀy."""
    q = -g
    coefficients = []
    for s, y, rho in zip(steps[::-1], changes[::-1], curvatures[::-1]):
        a = rho * dot(s, q)
        add_scaled(q, -a, y)
        coefficients.append(a)
    if steps:
        q *= 1.0 / (curvatures[-1] * last_yy)
    for s, y, rho, a in zip(steps, changes, curvatures, coefficients[::-1]):
        b = rho * dot(y, q)
        add_scaled(q, a - b, s)
    return q


def _wolfe_step(fun, x, d, loss, gd, t, buffer, max_evals=20):
    """A step ``t`` along ``d`` from ``x`` that lowers the loss enough
    (``f(x + t d) ≤ f(x) + c₁ t gᵀd``) and flattens it enough
    (``∇f(x + t d)ᵀd ≥ c₂ gᵀd``): the weak Wolfe conditions, by bracketing
    — four times longer while the step is too short, shorter by a
    quadratic's interpolation while every step tried was too long, then
    bisecting the bracket.
    Returns ``(t, loss, grad, evaluations, last)`` with ``grad`` a copy and
    ``last`` True when ``buffer`` holds ``x + t d`` (the step accepted was
    the last one tried; False says nothing of the buffer), or ``(None,
    None, None, evaluations, False)`` when ``max_evals`` trials found none
    (or none that lowered the loss)."""
    low, high = 0.0, math.inf
    best = None
    for n in range(1, max_evals + 1):
        np.copyto(buffer, x)
        add_scaled(buffer, t, d)
        new_loss, grad = fun(buffer)
        new_loss = float(new_loss)
        if not new_loss <= loss + _C1 * t * gd:  # too long (or not finite)
            high = t
            if low == 0:  # backtracking: to the minimum of the quadratic
                # through f(0), f'(0) and f(t), kept within [t/10, t/2]
                curvature = new_loss - loss - gd * t
                guess = -gd * t * t / (2 * curvature) if curvature > 0 else 0.0
                t = min(max(guess, 0.1 * t), 0.5 * t)
                continue
        else:
            slope = dot(grad, d)
            if not math.isfinite(slope):  # a gradient that overflowed: too long
                high = t
            elif slope >= _C2 * gd:
                return t, new_loss, grad.copy(), n, True
            else:
                low, best = t, (t, new_loss, grad.copy())
        t = 4.0 * low if high == math.inf else 0.5 * (low + high)
    if best is None:
        return None, None, None, max_evals, False
    return (*best, max_evals, False)
