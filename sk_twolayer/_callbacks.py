"""Training progress reported to scikit-learn's callbacks (``sklearn.callback``).

With scikit-learn >= 1.9, ``TwoLayerClassifier().set_callbacks(...)`` (and the
regressor's) takes
callbacks such as ``ProgressBar()`` and ``ScoringMonitor(scoring=...)``.
scikit-learn sees a fit as a tree of tasks, and ours is::

    fit                  root task, max_subtasks = max_iter
    ├── iteration #0     one leaf per gd step or lbfgs iteration
    ├── iteration #1     ("epoch" for sgd and adam)
    └── ...

``partial_fit`` is one task without subtasks: its single pass over the chunk is
the whole step. Nested in a meta-estimator (Pipeline, GridSearchCV, ...), the
root task merges into the meta-estimator's tree.

The solvers call back only *after* an iteration (``callback(iteration, loss,
theta)``), so each leaf begins when the previous one ends and spans exactly
the work of its iteration. A run that stops before ``max_iter`` (``tol``,
L-BFGS convergence) leaves the leaf begun for an iteration that never came;
it is ended empty, with no data and no model, as LogisticRegression does.

Before scikit-learn 1.9 there is no callback API: :func:`open_callback_context`
does nothing and :class:`FitReport.start` returns None.
"""

from ._sklearn_private import (
    CALLBACKS_AVAILABLE,
    callback_fit_context,
    has_callbacks,
    init_callback_context,
)


def open_callback_context(estimator, task_name, max_subtasks):
    """Make the estimator's root callback context and set its callbacks up.

    Called first thing in ``fit`` and ``partial_fit``, before the estimator's
    rollback point, so that the context survives a failed fit and
    scikit-learn's ``_fit_context`` tears the callbacks down either way.
    """
    if CALLBACKS_AVAILABLE:
        init_callback_context(estimator, task_name, max_subtasks)


class FitReport:
    """Calls the callbacks' hooks for the root task and for every iteration.

    Parameters
    ----------
    estimator : TwoLayerClassifier or TwoLayerRegressor
        The estimator being fitted; its classes (or target scaling), outputs
        and feature checks are already set for this fit, so a copy holding
        some weights predicts.

    given : tuple (X, y, sample_weight)
        The data as passed to fit: what a callback sees (ScoringMonitor scores
        on it), whatever rows the solver trains on after merging duplicates or
        setting aside a validation set.

    weights : callable
        ``weights(theta)`` gives ``{"W1_": ..., "b1_": ..., "W2_": ...,
        "b2_": ...}``, the model of the weights in the flat vector ``theta``
        (copies; for the regressor in y's units).

    subtask_name : str
        Task name of the iterations: ``"iteration"`` or ``"epoch"``.
    """

    def __init__(self, estimator, given, weights, subtask_name):
        self.estimator = estimator
        self.context = callback_fit_context(estimator)
        X, y, sample_weight = given
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        self.data = {"X": X, "y": y, "metadata": metadata}
        self.weights = weights
        self.subtask_name = subtask_name
        # Iterations matter only to callbacks: no bookkeeping without any.
        self.n_subtasks = self.context.max_subtasks if has_callbacks(estimator) else 0
        self.current = None

    @classmethod
    def start(cls, estimator, given, weights, theta, subtask_name):
        """Begin the root task and the first iteration; None without the
        callback API (scikit-learn < 1.9) or outside fit."""
        if given is None or callback_fit_context(estimator) is None:
            return None
        report = cls(estimator, given, weights, subtask_name)
        report.context.call_on_fit_task_begin(estimator=estimator, **report.data)
        if report.n_subtasks:
            report._begin_iteration(theta, n_iter=0)
        return report

    def _model(self, theta, n_iter):
        """The fitted attributes of the model ``theta``, computed only when a
        callback asks for ``fitted_estimator``."""
        return lambda: {**self.weights(theta), "n_iter_": n_iter}

    def _begin_iteration(self, theta, n_iter):
        self.current = self.context.subcontext(task_name=self.subtask_name)
        self.current.call_on_fit_task_begin(
            estimator=self.estimator,
            **self.data,
            reconstruction_attributes=self._model(theta, n_iter),
        )

    def end_iteration(self, iteration, theta, stopping):
        """End iteration ``iteration`` (1-based) with the weights ``theta``
        and, unless the run ends here, begin the next one.

        ``stopping`` says the estimator already stops the run here (early
        stopping). Returns True when a callback asks to stop.
        """
        if self.current is None:
            return False
        stop = self.current.call_on_fit_task_end(
            estimator=self.estimator,
            **self.data,
            reconstruction_attributes=self._model(theta, iteration),
        )
        self.current = None
        if not (stop or stopping or iteration >= self.n_subtasks):
            self._begin_iteration(theta, n_iter=iteration)
        return bool(stop)

    def finish(self):
        """End the root task, the estimator now fitted; first end empty the
        iteration begun but never run."""
        if self.current is not None:
            self.current.call_on_fit_task_end(estimator=self.estimator)
            self.current = None
        self.context.call_on_fit_task_end(
            estimator=self.estimator, **self.data, reconstruction_attributes={}
        )
