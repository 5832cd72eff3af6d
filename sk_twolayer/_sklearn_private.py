"""The only place sk_twolayer imports private scikit-learn names.

scikit-learn keeps these underscored but stable across 1.6 – 1.9; if one moves,
this file is the one to change.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight

__all__ = ["Interval", "StrOptions", "_check_sample_weight", "_fit_context"]
