"""TwoLayerRegressor: the scikit-learn protocol of a regressor.

Its parameters, the public methods with their documentation, and what is a
regressor's own: y to standardized targets (``_targets.standardize``), or
to scaled counts with ``loss="poisson"`` (``_targets.count_targets``), and
``predict``. Everything else — the fit transaction, the training sequence,
the logits — is shared with the classifier (``_base``); the identity output
and its squared error, and the exponential output and the Poisson deviance,
are each one entry of ``_network``'s tables.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if

from . import _network as net
from . import _posterior
from ._auto_alpha import exposure_unit
from ._base import MatrixLike, TwoLayerBase, _check_partial_fit_solver
from ._callbacks import open_callback_context
from ._sklearn_private import StrOptions, _fit_context
from ._targets import check_validation_size, count_targets, standardize

#: The output unit of each loss (``_network.OUTPUTS``), as MLPRegressor names
#: it in ``out_activation_``.
OUTPUT_OF_LOSS = {"squared_error": "identity", "poisson": "exp"}


class TwoLayerRegressor(RegressorMixin, TwoLayerBase):
    """A one-hidden-layer neural network regressor, written from first principles.

    The network of Andrew Ng's Deep Learning course (course 1, week 3) with
    a linear output: ``n_hidden`` units with activation ``g`` and one
    identity output unit per target, trained on the (sample-weighted)
    squared error plus an L2 penalty. The forward and backward passes are
    the classifier's, line for line (``sk_twolayer/_network.py``): with the
    identity output and half the squared error, ``dZ2 = A2 − Y`` as for a
    sigmoid with cross-entropy.

    y is standardized inside ``fit`` (by its weighted mean and standard
    deviation, each output apart), so ``alpha``, the learning rates and
    ``tol`` mean the same whatever y's units; the scaling is folded back
    into ``W2_`` and ``b2_``, which predict y in its own units.

    For counts, ``loss="poisson"`` puts an exponential output unit
    ``A2 = e^Z2`` on the same network, trained on half the Poisson
    deviance: again a canonical pair, ``dZ2 = A2 − Y``. Its predictions are
    always positive, and a count's error is weighed by the inverse of its
    expected variance, which grows with its mean.

    Parameters
    ----------
    n_hidden : int, default=32
        Number of hidden units, the course's ``n_h``.

    loss : {"squared_error", "poisson"}, default="squared_error"
        ``"squared_error"``: the identity output, half the squared error.
        ``"poisson"``: the exponential output ``A2 = e^Z2`` (a log link)
        and half the Poisson deviance ``y log(y / ŷ) − y + ŷ`` per output,
        for counts and rates: y must be >= 0 with a positive weighted sum
        per output. y is then scaled by its weighted mean inside ``fit``
        (the log of the scale is folded into ``b2_``), and the output bias
        starts at the log of that mean, the best constant model. A rate
        with an exposure is fitted as scikit-learn's Poisson models fit
        it: ``y = counts / exposure``, ``sample_weight = exposure``, in any
        unit (``alpha="auto"``, ``partial_fit``'s first alpha under it and
        ``return_std`` read the weights relative to the average distinct
        row's; a float ``alpha`` is per unit of weight, as MLPRegressor's).
        ``score`` stays R², as for every scikit-learn regressor; to score
        by the deviance use ``d2_tweedie_score(power=1)`` or
        ``make_scorer(mean_poisson_deviance, greater_is_better=False)``.

    activation : {"tanh", "sigmoid", "relu"}, default="tanh"
        Activation ``g`` of the hidden layer.

    solver : {"lbfgs", "adam", "sgd", "gd"}, default="lbfgs"
        ``"lbfgs"``: scipy's L-BFGS-B on the full-batch loss and gradient;
        the fastest to a good model on small and medium data (the default).
        ``"adam"``: mini-batch Adam; for large data and for streaming with
        :meth:`partial_fit`. ``"sgd"``: mini-batch SGD with (Nesterov)
        momentum. ``"gd"``: full-batch gradient descent
        ``θ := θ − learning_rate · dθ``, the course's algorithm. All four
        use the same hand-written forward and backward passes.

    learning_rate : "auto" or float > 0, default="auto"
        Step size ``α`` of ``"gd"``. A float is a fixed step; should the
        loss rise, the weights with the lowest loss are kept and a
        ConvergenceWarning says so. ``"auto"`` starts at 1.0 and halves the
        step whenever a step raised the loss (taking that step back). For
        ``"sgd"`` and ``"adam"`` it is the step size of every update;
        ``"auto"`` is 0.1 for ``"sgd"`` (0.03 with ``loss="poisson"``,
        whose curvature grows with the prediction) and 0.01 for
        ``"adam"``. Ignored by ``"lbfgs"``. The steps act on the
        standardized (or scaled) targets, so one learning rate suits y in
        any units.

    max_iter : int >= 1, default=1000
        Maximum number of iterations: gradient steps for ``"gd"``,
        quasi-Newton iterations for ``"lbfgs"``, epochs for ``"sgd"`` and
        ``"adam"``. A fit that reaches it warns.

    tol : float >= 0, default=1e-4
        ``"gd"``, ``"sgd"``, ``"adam"``: training stops once the loss (the
        validation loss with ``early_stopping``) has failed to improve by at
        least ``tol`` for ``n_iter_no_change`` consecutive iterations.
        ``"lbfgs"``: training stops once the projected gradient is at most
        ``tol`` *or* ``n_iter_no_change`` iterations in a row each lowered
        the loss J by at most ``tol · J``. The loss is that of the
        standardized targets (see ``loss_``), so ``tol`` does not depend on
        y's units.

    n_iter_no_change : int >= 1 or np.inf, default=10
        Patience of the ``tol`` rules. ``np.inf`` turns them off (as in
        MLPRegressor).

    max_fun : int >= 1, default=15000
        ``"lbfgs"`` only: the most loss-and-gradient evaluations, as in
        MLPRegressor. A run stopped by it warns.

    alpha : "auto" or float >= 0, default="auto"
        Strength of the L2 penalty ``α/(2m) (‖W1‖² + ‖W2‖²)`` on the weights
        of the network trained on the standardized targets, where ``m`` is
        the total sample weight (the number of samples without weights).
        Biases are not penalised.

        ``"auto"`` chooses it from the training data as the classifier does
        (see :class:`TwoLayerClassifier`): an L-BFGS path over the alphas
        0.1, 1, 10, 100 and one finer step at 0.3, 3 or 30, each fit
        warm-started from a weaker one, on 3 internal folds; ``alpha_`` is
        the strongest alpha whose held-out squared error (of the
        standardized targets; with ``loss="poisson"`` the Poisson deviance,
        on the whole coarse ladder), summed over the folds, is within half a
        standard error of the lowest, and the model is then fitted on all
        the rows at it with ``solver``. The folds treat a weight like
        repeated rows, so an integer ``sample_weight`` gives the model of
        the repeated rows, and they hash the targets at float32 precision,
        so y in other units gives the same folds. ``warm_start`` keeps the
        fitted ``alpha_``; ``partial_fit`` uses the ``alpha_`` of an earlier
        ``fit``, else 1.0. A float is used as given.

    init : "glorot" or float > 0, default="glorot"
        Initial weights. A float ``s``: ``W = s · N(0, 1)`` drawn from
        ``check_random_state(random_state).randn``, W1 then W2, and zero
        biases. ``"glorot"`` draws W uniformly in
        ``±sqrt(6 / (fan_in + fan_out))`` (2 instead of 6 for sigmoid),
        starts ``b1`` at zero and ``b2`` at the (weighted) mean of y, so
        training starts next to the best constant model.

    batch_size : "auto" or int >= 1, default="auto"
        Rows per mini-batch for ``"sgd"`` and ``"adam"``; ``"auto"`` is
        ``min(200, n_samples)``. Larger values are clipped to ``n_samples``.

    shuffle : bool, default=True
        Shuffle the rows before every epoch (``"sgd"``, ``"adam"``), with
        ``random_state``.

    momentum : float in [0, 1], default=0.9
        Momentum of ``"sgd"``.

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``"sgd"``.

    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates.

    epsilon : float > 0, default=1e-8
        Adam's numerical-stability constant.

    early_stopping : bool, default=False
        Set aside a random ``validation_fraction`` of the training data
        (drawn with ``random_state``, sample weights carried along) and stop
        when the validation loss has not improved by ``tol`` for
        ``n_iter_no_change`` iterations, counted from the first iteration
        whose validation loss is 1% below the first one's; should that fall
        never come within ``10 · n_iter_no_change`` iterations, training
        stops there. The weights of the best iteration are restored at the
        end. Every solver supports it; ``partial_fit`` raises a ValueError
        with it, as MLPRegressor does. The validation loss and R² of every
        iteration are recorded.

    validation_fraction : float in (0, 1), default=0.1
        Share of the training data set aside for ``early_stopping``.

    warm_start : bool, default=False
        When True, ``fit`` starts from the current ``W1_, b1_, W2_, b2_``
        instead of a new initialisation, and keeps the first fit's
        standardization of y. The number of features, of outputs and
        ``n_hidden`` must be those of the fitted model.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights (and the shuffling, the validation split
        and the folds of ``alpha="auto"``). An int gives bit-identical
        weights on every run.

    verbose : bool or int, default=False
        Print the loss during training: every iteration when True or 1,
        every ``verbose``-th iteration for a larger int.

    Attributes
    ----------
    W1_ : ndarray of shape (n_hidden, n_features)
        Hidden-layer weights. The four arrays ``W1_, b1_, W2_, b2_`` are the
        model: ``predict`` computes ``g(X·W1_ᵀ + b1_)·W2_ᵀ + b2_`` from them
        as they are, so they can be inspected or set.

    b1_ : ndarray of shape (n_hidden,)
        Hidden-layer biases.

    W2_ : ndarray of shape (n_outputs, n_hidden)
        Output-layer weights, in y's units (the trained weights times y's
        scale).

    b2_ : ndarray of shape (n_outputs,)
        Output-layer biases, in y's units.

    alpha_ : float
        The L2 strength the model was trained with: chosen by
        ``alpha="auto"``, else ``alpha`` itself.

    alpha_path_ : dict or None
        With ``alpha="auto"`` (when ``fit`` chose the alpha): the mean
        held-out loss (half the squared error of the standardized targets;
        half the Poisson deviance of the scaled targets with
        ``loss="poisson"``) of every alpha the path reached,
        ``{alpha: loss}``, weakest first; ``alpha_`` is the strongest within
        half a standard error of the lowest. None otherwise.

    n_outputs_ : int
        Number of outputs: 1 for a 1-D y (or a single column), else the
        columns of y.

    out_activation_ : {"identity", "exp"}
        The output unit: ``"exp"`` with ``loss="poisson"`` (as
        MLPRegressor names them).

    coefs_ : list of 2 ndarrays
        ``[W1_.T, W2_.T]``, read-only views in MLPRegressor's layout
        (``coefs_[i]`` of shape (fan_in, fan_out)), so that code written
        for MLPRegressor's fitted attributes reads this model.

    intercepts_ : list of 2 ndarrays
        ``[b1_, b2_]``, read-only views, as MLPRegressor's.

    n_layers_ : int
        3 (input, hidden and output layers), as MLPRegressor counts them.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when X had string column names.

    n_iter_ : int
        Iterations (epochs) run by the last ``fit``; ``partial_fit`` adds 1.

    t_ : int
        Training samples seen by the solver: the training rows given times
        the full passes over them.

    loss_ : float
        The last training loss recorded (as the classifier's ``loss_``), in
        the units of the standardized targets:
        ``J = (1/2m) Σ s ‖A2 − Y‖² + α/(2m) (‖W1‖² + ‖W2‖²)`` with
        ``Y = (y − mean) / scale`` and W2 the trained (unscaled) weights.
        It does not change with y's units: the best constant model's loss is
        0.5 per output, and for one output ``1 − 2 J`` is about the
        training R² when alpha is small. With ``loss="poisson"``:
        ``J = (1/m) Σ s ½ d(Y, A2) + α/(2m) (‖W1‖² + ‖W2‖²)``, half the
        Poisson deviance ``d`` of ``Y = y / ȳ`` (ȳ the weighted mean), also
        unchanged by y's units.

    loss_curve_ : list of float
        The training loss at every iteration, in the same units;
        ``partial_fit`` appends to it.

    validation_scores_ : list of float or None
        With ``early_stopping``: the validation R² at every iteration
        (averaged over the outputs, as ``score``); with ``loss="poisson"``
        the validation D² on the Poisson deviance
        (``d2_tweedie_score(power=1)``, averaged over the outputs).

    validation_loss_curve_ : list of float or None
        With ``early_stopping``: the validation loss (half the weighted
        mean squared error of the standardized targets, or half the mean
        Poisson deviance of the scaled targets) at every iteration.

    best_validation_score_ : float or None
        With ``early_stopping``: the validation R² (D² for
        ``loss="poisson"``) of the restored weights.

    best_validation_loss_ : float or None
        With ``early_stopping``: the lowest validation loss, that of the
        restored weights.

    posterior_ : object or None
        The posterior of the weights that ``predict(X, return_std=True)``
        uses, taken by ``fit`` on the training rows (plain arrays: it is
        part of the model and survives pickle and skops): ``kind``
        (``"full"``: the exact Gauss–Newton curvature, for networks of at
        most 1024 parameters; ``"kfac"``: one Kronecker-factored block per
        layer, beyond), ``noise`` (each output's noise variance, in the
        units of the standardized targets), ``gamma`` (the number of
        well-determined parameters) and the factors. None after
        ``partial_fit``, which sees one chunk at a time. See the user
        guide, "How sure is the network".

    See Also
    --------
    TwoLayerClassifier : The same network with sigmoid or softmax outputs.
    sklearn.neural_network.MLPRegressor : Multi-layer perceptron, any depth.
    sklearn.linear_model.Ridge : The same model without a hidden layer.

    Notes
    -----
    With samples as rows (``X`` of shape ``(m, n_x)``), sample weights ``s``
    summing to ``m`` and the standardized targets
    ``Y = (y − ȳ) / σ_y`` (the weighted mean and standard deviation of each
    output), one iteration computes::

        Z1 = X·W1ᵀ + b1          A1 = g(Z1)
        Z2 = A1·W2ᵀ + b2         A2 = Z2              (identity output)
        J  = (1/2m) Σ s ‖A2 − Y‖² + (α/2m) (‖W1‖² + ‖W2‖²)
        dZ2 = (A2 − Y) ∗ s
        dW2 = dZ2ᵀ·A1 / m        db2 = Σ dZ2 / m
        dZ1 = dZ2·W2 ∗ g′(Z1)
        dW1 = dZ1ᵀ·X / m         db1 = Σ dZ1 / m

    plus ``α W / m`` on the weight gradients. The fitted model stores
    ``W2_ = σ_y · W2`` and ``b2_ = σ_y · b2 + ȳ``, so that
    ``predict(X) = A1·W2_ᵀ + b2_``: a fit on ``c · y`` predicts ``c`` times
    the values of a fit on ``y``, bit for bit for a power of two ``c``.
    Another ``c`` changes the last bits of the standardized targets;
    ``alpha="auto"`` still deals the rows to the same folds (they are hashed
    with their targets at float32 precision) and chooses the same alpha, and
    the fit follows to the optimiser's sensitivity to rounding (on a
    non-convex problem, L-BFGS paths that start a few ulps apart can end
    some way apart). An output of constant y is scaled by ``|ȳ|``
    (1 when ȳ = 0) instead of its zero deviation. The mean and deviation are
    exactly rounded sums, whatever the row order, so an integer weight gives
    bit for bit the model of repeated rows for the full-batch solvers;
    ``warm_start`` and ``partial_fit`` keep the standardization of the
    first fit (of the first chunk, for ``partial_fit``).

    **Counts** (``loss="poisson"``): with ``Y = y / ȳ``, ȳ the weighted
    mean of each output, the output and the loss are::

        A2 = e^Z2                                      (exponential output)
        J  = (1/m) Σ s (A2 − Y·Z2 + Y log Y − Y) + (α/2m) (‖W1‖² + ‖W2‖²)
        dZ2 = (A2 − Y) ∗ s

    the rest of the pass unchanged. ``A2 − Y·Z2`` is half the Poisson
    deviance up to a constant in Y; the constant makes J half the mean
    deviance, 0 for a perfect fit. ``b2`` starts at ``log(mean Y)`` (about
    0) and the fitted model stores ``b2_ = b2 + log ȳ``, so that
    ``predict(X) = exp(A1·W2_ᵀ + b2_)``: a fit on ``c · y`` predicts ``c``
    times the values, to rounding. ``predict`` clips the logits to the
    float type's range before the exponential, so a prediction is always
    finite and > 0. Early stopping scores D² (``d2_tweedie_score(power=1)``), and
    ``alpha="auto"`` scores its path by the held-out deviance.

    **Callbacks** (scikit-learn >= 1.9) and **metadata routing** work as for
    :class:`TwoLayerClassifier`: ``set_callbacks(...)``;
    ``set_fit_request(sample_weight=True)`` and ``set_score_request``.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_twolayer import TwoLayerRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(200, 1))
    >>> y = np.sin(X[:, 0]) + 0.1 * rng.randn(200)
    >>> reg = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, y)
    >>> reg.W1_.shape, reg.W2_.shape, reg.out_activation_
    ((8, 1), (1, 8), 'identity')
    >>> bool(reg.score(X, y) > 0.95)
    True

    The four arrays are the model, in y's units:

    >>> A1 = np.tanh(X @ reg.W1_.T + reg.b1_)
    >>> np.allclose(A1 @ reg.W2_.T + reg.b2_, reg.predict(X)[:, None])
    True

    Counts, with ``loss="poisson"``: predictions are positive, and
    ``d2_tweedie_score(power=1)`` scores them on the Poisson deviance:

    >>> from sklearn.metrics import d2_tweedie_score
    >>> counts = rng.poisson(np.exp(np.sin(X[:, 0])))
    >>> pois = TwoLayerRegressor(loss="poisson", random_state=0).fit(X, counts)
    >>> pois.out_activation_, bool(pois.predict(X).min() > 0)
    ('exp', True)
    >>> bool(d2_tweedie_score(counts, pois.predict(X), power=1) > 0.3)
    True
    """

    _numeric_y = True

    _parameter_constraints: dict = {
        **TwoLayerBase._parameter_constraints,
        "loss": [StrOptions(set(OUTPUT_OF_LOSS))],
    }

    def __init__(
        self,
        n_hidden: int = 32,
        *,
        loss: Literal["squared_error", "poisson"] = "squared_error",
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
        warm_start: bool = False,
        random_state: int | np.random.RandomState | None = None,
        verbose: bool | int = False,
    ) -> None:
        self.n_hidden = n_hidden
        self.loss = loss
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
    ) -> TwoLayerRegressor:
        """Fit the network to X and y.

        Trains from a new initialisation (from the fitted weights with
        ``warm_start``) until ``max_iter``, the ``tol`` rule or early
        stopping ends the run. A fit that fails for any reason (bad input,
        divergence, an interrupt) leaves a previously fitted model exactly
        as it was.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data is trained and kept in float32.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Numeric targets, finite.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; an integer weight counts a sample that many
            times. Inside a Pipeline or GridSearchCV with metadata routing
            enabled, ask for it with ``set_fit_request(sample_weight=True)``.

        Returns
        -------
        self : TwoLayerRegressor
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sk_twolayer import TwoLayerRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(100, 3)
        >>> y = X[:, 0] ** 2 + X[:, 1]
        >>> reg = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, y)
        >>> len(reg.loss_curve_) == reg.n_iter_, reg.n_outputs_
        (True, 1)

        y's units do not matter: ``2**20 · y`` gives ``2**20 ·`` the
        predictions, bit for bit (other factors: to rounding, see Notes).

        >>> big = TwoLayerRegressor(n_hidden=8, random_state=0).fit(X, 2**20 * y)
        >>> np.array_equal(big.predict(X), 2**20 * reg.predict(X))
        True

        An integer weight is the same as repeating the row (bit for bit, for
        the full-batch solvers):

        >>> w = rng.randint(1, 4, size=100)
        >>> weighted = TwoLayerRegressor(n_hidden=8, random_state=0)
        >>> weighted = weighted.fit(X, y, sample_weight=w)
        >>> repeated = TwoLayerRegressor(n_hidden=8, random_state=0)
        >>> repeated = repeated.fit(np.repeat(X, w, axis=0), np.repeat(y, w))
        >>> np.array_equal(weighted.W2_, repeated.W2_)
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
        sample_weight: ArrayLike | None = None,
    ) -> TwoLayerRegressor:
        """One pass over the given data: one epoch of mini-batches for
        ``"sgd"`` and ``"adam"``, one gradient step for ``"gd"``.

        Continues from the current weights and optimiser state, which
        survive pickling, so streaming data can be learned chunk by chunk.
        The first call standardizes y by its chunk's mean and deviation and
        later calls keep that scaling. Not available for ``"lbfgs"``, nor
        with ``early_stopping=True`` (a ValueError, as in MLPRegressor).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A chunk of training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Its targets, with as many outputs as on the first call.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights for the chunk.

        Returns
        -------
        self : TwoLayerRegressor
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sk_twolayer import TwoLayerRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(400, 3)
        >>> y = X[:, 0] - 2 * X[:, 1]
        >>> reg = TwoLayerRegressor(solver="adam", random_state=0)
        >>> for rows in np.array_split(np.arange(400), 4):
        ...     reg = reg.partial_fit(X[rows], y[rows])
        >>> reg.n_iter_, reg.t_, len(reg.loss_curve_)
        (4, 400, 4)
        """
        open_callback_context(self, "partial_fit", max_subtasks=0)
        return self._transaction(self._train, X, y, sample_weight, None, True)

    def _targets(self, X, y, sample_weight, warm, classes, partial):
        what = warm or "fit"
        if warm and self.out_activation_ != OUTPUT_OF_LOSS[self.loss]:
            raise ValueError(
                f"{warm}: the fitted model's output is {self.out_activation_!r}, "
                f"loss={self.loss!r} trains an {OUTPUT_OF_LOSS[self.loss]!r} "
                "output; refit from scratch to change the loss."
            )
        if self.loss == "poisson":
            scale = self._target_scale if warm else None
            targets = count_targets(y, X, sample_weight, scale, what=what)
            mean = None
        else:
            scaling = (self._target_mean, self._target_scale) if warm else None
            targets = standardize(y, X, sample_weight, scaling, what=what)
            mean = targets.mean
        if self.early_stopping and not partial:
            check_validation_size(
                targets.sample_weight, len(y), self.validation_fraction
            )
        self._target_mean, self._target_scale = mean, targets.scale
        self.out_activation_ = targets.output
        self.n_outputs_ = targets.Y.shape[1]
        return targets

    def _after_training(self, X, targets, partial):
        """The posterior of the fitted weights (``_posterior``), taken on
        the training rows; partial_fit, which sees a chunk at a time, keeps
        none."""
        if partial:
            self.posterior_ = None
            return
        # The path's held-out ½ ‖r‖² per row at alpha_ (squared error only:
        # for counts it is the deviance, and the dispersion is Pearson's).
        path, output = self.alpha_path_ or {}, self.out_activation_
        held_out = None
        if self.alpha_ in path and output == "identity":
            held_out = 2 * path[self.alpha_] / self.n_outputs_
        unit = 1.0
        if targets.weights_are_exposures:  # as alpha="auto" reads them
            unit = exposure_unit(X, targets.Y, targets.sample_weight)
        self.posterior_ = _posterior.fit(
            X,
            targets.Y,
            targets.sample_weight,
            self._trained_params(),
            self.alpha_,
            self.activation,
            held_out=held_out,
            output=output,
            weight_unit=unit,
        )

    # ------------------------------------------------------------- predict

    def predict(
        self, X: MatrixLike, return_std: bool = False
    ) -> NDArray[np.floating] | tuple[NDArray[np.floating], NDArray[np.floating]]:
        """Predicted targets, ``g(X·W1_ᵀ + b1_)·W2_ᵀ + b2_`` (its exponential
        with ``loss="poisson"``, always finite and > 0), and with
        ``return_std`` the standard deviation of the predictive distribution.

        The std is that of a new observation of y at x: the noise (for
        counts, Poisson's, times the dispersion the training rows show),
        plus the uncertainty of the weights under the posterior that the L2
        penalty implies (a Gaussian prior of precision ``alpha_``),
        linearised at the fitted weights (the Laplace approximation). It
        widens where the training data are thin. See the user guide, "How
        sure is the network".

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        return_std : bool, default=False
            Also return the predictive standard deviation, as
            :class:`~sklearn.gaussian_process.GaussianProcessRegressor` and
            :class:`~sklearn.linear_model.BayesianRidge` do. Needs a model
            fitted by ``fit`` (not ``partial_fit``, which sees one chunk at
            a time and keeps no posterior).

        Returns
        -------
        y_mean : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when the model has one output (as MLPRegressor), in the
            weights' float type (float32 for a model fitted on float32 X and
            float32 input). The same with and without ``return_std``.

        y_std : ndarray of the shape of y_mean
            Only with ``return_std=True``: the predictive standard deviation
            of each output, in y's units; mean ± 1.645 std is a 90 %
            interval. It is that of a new row of weight 1 (for
            ``loss="poisson"``, of the training rows' average exposure: a
            rate's noise variance is inversely proportional to its
            exposure).

        Examples
        --------
        >>> import numpy as np
        >>> from sk_twolayer import TwoLayerRegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.randn(100, 2)
        >>> Y = np.c_[X[:, 0] + X[:, 1], X[:, 0] * X[:, 1]]
        >>> reg = TwoLayerRegressor(n_hidden=16, random_state=0).fit(X, Y)
        >>> reg.predict(X).shape, reg.predict(X[:, :]).dtype
        ((100, 2), dtype('float64'))
        >>> bool(reg.score(X, Y) > 0.9)
        True

        With ``return_std``, the predictive standard deviation of each
        output; it grows away from the training data:

        >>> mean, std = reg.predict(X, return_std=True)
        >>> mean.shape, std.shape
        ((100, 2), (100, 2))
        >>> far = reg.predict(10 * X[:5], return_std=True)[1]
        >>> bool(np.all(far.mean(axis=0) > std.mean(axis=0)))
        True
        """
        X = self._validated(X)
        Z2 = self._logits(X)
        if self.out_activation_ == "exp":  # A2 = e^Z2, finite and > 0
            Z2 = net.poisson_mean(Z2)
        y_mean = Z2[:, 0] if self.n_outputs_ == 1 else Z2
        if not return_std:
            return y_mean
        return y_mean, self._predictive_std(X, y_mean.dtype)

    def _predictive_std(self, X, dtype):
        posterior = getattr(self, "posterior_", None)
        if posterior is None:
            raise ValueError(
                "return_std=True needs the posterior that fit computes from all "
                "the training rows; this model was trained by partial_fit, "
                "which sees one chunk at a time. Call fit to get a std."
            )
        trained = self._trained_params()
        var = _posterior.variance(posterior, X, trained, self.activation)
        std = np.sqrt(var) * self._target_scale
        std = std.astype(dtype, copy=False)
        return std[:, 0] if self.n_outputs_ == 1 else std

    def _trained_params(self):
        """W1_, b1_, W2_, b2_ in the units the network was trained in: y
        standardized (``(y − mean) / scale``), or y / scale for counts."""
        W2, b2 = (np.asarray(p, dtype=np.float64) for p in (self.W2_, self.b2_))
        scale, mean = self._target_scale, self._target_mean
        if self.out_activation_ == "exp":
            return self.W1_, self.b1_, W2, b2 - np.log(scale)
        return self.W1_, self.b1_, W2 / scale[:, None], (b2 - mean) / scale

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        # Counts: the estimator checks then draw y >= 0 (as for PoissonRegressor).
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags
