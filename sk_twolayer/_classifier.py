"""TwoLayerClassifier: validation, labels, state and the scikit-learn protocol.

The mathematics lives in ``_network.py`` and the optimisers in
``_solvers.py``; this module only arranges the calls.
"""

import warnings
from functools import partial
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _network as net
from ._sklearn_private import Interval, StrOptions, _check_sample_weight, _fit_context
from ._solvers import DivergenceError, gradient_descent, lbfgs

#: Step size used by ``learning_rate="auto"``, per solver (lbfgs needs none).
AUTO_LEARNING_RATE = {"gd": 1.0}

_SUPPORTED_TARGETS = ("binary", "multiclass", "multilabel-indicator")
_PARAMS = ("W1_", "b1_", "W2_", "b2_")


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
    weight = np.bincount(inverse.ravel(), weights=sample_weight, minlength=len(first))
    keep = weight > 0
    rows = first[keep]
    weight = weight[keep].astype(X.dtype)
    return X[rows], Y[rows], (None if np.all(weight == 1) else weight)


class TwoLayerClassifier(ClassifierMixin, BaseEstimator):
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

    solver : {"lbfgs", "gd"}, default="lbfgs"
        ``"lbfgs"``: scipy's L-BFGS-B on the full-batch loss and gradient;
        fast and accurate on small and medium data. ``"gd"``: full-batch
        gradient descent ``θ := θ − learning_rate · dθ``, the course's
        algorithm; for teaching and for following the course step by step.

    learning_rate : "auto" or float > 0, default="auto"
        Step size ``α`` of ``"gd"``; the course uses 1.2. A float is a fixed
        step, the course's algorithm; should the loss rise, the weights with
        the lowest loss are kept and a ConvergenceWarning says so. ``"auto"``
        starts at 1.0 and halves the step whenever a step raised the loss
        (taking that step back), so unscaled data needs no tuning. Ignored by
        ``"lbfgs"``, which chooses its own steps by line search.

    max_iter : int >= 1, default=200
        Maximum number of iterations (gradient steps for ``"gd"``,
        quasi-Newton iterations for ``"lbfgs"``).

    tol : float >= 0, default=1e-4
        ``"gd"``: training stops once the loss has failed to improve by at
        least ``tol`` for ``n_iter_no_change`` consecutive iterations.
        ``"lbfgs"``: the tolerance on the projected gradient (``gtol``).

    n_iter_no_change : int >= 1, default=10
        Patience of the ``tol`` rule for ``"gd"``. Ignored by ``"lbfgs"``.

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

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during fit, when X had string column names.

    n_iter_ : int
        Iterations run by the last ``fit``.

    loss_ : float
        The last value of the loss.

    loss_curve_ : list of float
        The loss at every iteration of the last ``fit``.

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
        "solver": [StrOptions({"gd", "lbfgs"})],
        "learning_rate": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="neither"),
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "init": [StrOptions({"glorot"}), Interval(Real, 0, None, closed="neither")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_hidden=32,
        *,
        activation="tanh",
        solver="lbfgs",
        learning_rate="auto",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        alpha=2.0,
        init="glorot",
        class_weight=None,
        warm_start=False,
        random_state=None,
        verbose=False,
    ):
        self.n_hidden = n_hidden
        self.activation = activation
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.alpha = alpha
        self.init = init
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to X and y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data is trained and kept in float32.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix for multilabel targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; an integer weight counts a sample that many
            times.

        Returns
        -------
        self : TwoLayerClassifier
            The fitted estimator.
        """
        # A fit that fails for any reason leaves the estimator as it was.
        saved = self.__dict__.copy()
        try:
            return self._fit(X, y, sample_weight)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    def _fit(self, X, y, sample_weight):
        warm = self.warm_start and hasattr(self, "W1_")
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=("csr", "csc"),
            dtype=(np.float64, np.float32),
            multi_output=True,
            reset=not warm,
        )
        Y, sample_weight = self._encode_targets(X, y, sample_weight, warm)
        X, Y, sample_weight = _merge_duplicate_rows(X, Y, sample_weight)
        params = self._initial_params(X, Y, sample_weight, warm)
        theta = net.pack(*params, dtype=X.dtype)
        fun = partial(
            net.loss_and_gradients,
            X=X,
            Y=Y,
            sample_weight=sample_weight,
            alpha=self.alpha,
            activation=self.activation,
            output=self.out_activation_,
            n_h=self.n_hidden,
        )
        result = self._solve(fun, theta)
        W1, b1, W2, b2 = net.unpack(result.theta, X.shape[1], self.n_hidden, Y.shape[1])
        self.W1_, self.b1_, self.W2_, self.b2_ = (p.copy() for p in (W1, b1, W2, b2))
        self.n_iter_ = result.n_iter
        self.loss_curve_ = result.loss_curve
        self.loss_ = result.loss_curve[-1]
        if result.best_iter is not None:
            self.loss_ = result.loss_curve[result.best_iter - 1]
        if result.best_iter is not None and self.learning_rate != "auto":
            warnings.warn(
                f"TwoLayerClassifier (solver='gd'): the loss rose after iteration "
                f"{result.best_iter}, from {self.loss_:.4g} to "
                f"{max(result.loss_curve[result.best_iter - 1 :]):.4g}: "
                f"learning_rate={self._learning_rate()} is too large for this data. "
                f"Kept the weights of iteration {result.best_iter}, which had the "
                "lowest loss. Lower learning_rate or scale the features.",
                ConvergenceWarning,
            )
        elif not result.converged:
            warnings.warn(
                f"TwoLayerClassifier (solver={self.solver!r}) stopped after "
                f"max_iter={self.max_iter} iterations without reaching tol="
                f"{self.tol}. Raise max_iter, or scale the features.",
                ConvergenceWarning,
            )
        return self

    def _solve(self, fun, theta):
        """Run the chosen solver; a diverging run becomes a clear ValueError."""
        callback = self._report if self.verbose else None
        try:
            # Overflow in a matrix product shows up as a non-finite loss, which
            # the solvers report as divergence: no NumPy RuntimeWarning needed.
            with np.errstate(over="ignore", invalid="ignore"):
                if self.solver == "gd":
                    return gradient_descent(
                        fun,
                        theta,
                        learning_rate=self._learning_rate(),
                        max_iter=self.max_iter,
                        tol=self.tol,
                        n_iter_no_change=self.n_iter_no_change,
                        backtrack=self.learning_rate == "auto",
                        callback=callback,
                    )
                return lbfgs(
                    fun, theta, max_iter=self.max_iter, tol=self.tol, callback=callback
                )
        except DivergenceError as exc:
            raise ValueError(
                f"Training diverged: {exc.reason} at iteration {exc.iteration} "
                f"(solver={self.solver!r}, learning_rate={self._learning_rate()}). "
                "Lower learning_rate, scale the features (e.g. with StandardScaler) "
                "or raise alpha. The estimator was left as it was before this fit."
            ) from None

    def _encode_targets(self, X, y, sample_weight, warm):
        """Binarized targets Y and the effective sample weights (or None)."""
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        target_type = type_of_target(y, input_name="y")
        if target_type not in _SUPPORTED_TARGETS:
            raise ValueError(
                "TwoLayerClassifier supports binary, multiclass and "
                f"multilabel-indicator targets; y is {target_type!r}."
            )
        if warm:
            encoder = self._label_binarizer
            seen = np.unique(y) if target_type != "multilabel-indicator" else None
            if target_type != encoder.y_type_ and not (
                {target_type, encoder.y_type_} <= {"binary", "multiclass"}
            ):
                raise ValueError(
                    f"warm_start: y is {target_type!r} but the model was fitted on "
                    f"{encoder.y_type_!r} targets."
                )
            if seen is not None and not np.array_equal(seen, self.classes_):
                raise ValueError(
                    "warm_start needs y with the same classes as the fitted model: "
                    f"the model has {self.classes_.tolist()}, y has {seen.tolist()}."
                )
            if target_type == "multilabel-indicator" and y.shape[1] != len(
                self.classes_
            ):
                raise ValueError(
                    f"warm_start: y has {y.shape[1]} labels, the model has "
                    f"{len(self.classes_)}."
                )
        else:
            encoder = LabelBinarizer().fit(y)
        Y = encoder.transform(y)
        Y = np.asarray(Y.toarray() if hasattr(Y, "toarray") else Y, dtype=X.dtype)
        multilabel = target_type == "multilabel-indicator"

        weighted = sample_weight is not None or self.class_weight is not None
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
        if not multilabel:
            class_index = np.searchsorted(encoder.classes_, y)
            class_mass = np.bincount(
                class_index, weights=sample_weight, minlength=len(encoder.classes_)
            )
            present = encoder.classes_[class_mass > 0]
            if len(present) < 2:
                raise ValueError(
                    "TwoLayerClassifier needs samples of at least 2 classes with "
                    f"positive weight; the data has {len(present)} class: "
                    f"{present.tolist()}."
                )
        if not sample_weight.sum() > 0:
            raise ValueError("sample_weight sums to zero: no sample has any weight.")

        self._label_binarizer = encoder
        self.classes_ = encoder.classes_
        self.out_activation_ = "softmax" if target_type == "multiclass" else "sigmoid"
        self.n_outputs_ = Y.shape[1]
        return Y, (sample_weight if weighted else None)

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
                class_index, weights=sample_weight, minlength=len(classes)
            )
            present = mass > 0
            weights = np.zeros(len(classes))
            weights[present] = mass.sum() / (present.sum() * mass[present])
        return weights[class_index]

    def _initial_params(self, X, Y, sample_weight, warm):
        n_x, n_y = X.shape[1], Y.shape[1]
        if warm:
            W1, b1, W2, b2 = (
                np.asarray(getattr(self, a), dtype=X.dtype) for a in _PARAMS
            )
            if W1.shape != (self.n_hidden, n_x) or W2.shape != (n_y, self.n_hidden):
                raise ValueError(
                    f"warm_start: the fitted weights W1_ {W1.shape} and W2_ "
                    f"{W2.shape} do not fit n_hidden={self.n_hidden}, "
                    f"{n_x} features and {n_y} outputs."
                )
            return W1, b1, W2, b2
        rng = check_random_state(self.random_state)
        W1, b1, W2, b2 = net.initialize(
            n_x, self.n_hidden, n_y, self.init, self.activation, rng, dtype=X.dtype
        )
        if self.init == "glorot":
            b2 = self._log_priors(Y, sample_weight).astype(X.dtype)
        return W1, b1, W2, b2

    def _log_priors(self, Y, sample_weight):
        """Output biases of the best constant model: the class log-priors."""
        w = np.ones(len(Y)) if sample_weight is None else sample_weight
        p = np.clip((w @ Y) / w.sum(), 1e-6, 1 - 1e-6)
        if self.out_activation_ == "softmax":
            return np.log(p)
        return np.log(p) - np.log1p(-p)

    def _learning_rate(self):
        if self.learning_rate == "auto":
            return AUTO_LEARNING_RATE.get(self.solver, 1.0)
        return self.learning_rate

    def _report(self, iteration, loss):
        every = 1 if self.verbose is True else int(self.verbose)
        if iteration % every == 0 or iteration == self.max_iter:
            print(f"Iteration {iteration}, loss = {loss:.8f}")

    # ------------------------------------------------------------- predict

    def _validated(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            accept_sparse=("csr", "csc"),
            dtype=(np.float64, np.float32),
            reset=False,
        )

    def _logits(self, X):
        _, Z2 = net.forward(X, self.W1_, self.b1_, self.W2_, self.b2_, self.activation)
        return Z2

    def _proba(self, X):
        Z2 = self._logits(X)
        finfo = np.finfo(Z2.dtype)
        if self.out_activation_ == "softmax":
            return np.maximum(net.softmax(Z2), finfo.tiny)
        # Sigmoid units: keep p strictly inside (0, 1) so that log p is finite.
        P = np.clip(net.sigmoid(Z2), finfo.eps, 1 - finfo.eps)
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return P
        return np.hstack([1 - P, P])

    def decision_function(self, X):
        """The logits Z2 = A1·W2ᵀ + b2.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        Z2 : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D for a binary problem (positive means the second class).
        """
        Z2 = self._logits(self._validated(X))
        return Z2[:, 0] if self._is_binary() else Z2

    def predict_proba(self, X):
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
        """
        return self._proba(self._validated(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (always finite).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_P : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predicted classes: the second class of a binary problem iff p > 0.5.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels (an indicator matrix for multilabel targets).
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
