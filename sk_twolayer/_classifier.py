"""TwoLayerClassifier: the scikit-learn protocol of a classifier.

Its parameters and their constraints, the public methods with their
documentation, and what is a classifier's own: labels to targets
(``_targets``), probabilities and the decision rule. The fit transaction,
the training sequence and the logits are shared with any two-layer
estimator (``_base``); the work is done below (``_training``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import ClassifierMixin
from sklearn.utils.metaestimators import available_if

from . import _network as net
from ._base import MatrixLike, TwoLayerBase, _check_partial_fit_solver
from ._callbacks import open_callback_context
from ._sklearn_private import StrOptions, _fit_context
from ._targets import check_two_classes, encode, encoder_for_classes


class TwoLayerClassifier(ClassifierMixin, TwoLayerBase):
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

    max_iter : int >= 1, default=1000
        Maximum number of iterations: gradient steps for ``"gd"``,
        quasi-Newton iterations for ``"lbfgs"``, epochs (passes over the
        data) for ``"sgd"`` and ``"adam"``. A cap: the ``tol`` rules end a
        fit that has converged long before it (lbfgs: a few dozen to a few
        hundred iterations on the benchmark sets), and a fit that reaches
        it warns.

    tol : float >= 0, default=1e-4
        ``"gd"``, ``"sgd"``, ``"adam"``: training stops once the loss (the
        validation loss with ``early_stopping``) has failed to improve by at
        least ``tol`` for ``n_iter_no_change`` consecutive iterations.
        ``"lbfgs"``: training stops once the projected gradient is at most
        ``tol`` (scipy's ``gtol``) *or* ``n_iter_no_change`` iterations in a
        row each lowered the loss J by at most ``tol · J`` — the rule above
        made relative, the same whatever the scale of the loss, so a fit
        that further iterations would not improve ends without a warning.

    n_iter_no_change : int >= 1 or np.inf, default=10
        Patience of the ``tol`` rules. ``np.inf`` turns them off (as in
        MLPClassifier): training then runs ``max_iter`` iterations, or until
        ``"lbfgs"``'s gradient test passes (its only test in 0.1).

    max_fun : int >= 1, default=15000
        ``"lbfgs"`` only: the most loss-and-gradient evaluations (passes over
        the data; its line search may take several an iteration), as in
        MLPClassifier. A run stopped by it warns with a
        ``ConvergenceWarning`` that names ``max_fun``.

    alpha : "auto" or float >= 0, default="auto"
        Strength of the L2 penalty ``α/(2m) (‖W1‖² + ‖W2‖²)``, where ``m`` is
        the total sample weight (the number of samples without weights), as in
        the course and in MLPClassifier. Biases are not penalised; the
        effect of a given alpha fades as ``m`` grows. The course uses 0.

        ``"auto"`` chooses it from the training data, as RidgeCV and
        LogisticRegressionCV do, on 3 internal folds: an L-BFGS path over
        the alphas 0.1, 1, 10, 100, weakest first, each fit warm-started
        from the previous one (at most 20 iterations a step, 40 for the
        first), stopping once the held-out cross-entropy has risen past its
        lowest point, then one step at 0.3, 3 or 30 between the best and its
        better neighbour. ``alpha_`` is the strongest alpha whose held-out
        cross-entropy, summed over the folds, is within half a standard
        error of the lowest (the simpler model within the estimate's noise;
        the scores in ``alpha_path_``), and the model
        is then fitted on all the rows at it with ``solver``, from the
        initial weights: the path only ranks alphas, so it computes in
        float32. On data of more than 16 384 distinct rows it runs on a
        hashed subsample of about that many, in the data's dtype, and the
        final lbfgs fit starts from the folds' mean fit. On dense
        data with fewer rows than columns the path and the final lbfgs fit
        work in the coordinates of the rows' span, which holds the
        penalised optimum's ``W1_`` (the same model, at the cost of as many
        columns as rows). The folds treat a weight like repeated rows:
        duplicate rows are merged into one row of their summed weight, and
        each row's weight is dealt to the folds like its copies (a row seen
        once lands in one fold, the fold drawn from a hash of the row
        salted with ``random_state``), so an integer ``sample_weight`` gives
        the model of the repeated rows. With ``early_stopping`` the path
        uses the rows left after the validation split; ``warm_start`` keeps
        the fitted ``alpha_``; ``partial_fit`` uses the ``alpha_`` of an
        earlier ``fit``, else 1.0 (one pass over a chunk has nothing to hold
        out). Measured on real data sets: benchmarks/realdata.md. A float is
        used as given, as in 0.1 (whose default was 2.0).

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
        training may wander on the plateau around its best-constant start).
        Should that fall never come within ``10 · n_iter_no_change``
        iterations, nothing learnable was found and training stops there.
        The weights of the best iteration are restored at the end. Rows of
        zero weight take no part in the split. Every solver supports it;
        ``partial_fit`` raises a ValueError with it, as MLPClassifier does (a
        call sees one chunk, with nothing held out). The validation loss
        and accuracy of every iteration are recorded.

    validation_fraction : float in (0, 1), default=0.1
        Share of the training data set aside for ``early_stopping``.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.
        ``"balanced"`` gives class ``c`` the weight ``m / (n_classes · m_c)``,
        with ``m_c`` the total sample weight of class ``c``. Not available for
        multilabel targets (pass ``sample_weight`` instead). Unlike an
        integer ``sample_weight``, a class weight does not count as repeated
        rows for ``alpha="auto"``'s internal folds: a row is held out whole,
        its class weight with it.

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

    alpha_ : float
        The L2 strength the model was trained with: chosen by
        ``alpha="auto"``, else ``alpha`` itself.

    alpha_path_ : dict or None
        With ``alpha="auto"`` (when ``fit`` chose the alpha): the mean
        held-out cross-entropy of every alpha the path reached,
        ``{alpha: loss}``, weakest first; ``alpha_`` is the strongest
        within half a standard error of the lowest. None otherwise.

    classes_ : ndarray of shape (n_classes,)
        Class labels (for multilabel targets, the label indices).

    n_outputs_ : int
        Output units: 1 for binary, ``n_classes`` otherwise.

    out_activation_ : {"sigmoid", "softmax"}
        Output unit in use (MLPClassifier calls the sigmoid ``"logistic"``).

    coefs_ : list of 2 ndarrays
        ``[W1_.T, W2_.T]``, read-only views in MLPClassifier's layout
        (``coefs_[i]`` of shape (fan_in, fan_out)), so that code written
        for MLPClassifier's fitted attributes reads this model.

    intercepts_ : list of 2 ndarrays
        ``[b1_, b2_]``, read-only views, as MLPClassifier's.

    n_layers_ : int
        3 (input, hidden and output layers), as MLPClassifier counts them.

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
        **TwoLayerBase._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self,
        n_hidden: int = 32,
        *,
        activation: Literal["tanh", "sigmoid", "relu"] = "tanh",
        solver: Literal["lbfgs", "adam", "sgd", "gd"] = "lbfgs",
        learning_rate: Literal["auto"] | float = "auto",
        max_iter: int = 1000,
        tol: float = 1e-4,
        n_iter_no_change: int | float = 10,
        max_fun: int = 15000,
        alpha: Literal["auto"] | float = "auto",
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
        self.max_fun = max_fun
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
        return self._transaction(self._train, X, y, sample_weight)

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
        can be learned chunk by chunk. Not available for ``"lbfgs"``, nor
        with ``early_stopping=True`` (a ValueError, as in MLPClassifier).

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
        return self._transaction(self._train, X, y, sample_weight, classes, True)

    def _encoder(self, warm, classes, y):
        """The LabelBinarizer y must agree with: the fitted one when ``warm``,
        one of ``classes`` on partial_fit's first call, else None (new)."""
        if warm is None:
            return None if classes is None else encoder_for_classes(classes, y)
        if classes is not None and not np.array_equal(
            np.unique(classes), self.classes_
        ):
            raise ValueError(
                f"classes={np.unique(classes).tolist()} differs from the "
                f"classes_ of the earlier calls, {self.classes_.tolist()}."
            )
        return self._label_binarizer

    def _check_partial_call(self, fitted, classes):
        if not fitted and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: every "
                "class that will ever appear, e.g. classes=np.unique(y_all)."
            )
        if self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' needs the whole data set and is not "
                "available in partial_fit; pass a dict of class weights instead."
            )

    def _targets(self, X, y, sample_weight, warm, classes, partial):
        encoder = self._encoder(warm, classes, y)
        targets = encode(y, X, sample_weight, self.class_weight, encoder, partial)
        self._label_binarizer = targets.encoder
        self.classes_ = targets.encoder.classes_
        self.out_activation_ = targets.output
        self.n_outputs_ = targets.Y.shape[1]
        if not partial:
            check_two_classes(targets.labels, targets.sample_weight, self.classes_)
        return targets

    # ------------------------------------------------------------- predict

    def _proba(self, X):
        Z2 = self._logits(X)
        if not self._is_binary():
            return net.probabilities(Z2, self.out_activation_)
        P = np.empty((Z2.shape[0], 2), dtype=Z2.dtype)  # [1 − p, p]
        p = net.probabilities(Z2[:, 0], "sigmoid", out=P[:, 1])
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
            indicators = net.decide(P, "sigmoid").astype(int)
            return self._label_binarizer.inverse_transform(indicators)
        if self._is_binary():
            return self.classes_[net.decide(P[:, 1], "sigmoid").astype(int)]
        return self.classes_[net.decide(P, "softmax")]

    def _is_binary(self):
        return (
            self.n_outputs_ == 1
            and self._label_binarizer.y_type_ != "multilabel-indicator"
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
