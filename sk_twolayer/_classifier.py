"""TwoLayerClassifier: validation, labels, state and the scikit-learn protocol.

The mathematics lives in ``_network.py`` and the optimisers in
``_solvers.py``; this module only arranges the calls.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Mapping
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _network as net
from ._blocks import FullBatchLoss, Propagation, logits
from ._callbacks import FitReport, open_callback_context
from ._sklearn_private import (
    CallbackSupportMixin,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)
from ._solvers import (
    SGD,
    Adam,
    DivergenceError,
    gradient_descent,
    lbfgs,
    minibatch_descent,
)

#: What the public methods take as ``X``: anything array-like, or a SciPy sparse
#: matrix or array (CSR or CSC; others are converted).
if TYPE_CHECKING:
    MatrixLike: TypeAlias = ArrayLike | sp.spmatrix | sp.sparray
else:  # the same at run time, where SciPy < 1.11 has no sparray
    MatrixLike = ArrayLike | sp.spmatrix | getattr(sp, "sparray", sp.spmatrix)

#: Step size used by ``learning_rate="auto"``, per solver (lbfgs needs none).
AUTO_LEARNING_RATE = {"gd": 1.0, "sgd": 0.1, "adam": 0.01}

_SUPPORTED_TARGETS = ("binary", "multiclass", "multilabel-indicator")
_PARAMS = ("W1_", "b1_", "W2_", "b2_")


#: Full-batch training data up to this size are put in canonical form (see
#: :func:`_merge_duplicate_rows`), which copies them; larger data are used as
#: given, never copied (integer weights then match repeated rows to float
#: rounding rather than bit for bit).
MERGE_LIMIT_BYTES = 8 * 2**20


_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


def _binarize(encoder, y, multilabel, dtype):
    """The 0/1 targets Y, as ``encoder.transform(y)`` gives them, built from
    the class codes without its intermediate integer matrices (a few bytes a
    row instead of tens, for large data)."""
    if multilabel:
        Y = encoder.transform(y)
        return np.asarray(Y.toarray() if hasattr(Y, "toarray") else Y, dtype=dtype)
    codes = np.searchsorted(encoder.classes_, y)
    if encoder.y_type_ == "binary":
        return (codes == 1).astype(dtype)[:, None]
    Y = np.zeros((len(codes), len(encoder.classes_)), dtype=dtype)
    np.put_along_axis(Y, codes[:, None], 1, axis=1)
    return Y


def _nbytes(X):
    return X.data.nbytes if sp.issparse(X) else X.nbytes


def _merge_duplicate_rows(X, Y, sample_weight):
    """The full-batch training problem in a canonical form.

    The loss is a weighted sum over rows, so rows with equal features and
    targets can become one row carrying their summed weight, and rows of zero
    weight can go, without changing it. Doing both, and putting the rows in a
    canonical (sorted) order, hands the solver the same arrays however the data
    were ordered or repeated: integer weights then give, bit for bit, the model
    of the repeated rows. (Otherwise the rounding differences of two summation
    orders grow along the solver's path wherever the loss is flat.)

    Returns ``X, Y, sample_weight``; the weights are None when all are 1.
    """
    n_samples = X.shape[0]
    if sample_weight is None:
        sample_weight = np.ones(n_samples, dtype=X.dtype)
    if sp.issparse(X):
        X = X.tocsr(copy=True)
        X.sum_duplicates()
        X.eliminate_zeros()
        X.sort_indices()
        bounds = zip(X.indptr[:-1], X.indptr[1:])
        keys = np.array(
            [
                X.indices[a:b].tobytes() + X.data[a:b].tobytes() + Y[i].tobytes()
                for i, (a, b) in enumerate(bounds)
            ],
            dtype=object,
        )
    else:
        rows = np.ascontiguousarray(np.hstack([X, Y]))
        keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1])))
        keys = keys.ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    # Sum each group's weights in sorted order, so the sums round alike too.
    order = np.lexsort((sample_weight, inverse.ravel()))
    weight = np.bincount(
        inverse.ravel()[order], weights=sample_weight[order], minlength=len(first)
    )
    keep = weight > 0
    rows = first[keep]
    weight = weight[keep].astype(X.dtype)
    return X[rows], Y[rows], (None if np.all(weight == 1) else weight)


def _clip_inside(P, eps):
    """P clipped to [eps, 1 − eps] in place (two ufuncs: np.clip's Python
    wrapper costs more than the work on a one-row prediction)."""
    return np.minimum(np.maximum(P, eps, out=P), 1 - eps, out=P)


def _power_of_two_scaled(weight):
    """weight · 2^−k with the largest value in [0.5, 1): no overflow in sums,
    and exact, so weighted and repeated data still round alike."""
    return np.ldexp(weight, -int(np.frexp(weight.max())[1]))


def _normalized_weights(sample_weight):
    """Weights scaled to mean 1, and the factor they were divided by.

    The loss ``(Σ s ℓ + α/2 ‖W‖²) / Σ s`` is unchanged when the weights are
    divided by ``c`` and ``α`` by ``c`` too; doing so keeps sums of huge or
    tiny weights inside the floating-point range.
    """
    if sample_weight is None:
        return None, 1.0
    top = sample_weight.max()
    if top < np.finfo(np.float64).tiny:
        raise ValueError(
            f"sample_weight is too small to compute with (largest {top:.3g}); "
            "multiply all weights by a constant, which changes nothing else."
        )
    weight = sample_weight / top
    mean = weight.mean()
    weight /= mean
    return weight, float(top) * float(mean)


class _BatchLoss(Propagation):
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
    leave their logits in a buffer of ``CHUNK_BYTES``, and the cross-entropy
    is taken over all of them at once when it is full (100 batches of 200
    rows spent 10 µs each on their own); Y and the weights are gathered in
    the epoch's order a chunk at a time too.
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
        """Add the cross-entropy of the held logits to the epoch's loss."""
        n = self._chunk.stop - self._chunk.start
        if n:
            self._loss += net.total_cross_entropy(
                self.logits[:n], self._Y, self._s, self.output
            )
        self._chunk = slice(self._chunk.stop, self._chunk.stop)

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
        if self.order is None:
            X = self.X[batch]
        elif self.sparse:
            X = self.X[self.order[batch]]
        else:
            # mode="clip" (the rows are valid) spares take a buffered copy.
            rows = self.order[batch]
            X = self.X.take(rows, axis=0, out=self.X_rows[: len(rows)], mode="clip")
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


class _Monitor:
    """Called by the solvers after each iteration (epoch): prints the loss
    when verbose, does early stopping on the held-out data, on the
    validation loss, keeping the weights of its best epoch, and reports the
    iteration to the callbacks set with ``set_callbacks`` (``_callbacks.py``;
    ``given`` is the data passed to fit, ``theta`` the starting weights)."""

    def __init__(self, estimator, validation, n_x, n_y, given=None, theta=None):
        self.estimator = estimator
        self.validation = validation
        self.n_x, self.n_y = n_x, n_y
        self.scores, self.losses = [], []
        self.best_loss, self.best_score, self.best_theta = np.inf, None, None
        self.no_improvement = 0
        self.started = False
        self.every = int(estimator.verbose)
        self.report = FitReport.start(
            estimator,
            given,
            self._weights,
            theta,
            "epoch" if estimator.solver in ("sgd", "adam") else "iteration",
        )

    def __call__(self, iteration, loss, theta):
        est = self.estimator
        stop = False
        line = f"Iteration {iteration}, loss = {loss:.8f}"
        if self.validation is not None:
            val_loss, val_score = self._validate(theta)
            self.losses.append(val_loss)
            self.scores.append(val_score)
            # Patience starts once the validation loss is 1% below its first
            # value, which is about that of the best constant model (glorot
            # init): before that, a momentum method may raise it or wander on
            # the plateau around that start for tens of epochs.
            self.started = self.started or val_loss < 0.99 * self.losses[0]
            if val_loss < self.best_loss - est.tol:
                self.no_improvement = 0
            elif self.started:
                self.no_improvement += 1
            if val_loss < self.best_loss:
                self.best_loss, self.best_score = val_loss, val_score
                self.best_theta = theta.copy()
            stop = self.no_improvement >= est.n_iter_no_change
            line += f", validation loss = {val_loss:.8f}, score = {val_score:.6f}"
        if self.every and (
            iteration % self.every == 0 or stop or iteration == est.max_iter
        ):
            print(line)
            if stop:
                print(
                    f"Validation loss did not improve by tol={est.tol} for "
                    f"{est.n_iter_no_change} consecutive epochs. Stopping."
                )
        if self.report is not None:
            stop = self.report.end_iteration(iteration, theta, stop) or stop
        return stop

    def finish(self):
        """The fit is over and the estimator holds its model: tell the
        callbacks."""
        if self.report is not None:
            self.report.finish()

    def _weights(self, theta):
        W1, b1, W2, b2 = net.unpack(theta, self.n_x, self.estimator.n_hidden, self.n_y)
        return {"W1_": W1.copy(), "b1_": b1.copy(), "W2_": W2.copy(), "b2_": b2.copy()}

    def _validate(self, theta):
        """Weighted mean cross-entropy and accuracy on the validation set."""
        X, Y, w = self.validation
        est = self.estimator
        W1, b1, W2, b2 = net.unpack(theta, self.n_x, est.n_hidden, self.n_y)
        _, Z2 = net.forward(X, W1, b1, W2, b2, est.activation)
        loss = w @ net.cross_entropy(Z2, Y, est.out_activation_) / w.sum()
        if est.out_activation_ == "softmax":
            correct = Z2.argmax(axis=1) == Y.argmax(axis=1)
        else:
            correct = np.all((net.sigmoid(Z2) > 0.5) == (Y > 0.5), axis=1)
        return float(loss), float(w @ correct / w.sum())


def _check_partial_fit_solver(estimator):
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is not available for solver='lbfgs', which needs all the "
            "data at once; use solver='adam', 'sgd' or 'gd'."
        )
    return True


