"""Optimisers over a flat parameter vector.

The full-batch solvers drive ``loss, grad = fun(theta)``; the mini-batch one
drives ``loss, grad = fun(theta, rows)``. None knows anything of
scikit-learn, labels or networks. Each returns a :class:`SolverResult`.

Every solver calls ``callback(iteration, loss, theta)`` after each iteration
(an epoch for the mini-batch solver), with the parameters reached so far; a
callback that returns True stops the run there (the estimator uses this for
verbose output and for early stopping on held-out data).
"""

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize

from ._blas import blas_on_one_thread, scipy_own_blas


class DivergenceError(FloatingPointError):
    """The run diverged: the loss or the parameters left the finite numbers,
    or gradient descent ended with a higher loss than it started from."""

    def __init__(self, iteration, reason):
        self.iteration = iteration
        self.reason = reason
        super().__init__(f"{reason} at iteration {iteration}")


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
    #: True when the callback asked to stop.
    stopped: bool = False
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
    no_improvement = 0
    checkpoint = _Checkpoint(theta)
    try:
        for it in range(1, max_iter + 1):
            loss, grad = fun(theta)
            finite = np.isfinite(loss)
            if not finite and not (backtrack and best_iter):
                raise DivergenceError(it, "the loss became non-finite")
            loss_curve.append(loss if finite else np.inf)
            no_improvement = (
                no_improvement + 1 if loss_curve[-1] > best_loss - tol else 0
            )
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
            if no_improvement >= n_iter_no_change:
                converged, stopped = True, False
                break
        else:
            converged = stopped = False
    except KeyboardInterrupt:
        return checkpoint.result(theta, loss_curve)
    if stopped or (loss_curve[-1] <= best_loss and np.all(np.isfinite(theta))):
        return SolverResult(theta, it, loss_curve, converged, stopped=stopped)
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

    def step(self, theta, grad):
        v, mu, lr = self.velocity, self.momentum, self.learning_rate
        v *= mu
        v -= lr * grad
        if self.nesterov:
            theta += mu * v
            theta -= lr * grad
        else:
            theta += v


