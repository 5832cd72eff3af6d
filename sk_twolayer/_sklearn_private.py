"""The only place sk_twolayer imports private scikit-learn names, and the one
place that guards an import by scikit-learn version.

scikit-learn keeps these underscored but stable across 1.6 – 1.9; if one moves,
this file is the one to change.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight

try:  # the callback API (set_callbacks, ProgressBar, ...) is new in scikit-learn 1.9
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn 1.6 – 1.8: no callbacks, nothing to support

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Stands in for scikit-learn's mixin when it has none: adds nothing."""

    CALLBACKS_AVAILABLE = False
else:
    CALLBACKS_AVAILABLE = True

__all__ = [
    "CALLBACKS_AVAILABLE",
    "CallbackSupportMixin",
    "Interval",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
]
