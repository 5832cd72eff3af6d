"""Optimisers over a flat parameter vector.

Each solver drives ``loss, grad = fun(theta)`` and knows nothing of
scikit-learn, labels or networks. They return a :class:`SolverResult`.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.optimize
from threadpoolctl import ThreadpoolController


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
    for it in range(1, max_iter + 1):
        loss, grad = fun(theta)
        finite = np.isfinite(loss)
        if not finite and not (backtrack and best_iter):
            raise DivergenceError(it, "the loss became non-finite")
        loss_curve.append(loss if finite else np.inf)
        no_improvement = no_improvement + 1 if loss_curve[-1] > best_loss - tol else 0
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
        if callback is not None:
            callback(it, loss_curve[-1])
        if no_improvement >= n_iter_no_change:
            converged = True
            break
    else:
        converged = False
    if loss_curve[-1] <= best_loss and np.all(np.isfinite(theta)):
        return SolverResult(theta, it, loss_curve, converged)
    if best_iter == 1 and not backtrack:
        raise DivergenceError(
            it,
            f"the loss never fell below its starting value {loss_curve[0]:.4g} "
            f"(it reached {max(loss_curve):.4g})",
        )
    theta[...] = best_theta
    return SolverResult(theta, it, loss_curve, converged, best_iter=best_iter)


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

    with _scipy_blas_on_one_thread():
        result = scipy.optimize.minimize(
            objective,
            theta.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=record,
            options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
        )
    x = result.x.astype(dtype)
    if not (np.isfinite(result.fun) and np.all(np.isfinite(x))):
        raise DivergenceError(result.nit, "the loss or the weights became non-finite")
    if not loss_curve:  # converged at the starting point
        loss_curve.append(float(result.fun))
    return SolverResult(x, result.nit, loss_curve, result.status == 0)


@lru_cache(maxsize=1)
def _scipy_own_blas():
    """scipy's bundled BLAS, when it is a second library beside numpy's."""
    blas = ThreadpoolController().select(user_api="blas")
    if len(blas.lib_controllers) < 2:
        return None
    return blas.select(
        filepath=[
            c.filepath
            for c in blas.lib_controllers
            if any(part.startswith("scipy") for part in Path(c.filepath).parts[-3:-1])
        ]
    )


def _scipy_blas_on_one_thread():
    """Run L-BFGS-B with scipy's own BLAS (the wheels bundle one apart from
    numpy's) on a single thread. L-BFGS-B does only small vector work on it,
    and between calls that library's idle threads spin and fight numpy's
    threads, which do the matrix products, for the cores: on 2 cores the
    fit ran 1.6× (60 000 × 50) to 6× (2 000 × 20) slower without this."""
    controller = _scipy_own_blas()
    if controller is None or not controller.lib_controllers:
        return nullcontext()
    return controller.limit(limits=1)


SOLVERS = {"gd": gradient_descent, "lbfgs": lbfgs}