class Adam:
    """Adam (Kingma & Ba), in place, as MLPClassifier writes it::

        m := β1 m + (1 − β1) g,   v := β2 v + (1 − β2) g²,   t := t + 1
        θ := θ − α √(1 − β2^t) / (1 − β1^t) · m / (√v + ε)

    The moments are kept scaled, m̃ = m / (1 − β1) and ṽ = v / (1 − β2), which
    saves two of the twelve passes over the parameters in each step::

        m̃ := β1 m̃ + g,   ṽ := β2 ṽ + g²,
        m / (√v + ε) = (1 − β1) / √(1 − β2) · m̃ / (√ṽ + ε / √(1 − β2)).
    """

    def __init__(self, n_params, dtype, *, learning_rate, beta_1, beta_2, epsilon):
        self.learning_rate = learning_rate
        self._beta_1, self._beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.m = np.zeros(n_params, dtype=dtype)  # m̃
        self.v = np.zeros(n_params, dtype=dtype)  # ṽ
        self.t = 0
        self._work = np.zeros(n_params, dtype=dtype)

    # A β changed between partial_fit calls rescales its moment, so that the
    # unscaled m and v carry over unchanged.
    @property
    def beta_1(self):
        return self._beta_1

    @beta_1.setter
    def beta_1(self, value):
        if value != self._beta_1:
            self.m *= (1 - self._beta_1) / (1 - value)
            self._beta_1 = value

    @property
    def beta_2(self):
        return self._beta_2

    @beta_2.setter
    def beta_2(self, value):
        if value != self._beta_2:
            self.v *= (1 - self._beta_2) / (1 - value)
            self._beta_2 = value

    def get_state(self):
        return self.m.copy(), self.v.copy(), self.t

    def set_state(self, state):
        m, v, self.t = state
        self.m[...], self.v[...] = m, v

    def step(self, theta, grad):
        b1, b2, m, v = self._beta_1, self._beta_2, self.m, self.v
        self.t += 1
        # Python floats, so that float32 parameters stay float32 throughout.
        step = self.learning_rate * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        step *= (1 - b1) / math.sqrt(1 - b2)
        epsilon = self.epsilon / math.sqrt(1 - b2)
        # The same lines with every temporary in one reused buffer.
        t = self._work if self._work.shape == grad.shape else np.empty_like(grad)
        self._work = t
        m *= b1
        m += grad  #                                m̃ := β1 m̃ + g
        v *= b2
        v += np.multiply(grad, grad, out=t)  #      ṽ := β2 ṽ + g²
        t = np.sqrt(v, out=t)
        t += epsilon
        t = np.divide(m, t, out=t)
        t *= step
        theta -= t  #                               θ := θ − step · m / (√v + ε)


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
    sample_weight=None,
    callback=None,
):
    """Epochs of mini-batch updates by ``optimizer`` (an :class:`SGD` or
    :class:`Adam`), ``theta`` updated in place.

    ``fun(theta, rows)`` gives the loss and gradient on the rows ``rows`` (a
    slice, or an index array when shuffling). An epoch's loss is the
    weight-averaged loss of its batches, as MLPClassifier reports it. The run
    stops after ``max_iter`` epochs, or when the epoch loss has not improved
    by ``tol`` for ``n_iter_no_change`` epochs, or when ``callback`` says so.
    """
    batches = [
        slice(a, min(a + batch_size, n_samples))
        for a in range(0, n_samples, batch_size)
    ]
    if sample_weight is None:
        mass = [float(b.stop - b.start) for b in batches]
    loss_curve, best_loss, no_improvement = [], np.inf, 0
    converged = stopped = False
    checkpoint = _Checkpoint(theta, optimizer)
    try:
        for epoch in range(1, max_iter + 1):
            order = random_state.permutation(n_samples) if shuffle else None
            epoch_loss = 0.0
            if sample_weight is not None:
                w = sample_weight if order is None else sample_weight[order]
                mass = [float(w[b].sum()) for b in batches]
            for batch, batch_mass in zip(batches, mass):
                rows = batch if order is None else order[batch]
                loss, grad = fun(theta, rows)
                if not math.isfinite(loss):
                    raise DivergenceError(epoch, "the loss became non-finite")
                optimizer.step(theta, grad)
                epoch_loss += loss * batch_mass
            loss_curve.append(epoch_loss / sum(mass))
            if not np.all(np.isfinite(theta)):
                raise DivergenceError(epoch, "the weights became non-finite")
            no_improvement = (
                no_improvement + 1 if loss_curve[-1] > best_loss - tol else 0
            )
            best_loss = min(best_loss, loss_curve[-1])
            checkpoint.save(theta, epoch)
            if callback is not None and callback(epoch, loss_curve[-1], theta):
                converged = stopped = True
                break
            if no_improvement >= n_iter_no_change:
                converged = True
                break
    except KeyboardInterrupt:
        return checkpoint.result(theta, loss_curve)
    return SolverResult(theta, epoch, loss_curve, converged, stopped=stopped)


def lbfgs(fun, theta, *, max_iter, tol, callback=None, max_fun=15000):
    """scipy's L-BFGS-B on the same loss and gradient.

    L-BFGS-B does only small vector work on scipy's own BLAS, which is kept
    on one thread meanwhile (``_blas``: its idle threads would fight numpy's,
    which do the matrix products, for the cores: on 2 cores the fit ran 1.6×
    at 60 000 × 50 to 6× at 2 000 × 20 slower without this).

    Runs in float64 (scipy's requirement) whatever the dtype of ``theta``;
    ``fun`` is called with a vector of ``theta``'s dtype. ``tol`` is the
    projected-gradient tolerance (``gtol``), as in MLPClassifier.
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

    def record(intermediate_result):
        nonlocal stopped
        loss_curve.append(float(intermediate_result.fun))
        x = intermediate_result.x.astype(dtype)
        checkpoint.save(x, len(loss_curve))
        if callback is not None and callback(len(loss_curve), loss_curve[-1], x):
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
        stopped=stopped,
        message=None if result.status in (0, 1) or stopped else str(result.message),
    )
