"""The only place sk_twolayer imports or reads private scikit-learn names,
and the one place that guards an import by scikit-learn version.

That includes the private methods and attributes scikit-learn keeps on the
estimator (``_validate_params``, and the ``CallbackSupportMixin``'s
``_init_callback_context``, ``_callback_fit_ctx``, ``_skl_callbacks``): the
package reaches them through the functions below.

scikit-learn keeps these underscored but stable across 1.6 – 1.9; if one moves,
this file is the one to change.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight

try:  # the callback API (set_callbacks, ProgressBar, ...) is new in scikit-learn 1.9
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn 1.6 – 1.8: no callbacks, nothing to support

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Stands in for scikit-learn's mixin when it has none: adds nothing."""

    CALLBACKS_AVAILABLE = False
else:
    CALLBACKS_AVAILABLE = True


def validate_params(estimator):
    """Check the estimator's parameters against its constraints now
    (``BaseEstimator._validate_params``; ``_fit_context`` does it only on
    partial_fit's first call)."""
    estimator._validate_params()


def init_callback_context(estimator, task_name, max_subtasks):
    """Make the estimator's root callback context (scikit-learn >= 1.9)."""
    estimator._init_callback_context(task_name=task_name, max_subtasks=max_subtasks)


def callback_fit_context(estimator):
    """The estimator's root callback context, or None outside a fit."""
    return getattr(estimator, "_callback_fit_ctx", None)


def has_callbacks(estimator):
    """Whether callbacks were set with ``set_callbacks``."""
    return bool(getattr(estimator, "_skl_callbacks", None))


__all__ = [
    "CALLBACKS_AVAILABLE",
    "CallbackSupportMixin",
    "callback_fit_context",
    "has_callbacks",
    "init_callback_context",
    "validate_params",
    "Interval",
    "Options",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
]