class TwoLayerClassifier(CallbackSupportMixin, ClassifierMixin, BaseEstimator):
    """A one-hidden-layer neural network classifier, written from first principles.

    The network of Andrew Ng's Deep Learning course (course 1, week 3):
    ``n_hidden`` units with activation ``g`` and one output layer — a single
    sigmoid unit for two classes, a softmax for several classes, one sigmoid
    unit per label for multilabel targets — trained on the (sample-weighted)
    cross-entropy plus an L2 penalty. The forward and backward passes are the
    course's equations, one NumPy line each, in ``sk_twolayer/_network.py``.

    Parameters
    ----------
    n_hidden : int, default=32
        Number of hidden units, the course's ``n_h``.

    activation : {"tanh", "sigmoid", "relu"}, default="tanh"
        Activation ``g`` of the hidden layer.

    solver : {"lbfgs", "adam", "sgd", "gd"}, default="lbfgs"
        ``"lbfgs"``: scipy's L-BFGS-B on the full-batch loss and gradient;
        the fastest to a good model on small and medium data (the default).
        ``"adam"``: mini-batch Adam; for large data and for streaming with
        :meth:`partial_fit`. ``"sgd"``: mini-batch SGD with (Nesterov)
        momentum. ``"gd"``: full-batch gradient descent
        ``θ := θ − learning_rate · dθ``, the course's algorithm; for teaching
        and for following the course step by step. All four use the same
        hand-written forward and backward passes.

    learning_rate : "auto" or float > 0, default="auto"
        Step size ``α`` of ``"gd"``; the course uses 1.2. A float is a fixed
        step, the course's algorithm; should the loss rise, the weights with
        the lowest loss are kept and a ConvergenceWarning says so. ``"auto"``
        starts at 1.0 and halves the step whenever a step raised the loss
        (taking that step back), so unscaled data needs no tuning. For
        ``"sgd"`` and ``"adam"`` it is the step size of every update;
        ``"auto"`` is 0.1 for ``"sgd"`` and 0.01 for ``"adam"``. Ignored by
        ``"lbfgs"``, which chooses its own steps by line search.

    max_iter : int >= 1, default=200
        Maximum number of iterations: gradient steps for ``"gd"``,
        quasi-Newton iterations for ``"lbfgs"``, epochs (passes over the
        data) for ``"sgd"`` and ``"adam"``.

    tol : float >= 0, default=1e-4
        ``"gd"``, ``"sgd"``, ``"adam"``: training stops once the loss (the
        validation loss with ``early_stopping``) has failed to improve by at
        least ``tol`` for ``n_iter_no_change`` consecutive iterations.
        ``"lbfgs"``: the tolerance on the projected gradient (``gtol``).

    n_iter_no_change : int >= 1, default=10
        Patience of the ``tol`` rule. For ``"lbfgs"`` it only applies with
        ``early_stopping``.

    alpha : float >= 0, default=2.0
        Strength of the L2 penalty ``α/(2m) (‖W1‖² + ‖W2‖²)``, where ``m`` is
        the total sample weight (the number of samples without weights), as in
        the course and in MLPClassifier. Biases are not penalised. The
        default is stronger than MLPClassifier's 1e-4: on the benchmark sets
        it is what lets one hidden layer generalise (benchmarks/defaults.md);
        its effect fades as ``m`` grows. The course uses 0.

    init : "glorot" or float > 0, default="glorot"
        Initial weights. A float ``s`` is the course's scheme:
        ``W = s · N(0, 1)`` drawn from ``check_random_state(random_state).randn``,
        W1 then W2, and zero biases; ``init=0.01`` with ``random_state=2``
        reproduces the course. ``"glorot"`` draws W uniformly in
        ``±sqrt(6 / (fan_in + fan_out))`` (2 instead of 6 for sigmoid), starts
        ``b1`` at zero and ``b2`` at the (weighted) class log-priors, so
        training starts from the best constant model.

    batch_size : "auto" or int >= 1, default="auto"
        Rows per mini-batch for ``"sgd"`` and ``"adam"``; ``"auto"`` is
        ``min(200, n_samples)``. Larger values are clipped to ``n_samples``.

    shuffle : bool, default=True
        Shuffle the rows before every epoch (``"sgd"``, ``"adam"``), with
        ``random_state``. With ``shuffle=False`` the batches follow the rows'
        order (when the data make a single batch its order cannot matter, and
        duplicate rows are merged into weights, as for the full-batch solvers).

    momentum : float in [0, 1], default=0.9
        Momentum of ``"sgd"``.

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``"sgd"``.

    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates.

    epsilon : float > 0, default=1e-8
        Adam's numerical-stability constant.

    early_stopping : bool, default=False
        Set aside a stratified ``validation_fraction`` of the training data
        (drawn with ``random_state``, sample weights carried along) and stop
        when the *validation loss* has not improved by ``tol`` for
        ``n_iter_no_change`` iterations, counted from the first iteration
        whose validation loss is 1% below the first one's (before that,
        training may wander on the plateau around its best-constant start);
        the weights of the best iteration are restored at the end. Every
        solver supports it; ``partial_fit`` ignores it. The validation loss
        and accuracy of every iteration are recorded.

    validation_fraction : float in (0, 1), default=0.1
        Share of the training data set aside for ``early_stopping``.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.
        ``"balanced"`` gives class ``c`` the weight ``m / (n_classes · m_c)``,
        with ``m_c`` the total sample weight of class ``c``. Not available for
        multilabel targets (pass ``sample_weight`` instead).

    warm_start : bool, default=False
        When True, ``fit`` starts from the current ``W1_, b1_, W2_, b2_``
        instead of a new initialisation. The classes, the number of features
        and ``n_hidden`` must be those of the fitted model.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights. An int gives bit-identical weights on
        every run.

    verbose : bool or int, default=False
        Print the loss during training: every iteration when True or 1,
        every ``verbose``-th iteration for a larger int.

    Attributes
    ----------
    W1_ : ndarray of shape (n_hidden, n_features)
        Hidden-layer weights. The four arrays ``W1_, b1_, W2_, b2_`` are the
        model: prediction reads them as they are, so they can be inspected or
        set.

    b1_ : ndarray of shape (n_hidden,)
        Hidden-layer biases.

    W2_ : ndarray of shape (n_outputs, n_hidden)
        Output-layer weights.

    b2_ : ndarray of shape (n_outputs,)
        Output-layer biases.

    classes_ : ndarray of shape (n_classes,)
        Class labels (for multilabel targets, the label indices).

    n_outputs_ : int
        Output units: 1 for binary, ``n_classes`` otherwise.

    out_activation_ : {"sigmoid", "softmax"}
        Output unit in use.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when X had string column names.

    n_iter_ : int
        Iterations (epochs) run by the last ``fit``; ``partial_fit`` adds 1.

    t_ : int
        Training samples seen by the solver: the training rows given (before
        duplicate merging) times the full passes over them (L-BFGS's line
        search may pass more than once an iteration).

    loss_ : float
        The last training loss recorded: for ``"gd"`` the loss before its last
        step (as the course prints it) — or, when a fixed step overshot, the
        loss of the kept weights; for ``"sgd"``/``"adam"`` the last epoch's
        average; for ``"lbfgs"`` the loss at the returned weights. With
        ``early_stopping``, see ``best_validation_loss_``.

    loss_curve_ : list of float
        The training loss at every iteration (epoch-average for mini-batch
        solvers); ``partial_fit`` appends to it.

    validation_scores_ : list of float or None
        With ``early_stopping``: the validation accuracy at every iteration.

    validation_loss_curve_ : list of float or None
        With ``early_stopping``: the validation cross-entropy at every iteration.

    best_validation_score_ : float or None
        With ``early_stopping``: the validation accuracy of the restored weights.

    best_validation_loss_ : float or None
        With ``early_stopping``: the lowest validation loss, that of the
        restored weights.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : Multi-layer perceptron, any depth.
    sklearn.linear_model.LogisticRegression : The same model without a hidden layer.

    Notes
    -----
    With samples as rows (``X`` of shape ``(m, n_x)``) and sample weights
    ``s`` summing to ``m``, one iteration computes::

        Z1 = X·W1ᵀ + b1          A1 = g(Z1)
        Z2 = A1·W2ᵀ + b2         A2 = σ(Z2)   (softmax for several classes)
        dZ2 = (A2 − Y) ∗ s
        dW2 = dZ2ᵀ·A1 / m        db2 = Σ dZ2 / m
        dZ1 = dZ2·W2 ∗ g′(Z1)
        dW1 = dZ1ᵀ·X / m         db1 = Σ dZ1 / m

    plus ``α W / m`` on the weight gradients. ``predict`` returns the second
    class of a binary problem exactly when ``p > 0.5``.

    **Callbacks** (scikit-learn >= 1.9): ``set_callbacks(*callbacks)`` takes
    scikit-learn's callbacks, e.g. ``sklearn.callback.ProgressBar()`` (needs
    rich) or ``ScoringMonitor(scoring="accuracy")``, also when the estimator
    is nested in a Pipeline or GridSearchCV. Each gd step, lbfgs iteration or
    sgd/adam epoch is a task of the fit, reported as it ends with the weights
    reached so far; a callback may stop training there. Each ``partial_fit``
    call is a single task. With older scikit-learn there is no
    ``set_callbacks``.

    **Metadata routing**: with ``sklearn.set_config(enable_metadata_routing=True)``,
    ``set_fit_request(sample_weight=True)`` (and ``set_score_request``) lets
    meta-estimators pass sample weights to ``fit`` (and ``score``).

    Examples
    --------
    >>> from sk_twolayer import TwoLayerClassifier
    >>> from sk_twolayer.datasets import make_flower
    >>> X, y = make_flower(random_state=1)
    >>> clf = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X, y)
    >>> clf.W1_.shape, clf.W2_.shape
    ((4, 2), (1, 4))
    >>> bool(clf.score(X, y) > 0.85)
    True
    """

    _parameter_constraints: dict = {
        "n_hidden": [Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"tanh", "sigmoid", "relu"})],
        "solver": [StrOptions({"lbfgs", "adam", "sgd", "gd"})],
        "learning_rate": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="neither"),
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "init": [StrOptions({"glorot"}), Interval(Real, 0, None, closed="neither")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "shuffle": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_hidden: int = 32,
        *,
        activation: Literal["tanh", "sigmoid", "relu"] = "tanh",
        solver: Literal["lbfgs", "adam", "sgd", "gd"] = "lbfgs",
        learning_rate: Literal["auto"] | float = "auto",
        max_iter: int = 200,
        tol: float = 1e-4,
        n_iter_no_change: int = 10,
        alpha: float = 2.0,
        init: Literal["glorot"] | float = "glorot",
        batch_size: Literal["auto"] | int = "auto",
        shuffle: bool = True,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        class_weight: Literal["balanced"] | Mapping[Any, float] | None = None,
        warm_start: bool = False,
        random_state: int | np.random.RandomState | None = None,
        verbose: bool | int = False,
    ) -> None:
        self.n_hidden = n_hidden
        self.activation = activation
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.alpha = alpha
        self.init = init
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X: MatrixLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
    ) -> TwoLayerClassifier:
        """Fit the network to X and y.

        Trains from a new initialisation (from the fitted weights with
        ``warm_start``) until ``max_iter``, the ``tol`` rule or early
        stopping ends the run. A fit that fails for any reason leaves a
        previously fitted model exactly as it was.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data is trained and kept in float32.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix for multilabel targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; an integer weight counts a sample that many
            times. Inside a Pipeline or GridSearchCV with metadata routing
            enabled, ask for it with ``set_fit_request(sample_weight=True)``.

        Returns
        -------
        self : TwoLayerClassifier
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sk_twolayer import TwoLayerClassifier, make_flower
        >>> X, y = make_flower(random_state=1)
        >>> clf = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X, y)
        >>> len(clf.loss_curve_) == clf.n_iter_, clf.classes_
        (True, array([0, 1]))

        An integer weight is the same as repeating the row (bit for bit, for
        the full-batch solvers):

        >>> w = np.where(y == 1, 2, 1)
        >>> weighted = TwoLayerClassifier(n_hidden=4, random_state=0)
        >>> weighted = weighted.fit(X, y, sample_weight=w)
        >>> repeated = TwoLayerClassifier(n_hidden=4, random_state=0)
        >>> repeated = repeated.fit(np.repeat(X, w, axis=0), np.repeat(y, w))
        >>> np.array_equal(weighted.W1_, repeated.W1_)
        True
        """
        open_callback_context(self, "fit", max_subtasks=self.max_iter)
        return self._transaction(self._fit, X, y, sample_weight)

    @available_if(_check_partial_fit_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(
        self,
        X: MatrixLike,
        y: ArrayLike,
        classes: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> TwoLayerClassifier:
        """One pass over the given data: one epoch of mini-batches for
        ``"sgd"`` and ``"adam"``, one gradient step for ``"gd"``.

        Continues from the current weights and optimiser state (Adam's
        moments, SGD's velocity), which survive pickling, so streaming data
        can be learned chunk by chunk. Not available for ``"lbfgs"``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A chunk of training data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Its labels.

        classes : array-like of shape (n_classes,), default=None
            Every class that will ever appear. Required on the first call
            (when the estimator is not fitted yet), ignored after it unless it
            differs from ``classes_``, which is an error.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights for the chunk.

        Returns
        -------
        self : TwoLayerClassifier
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sk_twolayer import TwoLayerClassifier, make_flower
        >>> X, y = make_flower(random_state=1)
        >>> clf = TwoLayerClassifier(solver="adam", random_state=0)
        >>> for rows in np.array_split(np.random.RandomState(0).permutation(400), 4):
        ...     clf = clf.partial_fit(X[rows], y[rows], classes=[0, 1])
        >>> clf.n_iter_, clf.t_, len(clf.loss_curve_)
        (4, 400, 4)
        """
        open_callback_context(self, "partial_fit", max_subtasks=0)
        return self._transaction(self._partial_fit, X, y, classes, sample_weight)

    def _transaction(self, method, *args):
        """Run ``method``; if it fails for any reason (bad input, divergence,
        an interrupt), put the estimator back exactly as it was.

        The attribute dict is copied, and so are the objects a run changes in
        place: the optimiser state, the shuffling RNG, and a RandomState
        instance passed as ``random_state``.
        """
        saved = self.__dict__.copy()
        mutable = {
            name: copy.deepcopy(saved[name])
            for name in ("_optimizer", "_random_state")
            if name in saved
        }
        user_rng = self.random_state
        user_rng_state = (
            user_rng.get_state()
            if isinstance(user_rng, np.random.RandomState)
            else None
        )
        try:
            return method(*args)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            self.__dict__.update(mutable)
            if user_rng_state is not None:
                user_rng.set_state(user_rng_state)
            raise

    def _fit(self, X, y, sample_weight):
        given = X, y, sample_weight  # the data the callbacks see
        warm = self.warm_start and hasattr(self, "W1_")
        X, y = self._validate_training_data(X, y, reset=not warm)
        encoder = self._label_binarizer if warm else None
        Y, sample_weight, labels = self._encode_targets(X, y, sample_weight, encoder)
        self._check_two_classes(labels, sample_weight, self.classes_)
        rng = check_random_state(self.random_state)
        params = self._initial_params(
            X, Y, sample_weight, rng, warm="warm_start" if warm else None
        )
        validation = None
        if self.early_stopping:
            X, Y, sample_weight, validation = self._split_validation(
                X, Y, sample_weight, labels, rng
            )
        n_train = X.shape[0]
        X, Y, sample_weight, alpha = self._training_rows(X, Y, sample_weight)
        theta = net.pack(*params, dtype=X.dtype)
        monitor = _Monitor(
            self, validation, n_x=X.shape[1], n_y=Y.shape[1], given=given, theta=theta
        )
        optimizer = self._new_optimizer(theta)
        result = self._solve(X, Y, sample_weight, alpha, theta, rng, optimizer, monitor)
        if monitor.best_theta is not None:  # early stopping: the best epoch
            result.theta = monitor.best_theta
        self._set_params_from(result.theta, X.shape[1], Y.shape[1])
        self._optimizer = optimizer
        self._random_state = rng
        self.n_iter_ = result.n_iter
        self.t_ = (result.n_evals or result.n_iter) * n_train
        self.loss_curve_ = result.loss_curve
        self.loss_ = result.loss_curve[-1]
        self.validation_scores_ = monitor.scores if validation else None
        self.validation_loss_curve_ = monitor.losses if validation else None
        self.best_validation_score_ = monitor.best_score if validation else None
        self.best_validation_loss_ = monitor.best_loss if validation else None
        if result.best_iter is not None:
            self.loss_ = result.loss_curve[result.best_iter - 1]
        monitor.finish()
        self._warn_about(result)
        return self

    def _partial_fit(self, X, y, classes, sample_weight):
        given = X, y, sample_weight  # the data the callbacks see
        first = not hasattr(self, "W1_")
        if not first:
            # scikit-learn validates parameters only on partial_fit's first
            # call; set_params between calls must not slip through.
            self._validate_params()
        if first and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: every "
                "class that will ever appear, e.g. classes=np.unique(y_all)."
            )
        if self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' needs the whole data set and is not "
                "available in partial_fit; pass a dict of class weights instead."
            )
        X, y = self._validate_training_data(X, y, reset=first)
        if first:
            encoder = self._encoder_for_classes(classes, y)
        else:
            encoder = self._label_binarizer
            if classes is not None and not np.array_equal(
                np.unique(classes), self.classes_
            ):
                raise ValueError(
                    f"classes={np.unique(classes).tolist()} differs from the "
                    f"classes_ of the earlier calls, {self.classes_.tolist()}."
                )
        Y, sample_weight, _ = self._encode_targets(
            X, y, sample_weight, encoder, partial=True
        )
        if first:
            self._random_state = check_random_state(self.random_state)
        rng = self._random_state
        params = self._initial_params(
            X, Y, sample_weight, rng, warm=None if first else "partial_fit"
        )
        n_train = X.shape[0]
        X, Y, sample_weight, alpha = self._training_rows(X, Y, sample_weight)
        theta = net.pack(*params, dtype=X.dtype)
        optimizer = getattr(self, "_optimizer", None)
        if first or optimizer is None or optimizer.theta_size != theta.size:
            optimizer = self._new_optimizer(theta)
        self._configure(optimizer)
        monitor = _Monitor(
            self, None, n_x=X.shape[1], n_y=Y.shape[1], given=given, theta=theta
        )
        result = self._solve(
            X, Y, sample_weight, alpha, theta, rng, optimizer, monitor, one_pass=True
        )
        self._set_params_from(result.theta, X.shape[1], Y.shape[1])
        self._optimizer = optimizer
        self.n_iter_ = getattr(self, "n_iter_", 0) + 1 if not first else 1
        self.t_ = (0 if first else self.t_) + n_train
        self.loss_curve_ = (
            [] if first else list(getattr(self, "loss_curve_", []))
        ) + result.loss_curve
        self.loss_ = self.loss_curve_[-1]
        self.validation_scores_ = self.validation_loss_curve_ = None
        self.best_validation_score_ = self.best_validation_loss_ = None
        monitor.finish()
        return self

    def _validate_training_data(self, X, y, reset):
        # scikit-learn's finiteness check sums X, which can overflow for values
        # near the float limits (harmlessly: it then checks element-wise).
        with np.errstate(over="ignore", invalid="ignore"):
            X, y = validate_data(
                self,
                X,
                y,
                accept_sparse=("csr", "csc"),
                dtype=(np.float64, np.float32),
                multi_output=True,
                reset=reset,
            )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _set_params_from(self, theta, n_x, n_y):
        W1, b1, W2, b2 = net.unpack(theta, n_x, self.n_hidden, n_y)
        self.W1_, self.b1_, self.W2_, self.b2_ = (p.copy() for p in (W1, b1, W2, b2))

    def _warn_about(self, result):
        if result.interrupted:
            warnings.warn(
                f"TwoLayerClassifier: training interrupted (KeyboardInterrupt) "
                f"after {result.n_iter} completed iterations; the model holds the "
                "weights of the last completed iteration.",
                ConvergenceWarning,
            )
        elif result.best_iter is not None and self.learning_rate != "auto":
            warnings.warn(
                f"TwoLayerClassifier (solver='gd'): the loss rose after iteration "
                f"{result.best_iter}, from {self.loss_:.4g} to "
                f"{max(result.loss_curve[result.best_iter - 1 :]):.4g}: "
                f"learning_rate={self._learning_rate()} is too large for this data. "
                f"Kept the weights of iteration {result.best_iter}, which had the "
                "lowest loss. Lower learning_rate or scale the features.",
                ConvergenceWarning,
            )
        elif result.message is not None:
            warnings.warn(
                f"TwoLayerClassifier (solver='lbfgs') stopped after "
                f"{result.n_iter} iterations: L-BFGS-B reports {result.message!r}. "
                "The model holds its last accepted weights; scaling the features "
                "or raising alpha usually helps.",
                ConvergenceWarning,
            )
        elif not result.converged:
            warnings.warn(
                f"TwoLayerClassifier (solver={self.solver!r}) stopped after "
                f"max_iter={self.max_iter} iterations without reaching tol="
                f"{self.tol}. Raise max_iter, or scale the features.",
                ConvergenceWarning,
            )

    def _split_validation(self, X, Y, sample_weight, labels, rng):
        """Set aside a stratified validation_fraction for early stopping."""
        weights = (
            np.ones(X.shape[0], dtype=X.dtype)
            if sample_weight is None
            else sample_weight
        )
        stratify = None if labels is None else labels
        try:
            X, X_val, Y, Y_val, w, w_val = train_test_split(
                X,
                Y,
                weights,
                test_size=self.validation_fraction,
                stratify=stratify,
                random_state=rng,
            )
        except ValueError as exc:
            raise ValueError(
                "early_stopping could not set aside a stratified validation set "
                f"of validation_fraction={self.validation_fraction} from "
                f"{len(weights)} samples: {exc}"
            ) from None
        if not w_val.sum() > 0:
            raise ValueError(
                "early_stopping: the validation set has no sample of positive weight."
            )
        validation = (X_val, Y_val, _power_of_two_scaled(w_val))
        return X, Y, (None if sample_weight is None else w), validation

    def _new_optimizer(self, theta):
        if self.solver == "sgd":
            optimizer = SGD(
                theta.size,
                theta.dtype,
                learning_rate=self._learning_rate(),
                momentum=self.momentum,
                nesterov=self.nesterovs_momentum,
            )
        elif self.solver == "adam":
            optimizer = Adam(
                theta.size,
                theta.dtype,
                learning_rate=self._learning_rate(),
                beta_1=self.beta_1,
                beta_2=self.beta_2,
                epsilon=self.epsilon,
            )
        else:
            return None
        optimizer.theta_size = theta.size
        return optimizer

    def _configure(self, optimizer):
        """Hyper-parameters changed by set_params between partial_fit calls."""
        if isinstance(optimizer, SGD):
            optimizer.learning_rate = self._learning_rate()
            optimizer.momentum = self.momentum
            optimizer.nesterov = self.nesterovs_momentum
        elif isinstance(optimizer, Adam):
            optimizer.learning_rate = self._learning_rate()
            optimizer.beta_1, optimizer.beta_2 = self.beta_1, self.beta_2
            optimizer.epsilon = self.epsilon

    def _training_rows(self, X, Y, sample_weight):
        """The rows the solver trains on, their weights (normalized) and the
        matching ``alpha``.

        Full-batch training (gd, lbfgs, or sgd/adam with one batch per
        epoch) merges duplicate rows into weights, exactly; with several
        mini-batches the rows are kept as given, in their order.
        """
        full_batch = self.solver in ("gd", "lbfgs") or (
            self._batch_size(X.shape[0]) >= X.shape[0]
        )
        if full_batch and _nbytes(X) <= MERGE_LIMIT_BYTES:
            X, Y, sample_weight = _merge_duplicate_rows(X, Y, sample_weight)
        elif sp.issparse(X):
            X = X.tocsr()  # blocks and mini-batches take rows
        sample_weight, scale = _normalized_weights(sample_weight)
        return X, Y, sample_weight, self.alpha / scale

    def _solve(
        self,
        X,
        Y,
        sample_weight,
        alpha,
        theta,
        rng,
        optimizer,
        monitor,
        one_pass=False,
    ):
        """Run the chosen solver; a diverging run becomes a clear ValueError."""
        common = {
            "sample_weight": sample_weight,
            "alpha": alpha,
            "activation": self.activation,
            "output": self.out_activation_,
            "n_h": self.n_hidden,
        }
        max_iter = 1 if one_pass else self.max_iter
        # Early stopping watches the validation loss instead of the training loss.
        patience = max_iter + 1 if (self.early_stopping or one_pass) else None
        n_iter_no_change = patience or self.n_iter_no_change
        try:
            # Overflow in a matrix product shows up as a non-finite loss, which
            # the solvers report as divergence: no NumPy RuntimeWarning needed.
            with np.errstate(over="ignore", invalid="ignore"):
                if self.solver == "gd":
                    with FullBatchLoss(X, Y, **common) as fun:
                        return gradient_descent(
                            fun,
                            theta,
                            learning_rate=self._learning_rate(),
                            max_iter=max_iter,
                            tol=self.tol,
                            n_iter_no_change=n_iter_no_change,
                            backtrack=self.learning_rate == "auto" and not one_pass,
                            callback=monitor,
                        )
                if self.solver == "lbfgs":
                    with FullBatchLoss(X, Y, **common) as fun:
                        return lbfgs(
                            fun,
                            theta,
                            max_iter=max_iter,
                            tol=self.tol,
                            callback=monitor,
                        )
                batch = self._batch_size(X.shape[0])
                with _BatchLoss(X, Y, **common, batch=batch) as fun:
                    return minibatch_descent(
                        fun,
                        theta,
                        optimizer,
                        n_samples=X.shape[0],
                        batch_size=batch,
                        shuffle=self.shuffle,
                        random_state=rng,
                        max_iter=max_iter,
                        tol=self.tol,
                        n_iter_no_change=n_iter_no_change,
                        callback=monitor,
                    )
        except DivergenceError as exc:
            if self.solver == "lbfgs":
                setting, advice = "", "Scale the features (e.g. with StandardScaler)"
            else:
                setting = f", learning_rate={self._learning_rate()}"
                advice = (
                    "Lower learning_rate, scale the features (e.g. with StandardScaler)"
                )
            raise ValueError(
                f"Training diverged: {exc.reason} at iteration {exc.iteration} "
                f"(solver={self.solver!r}{setting}). {advice} or raise alpha. "
                "The estimator was left as it was before this fit."
            ) from None

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    def _encode_targets(self, X, y, sample_weight, encoder=None, partial=False):
        """Binarized targets Y, the effective sample weights (None when all
        are 1) and the labels (None for multilabel targets).

        ``encoder`` is the fitted LabelBinarizer that y must agree with (warm
        start, partial_fit), or None to fit a new one.
        """
        check_classification_targets(y)
        target_type = type_of_target(y, input_name="y")
        if target_type not in _SUPPORTED_TARGETS:
            raise ValueError(
                "TwoLayerClassifier supports binary, multiclass and "
                f"multilabel-indicator targets; y is {target_type!r}."
            )
        multilabel = target_type == "multilabel-indicator"
        if encoder is None:
            encoder = LabelBinarizer().fit(y)
        else:
            self._check_targets_agree(y, target_type, encoder, partial)
        Y = _binarize(encoder, y, multilabel, X.dtype)

        weighted = sample_weight is not None or self.class_weight is not None
        if not weighted:  # no array of ones: large data stay lean
            return self._set_encoder(encoder, Y), None, (None if multilabel else y)
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=X.dtype, ensure_non_negative=True
        )
        if self.class_weight is not None:
            if multilabel:
                raise ValueError(
                    "class_weight is not supported for multilabel targets; pass "
                    "sample_weight instead."
                )
            sample_weight = sample_weight * self._class_weights(
                encoder.classes_, y, sample_weight
            ).astype(X.dtype)
        if not sample_weight.sum() > 0:
            raise ValueError("sample_weight sums to zero: no sample has any weight.")
        return self._set_encoder(encoder, Y), sample_weight, (None if multilabel else y)

    def _set_encoder(self, encoder, Y):
        self._label_binarizer = encoder
        self.classes_ = encoder.classes_
        self.out_activation_ = (
            "softmax" if encoder.y_type_ == "multiclass" else "sigmoid"
        )
        self.n_outputs_ = Y.shape[1]
        return Y

    def _check_targets_agree(self, y, target_type, encoder, partial):
        """y must fit the classes of a fitted model (warm start, partial_fit)."""
        what = "partial_fit" if partial else "warm_start"
        if (target_type == "multilabel-indicator") != (
            encoder.y_type_ == "multilabel-indicator"
        ):
            raise ValueError(
                f"{what}: y is {target_type!r} but the model was fitted on "
                f"{encoder.y_type_!r} targets."
            )
        if target_type == "multilabel-indicator":
            if y.shape[1] != len(encoder.classes_):
                raise ValueError(
                    f"{what}: y has {y.shape[1]} labels, the model has "
                    f"{len(encoder.classes_)}."
                )
            return
        seen = np.unique(y)
        if partial:
            unseen = np.setdiff1d(seen, encoder.classes_)
            if len(unseen):
                raise ValueError(
                    f"partial_fit: y has labels {unseen.tolist()} that are not in "
                    f"classes_ {encoder.classes_.tolist()}; pass every class "
                    "with `classes` on the first call."
                )
        elif not np.array_equal(seen, encoder.classes_):
            raise ValueError(
                "warm_start needs y with the same classes as the fitted model: "
                f"the model has {encoder.classes_.tolist()}, y has {seen.tolist()}."
            )

    def _encoder_for_classes(self, classes, y):
        """The LabelBinarizer of partial_fit's first call."""
        if type_of_target(y, input_name="y") == "multilabel-indicator":
            encoder = LabelBinarizer().fit(y)
            if not np.array_equal(np.asarray(classes), encoder.classes_):
                raise ValueError(
                    f"For multilabel y, classes must be the label indices "
                    f"{encoder.classes_.tolist()}; got {list(classes)}."
                )
            return encoder
        classes = np.unique(column_or_1d(classes))
        if len(classes) < 2:
            raise ValueError(
                f"classes must hold at least 2 classes; got {classes.tolist()}."
            )
        return LabelBinarizer().fit(classes)

    @staticmethod
    def _check_two_classes(labels, sample_weight, classes):
        """fit needs 2 classes that carry weight (not so multilabel targets);
        ``classes`` are the sorted labels, which hold every label."""
        if labels is None:
            return
        index = np.searchsorted(classes, labels)
        mass = np.bincount(index, weights=sample_weight, minlength=len(classes))
        present = classes[mass > 0]
        if len(present) < 2:
            raise ValueError(
                "TwoLayerClassifier needs samples of at least 2 classes with "
                f"positive weight; the data has {len(present)} class: "
                f"{present.tolist()}."
            )

    def _class_weights(self, classes, y, sample_weight):
        """Weight of each sample's class, from ``class_weight``."""
        class_index = np.searchsorted(classes, y)
        if isinstance(self.class_weight, dict):
            unknown = [c for c in self.class_weight if c not in set(classes.tolist())]
            if unknown:
                raise ValueError(
                    f"class_weight has labels {unknown} that are not classes of y "
                    f"({classes.tolist()})."
                )
            weights = np.array(
                [self.class_weight.get(c, 1.0) for c in classes.tolist()]
            )
            if np.any(weights < 0) or not np.all(np.isfinite(weights)):
                raise ValueError(
                    "class_weight values must be finite and >= 0; got "
                    f"{self.class_weight}."
                )
        else:  # "balanced"
            mass = np.bincount(
                class_index,
                weights=_power_of_two_scaled(sample_weight),
                minlength=len(classes),
            )
            present = mass > 0
            weights = np.zeros(len(classes))
            weights[present] = mass.sum() / (present.sum() * mass[present])
        return weights[class_index]

    def _initial_params(self, X, Y, sample_weight, rng, warm):
        """New weights, or (``warm`` names the caller) the fitted ones."""
        n_x, n_y = X.shape[1], Y.shape[1]
        if warm:
            W1, b1, W2, b2 = (p.astype(X.dtype) for p in self._model_params())
            if W1.shape[0] != self.n_hidden:
                raise ValueError(
                    f"{warm}: the fitted model has {W1.shape[0]} hidden units "
                    f"but n_hidden={self.n_hidden}; refit from scratch to change "
                    "n_hidden."
                )
            return W1, b1, W2, b2
        W1, b1, W2, b2 = net.initialize(
            n_x, self.n_hidden, n_y, self.init, self.activation, rng, dtype=X.dtype
        )
        if self.init == "glorot":
            b2 = self._log_priors(Y, sample_weight).astype(X.dtype)
        return W1, b1, W2, b2

    def _log_priors(self, Y, sample_weight):
        """Output biases of the best constant model: the class log-priors."""
        if sample_weight is None:
            p = Y.mean(axis=0, dtype=np.float64)  # counts: exact in any order
        else:
            # Each sum taken over its weights sorted, so that it rounds the same
            # for any order of the rows: a last bit of b2 that depended on the
            # order would change the whole solver path (w @ Y did, by 1e-7 in
            # float32, and 15 gd steps grew it to 7e-5).
            w = _power_of_two_scaled(sample_weight)
            total = np.sort(w).sum(dtype=np.float64)
            p = np.array(
                [
                    np.sort(w[Y[:, k] > 0]).sum(dtype=np.float64)
                    for k in range(Y.shape[1])
                ]
            )
            p /= total
        p = np.clip(p, 1e-6, 1 - 1e-6)
        if self.out_activation_ == "softmax":
            return np.log(p)
        return np.log(p) - np.log1p(-p)

    def _learning_rate(self):
        if self.learning_rate == "auto":
            return AUTO_LEARNING_RATE.get(self.solver, 1.0)
        return self.learning_rate

    # ------------------------------------------------------------- predict

    def _validated(self, X):
        # The common case — a finite float NumPy array of the fitted width,
        # on a model fitted without feature names — needs none of
        # validate_data's conversions: skipping it makes one-row predictions
        # several times faster. Anything else takes the full path below,
        # which raises the errors and warnings.
        d = self.__dict__
        if (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype in _FLOAT_DTYPES
            and "W1_" in d
            and d.get("n_features_in_") == X.shape[1]
            and "feature_names_in_" not in d
            and X.shape[0] > 0
            and np.isfinite(X.sum())
        ):
            return X
        check_is_fitted(self)
        with np.errstate(over="ignore", invalid="ignore"):  # see training
            return validate_data(
                self,
                X,
                accept_sparse=("csr", "csc"),
                dtype=(np.float64, np.float32),
                reset=False,
            )

    def _model_params(self):
        """W1_, b1_, W2_, b2_ as arrays, checked against each other: they are
        the model, and a user may have set them by hand."""
        params = [np.asarray(getattr(self, name)) for name in _PARAMS]
        W1 = params[0]
        n_h = W1.shape[0] if W1.ndim == 2 else "n_hidden"
        expected = [
            (n_h, self.n_features_in_),
            (n_h,),
            (self.n_outputs_, n_h),
            (self.n_outputs_,),
        ]
        for name, p, shape in zip(_PARAMS, params, expected):
            if p.shape != shape or p.dtype.kind not in "fiub":
                raise ValueError(
                    f"{name} has shape {p.shape} and dtype {p.dtype}; this model "
                    f"needs a numeric array of shape {shape}: W1_ (n_hidden, "
                    "n_features), b1_ (n_hidden,), W2_ (n_outputs, n_hidden), "
                    "b2_ (n_outputs,)."
                )
        return params

    def _logits(self, X):
        W1, b1, W2, b2 = self._model_params()
        # Inputs near the float limits can overflow X·W1ᵀ: infinities are
        # clipped back to the largest float below; only an undefined result
        # (inf − inf in a product) is an error.
        with np.errstate(over="ignore", invalid="ignore"):
            Z2 = logits(X, W1, b1, W2, b2, self.activation)
        if not np.isfinite(Z2.sum()) and not np.all(np.isfinite(Z2)):
            if np.isnan(Z2).any():
                raise ValueError(
                    "The network's output is undefined for this X: its values "
                    f"(largest magnitude {abs(X).max():.3g}) overflow the "
                    f"{self.activation} hidden layer. Scale the features, as in "
                    "training."
                )
            big = np.finfo(Z2.dtype).max
            Z2 = np.clip(Z2, -big, big)
        return Z2

    def _proba(self, X):
        Z2 = self._logits(X)
        finfo = np.finfo(Z2.dtype)
        if self.out_activation_ == "softmax":
            with np.errstate(over="ignore"):  # logits ±max: exp(−inf) is 0
                return np.maximum(net.softmax(Z2, out=Z2), finfo.tiny, out=Z2)
        # Sigmoid units: keep p strictly inside (0, 1) so that log p is finite.
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return _clip_inside(net.sigmoid(Z2, out=Z2), finfo.eps)
        P = np.empty((Z2.shape[0], 2), dtype=Z2.dtype)
        p = net.sigmoid(Z2[:, 0], out=P[:, 1])
        _clip_inside(p, finfo.eps)
        np.subtract(1, p, out=P[:, 0])
        return P

    def decision_function(self, X: MatrixLike) -> NDArray[np.floating]:
        """The logits Z2 = A1·W2ᵀ + b2.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        Z2 : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D for a binary problem (positive means the second class).

        Examples
        --------
        >>> import numpy as np
        >>> from sk_twolayer import TwoLayerClassifier, make_flower
        >>> X, y = make_flower(random_state=1)
        >>> clf = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X, y)
        >>> z = clf.decision_function(X)
        >>> z.shape
        (400,)
        >>> np.allclose(1 / (1 + np.exp(-z)), clf.predict_proba(X)[:, 1])
        True
        """
        Z2 = self._logits(self._validated(X))
        return Z2[:, 0] if self._is_binary() else Z2

    def predict_proba(self, X: MatrixLike) -> NDArray[np.floating]:
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        P : ndarray of shape (n_samples, n_classes)
            For a binary problem the columns are ``[1 − p, p]`` with
            ``p = σ(Z2)``; for multilabel targets, each label's probability.

        Examples
        --------
        >>> import numpy as np
        >>> from sk_twolayer import TwoLayerClassifier, make_flower
        >>> X, y = make_flower(random_state=1)
        >>> clf = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X, y)
        >>> P = clf.predict_proba(X[:3])
        >>> P.shape, np.allclose(P.sum(axis=1), 1.0)
        ((3, 2), True)
        """
        return self._proba(self._validated(X))

    def predict_log_proba(self, X: MatrixLike) -> NDArray[np.floating]:
        """Logarithm of :meth:`predict_proba` (always finite).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_P : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.

        Examples
        --------
        >>> import numpy as np
        >>> from sk_twolayer import TwoLayerClassifier, make_flower
        >>> X, y = make_flower(random_state=1)
        >>> clf = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X, y)
        >>> log_P = clf.predict_log_proba(X)
        >>> bool(np.isfinite(log_P).all())
        True
        >>> np.allclose(np.exp(log_P), clf.predict_proba(X))
        True
        """
        return np.log(self.predict_proba(X))

    def predict(self, X: MatrixLike) -> NDArray[Any]:
        """Predicted classes: the second class of a binary problem iff p > 0.5.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels (an indicator matrix for multilabel targets).

        Examples
        --------
        >>> import numpy as np
        >>> from sk_twolayer import TwoLayerClassifier, make_flower
        >>> X, y = make_flower(random_state=1)
        >>> clf = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X, y)
        >>> p = clf.predict_proba(X)[:, 1]
        >>> np.array_equal(clf.predict(X), clf.classes_[(p > 0.5).astype(int)])
        True
        >>> bool(np.mean(clf.predict(X) == y) > 0.85)
        True
        """
        P = self._proba(self._validated(X))
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return self._label_binarizer.inverse_transform((P > 0.5).astype(int))
        if self._is_binary():
            return self.classes_[(P[:, 1] > 0.5).astype(int)]
        return self.classes_[np.argmax(P, axis=1)]

    def _is_binary(self):
        return (
            self.n_outputs_ == 1
            and self._label_binarizer.y_type_ != "multilabel-indicator"
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags
