"""Optimisers over a flat parameter vector.

Each solver drives ``loss, grad = fun(theta)`` and knows nothing of
scikit-learn, labels or networks. They return a :class:`SolverResult`.
"""

from dataclasses import dataclass, field

import numpy as np
import scipy.optimize


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


def _no_improvement(loss_curve, best_loss, tol):
    return loss_curve[-1] > best_loss - tol


def gradient_descent(
    fun, theta, *, learning_rate, max_iter, tol, n_iter_no_change, callback=None
):
    """Full-batch gradient descent, the course's ``θ := θ − α dθ``.

    Stops after ``max_iter`` updates, or earlier when the loss has not
    improved by at least ``tol`` for ``n_iter_no_change`` consecutive
    iterations (the rule MLPClassifier uses). ``theta`` is updated in place.
    ``loss_curve[i]`` is the loss before update ``i``, as the course prints it.
    """
    loss_curve = []
    best_loss, no_improvement = np.inf, 0
    for it in range(1, max_iter + 1):
        loss, grad = fun(theta)
        if not np.isfinite(loss):
            raise DivergenceError(it, "the loss became non-finite")
        loss_curve.append(loss)
        theta -= learning_rate * grad
        if callback is not None:
            callback(it, loss)
        if _no_improvement(loss_curve, best_loss, tol):
            no_improvement += 1
        else:
            no_improvement = 0
        best_loss = min(best_loss, loss)
        if no_improvement >= n_iter_no_change:
            converged = True
            break
    else:
        converged = False
    if not np.all(np.isfinite(theta)):
        raise DivergenceError(it, "the weights became non-finite")
    if loss_curve[-1] > loss_curve[0]:
        # A step size that is too large makes the loss climb (and oscillate);
        # the weights are then worse than the starting point, not a model.
        raise DivergenceError(
            it, f"the loss rose from {loss_curve[0]:.4g} to {loss_curve[-1]:.4g}"
        )
    return SolverResult(theta, it, loss_curve, converged)


def lbfgs(fun, theta, *, max_iter, tol, callback=None, max_fun=15000):
    """scipy's L-BFGS-B on the same loss and gradient.

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

    def record(intermediate_result):
        loss_curve.append(float(intermediate_result.fun))
        if callback is not None:
            callback(len(loss_curve), loss_curve[-1])

    result = scipy.optimize.minimize(
        objective,
        theta.astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=record,
        options={
            "maxiter": max_iter,
            "maxfun": max_fun,
            "gtol": tol,
        },
    )
    x = result.x.astype(dtype)
    if not (np.isfinite(result.fun) and np.all(np.isfinite(x))):
        raise DivergenceError(result.nit, "the loss or the weights became non-finite")
    if not loss_curve:  # converged at the starting point
        loss_curve.append(float(result.fun))
    return SolverResult(x, result.nit, loss_curve, result.status == 0)


SOLVERS = {"gd": gradient_descent, "lbfgs": lbfgs}
