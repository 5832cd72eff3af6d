"""The fit plan: one fit's frozen configuration, the training run from
targets to a solver result, the optimiser factory, solver dispatch, and what
a run's end says (the divergence error, the warnings).

The estimator calls :func:`train` with arrays and a :class:`FitConfig`; this
module knows no estimator object. Below it: ``_problem`` (training rows),
``_monitor`` (after each iteration), ``_solvers`` (the loops), ``_blocks``
(the objective).
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from . import _network as net
from ._auto_alpha import choose_alpha
from ._blocks import FullBatchLoss, MiniBatchLoss
from ._monitor import Monitor, MonitorConfig
from ._problem import RowSpace, canonical_rows, split_validation, training_rows
from ._solvers import (
    SGD,
    Adam,
    DivergenceError,
    SolverResult,
    gradient_descent,
    lbfgs,
    minibatch_descent,
)
from ._targets import best_constant_bias

#: Step size used by ``learning_rate="auto"``, per solver (lbfgs needs none).
AUTO_LEARNING_RATE = {"gd": 1.0, "sgd": 0.1, "adam": 0.01}
#: sgd's ``"auto"`` step for the exponential unit (counts). The Poisson
#: loss's curvature in a logit is the prediction e^z, where the squared
#: error's is 1, and it grows as a step overshoots, so sgd with momentum
#: needs a shorter step than 0.1 (measured in
#: benchmarks/design_measurements.md). gd backtracks and Adam's steps are
#: bounded.
AUTO_SGD_COUNTS = 0.03

#: The fitted attributes that are the model, in the order of net.unpack.
PARAM_NAMES = ("W1_", "b1_", "W2_", "b2_")


@dataclass(frozen=True)
class FitConfig:
    """The hyper-parameters of one fit (the estimator's names), with the
    output unit of its targets, their validation score and whether it is one
    pass (partial_fit)."""

    solver: str
    activation: str
    n_hidden: int
    init: str | float
    alpha: float | str  # "auto": chosen by train (_auto_alpha)
    learning_rate: str | float
    max_iter: int
    tol: float
    n_iter_no_change: int | float  # np.inf: the tol rule never fires
    max_fun: int
    batch_size: str | int
    shuffle: bool
    momentum: float
    nesterovs_momentum: bool
    beta_1: float
    beta_2: float
    epsilon: float
    early_stopping: bool
    validation_fraction: float
    verbose: bool | int
    output: str
    score: Callable  # score(Z2, Y, sample_weight, output), the targets' own
    relative_tol: bool  # lbfgs's tol rule relative to the loss (the targets')
    whole_ladder: bool  # alpha="auto" walks every coarse alpha (the targets')
    weights_are_exposures: bool  # alpha="auto": weights in their mean's unit
    weight_per_observation: Callable | None  # of rows of Y: class weights
    one_pass: bool

    @classmethod
    def from_params(cls, params, **extra):
        """The configuration from ``estimator.get_params()`` and ``extra``."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in params.items() if k in names}, **extra)

    @property
    def step_size(self):
        """The learning rate, "auto" resolved for the solver."""
        if self.learning_rate == "auto":
            if self.solver == "sgd" and self.output == "exp":
                return AUTO_SGD_COUNTS
            return AUTO_LEARNING_RATE.get(self.solver, 1.0)
        return self.learning_rate

    def batch(self, n_samples):
        """Rows per mini-batch."""
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    def full_batch(self, n_samples):
        """Whether every step sees all the rows (gd, lbfgs, or one batch)."""
        return self.solver in ("gd", "lbfgs") or self.batch(n_samples) >= n_samples


@dataclass
class Run:
    """A finished training run, for the estimator to store."""

    result: SolverResult  # theta: the weights to keep (early stopping's best)
    monitor: Monitor
    optimizer: SGD | Adam | None
    n_train: int  # training rows given to the solver, before merging
    dims: tuple  # n_x, n_h, n_y
    alpha: float  # the alpha trained with (alpha="auto" resolved)
    alpha_path: dict | None  # alpha="auto": {alpha: mean validation loss}
    space: RowSpace | None = None  # the coordinates theta's W1 is in


def model_attributes(theta, dims, space=None):
    """``{"W1_": W1, ...}``: copies of the weights in theta (with W1 back in
    the features' coordinates when theta's is in a ``_problem.RowSpace``)."""
    W1, b1, W2, b2 = net.unpack(theta, *dims, copy=True)
    if space is not None:
        W1 = space.expand(W1)
    return dict(zip(PARAM_NAMES, (W1, b1, W2, b2)))


def train(config, X, Y, sample_weight, labels, params, rng, optimizer, start_report):
    """Train from the initial ``params`` (W1, b1, W2, b2) on the targets Y.

    ``labels`` stratify early stopping's validation split (None: not at
    all); ``optimizer`` is the one to carry on (partial_fit) or None;
    ``start_report(weights, theta, subtask_name)`` begins the report to the
    callbacks (``_callbacks.FitReport.start``).
    """
    validation = None
    if config.early_stopping and not config.one_pass:
        X, Y, sample_weight, validation = split_validation(
            X, Y, sample_weight, labels, config.validation_fraction, rng
        )
    n_train = X.shape[0]
    full_batch = config.full_batch(n_train)
    canonical, path, space = False, None, None
    if config.alpha == "auto":
        # The path always trains full-batch (lbfgs) on the canonical rows,
        # in the coordinates of their span when they are wide (RowSpace);
        # a full-batch solver then trains on the same rows, lbfgs in the
        # path's coordinates (and from the path's fit when it subsampled).
        rows = canonical_rows(X, Y, sample_weight, full_batch=True)
        space = RowSpace.of(rows[0])
        path_rows, path_params = rows, params
        if space is not None:
            path_rows = (space.X, *rows[1:])
            path_params = (space.reduce(params[0]), *params[1:])
        choice = choose_alpha(config, *path_rows, path_params, rng.bytes(16))
        config, path = replace(config, alpha=choice.alpha), choice.path
        if config.verbose:
            print(f"alpha='auto': alpha_={choice.alpha:g}")
        if config.solver == "lbfgs":
            (X, Y, sample_weight), canonical = path_rows, True
            params = path_params
            if choice.start is not None:
                n_x, n_y = X.shape[1], Y.shape[1]
                start = choice.start.astype(X.dtype)
                params = net.unpack(start, n_x, config.n_hidden, n_y)
            if space is not None and validation is not None:
                validation = (space.project(validation[0]), *validation[1:])
        else:
            space = None  # the path's alone: the solver fits X itself
            if full_batch:
                (X, Y, sample_weight), canonical = rows, True
    X, Y, sample_weight, alpha = training_rows(
        X, Y, sample_weight, config.alpha, full_batch, canonical
    )
    theta = net.pack(*params, dtype=X.dtype)
    dims = X.shape[1], config.n_hidden, Y.shape[1]
    subtask = "epoch" if config.solver in ("sgd", "adam") else "iteration"
    report = start_report(lambda t: model_attributes(t, dims, space), theta, subtask)
    monitor_config = MonitorConfig(
        **{f.name: getattr(config, f.name) for f in fields(MonitorConfig)}
    )
    monitor = Monitor(monitor_config, validation, dims[0], dims[2], report)
    optimizer = prepare_optimizer(config, optimizer, theta)
    result = solve(config, X, Y, sample_weight, alpha, theta, rng, optimizer, monitor)
    if monitor.best_theta is not None:  # early stopping: the best iteration
        result.theta = monitor.best_theta
    return Run(result, monitor, optimizer, n_train, dims, config.alpha, path, space)


def prepare_optimizer(config, optimizer, theta):
    """The optimiser of sgd and adam (None for the others): ``optimizer``
    carried on when it has theta's size, set to the current hyper-parameters
    (set_params may change them between partial_fit calls); else a new one."""
    if optimizer is None or optimizer.theta_size != theta.size:
        kind = {"sgd": SGD, "adam": Adam}.get(config.solver)
        if kind is None:
            return None
        optimizer = kind(theta.size, theta.dtype, **_settings(config, kind))
        optimizer.theta_size = theta.size
        return optimizer
    for name, value in _settings(config, type(optimizer)).items():
        setattr(optimizer, name, value)
    return optimizer


def _settings(config, kind):
    """The hyper-parameters of an optimiser of class ``kind``."""
    if kind is SGD:
        return {
            "learning_rate": config.step_size,
            "momentum": config.momentum,
            "nesterov": config.nesterovs_momentum,
        }
    return {
        "learning_rate": config.step_size,
        "beta_1": config.beta_1,
        "beta_2": config.beta_2,
        "epsilon": config.epsilon,
    }


def solve(config, X, Y, sample_weight, alpha, theta, rng, optimizer, monitor):
    """Run the chosen solver; a diverging run becomes a clear ValueError."""
    try:
        # Overflow in a matrix product shows up as a non-finite loss, which
        # the solvers report as divergence: no NumPy RuntimeWarning needed.
        with np.errstate(over="ignore", invalid="ignore"):
            return _dispatch(
                config, X, Y, sample_weight, alpha, theta, rng, optimizer, monitor
            )
    except DivergenceError as exc:
        if config.solver == "lbfgs":
            setting, advice = "", "Scale the features (e.g. with StandardScaler)"
        else:
            setting = f", learning_rate={config.step_size}"
            advice = (
                "Lower learning_rate, scale the features (e.g. with StandardScaler)"
            )
        raise ValueError(
            f"Training diverged: {exc.reason} at iteration {exc.iteration} "
            f"(solver={config.solver!r}{setting}). {advice} or raise alpha. "
            "The estimator was left as it was before this fit."
        ) from None


def _dispatch(config, X, Y, sample_weight, alpha, theta, rng, optimizer, monitor):
    """The solver's loop over its objective."""
    objective = (X, Y, sample_weight, alpha, config.activation, config.output)
    max_iter = 1 if config.one_pass else config.max_iter
    # Early stopping watches the validation loss instead of the training loss.
    patience = config.early_stopping or config.one_pass
    n_iter_no_change = max_iter + 1 if patience else config.n_iter_no_change
    if config.solver == "lbfgs":
        with FullBatchLoss(*objective, config.n_hidden) as fun:
            return lbfgs(
                fun,
                theta,
                max_iter=max_iter,
                tol=config.tol,
                callback=monitor,
                max_fun=config.max_fun,
                n_iter_no_change=n_iter_no_change,
                relative=config.relative_tol,
            )
    if config.solver == "gd":
        with FullBatchLoss(*objective, config.n_hidden) as fun:
            return gradient_descent(
                fun,
                theta,
                learning_rate=config.step_size,
                max_iter=max_iter,
                tol=config.tol,
                n_iter_no_change=n_iter_no_change,
                backtrack=config.learning_rate == "auto" and not config.one_pass,
                callback=monitor,
            )
    batch = config.batch(X.shape[0])
    with MiniBatchLoss(*objective, config.n_hidden, batch=batch) as fun:
        return minibatch_descent(
            fun,
            theta,
            optimizer,
            n_samples=X.shape[0],
            batch_size=batch,
            shuffle=config.shuffle,
            random_state=rng,
            max_iter=max_iter,
            tol=config.tol,
            n_iter_no_change=n_iter_no_change,
            callback=monitor,
        )


def warn_about(config, result, name):
    """The ConvergenceWarning a finished fit deserves, if any; ``name`` is
    the estimator's, which the message begins with."""
    if result.interrupted:
        message = (
            f"{name}: training interrupted (KeyboardInterrupt) "
            f"after {result.n_iter} completed iterations; the model holds the "
            "weights of the last completed iteration."
        )
    elif result.best_iter is not None and config.learning_rate != "auto":
        kept = result.loss_curve[result.best_iter - 1]
        message = (
            f"{name} (solver='gd'): the loss rose after iteration "
            f"{result.best_iter}, from {kept:.4g} to "
            f"{max(result.loss_curve[result.best_iter - 1 :]):.4g}: "
            f"learning_rate={config.step_size} is too large for this data. "
            f"Kept the weights of iteration {result.best_iter}, which had the "
            "lowest loss. Lower learning_rate or scale the features."
        )
    elif result.message is not None:
        message = (
            f"{name} (solver='lbfgs') stopped after "
            f"{result.n_iter} iterations: L-BFGS-B reports {result.message!r}. "
            "The model holds its last accepted weights; scaling the features "
            "or raising alpha usually helps."
        )
    elif (
        not result.converged
        and config.solver == "lbfgs"
        and result.n_evals > config.max_fun
        and result.n_iter < config.max_iter
    ):
        message = (
            f"{name} (solver='lbfgs') stopped after "
            f"{result.n_iter} iterations: max_fun={config.max_fun} loss "
            f"evaluations reached without reaching tol={config.tol}. Raise "
            "max_fun, or scale the features."
        )
    elif not result.converged:
        message = (
            f"{name} (solver={config.solver!r}) stopped after "
            f"max_iter={config.max_iter} iterations without reaching tol="
            f"{config.tol}. Raise max_iter, or scale the features."
        )
    else:
        return
    warnings.warn(message, ConvergenceWarning)


def initial_params(config, X, targets, rng):
    """New W1, b1, W2, b2 in X's dtype: ``config.init`` as in
    ``_network.initialize``, and with ``"glorot"`` the output biases of the
    best constant model (``_targets.best_constant_bias``)."""
    W1, b1, W2, b2 = net.initialize(
        X.shape[1],
        config.n_hidden,
        targets.Y.shape[1],
        config.init,
        config.activation,
        rng,
        dtype=X.dtype,
    )
    if config.init == "glorot":
        b2 = best_constant_bias(targets.Y, targets.sample_weight, targets.output)
        b2 = b2.astype(X.dtype)
    return W1, b1, W2, b2
