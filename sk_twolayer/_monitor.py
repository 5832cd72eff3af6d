"""What happens after each iteration: verbose output, early stopping on the
validation loss, and the report to scikit-learn's callbacks.

The solvers call a :class:`Monitor` as ``callback(iteration, loss, theta)``;
it returns True to stop the run. It reads a small frozen
:class:`MonitorConfig`, never the estimator: the validation score is the
function the estimator's targets supply (accuracy, R²).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import _network as net
from ._blas import transpose_ready
from ._solvers import Patience

#: Early stopping's second patience, as a multiple of ``n_iter_no_change``:
#: a run whose validation loss has not fallen 1% below its first value within
#: this many times ``n_iter_no_change`` epochs has learned nothing that
#: generalises, and stops. Ten times covers the longest plateau measured
#: before that fall on the flower, circles and XOR sets at the default
#: n_iter_no_change=10 (benchmarks/early_stopping.md).
NO_START_PATIENCE = 10


@dataclass(frozen=True)
class MonitorConfig:
    """The hyper-parameters the monitor reads (the estimator's names)."""

    tol: float
    n_iter_no_change: int | float  # np.inf: the tol rule never fires
    max_iter: int
    verbose: int
    n_hidden: int
    activation: str
    output: str
    #: ``score(Z2, Y, sample_weight, output)``: the validation score, from the
    #: logits (it may write over them); the targets' own (``_targets``).
    score: Callable


class Monitor:
    """Called by the solvers after each iteration (epoch): prints the loss
    when verbose, does early stopping on the held-out ``validation`` set
    ``(X, Y, sample_weight)`` — on the validation loss, keeping the weights of
    its best iteration — and reports the iteration to the callbacks through
    ``report`` (a :class:`_callbacks.FitReport`, or None)."""

    def __init__(self, config, validation, n_x, n_y, report=None):
        self.config = config
        self.validation = validation
        self.n_x, self.n_y = n_x, n_y
        self.scores, self.losses = [], []
        self.best_loss, self.best_score, self.best_theta = np.inf, None, None
        self.patience = Patience(config.tol, config.n_iter_no_change)
        self.started = False
        self.every = int(config.verbose)
        self.report = report

    def __call__(self, iteration, loss, theta):
        config = self.config
        stop = False
        line = f"Iteration {iteration}, loss = {loss:.8f}"
        if self.validation is not None:
            val_loss, val_score = self._validate(theta)
            self.losses.append(val_loss)
            self.scores.append(val_score)
            # Patience starts once the validation loss is 1% below its first
            # value, which is about that of the best constant model (glorot
            # init): before that, a momentum method may raise it or wander on
            # the plateau around that start for tens of epochs. A start that
            # never comes within NO_START_PATIENCE times the patience means
            # nothing learnable (labels unrelated to X, or overfitting from
            # the first epochs): stop then.
            self.started = self.started or val_loss < 0.99 * self.losses[0]
            stop = self.patience.update(val_loss, counting=self.started)
            never_started = not self.started and (
                len(self.losses) >= NO_START_PATIENCE * config.n_iter_no_change
            )
            stop = stop or never_started
            if val_loss < self.best_loss:
                self.best_loss, self.best_score = val_loss, val_score
                self.best_theta = theta.copy()
            line += f", validation loss = {val_loss:.8f}, score = {val_score:.6f}"
        if self.every and (
            iteration % self.every == 0 or stop or iteration == config.max_iter
        ):
            print(line)
            if stop and self.started:
                print(
                    f"Validation loss did not improve by tol={config.tol} for "
                    f"{config.n_iter_no_change} consecutive epochs. Stopping."
                )
            elif stop and self.validation is not None:
                print(
                    f"Validation loss did not fall 1% below its first value in "
                    f"{len(self.losses)} epochs ({NO_START_PATIENCE} x "
                    f"n_iter_no_change). Stopping."
                )
        if self.report is not None:
            stop = self.report.end_iteration(iteration, theta, stop) or stop
        return stop

    def finish(self):
        """The fit is over and the estimator holds its model: tell the
        callbacks."""
        if self.report is not None:
            self.report.finish()

    def _validate(self, theta):
        """Weighted mean loss (the output's, :func:`_network.sample_loss`)
        and score (``config.score``) on the validation set."""
        X, Y, w = self.validation
        config = self.config
        W1, b1, W2, b2 = net.unpack(theta, self.n_x, config.n_hidden, self.n_y)
        W1 = transpose_ready(X, W1)
        _, Z2 = net.forward(X, W1, b1, W2, b2, config.activation)
        loss = w @ net.sample_loss(Z2, Y, config.output) / w.sum()
        return float(loss), config.score(Z2, Y, w, config.output)
