"""What every two-layer estimator shares: the fit transaction, the one
sequence behind ``fit`` and ``partial_fit``, storing a result, and the
prediction path up to the logits.

A concrete estimator (:class:`TwoLayerClassifier`, :class:`TwoLayerRegressor`)
adds its parameters and ``__init__``, its public methods with their
docstrings, and the hooks ``_targets`` (y to a ``_targets.Targets``,
``_targets.RegressionTargets`` or ``_targets.CountTargets``: Y, its output
unit, its validation score and the map from the trained weights to the
model's) and ``_check_partial_call``.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import replace
from numbers import Integral, Real
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils.validation import check_is_fitted, validate_data

from ._auto_alpha import PARTIAL_FIT_ALPHA, exposure_unit
from ._blocks import logits
from ._callbacks import FitReport
from ._sklearn_private import (
    CallbackSupportMixin,
    Interval,
    Options,
    StrOptions,
    validate_params,
)
from ._training import (
    PARAM_NAMES,
    FitConfig,
    initial_params,
    model_attributes,
    train,
    warn_about,
)

#: What the public methods take as ``X``: anything array-like, or a SciPy sparse
#: matrix or array (CSR or CSC; others are converted).
if TYPE_CHECKING:
    MatrixLike: TypeAlias = ArrayLike | sp.spmatrix | sp.sparray
else:  # the same at run time, where SciPy < 1.11 has no sparray
    MatrixLike = ArrayLike | sp.spmatrix | getattr(sp, "sparray", sp.spmatrix)

_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


def _check_partial_fit_solver(estimator):
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is not available for solver='lbfgs', which needs all the "
            "data at once; use solver='adam', 'sgd' or 'gd'."
        )
    return True


def _named(params):
    """``{"W1_": W1, ...}`` from W1, b1, W2, b2."""
    return dict(zip(PARAM_NAMES, params))


def _all_finite(X):
    """Whether the float array X is finite, cheaply and without a warning:
    for a few rows by element, else by its sum under errstate (a sum of
    values near the float limits overflows: X then takes the full check)."""
    if X.size <= 1024:
        return bool(np.isfinite(X).all())
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(X.sum()))


class TwoLayerBase(CallbackSupportMixin, BaseEstimator):
    """The shared machinery of the two-layer estimators (not public)."""

    #: Whether y must be numeric (validate_data's ``y_numeric``: an object
    #: array is converted to float): a regressor's targets, not labels.
    _numeric_y = False

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
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),  # as MLPClassifier: the tol rule never fires
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "alpha": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
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
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

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

    def _train(self, X, y, sample_weight, classes=None, partial=False):
        """The sequence fit and partial_fit share: validate, encode the
        targets, start or carry on, train, store the result."""
        given = X, y, sample_weight  # the data the callbacks see
        warm = self._continues(classes, partial)
        X, y = self._validate_training_data(X, y, reset=warm is None)
        targets = self._targets(X, y, sample_weight, warm, classes, partial)
        carry_on = warm == "partial_fit"
        rng = self._random_state if carry_on else check_random_state(self.random_state)
        config = FitConfig.from_params(
            self.get_params(),
            output=targets.output,
            score=targets.score,
            relative_tol=targets.relative_tol,
            whole_ladder=targets.whole_ladder,
            weights_are_exposures=targets.weights_are_exposures,
            weight_per_observation=targets.weight_per_observation,
            one_pass=partial,
        )
        if config.alpha == "auto" and (warm or partial):
            # Carry on at the alpha chosen before; partial_fit's first call
            # has no data to hold out and takes a fixed one (for counts, per
            # average row of its chunk, as the path reads exposures).
            alpha = getattr(self, "alpha_", None) if warm else None
            if not alpha:
                alpha = PARTIAL_FIT_ALPHA
                if targets.weights_are_exposures:
                    alpha *= exposure_unit(X, targets.Y, targets.sample_weight)
            config = replace(config, alpha=alpha)
        if warm:
            params = targets.from_model(self._fitted_params(X.dtype, warm))
        else:
            params = initial_params(config, X, targets, rng)
        run = train(
            config,
            X,
            targets.Y,
            targets.sample_weight,
            targets.labels,
            params,
            rng,
            getattr(self, "_optimizer", None) if carry_on else None,
            functools.partial(self._start_report, given, targets),
        )
        self._store(run, rng, carry_on, targets)
        self._after_training(X, targets, partial)
        run.monitor.finish()
        if not partial:
            warn_about(config, run.result, type(self).__name__)
        return self

    def _start_report(self, given, targets, weights, theta, subtask_name):
        """``_callbacks.FitReport.start``, the weights it reports mapped to
        the model's (``targets.to_model``)."""

        def model(theta):
            trained = weights(theta)
            return _named(targets.to_model([trained[n] for n in PARAM_NAMES]))

        return FitReport.start(self, given, model, theta, subtask_name)

    def _continues(self, classes, partial):
        """Which call continues from the fitted weights: "warm_start",
        "partial_fit" or None (a new model); checks partial_fit's call."""
        fitted = hasattr(self, "W1_")
        if not partial:
            return "warm_start" if self.warm_start and fitted else None
        if fitted:
            # scikit-learn validates parameters only on partial_fit's first
            # call; set_params between calls must not slip through.
            validate_params(self)
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: each call "
                "is one pass over the chunk it is given, with no data held out "
                "to stop on. Set early_stopping=False and score a held-out "
                "chunk between calls to decide when to stop."
            )
        self._check_partial_call(fitted, classes)
        return "partial_fit" if fitted else None

    def _check_partial_call(self, fitted, classes):
        """Raise if partial_fit cannot run with these arguments (a hook)."""

    def _after_training(self, X, targets, partial):
        """Keep what the model needs beyond its weights, from the training
        rows X and their ``targets`` (a hook: the regressor's posterior)."""

    def _targets(self, X, y, sample_weight, warm, classes, partial):
        """Encode y as a ``_targets.Targets`` and store what describes it
        (``n_outputs_``, ...); ``warm`` and ``classes`` as in ``_train``."""
        raise NotImplementedError

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
                y_numeric=self._numeric_y,
                reset=reset,
            )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _fitted_params(self, dtype, warm):
        """The fitted weights to continue from (``warm`` names the caller)."""
        W1, b1, W2, b2 = (p.astype(dtype) for p in self._model_params())
        if W1.shape[0] != self.n_hidden:
            raise ValueError(
                f"{warm}: the fitted model has {W1.shape[0]} hidden units "
                f"but n_hidden={self.n_hidden}; refit from scratch to change "
                "n_hidden."
            )
        return W1, b1, W2, b2

    def _store(self, run, rng, carry_on, targets):
        """Keep a finished run: the model (``targets.to_model`` of the
        trained weights), the optimiser state and the curves (``carry_on``:
        partial_fit adds to the earlier calls')."""
        result, monitor = run.result, run.monitor
        trained = model_attributes(result.theta, run.dims, run.space)
        model = targets.to_model([trained[name] for name in PARAM_NAMES])
        for name, value in _named(model).items():
            setattr(self, name, value)
        self._optimizer, self._random_state = run.optimizer, rng
        self.alpha_, self.alpha_path_ = run.alpha, run.alpha_path
        earlier = list(getattr(self, "loss_curve_", [])) if carry_on else []
        self.n_iter_ = (getattr(self, "n_iter_", 0) if carry_on else 0) + result.n_iter
        passes = result.n_evals or result.n_iter  # L-BFGS may pass more often
        self.t_ = (self.t_ if carry_on else 0) + passes * run.n_train
        self.loss_curve_ = earlier + result.loss_curve
        best = result.best_iter
        self.loss_ = (
            self.loss_curve_[-1] if best is None else result.loss_curve[best - 1]
        )
        validated = monitor.validation is not None
        self.validation_scores_ = monitor.scores if validated else None
        self.validation_loss_curve_ = monitor.losses if validated else None
        self.best_validation_score_ = monitor.best_score if validated else None
        self.best_validation_loss_ = monitor.best_loss if validated else None

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
            and _all_finite(X)
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
        params = [np.asarray(getattr(self, name)) for name in PARAM_NAMES]
        W1 = params[0]
        n_h = W1.shape[0] if W1.ndim == 2 else "n_hidden"
        expected = [
            (n_h, self.n_features_in_),
            (n_h,),
            (self.n_outputs_, n_h),
            (self.n_outputs_,),
        ]
        for name, p, shape in zip(PARAM_NAMES, params, expected):
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
            total = Z2.sum()  # inf + (−inf) or an overflowing sum: no warning
        if not np.isfinite(total) and not np.all(np.isfinite(Z2)):
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

    # ------------------------------------- MLP's names for the fitted model

    @property
    def coefs_(self):
        """``[W1_.T, W2_.T]``: the weights in MLPClassifier's and
        MLPRegressor's layout (fan_in × fan_out), read-only views."""
        check_is_fitted(self)
        return [_read_only(np.asarray(self.W1_).T), _read_only(np.asarray(self.W2_).T)]

    @property
    def intercepts_(self):
        """``[b1_, b2_]``, read-only views, as MLP's ``intercepts_``."""
        check_is_fitted(self)
        return [_read_only(np.asarray(self.b1_)), _read_only(np.asarray(self.b2_))]

    @property
    def n_layers_(self):
        """3: the input, hidden and output layers, as MLP counts them."""
        check_is_fitted(self)
        return 3

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _read_only(array):
    """A view of ``array`` that cannot be written through."""
    view = array.view()
    view.flags.writeable = False
    return view
